// The bad-weights catalogue, part 1: broken preambles, padding and headers.
// Each case is a file the reader must refuse with a message that says
// exactly what is wrong and where.
#include <gtest/gtest.h>

#include <string>

#include "ecglens/io/weights_file.h"
#include "weights_bytes.h"

namespace ecglens {
namespace {

using test::expect_rejected;
using test::f32_bytes;
using test::header_with_tensors;
using test::weights_bytes;

const char* const kOneTensor = R"([{"name":"w","shape":[2,2],"dtype":"f32","offset":0}])";

// A valid header body for "w" with the given extra top-level keys in front.
std::string header_with(const std::string& extra_keys) {
  return R"({"architecture":{"kind":"lstm_ae"},)" + extra_keys + R"(,"tensors":)" + kOneTensor + "}";
}

std::string file_with_header(const std::string& header) {
  return weights_bytes(header, f32_bytes({1, 2, 3, 4}));
}

// --- Preamble ----------------------------------------------------------------

TEST(BadWeightsPreamble, WrongMagicIsNotAWeightsFile) {
  test::Preamble pre;
  pre.magic = "ECGLENSX";
  expect_rejected(weights_bytes(header_with_tensors(kOneTensor), f32_bytes({1, 2, 3, 4}), pre), "",
                  "bad.ecgw: not an ecglens weights file: it starts with 'ECGLENSX', expected 'ECGLENSW'");
}

TEST(BadWeightsPreamble, ShortFileOfAnotherKindShowsItsFirstBytes) {
  expect_rejected(
      std::string("PK\x03\x04", 4), "",
      "bad.ecgw: not an ecglens weights file: it starts with 'PK\\x03\\x04', expected 'ECGLENSW'");
}

TEST(BadWeightsPreamble, TruncatedBeforeHeaderLengthIsReported) {
  expect_rejected(test::valid_weights_bytes().substr(0, 20), "",
                  "bad.ecgw: file is truncated: 20 bytes, shorter than the 24-byte preamble "
                  "(magic, version, reserved, header length)");
}

TEST(BadWeightsPreamble, EmptyFileIsTruncated) {
  expect_rejected("", "",
                  "bad.ecgw: file is truncated: 0 bytes, shorter than the 24-byte preamble "
                  "(magic, version, reserved, header length)");
}

TEST(BadWeightsPreamble, NewerVersionIsReportedAsNewer) {
  test::Preamble pre;
  pre.version = 2;
  expect_rejected(weights_bytes(header_with_tensors(kOneTensor), f32_bytes({1, 2, 3, 4}), pre), "",
                  "bad.ecgw: format version 2 is newer than this reader supports (1)");
}

TEST(BadWeightsPreamble, VersionZeroIsUnknown) {
  test::Preamble pre;
  pre.version = 0;
  expect_rejected(weights_bytes(header_with_tensors(kOneTensor), f32_bytes({1, 2, 3, 4}), pre), "",
                  "bad.ecgw: format version 0 is not one this reader knows (it reads 1)");
}

TEST(BadWeightsPreamble, NonZeroReservedFieldIsRefused) {
  test::Preamble pre;
  pre.reserved = 7;
  expect_rejected(weights_bytes(header_with_tensors(kOneTensor), f32_bytes({1, 2, 3, 4}), pre), "",
                  "bad.ecgw: reserved field is 7, must be 0");
}

TEST(BadWeightsPreamble, HeaderLengthPastEndOfFileIsRefusedWithoutAllocating) {
  const std::string header = header_with_tensors(kOneTensor);
  const std::string data = f32_bytes({1, 2, 3, 4});
  test::Preamble pre;
  pre.header_length = 0xffffffffffffff00ull;  // would be an impossible allocation if trusted
  const std::string bytes = weights_bytes(header, data, pre);
  const std::string follows = std::to_string(bytes.size() - 24);
  expect_rejected(bytes, "",
                  "bad.ecgw: header length 18446744073709551360 runs past the end of the file (" + follows +
                      " bytes follow the preamble)");
  pre.header_length = bytes.size() - 24 + 1;  // one byte too many
  expect_rejected(weights_bytes(header, data, pre), "",
                  "bad.ecgw: header length " + std::to_string(bytes.size() - 23) +
                      " runs past the end of the file (" + follows + " bytes follow the preamble)");
}

// --- Padding -----------------------------------------------------------------

TEST(BadWeightsPadding, FileEndingInsideThePaddingIsTruncated) {
  const std::string header = header_with_tensors(kOneTensor);  // 24 + 99 bytes, data at 128
  ASSERT_EQ(header.size(), 99u);
  const std::string bytes = weights_bytes(header, "").substr(0, 125);
  expect_rejected(bytes, "",
                  "bad.ecgw: file ends inside the padding after the header: the data section would start "
                  "at byte 128, the file has 125 bytes");
}

TEST(BadWeightsPadding, NonZeroPaddingByteIsRefused) {
  std::string bytes = test::valid_weights_bytes();
  bytes[126] = ' ';  // padding runs from 24 + 99 = 123 to 128
  expect_rejected(bytes, "", "bad.ecgw: padding byte at offset 126 is not zero");
}

// --- Header JSON ---------------------------------------------------------------

TEST(BadWeightsHeader, InvalidJsonGivesItsPositionInHeaderAndFile) {
  // The parser stops at '}' (header byte 20) after reading "tru".
  expect_rejected(
      file_with_header(R"({"architecture": tru})"), "",
      "bad.ecgw: header is not valid JSON (header byte 20, file offset 44): parse error at line 1, "
      "column 21: syntax error while parsing value - invalid literal; last read: '\"architecture\": tru}'");
}

TEST(BadWeightsHeader, EmptyHeaderIsInvalidJson) {
  expect_rejected(
      file_with_header(""), "",
      "bad.ecgw: header is not valid JSON (header byte 0, file offset 24): parse error at line 1, "
      "column 1: syntax error while parsing value - unexpected end of input; expected '[', '{', or a "
      "literal");
}

TEST(BadWeightsHeader, NumberTooLargeForADoubleIsRefused) {
  // JSON cannot spell NaN or infinity; the nearest a file can come is a
  // number that overflows, which the parser refuses.
  expect_rejected(file_with_header(header_with(R"("thresholds":{"default":"p99","values":{"p99":1e999}})")),
                  "", "bad.ecgw: header is not valid JSON: number overflow parsing '1e999'");
}

TEST(BadWeightsHeader, HeaderThatIsNotAnObjectIsRefused) {
  expect_rejected(file_with_header("[1, 2]"), "", "bad.ecgw: header is not a JSON object (it is array)");
}

TEST(BadWeightsHeader, DuplicateKeyIsRefused) {
  expect_rejected(file_with_header(header_with(R"("loss":"mse","loss":"mae")")), "",
                  "bad.ecgw: header has the key 'loss' twice in one object");
}

TEST(BadWeightsHeader, NestingDeeperThanTheLimitIsRefused) {
  // Header object + provenance object + 63 lists = 65 levels.
  const std::string deep = std::string(63, '[') + std::string(63, ']');
  expect_rejected(file_with_header(header_with(R"("provenance":{"x":)" + deep + "}")), "",
                  "bad.ecgw: header nests deeper than 64 levels");
}

TEST(BadWeightsHeader, MissingTensorsListIsRefused) {
  expect_rejected(file_with_header(R"({"architecture":{"kind":"lstm_ae"}})"), "",
                  "bad.ecgw: header has no 'tensors'");
}

TEST(BadWeightsHeader, MissingArchitectureIsRefused) {
  expect_rejected(file_with_header(std::string(R"({"tensors":)") + kOneTensor + "}"), "",
                  "bad.ecgw: header has no 'architecture'");
}

TEST(BadWeightsHeader, ArchitectureWithoutKindIsRefused) {
  expect_rejected(
      file_with_header(std::string(R"({"architecture":{"input_dim":1},"tensors":)") + kOneTensor + "}"), "",
      "bad.ecgw: 'architecture' has no 'kind'");
}

TEST(BadWeightsHeader, TensorsThatIsNotAListIsRefused) {
  expect_rejected(file_with_header(R"({"architecture":{"kind":"x"},"tensors":{"w":1}})"), "",
                  "bad.ecgw: 'tensors' must be a list, got object {\"w\":1}");
}

TEST(BadWeightsHeader, LossOfTheWrongTypeIsRefused) {
  expect_rejected(file_with_header(header_with(R"("loss":3)")), "",
                  "bad.ecgw: 'loss' must be a string, got number 3");
}

TEST(BadWeightsHeader, UnknownLossIsRefused) {
  expect_rejected(file_with_header(header_with(R"("loss":"huber")")), "",
                  "bad.ecgw: loss 'huber' is not one of mse, mae, sae");
}

TEST(BadWeightsHeader, UnknownNormalizationIsRefused) {
  expect_rejected(file_with_header(header_with(R"("normalization":{"per_beat":"robust"})")), "",
                  "bad.ecgw: 'normalization.per_beat' \"robust\" is not one of none, zscore, minmax");
  expect_rejected(file_with_header(header_with(R"("normalization":{"per_beat":"none","scale":2})")), "",
                  "bad.ecgw: 'normalization' has an unknown key 'scale'");
}

TEST(BadWeightsHeader, ProvenanceThatIsNotAnObjectIsRefused) {
  expect_rejected(file_with_header(header_with(R"("provenance":"today")")), "",
                  "bad.ecgw: 'provenance' must be an object, got string \"today\"");
}

TEST(BadWeightsThresholds, ThresholdThatIsNotANumberIsRefused) {
  expect_rejected(file_with_header(header_with(R"("thresholds":{"default":"p99","values":{"p99":null}})")),
                  "", "bad.ecgw: threshold 'p99' must be a number, got null");
}

TEST(BadWeightsThresholds, DefaultThatNamesNoThresholdIsRefused) {
  expect_rejected(
      file_with_header(header_with(R"("thresholds":{"default":"p95","values":{"p99":0.5,"max":0.9}})")), "",
      "bad.ecgw: default threshold 'p95' is not one of the values (p99, max)");
}

TEST(BadWeightsThresholds, ThresholdsWithoutDefaultAreRefused) {
  expect_rejected(file_with_header(header_with(R"("thresholds":{"values":{"p99":0.5}})")), "",
                  "bad.ecgw: 'thresholds' has no 'default'");
}

TEST(BadWeightsThresholds, MisspeltThresholdsKeyIsRefused) {
  expect_rejected(file_with_header(header_with(R"("thresholds":{"defualt":"p99","values":{"p99":0.5}})")), "",
                  "bad.ecgw: 'thresholds' has an unknown key 'defualt'");
}

TEST(WeightsHeaderExtras, UnknownTopLevelKeysAreKeptNotRefused) {
  const WeightsFile f = parse_weights(file_with_header(header_with(R"("description":"demo model")")), "x");
  EXPECT_EQ(f.extra, (nlohmann::json{{"description", "demo model"}}));
}

}  // namespace
}  // namespace ecglens
