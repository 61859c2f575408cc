// The CUDA engine of the recurrent kinds against the CPU engine (labelled
// `gpu`: it needs an NVIDIA GPU, and skips where cuda_available() says there
// is none):
//   - every kind it trains (the LSTM autoencoder family, lstm_vae with its
//     sampled latent, recae with its reversed decoder fed its own output;
//     LSTM and GRU cells): objective and every gradient on a fixed batch
//     within relative 1e-4 of the CPU's (float32 on both);
//   - an Adam epoch lands on the CPU's parameters within float tolerance;
//   - a short run on ECG5000 reaches the CPU run's validation loss within 1%;
//   - a model trained on the GPU scores in the CPU core as it validated on the GPU;
//   - the same seed gives the same weights, and a resumed run the
//     uninterrupted one's (lstm_vae's noise included: it is keyed by the
//     run's seed and the Adam step, on both devices);
//   - a CPU checkpoint resumes on the GPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "ecglens/model/scorer.h"
#include "ecglens/train/ecg5000.h"
#include "ecglens/train/engine.h"
#include "ecglens/train/network.h"
#include "ecglens/train/random.h"
#include "ecglens/train/trainer.h"
#include "ecglens/train/variational_autoencoder.h"
#include "cuda_test_support.h"
#include "kind_test_support.h"
#include "test_paths.h"

namespace ecglens::train {
namespace {

using cuda_checks::expect_gpu_run_matches_cpu_on_ecg5000;
using cuda_checks::have_ecg5000;
using cuda_checks::relative_error;

// Noisy sine beats, one channel (kind_test_support.h).
std::vector<float> noisy_beats(int count, int length, std::uint64_t seed) {
  return checks::sine_beats(count, length, 1, seed);
}

struct Case {
  const char* name;
  ModelKind kind;
  CellType cell;
  std::vector<int> encoder, decoder;  // recae: `encoder` is its `hidden`
  bool residual_encoder, residual_decoder;
  Loss loss;
  int latent = 0;    // lstm_vae
  int channels = 1;
};

// Every kind the GPU trains, with residual layers with and without a
// projection, stacked layers, each loss, and (recae) layers of different
// widths and two channels fed back.
const Case kCases[] = {
    {"lstm_ae", ModelKind::LstmAe, CellType::Lstm, {12}, {12}, false, false, Loss::MSE},
    {"stacked_lstm_ae", ModelKind::LstmAe, CellType::Lstm, {16, 8}, {8, 16}, false, false,
     Loss::MAE},
    {"residual_lstm_ae", ModelKind::ResidualLstmAe, CellType::Lstm, {12}, {12, 12}, true, true,
     Loss::MSE},
    {"sparse_lstm_ae", ModelKind::SparseLstmAe, CellType::Lstm, {16, 8}, {8, 16}, false, false,
     Loss::SAE},
    {"srl_ae", ModelKind::SrlAe, CellType::Lstm, {16, 8, 4}, {8, 16}, false, true, Loss::MSE},
    {"gru_lstm_ae", ModelKind::LstmAe, CellType::Gru, {16, 8}, {8, 16}, false, false, Loss::MSE},
    {"gru_srl_ae", ModelKind::SrlAe, CellType::Gru, {16, 8}, {8, 16}, true, true, Loss::MAE},
    {"lstm_vae", ModelKind::LstmVae, CellType::Lstm, {16, 8}, {8, 16}, false, false, Loss::MSE, 4},
    {"gru_residual_lstm_vae", ModelKind::LstmVae, CellType::Gru, {12}, {12, 12}, false, true,
     Loss::MAE, 3},
    {"recae", ModelKind::RecAe, CellType::Lstm, {16}, {}, false, false, Loss::MSE},
    {"stacked_recae_two_channels", ModelKind::RecAe, CellType::Lstm, {12, 6, 10}, {}, false,
     false, Loss::MAE, 0, 2},
    {"gru_recae", ModelKind::RecAe, CellType::Gru, {16, 8}, {}, false, false, Loss::SAE, 0, 2},
};

EngineSettings settings_for(const Case& c, int batch) {
  EngineSettings s;
  s.architecture.kind = c.kind;
  s.architecture.cell = c.cell;
  s.architecture.seq_len = 20;
  s.architecture.input_dim = c.channels;
  if (c.kind == ModelKind::RecAe) {
    s.architecture.hidden = c.encoder;
  } else {
    s.architecture.encoder_hidden = c.encoder;
    s.architecture.decoder_hidden = c.decoder;
  }
  s.architecture.latent_dim = c.latent;
  s.architecture.residual_encoder = c.residual_encoder;
  s.architecture.residual_decoder = c.residual_decoder;
  s.loss = c.loss;
  s.batch = batch;
  s.sparsity.beta = 0.2;
  s.sparsity.rho = 0.1;
  return s;
}


// The CPU network's gradient in double precision on the same batch and
// weights (lstm_vae with the noise both engines draw for their next step).
std::vector<double> exact_gradient(const EngineSettings& s, const std::vector<float>& beats,
                                   const std::vector<std::size_t>& index,
                                   const std::vector<float>& initial) {
  auto net = make_network<double>(s.architecture);
  std::copy(initial.begin(), initial.end(), net->parameters().values().begin());
  const int T = 20, B = static_cast<int>(index.size());
  net->reserve(T, B);
  Mat<double> x(s.architecture.input_dim, T * B);
  gather_time_major<double>(beats.data(), T, s.architecture.input_dim, index.data(), B, x);
  net->set_noise_key(vae_noise_key(vae_noise_seed(initial), 1));
  net->loss_and_gradient(x, T, B, s.loss, s.sparsity);
  return net->parameters().grads();
}

// Relative 1e-4 of the CPU's float32 gradient, or, for a tensor where the
// CPU's float32 result is itself further from the double-precision one
// (recae's output.bias sums the gradients of every step fed back, which
// largely cancel), within 4 times the CPU's own rounding error.
TEST(CudaEngine, ObjectiveAndEveryGradientMatchTheCpu) {
  REQUIRE_GPU();
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    const auto beats = checks::sine_beats(40, 20, c.channels, 1);
    const EngineSettings s = settings_for(c, 24);
    auto net = make_network<float>(s.architecture);
    net->initialize(11);
    const auto initial = net->parameters().values();
    auto cpu = make_cpu_engine(s, beats, beats, 20, initial);
    auto gpu = make_cuda_engine(s, beats, beats, 20, initial);
    std::vector<std::size_t> index(24);
    std::iota(index.begin(), index.end(), 7);
    std::vector<float> g_cpu, g_gpu;
    const double o_cpu = cpu->gradient(index, g_cpu);
    const double o_gpu = gpu->gradient(index, g_gpu);
    EXPECT_NEAR(o_gpu, o_cpu, 1e-4 * std::abs(o_cpu));
    const std::vector<double> exact = exact_gradient(s, beats, index, initial);
    // Tensor by tensor, so a failure names the one at fault.
    for (const auto& e : net->parameters().entries()) {
      const std::vector<float> a(g_gpu.begin() + e.offset, g_gpu.begin() + e.offset + e.size);
      const std::vector<float> b(g_cpu.begin() + e.offset, g_cpu.begin() + e.offset + e.size);
      const std::vector<double> d(exact.begin() + e.offset, exact.begin() + e.offset + e.size);
      const double cpu_rounding = relative_error(b, d);
      EXPECT_LE(relative_error(a, b), std::max(1e-4, 4 * cpu_rounding))
          << e.name << " (the CPU's float32 is " << cpu_rounding << " from double)";
    }
  }
}

TEST(CudaEngine, AClippedAdamEpochLandsOnTheCpusParameters) {
  REQUIRE_GPU();
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    const auto beats = checks::sine_beats(50, 20, c.channels, 2);
    EngineSettings s = settings_for(c, 16);
    s.clip = 0.05;  // small enough to clip every step
    s.adam.kind = OptimizerKind::AdamW;
    s.adam.weight_decay = 1e-2;
    auto net = make_network<float>(s.architecture);
    net->initialize(12);
    auto cpu = make_cpu_engine(s, beats, beats, 20, net->parameters().values());
    auto gpu = make_cuda_engine(s, beats, beats, 20, net->parameters().values());
    Random random(3);
    const auto order = shuffled_indices(50, random);
    const double l_cpu = cpu->train_epoch(order, 1e-3);
    const double l_gpu = gpu->train_epoch(order, 1e-3);
    EXPECT_NEAR(l_gpu, l_cpu, 1e-4 * l_cpu);
    EXPECT_LE(relative_error(gpu->parameters(), cpu->parameters()), 1e-4);
    EXPECT_EQ(gpu->optimizer_state().step, cpu->optimizer_state().step);
    EXPECT_NEAR(gpu->validation_loss(), cpu->validation_loss(), 1e-4 * cpu->validation_loss());
  }
}

TrainOptions small_options(Device device, ModelKind kind = ModelKind::LstmAe) {
  TrainOptions o;
  o.architecture.kind = kind;
  o.architecture.seq_len = 20;
  if (kind == ModelKind::RecAe) {
    o.architecture.hidden = {16};
  } else {
    o.architecture.encoder_hidden = {16};
    o.architecture.decoder_hidden = {16};
  }
  if (kind == ModelKind::LstmVae) {
    o.architecture.latent_dim = 4;
    o.sparsity.beta = 1e-2;  // beta_kl
  }
  o.epochs = 4;
  o.batch = 16;
  o.lr = 5e-3;
  o.clip = 1.0;
  o.seed = 42;
  o.device = device;
  return o;
}

TEST(CudaEngine, SameSeedGivesIdenticalWeights) {
  REQUIRE_GPU();
  const auto train = noisy_beats(64, 20, 3), val = noisy_beats(16, 20, 4);
  Trainer a(small_options(Device::Cuda), train, val, 20);
  Trainer b(small_options(Device::Cuda), train, val, 20);
  a.run(nullptr);
  b.run(nullptr);
  EXPECT_EQ(a.parameters(), b.parameters());
  EXPECT_NE(a.device().find("cuda"), std::string::npos) << a.device();
}

TEST(CudaEngine, SameSeedGivesIdenticalWeightsForLstmVaeAndRecae) {
  REQUIRE_GPU();
  const auto train = noisy_beats(64, 20, 3), val = noisy_beats(16, 20, 4);
  for (ModelKind kind : {ModelKind::LstmVae, ModelKind::RecAe}) {
    SCOPED_TRACE(to_string(kind));
    Trainer a(small_options(Device::Cuda, kind), train, val, 20);
    Trainer b(small_options(Device::Cuda, kind), train, val, 20);
    a.run(nullptr);
    b.run(nullptr);
    EXPECT_EQ(a.parameters(), b.parameters());
    EXPECT_NE(a.device().find("cuda"), std::string::npos) << a.device();
    // And the run is the CPU's, up to float rounding over 4 epochs.
    Trainer cpu(small_options(Device::Cpu, kind), train, val, 20);
    cpu.run(nullptr);
    EXPECT_LE(relative_error(a.parameters(), cpu.parameters()), 1e-3);
  }
}

TEST(CudaEngine, LstmVaeAndRecaeResumeMatchesAnUninterruptedRun) {
  REQUIRE_GPU();
  const auto train = noisy_beats(64, 20, 5), val = noisy_beats(16, 20, 6);
  for (ModelKind kind : {ModelKind::LstmVae, ModelKind::RecAe}) {
    SCOPED_TRACE(to_string(kind));
    TrainOptions o = small_options(Device::Cuda, kind);
    o.lr_patience = 0;
    Trainer straight(o, train, val, 20);
    straight.run(nullptr);
    TrainOptions half = o;
    half.epochs = 2;
    Trainer part(half, train, val, 20);
    part.run(nullptr);
    Trainer resumed(o, train, val, 20);
    resumed.restore(part.checkpoint());
    resumed.run(nullptr);
    EXPECT_EQ(resumed.parameters(), straight.parameters());
  }
}

TEST(CudaEngine, ResumeMatchesAnUninterruptedRunAndCpuCheckpointsResumeHere) {
  REQUIRE_GPU();
  const auto train = noisy_beats(64, 20, 5), val = noisy_beats(16, 20, 6);
  TrainOptions o = small_options(Device::Cuda);
  o.lr_patience = 0;
  Trainer straight(o, train, val, 20);
  straight.run(nullptr);

  TrainOptions half = o;
  half.epochs = 2;
  Trainer part(half, train, val, 20);
  part.run(nullptr);
  Trainer resumed(o, train, val, 20);
  resumed.restore(part.checkpoint());
  resumed.run(nullptr);
  EXPECT_EQ(resumed.parameters(), straight.parameters());

  // Two epochs on the CPU, two on the GPU: close to four on the CPU.
  TrainOptions cpu_half = half;
  cpu_half.device = Device::Cpu;
  Trainer cpu_part(cpu_half, train, val, 20);
  cpu_part.run(nullptr);
  Trainer moved(o, train, val, 20);
  moved.restore(cpu_part.checkpoint());
  moved.run(nullptr);
  TrainOptions cpu_all = o;
  cpu_all.device = Device::Cpu;
  Trainer cpu_straight(cpu_all, train, val, 20);
  cpu_straight.run(nullptr);
  EXPECT_LE(relative_error(moved.parameters(), cpu_straight.parameters()), 1e-3);
}

TEST(CudaEngine, ShortEcg5000RunReachesTheCpusValidationLossAndScoresAlikeInTheCore) {
  REQUIRE_GPU();
  if (!have_ecg5000()) GTEST_SKIP() << "ECG5000 not found";
  TrainOptions o;
  o.architecture.kind = ModelKind::SrlAe;
  o.architecture.encoder_hidden = {32, 16};
  o.architecture.decoder_hidden = {16, 32};
  o.architecture.residual_decoder = true;
  o.sparsity.beta = 1e-3;
  o.epochs = 5;
  expect_gpu_run_matches_cpu_on_ecg5000(o);
}

// z = mu in validation and in the core, sampled z in training.
TEST(CudaEngine, ShortEcg5000LstmVaeRunMatchesTheCpuAndScoresAlikeInTheCore) {
  REQUIRE_GPU();
  if (!have_ecg5000()) GTEST_SKIP() << "ECG5000 not found";
  TrainOptions o;
  o.architecture.kind = ModelKind::LstmVae;
  o.architecture.encoder_hidden = {32};
  o.architecture.decoder_hidden = {32};
  o.architecture.latent_dim = 8;
  o.sparsity.beta = 1e-3;  // beta_kl
  o.epochs = 4;
  expect_gpu_run_matches_cpu_on_ecg5000(o);
}

TEST(CudaEngine, ShortEcg5000RecaeRunMatchesTheCpuAndScoresAlikeInTheCore) {
  REQUIRE_GPU();
  if (!have_ecg5000()) GTEST_SKIP() << "ECG5000 not found";
  TrainOptions o;
  o.architecture.kind = ModelKind::RecAe;
  o.architecture.hidden = {32};
  o.epochs = 4;
  expect_gpu_run_matches_cpu_on_ecg5000(o);
}

}  // namespace
}  // namespace ecglens::train
