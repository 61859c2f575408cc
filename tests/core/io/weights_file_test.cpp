// Round trips through the weights file and its byte layout (FORMAT.md).
#include "ecglens/io/weights_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>

#include "ecglens/util/error.h"
#include "weights_bytes.h"

namespace ecglens {
namespace {

using ::testing::HasSubstr;

// A file that uses every field, with tensors of different ranks and values
// that a careless encoding would change (signed zero, subnormal, extremes).
WeightsFile example_file() {
  WeightsFile f;
  f.source = "example.ecgw";
  f.architecture = {{"kind", "lstm_ae"},        {"input_dim", 1},           {"seq_len", 140},
                    {"encoder_hidden", {4, 2}}, {"decoder_hidden", {2, 4}}, {"cell", "lstm"}};
  f.normalization = {{"per_beat", "zscore"}};
  f.loss = "mae";
  // Not in alphabetical order: the file's order must survive.
  f.thresholds.default_name = "p99";
  f.thresholds.values = {{"p99", 0.51}, {"mean+2sd", 0.43}, {"max", 1.0 / 3.0}};
  f.hyperparameters = {{"lr", 1e-3}, {"epochs", 150}, {"optimizer", "adam"}};
  f.provenance = {{"seed", 42}, {"data", "ECG5000"}, {"split", {{"train", 0.8}}}};
  f.extra = {{"note", "kept as it is"}};
  f.tensors.push_back({"encoder.0.weight_ih", {16, 1}, {}});
  for (int i = 0; i < 16; ++i) f.tensors.back().data.push_back(0.1f * static_cast<float>(i) - 0.75f);
  f.tensors.push_back({"encoder.0.bias_ih",
                       {6},
                       {-0.0f, 1e-40f, FLT_MAX, std::numeric_limits<float>::lowest(), FLT_MIN, 0.1f}});
  f.tensors.push_back({"conv.weight", {2, 1, 3}, {1, -2, 3, -4, 5, -6}});
  return f;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST(WeightsRoundTrip, MultiTensorFileComesBackFieldForField) {
  const WeightsFile original = example_file();
  const WeightsFile back = parse_weights(serialize_weights(original), "back.ecgw");

  EXPECT_EQ(back.source, "back.ecgw");
  EXPECT_EQ(back.architecture, original.architecture);
  EXPECT_EQ(back.normalization, original.normalization);
  EXPECT_EQ(back.loss, "mae");
  EXPECT_EQ(back.thresholds.default_name, "p99");
  EXPECT_EQ(back.thresholds.values, original.thresholds.values);  // order and exact doubles
  EXPECT_EQ(back.hyperparameters, original.hyperparameters);
  EXPECT_EQ(back.provenance, original.provenance);
  EXPECT_EQ(back.extra, original.extra);
  ASSERT_EQ(back.tensors.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back.tensors[i].name, original.tensors[i].name);
    EXPECT_EQ(back.tensors[i].shape, original.tensors[i].shape);
    EXPECT_TRUE(same_bits(back.tensors[i].data, original.tensors[i].data)) << back.tensors[i].name;
  }
  EXPECT_TRUE(std::signbit(back.tensor("encoder.0.bias_ih").data[0]));  // -0.0 stays negative
}

TEST(WeightsRoundTrip, SerializingTwiceGivesTheSameBytes) {
  const std::string once = serialize_weights(example_file());
  EXPECT_EQ(serialize_weights(parse_weights(once, "x")), once);
}

TEST(WeightsLayout, PreambleHeaderPaddingAndDataAreWhereTheFormatSays) {
  WeightsFile f;
  f.architecture = {{"kind", "mlp_ae"}};
  f.tensors = {{"a", {1}, {1.0f}}, {"b", {2}, {-2.0f, 0.5f}}};
  const std::string bytes = serialize_weights(f);
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };

  EXPECT_EQ(bytes.substr(0, 8), "ECGLENSW");
  EXPECT_EQ(bytes.substr(8, 4), test::le32(1));   // version
  EXPECT_EQ(bytes.substr(12, 4), test::le32(0));  // reserved
  std::uint64_t header_length = 0;
  for (int i = 7; i >= 0; --i) header_length = header_length << 8 | byte(16 + i);
  const std::size_t data_start = (24 + header_length + 63) / 64 * 64;
  ASSERT_EQ(bytes.size(), data_start + 12);
  const auto header = nlohmann::json::parse(bytes.substr(24, header_length));
  EXPECT_EQ(header["tensors"][0]["offset"], 0);
  EXPECT_EQ(header["tensors"][1]["offset"], 4);
  EXPECT_EQ(header["tensors"][1]["dtype"], "f32");
  for (std::size_t i = 24 + header_length; i < data_start; ++i) EXPECT_EQ(byte(i), 0) << "padding at " << i;
  // 1.0f is 0x3f800000, -2.0f is 0xc0000000, 0.5f is 0x3f000000, least significant byte first.
  EXPECT_EQ(bytes.substr(data_start), std::string("\x00\x00\x80\x3f\x00\x00\x00\xc0\x00\x00\x00\x3f", 12));
}

TEST(WeightsLayout, ReaderTakesTensorsInAnyOrderThatTilesTheDataSection) {
  // "second" is listed first but stored after "first".
  const std::string bytes = test::weights_bytes(
      test::header_with_tensors(R"([{"name":"second","shape":[1],"dtype":"f32","offset":8},)"
                                R"({"name":"first","shape":[2],"dtype":"f32","offset":0}])"),
      test::f32_bytes({1, 2, 3}));
  const WeightsFile f = parse_weights(bytes, "x");
  ASSERT_EQ(f.tensors.size(), 2u);
  EXPECT_EQ(f.tensors[0].name, "second");  // header order is kept
  EXPECT_EQ(f.tensor("second").data, std::vector<float>{3});
  EXPECT_EQ(f.tensor("first").data, (std::vector<float>{1, 2}));
}

TEST(WeightsDefaults, OptionalKeysTakeTheFormatDefaults) {
  const WeightsFile f = parse_weights(test::valid_weights_bytes(), "min.ecgw");
  EXPECT_EQ(f.kind(), "lstm_ae");
  EXPECT_EQ(f.per_beat(), "none");
  EXPECT_EQ(f.loss, "mse");
  EXPECT_TRUE(f.thresholds.empty());
  EXPECT_FALSE(f.thresholds.default_value().has_value());
  EXPECT_EQ(f.hyperparameters, nlohmann::json::object());
  EXPECT_EQ(f.provenance, nlohmann::json::object());
  EXPECT_EQ(f.extra, nlohmann::json::object());
  EXPECT_EQ(f.tensor("w").shape, (std::vector<std::int64_t>{2, 2}));
  EXPECT_EQ(f.tensor("w").numel(), 4);
  EXPECT_EQ(f.tensor("w").data, (std::vector<float>{1, 2, 3, 4}));
}

TEST(WeightsLookup, ThresholdsFindByNameAndDefault) {
  const WeightsFile f = example_file();
  EXPECT_EQ(f.thresholds.find("mean+2sd"), 0.43);
  EXPECT_EQ(f.thresholds.default_value(), 0.51);
  EXPECT_FALSE(f.thresholds.find("p95").has_value());
}

TEST(WeightsLookup, MissingTensorErrorNamesFileAndTensor) {
  const WeightsFile f = example_file();
  EXPECT_EQ(f.find_tensor("nope"), nullptr);
  try {
    f.tensor("decoder.0.weight_hh");
    FAIL() << "no error";
  } catch (const WeightsError& e) {
    EXPECT_STREQ(e.what(), "example.ecgw: tensor 'decoder.0.weight_hh': missing tensor");
    EXPECT_EQ(e.tensor(), "decoder.0.weight_hh");
  }
}

TEST(WeightsLookup, ShapeToStringPrintsLikeAList) {
  EXPECT_EQ(shape_to_string({256, 64}), "[256, 64]");
  EXPECT_EQ(shape_to_string({7}), "[7]");
}

TEST(CheckTensors, AcceptsExactlyTheExpectedTensorsInAnyOrder) {
  const WeightsFile f = example_file();
  EXPECT_NO_THROW(check_tensors(
      f, {{"conv.weight", {2, 1, 3}}, {"encoder.0.weight_ih", {16, 1}}, {"encoder.0.bias_ih", {6}}}));
}

// The writer refuses what the reader would refuse, naming the tensor.
void expect_write_error(const WeightsFile& f, const std::string& message) {
  try {
    serialize_weights(f);
    FAIL() << "no error; wanted: " << message;
  } catch (const WeightsError& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
}

TEST(WeightsWriter, RefusesNonFiniteValue) {
  WeightsFile f = example_file();
  f.tensors[2].data[4] = std::nanf("");
  expect_write_error(f, "example.ecgw: tensor 'conv.weight': non-finite value nan at index 4");
}

TEST(WeightsWriter, RefusesShapeThatDoesNotMatchTheValues) {
  WeightsFile f = example_file();
  f.tensors[2].shape = {2, 2, 3};
  expect_write_error(f, "example.ecgw: tensor 'conv.weight': shape [2, 2, 3] does not match its 6 values");
  f.tensors[2].shape = {std::numeric_limits<std::int64_t>::max(), 4};  // product overflows int64
  expect_write_error(f,
                     "example.ecgw: tensor 'conv.weight': shape [9223372036854775807, 4] does not match "
                     "its 6 values");
  f.tensors[2].shape = {6, 0};
  expect_write_error(f,
                     "example.ecgw: tensor 'conv.weight': shape must be a non-empty list of positive "
                     "integers, got [6, 0]");
}

TEST(WeightsWriter, RefusesDuplicateAndEmptyNames) {
  WeightsFile f = example_file();
  f.tensors[2].name = "encoder.0.bias_ih";
  expect_write_error(f, "example.ecgw: tensor 'encoder.0.bias_ih': appears twice in the file");
  f.tensors[2].name = "";
  expect_write_error(f, "example.ecgw: a tensor has an empty name");
}

TEST(WeightsWriter, RefusesNonFiniteThreshold) {
  WeightsFile f = example_file();
  f.thresholds.values[1].second = std::numeric_limits<double>::infinity();
  expect_write_error(f, "example.ecgw: threshold 'mean+2sd' is not finite (inf)");
  f.thresholds.values[1].second = std::nan("");
  expect_write_error(f, "example.ecgw: threshold 'mean+2sd' is not finite (nan)");
}

TEST(WeightsWriter, RefusesMetadataTheReaderWouldRefuse) {
  WeightsFile f = example_file();
  f.loss = "rmse";
  expect_write_error(f, "example.ecgw: loss 'rmse' is not one of mse, mae, sae");
  f = example_file();
  f.thresholds.default_name = "p95";
  expect_write_error(f,
                     "example.ecgw: default threshold 'p95' is not one of the values (p99, mean+2sd, max)");
  f = example_file();
  f.architecture.erase("kind");
  expect_write_error(f, "example.ecgw: 'architecture' has no 'kind'");
  f = example_file();
  f.extra["tensors"] = 1;
  expect_write_error(f, "example.ecgw: extra header key 'tensors' is one the format defines");
  f = example_file();
  f.normalization = {{"per_beat", "robust"}};
  expect_write_error(f,
                     "example.ecgw: 'normalization.per_beat' \"robust\" is not one of none, zscore, minmax");
}

TEST(WeightsWriter, RefusesTextThatIsNotUtf8) {
  WeightsFile f = example_file();
  f.tensors[0].name = "bad\xff";
  expect_write_error(f, "example.ecgw: cannot write the header: invalid UTF-8 byte at index 3: 0xFF");
}

TEST(WeightsWriter, RefusesJsonNestedDeeperThanTheReaderAccepts) {
  WeightsFile f = example_file();
  nlohmann::json deep = 1;
  for (int i = 0; i < 63; ++i) deep = nlohmann::json::array({deep});
  f.provenance = {{"deep", deep}};  // 1 (header) + 1 (provenance) + 63 = 65 levels
  expect_write_error(
      f, "example.ecgw: 'provenance' nests deeper than the format allows (64 levels in the header)");
  f.provenance = {{"deep", deep[0]}};  // 64 levels: the limit itself is fine both ways
  EXPECT_NO_THROW(parse_weights(serialize_weights(f), "x"));
}

TEST(WeightsReader, MissingFileIsAnErrorNamingThePath) {
  try {
    read_weights("/nonexistent/folder/model.ecgw");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/folder/model.ecgw: cannot open the weights file"));
    EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
  }
}

TEST(WeightsReader, FolderIsAnErrorNamingThePath) {
  EXPECT_THROW(
      {
        try {
          read_weights("/tmp");
        } catch (const Error& e) {
          EXPECT_STREQ(e.what(), "/tmp: cannot read a weights file: it is a folder");
          throw;
        }
      },
      Error);
}

}  // namespace
}  // namespace ecglens
