// The CUDA engine for the feed-forward kinds (mlp_ae, conv1d_ae) against the
// CPU engine (label `gpu`: it needs an NVIDIA GPU, and skips where
// cuda_available() says there is none):
//   - objective and every gradient tensor on a fixed batch, and on a batch
//     smaller than --batch, within relative 1e-4 of the CPU's, for mlp_ae and
//     conv1d_ae at strides 1 and 2, with each loss and one or two channels;
//   - a clipped AdamW epoch lands on the CPU's parameters;
//   - architectures it cannot build are refused naming --device cuda;
//   - the same seed gives the same weights, and a resumed run the
//     uninterrupted one's;
//   - a short ECG5000 run reaches the CPU run's validation loss within 1%,
//     and the GPU's model file scores in the CPU core as it validated.
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
#include "ecglens/util/error.h"
#include "cuda_test_support.h"
#include "kind_test_support.h"
#include "test_paths.h"

namespace ecglens::train {
namespace {

using cuda_checks::expect_gpu_run_matches_cpu_on_ecg5000;
using cuda_checks::have_ecg5000;
using cuda_checks::relative_error;

constexpr int kSteps = 20;

struct Case {
  const char* name;
  ModelKind kind;
  int channels;  // input_dim
  int stride;    // conv1d_ae only
  Loss loss;
};

// mlp_ae with each loss; conv1d_ae at strides 1 and 2 with each loss; one
// and two input channels.
const Case kCases[] = {
    {"mlp_ae_mse", ModelKind::MlpAe, 1, 0, Loss::MSE},
    {"mlp_ae_mae", ModelKind::MlpAe, 1, 0, Loss::MAE},
    {"mlp_ae_sae_two_channels", ModelKind::MlpAe, 2, 0, Loss::SAE},
    {"conv1d_ae_stride1_mse", ModelKind::Conv1dAe, 1, 1, Loss::MSE},
    {"conv1d_ae_stride1_mae_two_channels", ModelKind::Conv1dAe, 2, 1, Loss::MAE},
    {"conv1d_ae_stride1_sae", ModelKind::Conv1dAe, 1, 1, Loss::SAE},
    {"conv1d_ae_stride2_mse_two_channels", ModelKind::Conv1dAe, 2, 2, Loss::MSE},
    {"conv1d_ae_stride2_mae", ModelKind::Conv1dAe, 1, 2, Loss::MAE},
    {"conv1d_ae_stride2_sae", ModelKind::Conv1dAe, 1, 2, Loss::SAE},
};

Architecture architecture_for(ModelKind kind, int channels, int stride, int steps) {
  Architecture a;
  a.kind = kind;
  a.input_dim = channels;
  a.seq_len = steps;
  if (kind == ModelKind::MlpAe) {
    a.hidden = {24, 8};
  } else {
    a.channels = {8, 4};
    a.kernel = 5;
    a.stride = stride;
  }
  return a;
}

EngineSettings settings_for(const Case& c, int batch) {
  EngineSettings s;
  s.architecture = architecture_for(c.kind, c.channels, c.stride, kSteps);
  s.loss = c.loss;
  s.batch = batch;
  return s;
}


// Objective and every gradient tensor of the two engines on the beats `index`.
void expect_same_gradient(const EngineSettings& s, const std::vector<float>& beats,
                          const std::vector<std::size_t>& index) {
  auto net = make_network<float>(s.architecture);
  net->initialize(11);
  const auto initial = net->parameters().values();
  auto cpu = make_cpu_engine(s, beats, beats, kSteps, initial);
  auto gpu = make_cuda_engine(s, beats, beats, kSteps, initial);
  std::vector<float> g_cpu, g_gpu;
  const double o_cpu = cpu->gradient(index, g_cpu);
  const double o_gpu = gpu->gradient(index, g_gpu);
  EXPECT_GT(o_cpu, 0);
  EXPECT_NEAR(o_gpu, o_cpu, 1e-4 * std::abs(o_cpu));
  ASSERT_EQ(g_gpu.size(), g_cpu.size());
  // Tensor by tensor, so a failure names the one at fault.
  for (const auto& e : net->parameters().entries()) {
    const std::vector<float> a(g_gpu.begin() + e.offset, g_gpu.begin() + e.offset + e.size);
    const std::vector<float> b(g_cpu.begin() + e.offset, g_cpu.begin() + e.offset + e.size);
    double largest = 0;
    for (float v : b) largest = std::max(largest, std::abs(double(v)));
    EXPECT_GT(largest, 0) << e.name << " has no gradient on the CPU";
    EXPECT_LE(relative_error(a, b), 1e-4) << e.name;
  }
  // The gradient leaves the parameters alone.
  EXPECT_EQ(gpu->parameters(), initial);
}

TEST(CudaFeedforwardEngine, ObjectiveAndEveryGradientMatchTheCpu) {
  REQUIRE_GPU();
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    const auto beats = checks::sine_beats(40, kSteps, c.channels, 1);
    std::vector<std::size_t> index(24);
    std::iota(index.begin(), index.end(), 7);
    expect_same_gradient(settings_for(c, 24), beats, index);
  }
}

TEST(CudaFeedforwardEngine, ABatchSmallerThanTheWorkspacesGivesTheCpusGradient) {
  REQUIRE_GPU();
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    const auto beats = checks::sine_beats(40, kSteps, c.channels, 2);
    expect_same_gradient(settings_for(c, 24), beats, {3, 31, 0, 17, 8});
  }
}

TEST(CudaFeedforwardEngine, AClippedAdamWEpochLandsOnTheCpusParameters) {
  REQUIRE_GPU();
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    const auto beats = checks::sine_beats(50, kSteps, c.channels, 3);
    EngineSettings s = settings_for(c, 16);  // the last batch holds 2 beats
    s.clip = 0.05;                           // small enough to clip every step
    s.adam.kind = OptimizerKind::AdamW;
    s.adam.weight_decay = 1e-2;
    auto net = make_network<float>(s.architecture);
    net->initialize(12);
    const auto initial = net->parameters().values();
    auto cpu = make_cpu_engine(s, beats, beats, kSteps, initial);
    auto gpu = make_cuda_engine(s, beats, beats, kSteps, initial);
    EXPECT_NE(gpu->device().find("cuda: "), std::string::npos) << gpu->device();
    Random random(3);
    const auto order = shuffled_indices(50, random);
    const double l_cpu = cpu->train_epoch(order, 1e-3);
    const double l_gpu = gpu->train_epoch(order, 1e-3);
    EXPECT_NEAR(l_gpu, l_cpu, 1e-4 * l_cpu);
    EXPECT_NE(gpu->parameters(), initial);
    EXPECT_LE(relative_error(gpu->parameters(), cpu->parameters()), 1e-4);
    const AdamState a_gpu = gpu->optimizer_state(), a_cpu = cpu->optimizer_state();
    EXPECT_EQ(a_gpu.step, a_cpu.step);
    EXPECT_LE(relative_error(a_gpu.m, a_cpu.m), 1e-3);
    EXPECT_LE(relative_error(a_gpu.v, a_cpu.v), 1e-3);
    EXPECT_NEAR(gpu->validation_loss(), cpu->validation_loss(), 1e-4 * cpu->validation_loss());
  }
}

TrainOptions small_options(ModelKind kind, int stride) {
  TrainOptions o;
  o.architecture = architecture_for(kind, 1, stride, kSteps);
  o.epochs = 4;
  o.batch = 16;
  o.lr = 5e-3;
  o.clip = 1.0;
  o.seed = 42;
  o.device = Device::Cuda;
  return o;
}

const std::pair<ModelKind, int> kKinds[] = {
    {ModelKind::MlpAe, 0}, {ModelKind::Conv1dAe, 1}, {ModelKind::Conv1dAe, 2}};

TEST(CudaFeedforwardEngine, SameSeedGivesIdenticalWeights) {
  REQUIRE_GPU();
  const auto train = checks::sine_beats(64, kSteps, 1, 4);
  const auto val = checks::sine_beats(16, kSteps, 1, 5);
  for (const auto& [kind, stride] : kKinds) {
    SCOPED_TRACE(std::string(to_string(kind)) + " stride " + std::to_string(stride));
    Trainer a(small_options(kind, stride), train, val, kSteps);
    Trainer b(small_options(kind, stride), train, val, kSteps);
    a.run(nullptr);
    b.run(nullptr);
    EXPECT_EQ(a.parameters(), b.parameters());
    EXPECT_NE(a.device().find("cuda"), std::string::npos) << a.device();
  }
}

TEST(CudaFeedforwardEngine, ResumeMatchesAnUninterruptedRun) {
  REQUIRE_GPU();
  const auto train = checks::sine_beats(64, kSteps, 1, 6);
  const auto val = checks::sine_beats(16, kSteps, 1, 7);
  for (const auto& [kind, stride] : kKinds) {
    SCOPED_TRACE(std::string(to_string(kind)) + " stride " + std::to_string(stride));
    TrainOptions o = small_options(kind, stride);
    o.lr_patience = 0;
    Trainer straight(o, train, val, kSteps);
    straight.run(nullptr);

    TrainOptions half = o;
    half.epochs = 2;
    Trainer part(half, train, val, kSteps);
    part.run(nullptr);
    Trainer resumed(o, train, val, kSteps);
    resumed.restore(part.checkpoint());
    resumed.run(nullptr);
    EXPECT_EQ(resumed.parameters(), straight.parameters());
  }
}

TEST(CudaFeedforwardEngine, RefusesAnArchitectureItCannotBuildNamingTheDeviceOption) {
  REQUIRE_GPU();
  EngineSettings s;
  s.architecture = architecture_for(ModelKind::Conv1dAe, 1, 2, kSteps);
  s.architecture.kernel = 4;  // conv1d_ae's kernel is odd
  const auto beats = checks::sine_beats(8, kSteps, 1, 8);
  try {
    make_cuda_engine(s, beats, beats, kSteps, {});
    FAIL() << "an even kernel was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--device cuda"), std::string::npos) << e.what();
  }
  // Beats of another length than seq_len.
  s.architecture = architecture_for(ModelKind::MlpAe, 1, 0, kSteps);
  auto net = make_network<float>(s.architecture);
  const auto longer = checks::sine_beats(8, kSteps + 1, 1, 8);
  EXPECT_THROW(make_cuda_engine(s, longer, longer, kSteps + 1, net->parameters().values()),
               Error);
}


TEST(CudaFeedforwardEngine, ShortEcg5000RunsReachTheCpusValidationLossAndScoreAlikeInTheCore) {
  REQUIRE_GPU();
  if (!have_ecg5000()) GTEST_SKIP() << "ECG5000 not found";
  const std::pair<ModelKind, int> kinds[] = {{ModelKind::MlpAe, 0}, {ModelKind::Conv1dAe, 2}};
  for (const auto& [kind, stride] : kinds) {
    SCOPED_TRACE(to_string(kind));
    TrainOptions o;
    o.architecture = architecture_for(kind, 1, stride, 140);
    if (kind == ModelKind::MlpAe) {
      o.architecture.hidden = {64, 16};
    } else {
      o.architecture.channels = {16, 8};
    }
    o.epochs = 5;
    expect_gpu_run_matches_cpu_on_ecg5000(o);
  }
}

}  // namespace
}  // namespace ecglens::train
