// The bad-weights catalogue, part 2: broken tensor entries, a data section
// the tensors do not tile, non-finite values, and files that do not fit the
// architecture's tensor list. Every message names the tensor at fault.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "ecglens/io/weights_file.h"
#include "weights_bytes.h"

namespace ecglens {
namespace {

using test::expect_rejected;
using test::f32_bytes;
using test::header_with_tensors;
using test::weights_bytes;

// One tensor entry as JSON.
std::string entry(const std::string& name, const std::string& shape, int offset,
                  const std::string& dtype = "f32") {
  return R"({"name":")" + name + R"(","shape":)" + shape + R"(,"dtype":")" + dtype + R"(","offset":)" +
         std::to_string(offset) + "}";
}

// A file whose tensors list is `entries` and whose data section holds `count` floats.
std::string file_with(const std::string& entries, int count) {
  return weights_bytes(header_with_tensors("[" + entries + "]"), f32_bytes(std::vector<float>(count, 0.5f)));
}

// --- Tensor entries --------------------------------------------------------------

TEST(BadWeightsTensors, UnsupportedDtypeNamesTheTensor) {
  expect_rejected(file_with(entry("enc.w", "[4]", 0, "f16"), 4), "enc.w",
                  "bad.ecgw: tensor 'enc.w': dtype \"f16\" is not supported (only \"f32\")");
}

TEST(BadWeightsTensors, ZeroDimensionIsRefused) {
  expect_rejected(file_with(entry("enc.w", "[4,0]", 0), 4), "enc.w",
                  "bad.ecgw: tensor 'enc.w': shape must be a non-empty list of positive integers, got [4,0]");
}

TEST(BadWeightsTensors, NegativeDimensionIsRefused) {
  expect_rejected(
      file_with(entry("enc.w", "[-2,-2]", 0), 4), "enc.w",
      "bad.ecgw: tensor 'enc.w': shape must be a non-empty list of positive integers, got [-2,-2]");
}

TEST(BadWeightsTensors, FractionalDimensionIsRefused) {
  expect_rejected(
      file_with(entry("enc.w", "[2.0,2]", 0), 4), "enc.w",
      "bad.ecgw: tensor 'enc.w': shape must be a non-empty list of positive integers, got [2.0,2]");
}

TEST(BadWeightsTensors, EmptyShapeIsRefused) {
  expect_rejected(file_with(entry("enc.w", "[]", 0), 1), "enc.w",
                  "bad.ecgw: tensor 'enc.w': shape must be a non-empty list of positive integers, got []");
}

TEST(BadWeightsTensors, HugeShapeIsRefusedWithoutOverflow) {
  // 2^32 * 2^32 * 2^32 overflows int64; each dimension alone is plausible.
  expect_rejected(file_with(entry("enc.w", "[4294967296,4294967296,4294967296]", 0), 4), "enc.w",
                  "bad.ecgw: tensor 'enc.w': shape [4294967296,4294967296,4294967296] holds more values than "
                  "the data section (16 bytes)");
}

TEST(BadWeightsTensors, OffsetNotAMultipleOfFourIsRefused) {
  expect_rejected(file_with(entry("a", "[1]", 0) + "," + entry("b", "[2]", 6), 3), "b",
                  "bad.ecgw: tensor 'b': offset 6 is not a multiple of 4");
}

TEST(BadWeightsTensors, NegativeOffsetIsRefused) {
  expect_rejected(file_with(entry("a", "[1]", -4), 1), "a",
                  "bad.ecgw: tensor 'a': offset must be a non-negative integer, got -4");
}

TEST(BadWeightsTensors, TensorPastTheEndOfTheDataIsRefused) {
  expect_rejected(
      file_with(entry("a", "[2]", 0) + "," + entry("b", "[3]", 8), 4), "b",
      "bad.ecgw: tensor 'b': its 12 bytes at offset 8 run past the end of the data section (16 bytes)");
}

TEST(BadWeightsTensors, OverlappingTensorsAreRefused) {
  expect_rejected(
      file_with(entry("a", "[3]", 0) + "," + entry("b", "[3]", 8), 6), "b",
      "bad.ecgw: tensor 'b': bytes [8, 20) overlap tensor 'a' (bytes [0, 12) of the data section)");
}

TEST(BadWeightsTensors, TensorsAtTheSameOffsetOverlap) {
  expect_rejected(file_with(entry("a", "[2]", 0) + "," + entry("b", "[2]", 0), 4), "b",
                  "bad.ecgw: tensor 'b': bytes [0, 8) overlap tensor 'a' (bytes [0, 8) of the data section)");
}

TEST(BadWeightsTensors, GapBetweenTensorsIsRefused) {
  expect_rejected(file_with(entry("a", "[1]", 0) + "," + entry("b", "[1]", 8), 3), "",
                  "bad.ecgw: bytes [4, 8) of the data section belong to no tensor (a gap before tensor 'b')");
}

TEST(BadWeightsTensors, TrailingBytesAfterTheLastTensorAreRefused) {
  expect_rejected(
      file_with(entry("a", "[2]", 0), 3), "",
      "bad.ecgw: 4 bytes after the last tensor ('a' ends at data offset 8); the data section has 12 bytes");
  // Not even a partial float may follow.
  expect_rejected(
      test::valid_weights_bytes() + "x", "",
      "bad.ecgw: 1 byte after the last tensor ('w' ends at data offset 16); the data section has 17 "
      "bytes");
}

TEST(BadWeightsTensors, DataWithNoTensorsListedIsRefused) {
  expect_rejected(
      file_with("", 1), "",
      "bad.ecgw: 4 bytes after the last tensor (the file lists no tensors); the data section has 4 bytes");
}

TEST(BadWeightsTensors, DuplicateNameIsRefused) {
  expect_rejected(file_with(entry("a", "[1]", 0) + "," + entry("a", "[1]", 4), 2), "a",
                  "bad.ecgw: tensor 'a': appears twice in the header");
}

TEST(BadWeightsTensors, EmptyNameIsRefused) {
  expect_rejected(file_with(entry("", "[1]", 0), 1), "", "bad.ecgw: tensor entry 0 has an empty name");
}

TEST(BadWeightsTensors, EntryWithoutShapeIsRefused) {
  expect_rejected(file_with(R"({"name":"a","dtype":"f32","offset":0})", 1), "",
                  "bad.ecgw: tensor entry 0 has no 'shape'");
}

TEST(BadWeightsTensors, UnknownKeyInEntryIsRefused) {
  expect_rejected(file_with(R"({"name":"a","shape":[1],"dtype":"f32","offset":0,"scale":2})", 1), "a",
                  "bad.ecgw: tensor 'a': unknown key 'scale' in its entry");
}

// --- Values ----------------------------------------------------------------------

// A file with tensors "ok" (4 values) and "w" (20 values, value 17 = `bad`).
std::string file_with_value(float bad) {
  std::vector<float> values(24, 0.25f);
  values[4 + 17] = bad;
  return weights_bytes(header_with_tensors("[" + entry("ok", "[4]", 0) + "," + entry("w", "[4,5]", 16) + "]"),
                       f32_bytes(values));
}

TEST(BadWeightsValues, NanValueNamesTensorAndIndex) {
  expect_rejected(file_with_value(std::numeric_limits<float>::quiet_NaN()), "w",
                  "bad.ecgw: tensor 'w': non-finite value nan at index 17");
}

TEST(BadWeightsValues, InfinityNamesTensorAndIndex) {
  expect_rejected(file_with_value(std::numeric_limits<float>::infinity()), "w",
                  "bad.ecgw: tensor 'w': non-finite value inf at index 17");
  expect_rejected(file_with_value(-std::numeric_limits<float>::infinity()), "w",
                  "bad.ecgw: tensor 'w': non-finite value -inf at index 17");
}

TEST(BadWeightsValues, LargestFiniteAndSubnormalValuesAreAccepted) {
  const WeightsFile f = parse_weights(file_with_value(std::numeric_limits<float>::max()), "x");
  EXPECT_EQ(f.tensor("w").data[17], std::numeric_limits<float>::max());
  const WeightsFile g = parse_weights(file_with_value(std::numeric_limits<float>::denorm_min()), "x");
  EXPECT_EQ(g.tensor("w").data[17], std::numeric_limits<float>::denorm_min());
}

// --- Against the architecture's tensor list --------------------------------------

WeightsFile lstm_file() {
  WeightsFile f;
  f.source = "model.ecgw";
  f.architecture = {{"kind", "lstm_ae"}};
  f.tensors = {{"encoder.0.weight_ih", {256, 1}, std::vector<float>(256)},
               {"encoder.0.weight_hh", {128, 64}, std::vector<float>(128 * 64)}};
  return f;
}

void expect_check_error(const WeightsFile& f, const std::vector<TensorSpec>& specs, const std::string& tensor,
                        const std::string& message) {
  try {
    check_tensors(f, specs);
    ADD_FAILURE() << "accepted; wanted: " << message;
  } catch (const WeightsError& e) {
    EXPECT_EQ(std::string(e.what()), message);
    EXPECT_EQ(e.tensor(), tensor);
  }
}

TEST(CheckTensorsRejects, ShapeMismatchSaysExpectedAndActual) {
  expect_check_error(lstm_file(), {{"encoder.0.weight_ih", {256, 1}}, {"encoder.0.weight_hh", {256, 64}}},
                     "encoder.0.weight_hh",
                     "model.ecgw: tensor 'encoder.0.weight_hh': expected shape [256, 64], got [128, 64]");
}

TEST(CheckTensorsRejects, SameCountDifferentRankIsAMismatch) {
  expect_check_error(lstm_file(), {{"encoder.0.weight_ih", {256}}, {"encoder.0.weight_hh", {128, 64}}},
                     "encoder.0.weight_ih",
                     "model.ecgw: tensor 'encoder.0.weight_ih': expected shape [256], got [256, 1]");
}

TEST(CheckTensorsRejects, MissingExpectedTensorIsNamed) {
  expect_check_error(
      lstm_file(),
      {{"encoder.0.weight_ih", {256, 1}}, {"encoder.0.weight_hh", {128, 64}}, {"output.bias", {1}}},
      "output.bias",
      "model.ecgw: tensor 'output.bias': missing tensor (architecture lstm_ae needs it with shape [1])");
}

TEST(CheckTensorsRejects, UnexpectedExtraTensorIsNamed) {
  expect_check_error(
      lstm_file(), {{"encoder.0.weight_ih", {256, 1}}}, "encoder.0.weight_hh",
      "model.ecgw: tensor 'encoder.0.weight_hh': unexpected tensor (not used by architecture lstm_ae)");
}

TEST(CheckTensorsRejects, WithoutAKindTheMessageStillReads) {
  WeightsFile f = lstm_file();
  f.architecture = nlohmann::json::object();
  expect_check_error(
      f, {{"encoder.0.weight_ih", {256, 1}}}, "encoder.0.weight_hh",
      "model.ecgw: tensor 'encoder.0.weight_hh': unexpected tensor (not used by the architecture)");
}

}  // namespace
}  // namespace ecglens
