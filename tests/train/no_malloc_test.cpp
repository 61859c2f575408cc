// Proves that a training step of every trainable kind allocates nothing on
// Eigen's heap once the workspaces are sized: forward, loss, backward (through
// time) and the Adam update of a batch run under EIGEN_RUNTIME_NO_MALLOC. (On this machine a
// heap temporary of 128 KiB or more costs an mmap/munmap pair each time.)
// Compiled with assertions on, since Eigen's check is an assertion.
#include <gtest/gtest.h>

#include <string>

#include "ecglens/train/network.h"
#include "ecglens/train/optimizer.h"
#include "ecglens/train/random.h"

#ifndef EIGEN_RUNTIME_NO_MALLOC
#error "this test must be built with EIGEN_RUNTIME_NO_MALLOC"
#endif
#ifdef NDEBUG
#error "this test must be built without NDEBUG, or Eigen's malloc check is off"
#endif

namespace ecglens::train {
namespace {

// One architecture of each trainable kind, at ECG5000's beat length.
Architecture each_kind(ModelKind kind) {
  Architecture a;
  a.kind = kind;
  a.seq_len = 140;
  switch (kind) {
    case ModelKind::SrlAe:
      a.encoder_hidden = {32, 16};
      a.decoder_hidden = {16, 32};
      a.residual_decoder = true;
      break;
    case ModelKind::LstmVae:
      a.encoder_hidden = {16};
      a.decoder_hidden = {16};
      a.latent_dim = 4;
      break;
    case ModelKind::MlpAe:
      a.hidden = {32, 8};
      break;
    case ModelKind::Conv1dAe:
      a.channels = {8, 4};
      a.kernel = 5;
      a.stride = 2;
      break;
    case ModelKind::RecAe:
      a.hidden = {16};
      break;
    default:
      a.encoder_hidden = {16};
      a.decoder_hidden = {16};
  }
  return a;
}

class TrainingStep : public ::testing::TestWithParam<ModelKind> {};

TEST_P(TrainingStep, AllocatesNothingAfterTheFirstBatch) {
  const int T = 140, B = 64;
  auto net = make_network<float>(each_kind(GetParam()));
  net->initialize(1);
  net->set_noise_key(5);
  Random r(2);
  Mat<float> x(1, T * B);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(r.uniform(-1, 1));
  AdamState adam;
  auto step = [&] {
    net->loss_and_gradient(x, T, B, Loss::SAE, {0.05, 1e-3});
    adam_step(net->parameters().values(), net->parameters().grads(), adam, 1e-3, {});
  };
  step();  // sizes every workspace and the optimiser's state
  Eigen::internal::set_is_malloc_allowed(false);
  step();
  step();
  Eigen::internal::set_is_malloc_allowed(true);
  SUCCEED();
}

INSTANTIATE_TEST_SUITE_P(EveryKind, TrainingStep,
                         ::testing::Values(ModelKind::SrlAe, ModelKind::LstmVae,
                                           ModelKind::MlpAe, ModelKind::Conv1dAe,
                                           ModelKind::RecAe),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(TrainingStepCheck, TheMallocCheckIsLiveInThisBinary) {
  EXPECT_DEATH(
      {
        Eigen::internal::set_is_malloc_allowed(false);
        Mat<float> m(300, 300);
        m.setZero();
      },
      "");
}

}  // namespace
}  // namespace ecglens::train
