// mlp_ae in the trainer: the objective's gradient against central finite
// differences for every loss, the forward pass against the inference core's
// on the same weights, PyTorch's initialisation bounds, and bit-identical
// training for one seed.
#include <gtest/gtest.h>

#include "ecglens/train/dense_autoencoder.h"
#include "ecglens/util/error.h"
#include "kind_test_support.h"

namespace ecglens::train {
namespace {

using namespace ecglens::train::checks;

Architecture mlp_architecture(int channels, int steps, std::vector<int> hidden) {
  Architecture a;
  a.kind = ModelKind::MlpAe;
  a.input_dim = channels;
  a.seq_len = steps;
  a.hidden = std::move(hidden);
  return a;
}

class MlpAeGradient : public ::testing::TestWithParam<Loss> {};

TEST_P(MlpAeGradient, ObjectiveGradientMatchesFiniteDifferences) {
  const Architecture arch = mlp_architecture(2, 5, {7, 4, 3});
  const int steps = arch.seq_len, batch = 4;
  DenseAutoencoder<double> net(arch);
  Random r(1);
  randomize(net.parameters(), r, 0.6);
  auto& p = net.parameters();
  for (std::size_t i = 0; i < p.entries().size(); ++i)
    if (p.entries()[i].shape.size() == 1)
      for (std::size_t k = 0; k < p.entries()[i].size; ++k)
        p.value(static_cast<int>(i))[k] = r.uniform(0.2, 0.6);
  // Biases well above zero keep most ReLUs open, so every tensor gets a
  // gradient; inputs away from a kink keep the differences clean.
  const MatD x = random_matrix(arch.input_dim, steps * batch, r);
  double recon = 0;
  const double objective = net.loss_and_gradient(x, steps, batch, GetParam(), {}, &recon);
  EXPECT_EQ(objective, recon);
  const auto analytic = net.parameters().grads();
  expect_gradients_match(net.parameters(), [&] {
    return net.loss_and_gradient(x, steps, batch, GetParam(), {});
  }, analytic);
}

INSTANTIATE_TEST_SUITE_P(Losses, MlpAeGradient,
                         ::testing::Values(Loss::MSE, Loss::MAE, Loss::SAE),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(MlpAeForward, MatchesTheInferenceCoreOnTheSameWeights) {
  DenseAutoencoder<float> net(mlp_architecture(3, 20, {16, 8, 4}));
  net.initialize(7);
  EXPECT_LE(worst_difference_from_core(net, 20, 6, 8), 1e-5);
}

TEST(MlpAeForward, LatentIsTheLastEncoderLayersOutput) {
  DenseAutoencoder<float> net(mlp_architecture(1, 12, {6, 3}));
  net.initialize(2);
  Random r(3);
  const Mat<float> x = random_matrix(1, 12 * 2, r).cast<float>();
  net.forward(x, 12, 2);
  EXPECT_EQ(net.latent(2).rows(), 3);
  EXPECT_GE(net.latent(2).minCoeff(), 0.0f) << "the latent comes after a ReLU";
}

TEST(MlpAeInitialization, DrawsEachTensorWithinOneOverRootFanIn) {
  const Architecture arch = mlp_architecture(1, 100, {25, 4});
  DenseAutoencoder<double> net(arch);
  net.initialize(5);
  auto& p = net.parameters();
  for (std::size_t i = 0; i < p.entries().size(); ++i) {
    const auto& e = p.entries()[i];
    // A bias shares its weight's fan-in: the weight's second dimension.
    const double fan = e.shape.size() == 2 ? e.shape[1] : p.entries()[i - 1].shape[1];
    const Eigen::Map<const Vec<double>> v(p.value(static_cast<int>(i)), e.size);
    EXPECT_LE(v.cwiseAbs().maxCoeff(), 1 / std::sqrt(fan)) << e.name;
    EXPECT_GE(v.cwiseAbs().maxCoeff(), 0.5 / std::sqrt(fan)) << e.name;
  }
}

TEST(MlpAeForward, RefusesBeatsOfAnotherLength) {
  DenseAutoencoder<float> net(mlp_architecture(1, 12, {6, 3}));
  const Mat<float> x = Mat<float>::Zero(1, 10 * 2);
  EXPECT_THROW(net.forward(x, 10, 2), Error);
}

TEST(MlpAeTraining, SameSeedGivesBitIdenticalWeights) {
  expect_deterministic_training(mlp_architecture(1, 24, {16, 4}));
}

TEST(MlpAeTraining, ResumeMatchesAnUninterruptedRun) {
  expect_resume_matches_an_uninterrupted_run(mlp_architecture(1, 24, {16, 4}));
}

TEST(MlpAeTraining, EmptyHiddenListIsRefused) {
  EXPECT_THROW(make_network<float>(mlp_architecture(1, 24, {})), Error);
}

}  // namespace
}  // namespace ecglens::train
