// Every model kind against outputs that the seeded PyTorch script
// tests/reference/make_goldens.py wrote (float32, max abs error <= 1e-5).
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ecglens/model/model.h"
#include "test_paths.h"

namespace ecglens {
namespace {

constexpr float kTolerance = 1e-5f;

nlohmann::json load_json(const std::string& relative) {
  std::ifstream in(test::fixture(relative));
  if (!in) throw std::runtime_error("missing fixture " + relative);
  return nlohmann::json::parse(in);
}

std::vector<std::string> golden_cases() {
  const nlohmann::json index = load_json("golden/index.json");
  std::vector<std::string> names;
  for (const auto& c : index.at("cases"))
    names.push_back(c.at("case").get<std::string>());
  return names;
}

float max_abs_difference(const std::vector<float>& a, const std::vector<float>& b) {
  float worst = 0.0f;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

// One golden case: its JSON, its weights and the input beats it holds.
struct GoldenCase {
  nlohmann::json golden;
  WeightsFile weights;
  int batch;
  int length;
  std::vector<float> input;
};

GoldenCase load_case(const std::string& name) {
  GoldenCase c{load_json("golden/" + name + ".json"),
               read_weights(test::fixture("golden/" + name + ".ecgw").string()), 0, 0, {}};
  c.batch = c.golden.at("batch");
  c.length = c.golden.at("length");
  c.input = c.golden.at("input").get<std::vector<float>>();
  return c;
}

class GoldenForward : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenForward, MatchesPyTorchReconstructionAndLatent) {
  const auto [golden, weights, batch, length, input] = load_case(GetParam());
  Model model(weights);

  const auto expected = golden.at("output").get<std::vector<float>>();
  const auto expected_latent = golden.at("latent").get<std::vector<float>>();
  ASSERT_EQ(golden.at("channels").get<int>(), model.channels());
  ASSERT_EQ(input.size(), static_cast<size_t>(batch) * length * model.channels());
  ASSERT_EQ(expected_latent.size(), static_cast<size_t>(batch) * model.latent_size());

  std::vector<float> output(expected.size(), std::nanf(""));
  std::vector<float> latent(expected_latent.size(), std::nanf(""));
  model.reconstruct(input.data(), batch, length, output.data(), latent.data());
  EXPECT_LE(max_abs_difference(output, expected), kTolerance);
  EXPECT_LE(max_abs_difference(latent, expected_latent), kTolerance);
}

// Matrix products and matrix-vector products round differently, so tiles
// agree within the float32 tolerance, not bit for bit.
TEST_P(GoldenForward, AgreesWhateverTheBatchTile) {
  const auto [golden, weights, batch, length, input] = load_case(GetParam());

  Model whole(weights, batch);
  Model one_by_one(weights, 1);
  std::vector<float> a(input.size()), b(input.size());
  whole.reconstruct(input.data(), batch, length, a.data());
  one_by_one.reconstruct(input.data(), batch, length, b.data());
  EXPECT_LE(max_abs_difference(a, b), kTolerance);
}

// The LSTM step kernel takes beats in register groups (6 with AVX-512, 2
// with 4-lane SIMD) and the rest in groups of 4, 2 and 1: every count of
// beats from 1 to 17 mixes those groups differently, and each beat must come
// out as it does alone. (The goldens' 3 beats reach only the small groups.)
TEST_P(GoldenForward, AgreesForEveryMixOfBeatGroups) {
  const auto [golden, weights, batch, length, input] = load_case(GetParam());
  const size_t beat_size = input.size() / batch;

  Model one_by_one(weights, 1);
  std::vector<float> alone(input.size());
  one_by_one.reconstruct(input.data(), batch, length, alone.data());
  for (int count = 1; count <= 17; ++count) {
    // Beat i is the golden input's beat i % batch.
    std::vector<float> beats, expected;
    for (int i = 0; i < count; ++i) {
      const size_t from = static_cast<size_t>(i % batch) * beat_size;
      beats.insert(beats.end(), input.begin() + from, input.begin() + from + beat_size);
      expected.insert(expected.end(), alone.begin() + from, alone.begin() + from + beat_size);
    }
    Model together(weights, count);
    std::vector<float> out(beats.size(), std::nanf(""));
    together.reconstruct(beats.data(), count, length, out.data());
    EXPECT_LE(max_abs_difference(out, expected), kTolerance) << count << " beats";
  }
}

INSTANTIATE_TEST_SUITE_P(EveryModelKind, GoldenForward, ::testing::ValuesIn(golden_cases()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ecglens
