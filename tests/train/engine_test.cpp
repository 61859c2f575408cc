// The device choice and the CPU engine (engine.h): device names, `auto`
// falling back to the CPU where no GPU is, a clear refusal of --device cuda
// where there is none, and the CPU engine doing exactly what the Network and
// Adam do by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "ecglens/train/engine.h"
#include "ecglens/train/network.h"
#include "ecglens/train/random.h"
#include "ecglens/util/error.h"
#include "kind_test_support.h"

namespace ecglens::train {
namespace {

// Noisy sine beats, one channel (kind_test_support.h).
std::vector<float> sine_beats(int count, int length, std::uint64_t seed) {
  return checks::sine_beats(count, length, 1, seed);
}

EngineSettings srl_settings() {
  EngineSettings s;
  s.architecture.kind = ModelKind::SrlAe;
  s.architecture.seq_len = 16;
  s.architecture.encoder_hidden = {6, 4};
  s.architecture.decoder_hidden = {4, 6};
  s.architecture.residual_decoder = true;
  s.batch = 8;
  s.clip = 0.5;
  s.sparsity.beta = 0.1;
  return s;
}

TEST(Device, NamesParseAndPrint) {
  EXPECT_EQ(parse_device("cpu"), Device::Cpu);
  EXPECT_EQ(parse_device("cuda"), Device::Cuda);
  EXPECT_EQ(parse_device("auto"), Device::Auto);
  EXPECT_STREQ(to_string(Device::Cuda), "cuda");
  try {
    parse_device("gpu");
    FAIL() << "an unknown device should be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cpu, cuda or auto"), std::string::npos) << e.what();
  }
}

TEST(Device, AutoIsTheGpuOnlyWhenOneIsPresent) {
  EXPECT_EQ(resolve_device(Device::Cpu), Device::Cpu);
  EXPECT_EQ(resolve_device(Device::Cuda), Device::Cuda);
  EXPECT_EQ(resolve_device(Device::Auto), cuda_available() ? Device::Cuda : Device::Cpu);
}

TEST(Device, CudaWithoutAGpuIsAClearError) {
  std::string why;
  if (cuda_available(&why)) GTEST_SKIP() << "a GPU is present";
  EXPECT_FALSE(why.empty());
  const EngineSettings s = srl_settings();
  const auto beats = sine_beats(8, 16, 1);
  auto net = make_network<float>(s.architecture);
  try {
    make_cuda_engine(s, beats, beats, 16, net->parameters().values());
    FAIL() << "no GPU engine can be made here";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--device cuda"), std::string::npos) << e.what();
  }
}

TEST(Device, CudaRefusesAnArchitectureItCannotBuildNamingTheDeviceOption) {
  EngineSettings s;
  s.architecture.kind = ModelKind::Conv1dAe;  // no channels, no kernel
  const auto beats = sine_beats(8, 16, 1);
  try {
    make_cuda_engine(s, beats, beats, 16, {});
    FAIL() << "a conv1d_ae without layers was accepted";
  } catch (const Error& e) {
    // Without a GPU (or CUDA) the error says that instead; all name the device option.
    EXPECT_NE(std::string(e.what()).find("--device"), std::string::npos) << e.what();
  }
}

TEST(CpuEngine, GradientIsTheNetworksOwn) {
  const EngineSettings s = srl_settings();
  const auto beats = sine_beats(12, 16, 2);
  auto net = make_network<float>(s.architecture);
  net->initialize(5);
  auto engine = make_cpu_engine(s, beats, beats, 16, net->parameters().values());
  const std::vector<std::size_t> index = {3, 1, 4, 10, 5};
  std::vector<float> grads;
  const double objective = engine->gradient(index, grads);

  Mat<float> x(1, 16 * 5);
  gather_time_major<float>(beats.data(), 16, 1, index.data(), 5, x);
  const double expected = net->loss_and_gradient(x, 16, 5, s.loss, s.sparsity);
  EXPECT_EQ(objective, expected);
  EXPECT_EQ(grads, net->parameters().grads());
  EXPECT_EQ(engine->parameters(), net->parameters().values()) << "gradient() must not step";
}

TEST(CpuEngine, EpochIsClippedAdamOverTheBatchesInOrder) {
  EngineSettings s = srl_settings();
  s.batch = 4;
  const auto beats = sine_beats(10, 16, 3);
  auto net = make_network<float>(s.architecture);
  net->initialize(6);
  auto engine = make_cpu_engine(s, beats, beats, 16, net->parameters().values());
  const std::vector<std::size_t> order = {9, 0, 8, 1, 7, 2, 6, 3, 5, 4};
  const double mean = engine->train_epoch(order, 0.01);

  AdamState adam;
  double total = 0;
  Mat<float> x(1, 16 * 4);
  for (std::size_t first = 0; first < order.size(); first += 4) {
    const int B = static_cast<int>(std::min<std::size_t>(4, order.size() - first));
    auto xb = x.leftCols(16 * B);
    gather_time_major<float>(beats.data(), 16, 1, order.data() + first, B, xb);
    total += B * net->loss_and_gradient(xb, 16, B, s.loss, s.sparsity);
    clip_global_norm(net->parameters().grads(), s.clip);
    adam_step(net->parameters().values(), net->parameters().grads(), adam, 0.01, s.adam);
  }
  EXPECT_DOUBLE_EQ(mean, total / 10);
  EXPECT_EQ(engine->parameters(), net->parameters().values());
  EXPECT_EQ(engine->optimizer_state().step, 3);
  EXPECT_EQ(engine->optimizer_state().m, adam.m);
}

}  // namespace
}  // namespace ecglens::train
