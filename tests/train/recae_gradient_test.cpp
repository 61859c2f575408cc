// recae in the trainer: the step-by-step LSTM and GRU cells' gradients
// (weights, input, initial state) against central finite differences, the
// whole objective's gradient (encoder, state hand-over, reversed decoder fed
// its own output), the forward pass against the inference core's on the
// same weights, and bit-identical training for one seed. Also: every kind of
// the model zoo is trainable.
#include <gtest/gtest.h>

#include "ecglens/train/recurrent_cell.h"
#include "ecglens/train/reverse_autoencoder.h"
#include "kind_test_support.h"

namespace ecglens::train {
namespace {

using namespace ecglens::train::checks;

class RecurrentCellGradient : public ::testing::TestWithParam<CellType> {};

// Three steps from a random initial state (the state of a "source" cell
// after two steps on x0), objective = weighted sum of every step's h (and the last c).
TEST_P(RecurrentCellGradient, StepsFromAGivenStateMatchFiniteDifferences) {
  const CellType cell = GetParam();
  const int in = 3, hidden = 4, batch = 2, steps = 3;
  const int g = gate_count(cell);
  Random r(1);
  Parameters<double> p({{"s.weight_ih", {g * hidden, in}},
                        {"s.weight_hh", {g * hidden, hidden}},
                        {"s.bias_ih", {g * hidden}},
                        {"s.bias_hh", {g * hidden}},
                        {"l.weight_ih", {g * hidden, in}},
                        {"l.weight_hh", {g * hidden, hidden}},
                        {"l.bias_ih", {g * hidden}},
                        {"l.bias_hh", {g * hidden}}});
  randomize(p, r, 0.7);
  RecurrentCell<double> source(cell, p, "s"), layer(cell, p, "l");
  source.reserve(2, batch);
  layer.reserve(steps, batch);
  MatD x0 = random_matrix(in, batch, r);
  MatD x = random_matrix(in, steps * batch, r);
  const MatD wh = random_matrix(hidden, steps * batch, r), wc = random_matrix(hidden, batch, r);
  auto objective = [&] {
    source.start(batch);
    source.step(x0);
    source.step(x0);
    layer.start_from(source);
    double sum = 0;
    for (int k = 1; k <= steps; ++k) {
      layer.step(x.middleCols((k - 1) * batch, batch));
      sum += (layer.h(k).array() * wh.middleCols((k - 1) * batch, batch).array()).sum();
    }
    if (cell == CellType::Lstm) sum += (layer.c(steps).array() * wc.array()).sum();
    return sum;
  };
  objective();
  p.zero_grads();
  MatD dh = MatD::Zero(hidden, batch), dc = MatD::Zero(hidden, batch);
  if (cell == CellType::Lstm) dc = wc;
  MatD dx(in, steps * batch), dxk;
  for (int k = steps; k >= 1; --k) {
    dh += wh.middleCols((k - 1) * batch, batch);
    layer.backward_step(k, x.middleCols((k - 1) * batch, batch), dh, dc, &dxk);
    dx.middleCols((k - 1) * batch, batch) = dxk;
  }
  MatD dx0, dx0_first;
  source.backward_step(2, x0, dh, dc, &dx0);
  source.backward_step(1, x0, dh, dc, &dx0_first);
  dx0 += dx0_first;
  const auto analytic = p.grads();
  expect_gradients_match(p, objective, analytic);
  expect_input_gradient_matches(x, objective, dx);
  expect_input_gradient_matches(x0, objective, dx0);
}

INSTANTIATE_TEST_SUITE_P(Cells, RecurrentCellGradient,
                         ::testing::Values(CellType::Lstm, CellType::Gru),
                         [](const auto& info) { return std::string(to_string(info.param)); });

Architecture recae_architecture(CellType cell, int channels, int steps, std::vector<int> hidden) {
  Architecture a;
  a.kind = ModelKind::RecAe;
  a.cell = cell;
  a.input_dim = channels;
  a.seq_len = steps;
  a.hidden = std::move(hidden);
  return a;
}

struct RecAeCase {
  const char* name;
  CellType cell;
  Loss loss;
};

class RecAeGradient : public ::testing::TestWithParam<RecAeCase> {};

TEST_P(RecAeGradient, ObjectiveGradientMatchesFiniteDifferences) {
  const RecAeCase c = GetParam();
  const Architecture arch = recae_architecture(c.cell, 2, 5, {4, 3});
  const int steps = arch.seq_len, batch = 3;
  ReverseAutoencoder<double> net(arch);
  Random r(5);
  randomize(net.parameters(), r, 0.8);
  const MatD x = random_matrix(arch.input_dim, steps * batch, r);
  double recon = 0;
  EXPECT_EQ(net.loss_and_gradient(x, steps, batch, c.loss, {}, &recon), recon);
  const auto analytic = net.parameters().grads();
  expect_gradients_match(net.parameters(), [&] {
    return net.loss_and_gradient(x, steps, batch, c.loss, {});
  }, analytic);
}

INSTANTIATE_TEST_SUITE_P(
    CellsAndLosses, RecAeGradient,
    ::testing::Values(RecAeCase{"lstm_mse", CellType::Lstm, Loss::MSE},
                      RecAeCase{"lstm_sae", CellType::Lstm, Loss::SAE},
                      RecAeCase{"gru_mse", CellType::Gru, Loss::MSE},
                      RecAeCase{"gru_mae", CellType::Gru, Loss::MAE}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(RecAeForward, MatchesTheInferenceCoreOnTheSameWeights) {
  for (CellType cell : {CellType::Lstm, CellType::Gru}) {
    ReverseAutoencoder<float> net(recae_architecture(cell, 2, 30, {6, 5}));
    net.initialize(8);
    EXPECT_LE(worst_difference_from_core(net, 30, 4, 9), 1e-5) << to_string(cell);
  }
}

TEST(RecAeTraining, SameSeedGivesBitIdenticalWeights) {
  expect_deterministic_training(recae_architecture(CellType::Lstm, 1, 24, {8}));
}

TEST(RecAeTraining, ResumeMatchesAnUninterruptedRun) {
  expect_resume_matches_an_uninterrupted_run(recae_architecture(CellType::Lstm, 1, 24, {8}));
}

TEST(Trainable, EveryKindOfTheModelZooIsTrainable) {
  for (const char* kind : {"lstm_ae", "residual_lstm_ae", "sparse_lstm_ae", "srl_ae", "recae",
                           "lstm_vae", "mlp_ae", "conv1d_ae"}) {
    Architecture a;
    a.kind = parse_model_kind(kind);
    a.seq_len = 16;
    a.encoder_hidden = {4};
    a.decoder_hidden = {4};
    a.latent_dim = 2;
    a.hidden = {4};
    a.channels = {3};
    a.kernel = 3;
    a.stride = 2;
    auto net = make_network<float>(a);
    EXPECT_EQ(net->parameters().size(), [&] {
      std::size_t n = 0;
      for (const auto& t : a.tensors()) {
        std::size_t k = 1;
        for (auto d : t.shape) k *= static_cast<std::size_t>(d);
        n += k;
      }
      return n;
    }()) << kind;
  }
}

}  // namespace
}  // namespace ecglens::train
