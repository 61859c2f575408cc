// The C++ reader and the Python reference writer (tests/reference/ecgw.py)
// agree on the format: a file that Python wrote, committed with the script
// that wrote it (tests/fixtures/io/make_python_written.py), reads back with
// every value intact.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ecglens/io/weights_file.h"
#include "test_paths.h"

namespace ecglens {
namespace {

const std::string kPath = test::fixture("io/python_written.ecgw").string();

// The tiny lstm_ae the script writes: input 1, hidden 1 (gates 4 x 1).
const std::vector<TensorSpec> kSpecs = {{"encoder.0.weight_ih", {4, 1}}, {"encoder.0.weight_hh", {4, 1}},
                                        {"encoder.0.bias_ih", {4}},      {"encoder.0.bias_hh", {4}},
                                        {"decoder.0.weight_ih", {4, 1}}, {"decoder.0.weight_hh", {4, 1}},
                                        {"decoder.0.bias_ih", {4}},      {"decoder.0.bias_hh", {4}},
                                        {"output.weight", {1, 1}},       {"output.bias", {1}}};

TEST(PythonWrittenWeights, MetadataReadsBackAsWritten) {
  const WeightsFile f = read_weights(kPath);
  EXPECT_EQ(f.kind(), "lstm_ae");
  EXPECT_EQ(f.architecture["seq_len"], 140);
  EXPECT_EQ(f.architecture["encoder_hidden"], nlohmann::json::array({1}));
  EXPECT_EQ(f.architecture["residual_decoder"], false);
  EXPECT_EQ(f.per_beat(), "zscore");
  EXPECT_EQ(f.loss, "sae");
  EXPECT_EQ(f.thresholds.default_name, "p99");
  const std::vector<std::pair<std::string, double>> thresholds = {
      {"p99", 0.51}, {"mean+2sd", 0.43}, {"max", 1.0 / 3.0}};
  EXPECT_EQ(f.thresholds.values, thresholds);  // Python's order, exact doubles
  EXPECT_EQ(f.hyperparameters, (nlohmann::json{{"lr", 0.001}, {"epochs", 3}}));
  EXPECT_EQ(f.provenance["seed"], 0);
  EXPECT_TRUE(f.extra.empty());
}

TEST(PythonWrittenWeights, TensorsMatchTheScriptsFormula) {
  const WeightsFile f = read_weights(kPath);
  ASSERT_EQ(f.tensors.size(), kSpecs.size());
  EXPECT_NO_THROW(check_tensors(f, kSpecs));
  for (std::size_t k = 0; k < kSpecs.size(); ++k) {
    EXPECT_EQ(f.tensors[k].name, kSpecs[k].name);  // file order
    if (kSpecs[k].name == "decoder.0.bias_hh") continue;
    // The script's ramp: (k + 1) * 0.1 * (i - 1.5) in double, rounded to float.
    const Tensor& t = f.tensors[k];
    for (std::size_t i = 0; i < t.data.size(); ++i) {
      const float expected =
          static_cast<float>((static_cast<double>(k) + 1) * 0.1 * (static_cast<double>(i) - 1.5));
      EXPECT_EQ(t.data[i], expected) << t.name << "[" << i << "]";
    }
  }
}

TEST(PythonWrittenWeights, SpecialValuesSurviveBitForBit) {
  const WeightsFile f = read_weights(kPath);
  const std::vector<float>& v = f.tensor("decoder.0.bias_hh").data;
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0], static_cast<float>(1e-40));  // subnormal
  EXPECT_EQ(v[1], 0.0f);
  EXPECT_TRUE(std::signbit(v[1]));                             // negative zero
  EXPECT_EQ(v[2], static_cast<float>(3.4028234663852886e38));  // largest float32
  EXPECT_EQ(v[3], -2.5f);
}

TEST(PythonWrittenWeights, CppRewriteReadsBackTheSame) {
  const WeightsFile f = read_weights(kPath);
  const WeightsFile again = parse_weights(serialize_weights(f), "again");
  EXPECT_EQ(again.architecture, f.architecture);
  EXPECT_EQ(again.thresholds.values, f.thresholds.values);
  for (std::size_t k = 0; k < f.tensors.size(); ++k) EXPECT_EQ(again.tensors[k].data, f.tensors[k].data);
}

}  // namespace
}  // namespace ecglens
