// The LSTM time step as one fused kernel (internal to the layers area).
//
// Per step, every beat b of the batch needs g = xproj_b + W_hh h_b for all
// 4H gate rows, then c_b = σ(g_f) c_b + σ(g_i) tanh(g_g), h_b = σ(g_o) tanh(c_b).
// A general matrix product would write the 4H x B gates to memory and read
// them back for the nonlinearities, and would repack W_hh at every step.
// Here W_hh is packed once, at load time, so that the four gates of a block
// of kLanes hidden units sit side by side:
//
//   packed[u][k][q][lane] = W_hh[q*H + u*kLanes + lane][k]
//       (u: block of units, k: input unit, q: gate i/f/g/o)
//
// and a block's gates for a few beats accumulate in SIMD registers over k,
// with the cell update applied while they are still there. xproj, c and h use
// the same blocked row order ((u*4 + q)*kLanes + lane for xproj; units padded
// to a multiple of kLanes, with zero weights, so padded units stay at 0).
//
// The SIMD width comes from Eigen's packet for float on the target (16 lanes
// with AVX-512, 4 with SSE or WebAssembly SIMD), so the same source serves
// every build. The loop is written once over a small set of vector
// operations (Ops): Eigen's packet functions everywhere, and in WebAssembly
// builds the same operations written directly in wasm_simd128.h, which skip
// the SSE-to-wasm translation's extra work for min, max and select and give
// the same bits. Each set lives in its own header under arch/, and
// arch/lstm_ops.h picks the one this build steps with (StepOps).
#pragma once

#include <Eigen/Core>

#include "ecglens/layers/arch/lstm_ops.h"

namespace ecglens::detail {

struct LstmStepArgs {
  const float* packed_w;  // see above
  int hidden;             // H: input units of W_hh (the k loop)
  int blocks;             // padded H / kLanes
  // Either the input projection, 4 * padded H rows, column stride
  // xproj_stride ...
  const float* xproj = nullptr;
  Eigen::Index xproj_stride = 0;
  // ... or, for a few input channels, the inputs themselves (beat b's at
  // x + b * x_stride) with W_ih and the bias in the blocked row order
  // (w_ih column i at w_ih + i * w_ih_stride): the projection is then done in
  // registers and never stored.
  const float* x = nullptr;
  Eigen::Index x_stride = 0;
  int inputs = 0;
  const float* w_ih = nullptr;
  Eigen::Index w_ih_stride = 0;
  const float* bias = nullptr;
  const float* h_prev;    // padded H rows, column stride state_stride
  float* h_next;
  float* c;
  Eigen::Index state_stride;
};

// One block of units for N consecutive beats starting at `beat`. With N = 1
// the k loop keeps two sets of accumulators (even and odd k) so that more
// independent multiply-adds are in flight.
template <int N, typename Ops = EigenOps>
inline void lstm_block(const LstmStepArgs& a, int block, int beat) noexcept {
  using V = typename Ops::V;
  constexpr int S = N == 1 ? 2 : 1;  // accumulator sets
  V acc[S][4][N];
  const Eigen::Index rows = static_cast<Eigen::Index>(block) * 4 * kLanes;
  for (int n = 0; n < N; ++n) {
    for (int q = 0; q < 4; ++q) {
      if (a.xproj) {
        acc[0][q][n] = Ops::load(a.xproj + (beat + n) * a.xproj_stride + rows + q * kLanes);
      } else {
        V p = Ops::load(a.bias + rows + q * kLanes);
        const float* x = a.x + (beat + n) * a.x_stride;
        for (int i = 0; i < a.inputs; ++i)
          p = Ops::madd(Ops::load(a.w_ih + i * a.w_ih_stride + rows + q * kLanes), Ops::splat(x + i), p);
        acc[0][q][n] = p;
      }
      if (S == 2) acc[S - 1][q][n] = Ops::zero();
    }
  }
  const float* w = a.packed_w + static_cast<Eigen::Index>(block) * a.hidden * 4 * kLanes;
  const float* h[N];
  for (int n = 0; n < N; ++n) h[n] = a.h_prev + (beat + n) * a.state_stride;
  int k = 0;
  for (; k + S <= a.hidden; k += S) {
    for (int s = 0; s < S; ++s) {
      const float* wk = w + (k + s) * 4 * kLanes;
      const V w0 = Ops::load(wk), w1 = Ops::load(wk + kLanes), w2 = Ops::load(wk + 2 * kLanes),
              w3 = Ops::load(wk + 3 * kLanes);
      for (int n = 0; n < N; ++n) {
        const V hk = Ops::splat(h[n] + k + s);
        acc[s][0][n] = Ops::madd(w0, hk, acc[s][0][n]);
        acc[s][1][n] = Ops::madd(w1, hk, acc[s][1][n]);
        acc[s][2][n] = Ops::madd(w2, hk, acc[s][2][n]);
        acc[s][3][n] = Ops::madd(w3, hk, acc[s][3][n]);
      }
    }
  }
  for (; k < a.hidden; ++k) {  // the odd k left over when S == 2
    const float* wk = w + k * 4 * kLanes;
    for (int n = 0; n < N; ++n) {
      const V hk = Ops::splat(h[n] + k);
      for (int q = 0; q < 4; ++q) acc[0][q][n] = Ops::madd(Ops::load(wk + q * kLanes), hk, acc[0][q][n]);
    }
  }
  for (int n = 0; n < N; ++n) {
    V g[4];
    for (int q = 0; q < 4; ++q) g[q] = S == 2 ? Ops::add(acc[0][q][n], acc[S - 1][q][n]) : acc[0][q][n];
    const Eigen::Index offset = (beat + n) * a.state_stride + block * kLanes;
    const V c = Ops::madd(Ops::sigmoid(g[1]), Ops::load(a.c + offset),
                          Ops::mul(Ops::sigmoid(g[0]), Ops::tanh(g[2])));
    Ops::store(a.c + offset, c);
    Ops::store(a.h_next + offset, Ops::mul(Ops::sigmoid(g[3]), Ops::tanh(c)));
  }
}

// One time step for `batch` beats: blocks outermost, so a block's packed
// weights stay in the L1 cache while every beat passes through them.
// Beats go through in groups of kBeats (as many as the SIMD register file
// holds accumulators for), the rest in groups of 4, 2 and 1. With AVX-512's
// 32 registers, 6 beats (24 accumulators, 4 weights, h) fit without spills:
// on a Sapphire Rapids Xeon they ran 1.14-1.17x as fast as 8 beats and ~1.02x as
// fast as 4 at batch 256 (native/bench/README.md); on the AMD EPYC where the
// kernel was written, 8 had measured faster than 4 and 6. Define
// ECGLENS_LSTM_BEATS=N to build another grouping and compare.
// (With 4-lane SIMD, groups of 2 beats: in the browser, 4 were 0.8x as fast,
// as V8 has 16 vector registers for the 16 accumulators, 4 weights and h.)
inline void lstm_step(const LstmStepArgs& a, int batch) noexcept {
#if defined(ECGLENS_LSTM_BEATS)
  constexpr int kBeats = ECGLENS_LSTM_BEATS;
#else
  constexpr int kBeats = kLanes >= 16 ? 6 : 2;
#endif
  for (int u = 0; u < a.blocks; ++u) {
    int b = 0;
    for (; b + kBeats <= batch; b += kBeats) lstm_block<kBeats, StepOps>(a, u, b);
    if (kBeats > 4) for (; b + 4 <= batch; b += 4) lstm_block<4, StepOps>(a, u, b);
    if (kBeats > 2) for (; b + 2 <= batch; b += 2) lstm_block<2, StepOps>(a, u, b);
    for (; b < batch; ++b) lstm_block<1, StepOps>(a, u, b);
  }
}

}  // namespace ecglens::detail
