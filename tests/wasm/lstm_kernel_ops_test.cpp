// In WebAssembly builds the LSTM step kernel (native/core/ecglens/layers/
// lstm_kernel.h) runs on WasmOps (arch/lstm_ops_wasm.h) instead of Eigen's
// packets (arch/lstm_ops_eigen.h). The two must give the same bits: the gate
// nonlinearities over a sweep of inputs (saturated gates, the tiny-input
// branch of tanh, the clamps), and whole steps of every beat grouping, with
// the input projection given or computed in registers.
#include <cstring>
#include <random>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include "ecglens/layers/lstm_kernel.h"

namespace ecglens::detail {
namespace {

std::vector<float> sweep() {
  std::vector<float> xs = {0.0f, -0.0f, 1e-5f, -1e-5f, 0.0004f, -0.0004f, 7.9053111f, -7.9053111f,
                           -9.0f, -9.0001f, 15.64377f, 15.7f, -88.0f, -100.0f, 100.0f};
  for (float x = -30.0f; x <= 30.0f; x += 0.0137f) xs.push_back(x);
  while (xs.size() % kLanes != 0) xs.push_back(1.0f);
  return xs;
}

template <typename Ops>
std::vector<float> apply(const std::vector<float>& xs, bool sigmoid) {
  std::vector<float> out(xs.size());
  for (std::size_t i = 0; i < xs.size(); i += kLanes) {
    const auto x = Ops::load(xs.data() + i);
    Ops::store(out.data() + i, sigmoid ? Ops::sigmoid(x) : Ops::tanh(x));
  }
  return out;
}

// steps time steps of an LSTM with H units for `batch` beats, each block's
// beats in groups of 2 then 1 (as lstm_step), with the given operations.
template <typename Ops>
std::vector<float> run(int H, int batch, bool projected) {
  const int blocks = (H + kLanes - 1) / kLanes, rows = blocks * kLanes;
  std::mt19937 rng(11);
  std::normal_distribution<float> normal(0.0f, 0.6f);
  auto values = [&](std::size_t n) {
    std::vector<float> v(n);
    for (auto& x : v) x = normal(rng);
    return v;
  };
  const std::vector<float> w = values(static_cast<std::size_t>(blocks) * H * 4 * kLanes);
  const std::vector<float> xproj = values(static_cast<std::size_t>(4 * rows) * batch);
  const std::vector<float> x = values(static_cast<std::size_t>(3) * batch);
  const std::vector<float> w_ih = values(static_cast<std::size_t>(3) * 4 * rows);
  const std::vector<float> bias = values(static_cast<std::size_t>(4) * rows);
  std::vector<float> h(static_cast<std::size_t>(rows) * batch, 0.0f), h_next(h), c(h);
  for (int step = 0; step < 12; ++step) {
    LstmStepArgs a;
    a.packed_w = w.data();
    a.hidden = H;
    a.blocks = blocks;
    if (projected) {
      a.xproj = xproj.data();
      a.xproj_stride = 4 * rows;
    } else {
      a.x = x.data();
      a.x_stride = 3;
      a.inputs = 3;
      a.w_ih = w_ih.data();
      a.w_ih_stride = 4 * rows;
      a.bias = bias.data();
    }
    a.h_prev = h.data();
    a.h_next = h_next.data();
    a.c = c.data();
    a.state_stride = rows;
    for (int u = 0; u < blocks; ++u) {
      int b = 0;
      for (; b + 2 <= batch; b += 2) lstm_block<2, Ops>(a, u, b);
      for (; b < batch; ++b) lstm_block<1, Ops>(a, u, b);
    }
    h.swap(h_next);
  }
  h.insert(h.end(), c.begin(), c.end());
  return h;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

#if defined(__wasm_simd128__)
TEST(LstmKernelWasmOps, SigmoidAndTanhGiveEigensBits) {
  const std::vector<float> xs = sweep();
  EXPECT_TRUE(same_bits(apply<WasmOps>(xs, true), apply<EigenOps>(xs, true)));
  EXPECT_TRUE(same_bits(apply<WasmOps>(xs, false), apply<EigenOps>(xs, false)));
}

TEST(LstmKernelWasmOps, StepsGiveEigensBitsForEveryBeatGrouping) {
  for (int H : {1, 5, 32, 64})
    for (int batch : {1, 2, 3, 7})
      for (bool projected : {true, false})
        EXPECT_TRUE(same_bits(run<WasmOps>(H, batch, projected), run<EigenOps>(H, batch, projected)))
            << "H " << H << ", batch " << batch << (projected ? ", projected input" : ", raw input");
}

TEST(LstmKernelWasmOps, IsWhatTheWasmBuildSteps) {
  EXPECT_TRUE((std::is_same_v<StepOps, WasmOps>));
}
#else
#error "built only for WebAssembly (tests/wasm/CMakeLists.txt)"
#endif

}  // namespace
}  // namespace ecglens::detail
