// conv1d_ae in the trainer: Conv1d and ConvTranspose1d gradients (weights,
// bias, input) against central finite differences for strides 1 and 2, the
// whole objective's gradient for every loss, the forward pass against the
// inference core's on the same weights, and bit-identical training for one seed.
#include <gtest/gtest.h>

#include "ecglens/train/conv_autoencoder.h"
#include "ecglens/util/error.h"
#include "kind_test_support.h"

namespace ecglens::train {
namespace {

using namespace ecglens::train::checks;

struct ConvCase {
  const char* name;
  int in, out, kernel, stride;
};

class ConvLayerGradient : public ::testing::TestWithParam<ConvCase> {};

TEST_P(ConvLayerGradient, Conv1dMatchesFiniteDifferences) {
  const ConvCase c = GetParam();
  const int length = 8, batch = 3;
  Random r(1);
  Parameters<double> p({{"c.weight", {c.out, c.in, c.kernel}}, {"c.bias", {c.out}}});
  randomize(p, r);
  Conv1dLayer<double> layer(p, "c", c.stride, c.kernel / 2);
  const int out_len = layer.output_length(length);
  MatD x = random_matrix(c.in, length * batch, r), y(c.out, out_len * batch), dx;
  const MatD weights = random_matrix(c.out, out_len * batch, r);
  auto objective = [&] {
    layer.forward(x, length, batch, y);
    return (y.array() * weights.array()).sum();
  };
  objective();
  p.zero_grads();
  layer.backward(weights, length, batch, &dx);
  const auto analytic = p.grads();
  expect_gradients_match(p, objective, analytic);
  expect_input_gradient_matches(x, objective, dx);
}

TEST_P(ConvLayerGradient, ConvTranspose1dMatchesFiniteDifferences) {
  const ConvCase c = GetParam();
  const int length = 5, batch = 3;
  Random r(2);
  Parameters<double> p({{"c.weight", {c.in, c.out, c.kernel}}, {"c.bias", {c.out}}});
  randomize(p, r);
  ConvTranspose1dLayer<double> layer(p, "c", c.stride, c.kernel / 2, c.stride - 1);
  const int out_len = layer.output_length(length);
  EXPECT_EQ(out_len, length * c.stride);
  MatD x = random_matrix(c.in, length * batch, r), y(c.out, out_len * batch), dx;
  const MatD weights = random_matrix(c.out, out_len * batch, r);
  auto objective = [&] {
    layer.forward(x, length, batch, y);
    return (y.array() * weights.array()).sum();
  };
  objective();
  p.zero_grads();
  layer.backward(x, weights, length, batch, &dx);
  const auto analytic = p.grads();
  expect_gradients_match(p, objective, analytic);
  expect_input_gradient_matches(x, objective, dx);
}

INSTANTIATE_TEST_SUITE_P(Shapes, ConvLayerGradient,
                         ::testing::Values(ConvCase{"stride1_kernel3", 2, 3, 3, 1},
                                           ConvCase{"stride2_kernel5", 3, 2, 5, 2},
                                           ConvCase{"stride3_kernel1", 2, 2, 1, 3}),
                         [](const auto& info) { return std::string(info.param.name); });

Architecture conv_architecture(int channels, int steps, std::vector<int> sizes, int kernel,
                               int stride) {
  Architecture a;
  a.kind = ModelKind::Conv1dAe;
  a.input_dim = channels;
  a.seq_len = steps;
  a.channels = std::move(sizes);
  a.kernel = kernel;
  a.stride = stride;
  return a;
}

class Conv1dAeGradient : public ::testing::TestWithParam<Loss> {};

TEST_P(Conv1dAeGradient, ObjectiveGradientMatchesFiniteDifferences) {
  const Architecture arch = conv_architecture(2, 8, {3, 2}, 3, 2);
  const int steps = arch.seq_len, batch = 3;
  ConvAutoencoder<double> net(arch);
  Random r(3);
  randomize(net.parameters(), r, 0.6);
  // Positive biases keep most ReLUs open, so every tensor gets a gradient.
  auto& p = net.parameters();
  for (std::size_t i = 0; i < p.entries().size(); ++i)
    if (p.entries()[i].shape.size() == 1)
      for (std::size_t k = 0; k < p.entries()[i].size; ++k)
        p.value(static_cast<int>(i))[k] = r.uniform(0.2, 0.6);
  const MatD x = random_matrix(arch.input_dim, steps * batch, r);
  double recon = 0;
  EXPECT_EQ(net.loss_and_gradient(x, steps, batch, GetParam(), {}, &recon), recon);
  const auto analytic = net.parameters().grads();
  expect_gradients_match(net.parameters(), [&] {
    return net.loss_and_gradient(x, steps, batch, GetParam(), {});
  }, analytic);
}

INSTANTIATE_TEST_SUITE_P(Losses, Conv1dAeGradient,
                         ::testing::Values(Loss::MSE, Loss::MAE, Loss::SAE),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(Conv1dAeForward, MatchesTheInferenceCoreOnTheSameWeights) {
  ConvAutoencoder<float> net(conv_architecture(2, 24, {6, 4}, 5, 2));
  net.initialize(9);
  EXPECT_LE(worst_difference_from_core(net, 24, 5, 10), 1e-5);
}

TEST(Conv1dAeForward, MatchesTheCoreWithStrideOneAndThreeLayers) {
  ConvAutoencoder<float> net(conv_architecture(1, 15, {4, 3, 2}, 3, 1));
  net.initialize(4);
  EXPECT_LE(worst_difference_from_core(net, 15, 4, 11), 1e-5);
}

TEST(Conv1dAeTraining, SameSeedGivesBitIdenticalWeights) {
  expect_deterministic_training(conv_architecture(1, 24, {8, 4}, 5, 2));
}

TEST(Conv1dAeTraining, ResumeMatchesAnUninterruptedRun) {
  expect_resume_matches_an_uninterrupted_run(conv_architecture(1, 24, {8, 4}, 5, 2));
}

TEST(Conv1dAeTraining, ADecoderThatDoesNotGiveBackTheBeatIsRefused) {
  // 25 steps, stride 2, two layers: 25 -> 13 -> 7 -> 14 -> 28.
  EXPECT_THROW(make_network<float>(conv_architecture(1, 25, {4, 4}, 3, 2)), Error);
  EXPECT_THROW(make_network<float>(conv_architecture(1, 24, {4}, 4, 2)), Error) << "even kernel";
}

}  // namespace
}  // namespace ecglens::train
