// Analytic gradients of every training layer, loss and model kind against
// central finite differences in double precision: for each tensor,
// ||analytic - numeric|| / max(||analytic||, ||numeric||) <= 1e-6.
// Also: float gradients agree with double ones, and the trainer's forward
// pass matches the inference core's on the same weights.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "ecglens/model/model.h"
#include "ecglens/train/autoencoder.h"
#include "ecglens/train/random.h"
#include "ecglens/util/error.h"
#include "kind_test_support.h"

namespace ecglens::train {
namespace {

using namespace checks;  // random inputs and the finite-difference checks

std::vector<TensorSpec> lstm_specs(const std::string& p, int in, int h, bool projection,
                                   int gates = 4) {
  std::vector<TensorSpec> s{{p + ".weight_ih", {gates * h, in}},
                            {p + ".weight_hh", {gates * h, h}},
                            {p + ".bias_ih", {gates * h}},
                            {p + ".bias_hh", {gates * h}}};
  if (projection) s.push_back({p + ".residual_proj", {h, in}});
  return s;
}

TEST(LinearGradient, WeightsBiasAndInputMatchFiniteDifferences) {
  Random r(1);
  Parameters<double> p({{"d.weight", {3, 5}}, {"d.bias", {3}}});
  randomize(p, r);
  Linear<double> layer(p, "d");
  MatD x = random_matrix(5, 7, r), weights = random_matrix(3, 7, r), y(3, 7), dx;
  auto objective = [&] {
    layer.forward(x, y);
    return (y.array() * weights.array()).sum();
  };
  objective();
  p.zero_grads();
  layer.backward(x, weights, &dx);
  const auto analytic = p.grads();
  expect_gradients_match(p, objective, analytic);
  expect_input_gradient_matches(x, objective, dx);
}

struct SequenceCase {
  const char* name;
  CellType cell;
  int in, hidden;
  bool residual, repeated;
};

class RecurrentSequenceGradient : public ::testing::TestWithParam<SequenceCase> {};

TEST_P(RecurrentSequenceGradient, ParametersAndInputMatchFiniteDifferences) {
  const SequenceCase c = GetParam();
  const int steps = 5, batch = 3;
  Random r(2);
  Parameters<double> p(lstm_specs("l", c.in, c.hidden, c.residual && c.in != c.hidden,
                                  gate_count(c.cell)));
  randomize(p, r);
  auto layer_ptr = RecurrentSequence<double>::create(c.cell, p, "l", c.residual, c.repeated);
  auto& layer = *layer_ptr;
  layer.reserve(steps, batch);
  MatD x = random_matrix(c.in, c.repeated ? batch : steps * batch, r);
  const MatD weights = random_matrix(c.hidden, steps * batch, r);
  auto objective = [&] {
    layer.forward(x, steps, batch);
    return (layer.output(steps, batch).array() * weights.array()).sum();
  };
  objective();
  p.zero_grads();
  MatD dx;
  layer.backward(x, weights, steps, batch, &dx);
  const auto analytic = p.grads();
  expect_gradients_match(p, objective, analytic);
  expect_input_gradient_matches(x, objective, dx);
}

constexpr CellType kLstm = CellType::Lstm, kGru = CellType::Gru;
INSTANTIATE_TEST_SUITE_P(
    Variants, RecurrentSequenceGradient,
    ::testing::Values(SequenceCase{"lstm_plain", kLstm, 2, 4, false, false},
                      SequenceCase{"lstm_repeated_input", kLstm, 3, 4, false, true},
                      SequenceCase{"lstm_residual_identity", kLstm, 4, 4, true, false},
                      SequenceCase{"lstm_residual_projection", kLstm, 2, 3, true, false},
                      SequenceCase{"lstm_repeated_residual_projection", kLstm, 3, 2, true, true},
                      SequenceCase{"lstm_repeated_residual_identity", kLstm, 3, 3, true, true},
                      SequenceCase{"gru_plain", kGru, 2, 4, false, false},
                      SequenceCase{"gru_repeated_input", kGru, 3, 4, false, true},
                      SequenceCase{"gru_residual_projection", kGru, 2, 3, true, false},
                      SequenceCase{"gru_repeated_residual_identity", kGru, 3, 3, true, true}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(LstmStackGradient, ResidualStackOfThreeMatchesFiniteDifferences) {
  const int steps = 4, batch = 2;
  Random r(3);
  std::vector<TensorSpec> specs;
  for (const auto& s : lstm_specs("s.0", 2, 3, true)) specs.push_back(s);
  for (const auto& s : lstm_specs("s.1", 3, 3, false)) specs.push_back(s);
  for (const auto& s : lstm_specs("s.2", 3, 2, true)) specs.push_back(s);
  Parameters<double> p(specs);
  randomize(p, r);
  RecurrentStack<double> stack(CellType::Lstm, p, "s", 3, true, false);
  stack.reserve(steps, batch);
  MatD x = random_matrix(2, steps * batch, r);
  const MatD weights = random_matrix(2, steps * batch, r);
  auto objective = [&] {
    stack.forward(x, steps, batch);
    return (stack.output(steps, batch).array() * weights.array()).sum();
  };
  objective();
  p.zero_grads();
  MatD dx;
  stack.backward(x, weights, steps, batch, &dx);
  const auto analytic = p.grads();
  expect_gradients_match(p, objective, analytic);
  expect_input_gradient_matches(x, objective, dx);
}

Architecture small_architecture(ModelKind kind, CellType cell = CellType::Lstm) {
  Architecture a;
  a.kind = kind;
  a.cell = cell;
  a.input_dim = 2;
  a.seq_len = 6;
  a.encoder_hidden = {5, 3};
  a.decoder_hidden = {3, 4};
  a.residual_decoder = kind == ModelKind::ResidualLstmAe || kind == ModelKind::SrlAe;
  return a;
}

struct ModelCase {
  const char* name;
  ModelKind kind;
  Loss loss;
  CellType cell = CellType::Lstm;
};

class AutoencoderGradient : public ::testing::TestWithParam<ModelCase> {};

TEST_P(AutoencoderGradient, ObjectiveGradientMatchesFiniteDifferences) {
  const ModelCase c = GetParam();
  const Architecture arch = small_architecture(c.kind, c.cell);
  const int steps = arch.seq_len, batch = 3;
  LstmAutoencoder<double> net(arch);
  Random r(4);
  // Weights larger than the default initialisation's keep the encoder's
  // gradients well above the finite differences' rounding noise.
  randomize(net.parameters(), r, 0.8);
  const MatD x = random_matrix(arch.input_dim, steps * batch, r);
  // A target rho far from the latent's mean keeps the KL term large.
  const Sparsity sparsity{0.2, 0.5};
  double recon = 0;
  const double with_penalty = net.loss_and_gradient(x, steps, batch, c.loss, sparsity, &recon);
  if (net.sparse()) {
    EXPECT_GT(with_penalty - recon, 1e-3) << "the KL term should contribute";
  } else {
    EXPECT_EQ(with_penalty, recon);
  }
  const auto analytic = net.parameters().grads();
  auto objective = [&] {
    return net.loss_and_gradient(x, steps, batch, c.loss, sparsity);
  };
  expect_gradients_match(net.parameters(), objective, analytic);
}

INSTANTIATE_TEST_SUITE_P(
    KindsAndLosses, AutoencoderGradient,
    ::testing::Values(ModelCase{"lstm_ae_mse", ModelKind::LstmAe, Loss::MSE},
                      ModelCase{"lstm_ae_mae", ModelKind::LstmAe, Loss::MAE},
                      ModelCase{"lstm_ae_sae", ModelKind::LstmAe, Loss::SAE},
                      ModelCase{"residual_lstm_ae_mse", ModelKind::ResidualLstmAe, Loss::MSE},
                      ModelCase{"sparse_lstm_ae_mse", ModelKind::SparseLstmAe, Loss::MSE},
                      ModelCase{"srl_ae_sae", ModelKind::SrlAe, Loss::SAE},
                      ModelCase{"gru_lstm_ae_mse", ModelKind::LstmAe, Loss::MSE, CellType::Gru},
                      ModelCase{"gru_srl_ae_mae", ModelKind::SrlAe, Loss::MAE, CellType::Gru}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(AutoencoderGradient, FloatGradientsAgreeWithDouble) {
  Architecture arch = small_architecture(ModelKind::SrlAe);
  arch.seq_len = 20;
  const int steps = arch.seq_len, batch = 4;
  LstmAutoencoder<double> d(arch);
  LstmAutoencoder<float> f(arch);
  d.initialize(11);
  f.initialize(11);
  Random r(5);
  const MatD x = random_matrix(arch.input_dim, steps * batch, r);
  const Mat<float> xf = x.cast<float>();
  const double ld = d.loss_and_gradient(x, steps, batch, Loss::MSE, {0.3, 0.1});
  const double lf = f.loss_and_gradient(xf, steps, batch, Loss::MSE, {0.3, 0.1});
  EXPECT_NEAR(lf, ld, 1e-5 * std::abs(ld));
  const Eigen::Map<const Vec<double>> gd(d.parameters().grads().data(), d.parameters().size());
  const Eigen::Map<const Vec<float>> gf(f.parameters().grads().data(), f.parameters().size());
  EXPECT_LE((gf.cast<double>() - gd).norm() / gd.norm(), 1e-4);
}

class AutoencoderForward : public ::testing::TestWithParam<CellType> {};

TEST_P(AutoencoderForward, MatchesTheInferenceCoreOnTheSameWeights) {
  Architecture arch = small_architecture(ModelKind::SrlAe, GetParam());
  arch.residual_encoder = true;
  arch.seq_len = 30;
  const int steps = arch.seq_len, batch = 5;
  LstmAutoencoder<float> net(arch);
  net.initialize(3);
  EXPECT_LE(worst_difference_from_core(net, steps, batch, 6), 1e-5);
}

INSTANTIATE_TEST_SUITE_P(Cells, AutoencoderForward, ::testing::Values(kLstm, kGru),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace ecglens::train
