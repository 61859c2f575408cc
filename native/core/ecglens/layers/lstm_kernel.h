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
// every build.
#pragma once

#include <Eigen/Core>

namespace ecglens::detail {

using Packet = Eigen::internal::packet_traits<float>::type;
inline constexpr int kLanes = Eigen::internal::packet_traits<float>::size;

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

inline Packet sigmoid(const Packet& x) {
  return Eigen::internal::scalar_logistic_op<float>().packetOp(x);
}
inline Packet tanh(const Packet& x) { return Eigen::internal::scalar_tanh_op<float>().packetOp(x); }

// One block of units for N consecutive beats starting at `beat`. With N = 1
// the k loop keeps two sets of accumulators (even and odd k) so that more
// independent multiply-adds are in flight.
template <int N>
inline void lstm_block(const LstmStepArgs& a, int block, int beat) noexcept {
  using namespace Eigen::internal;
  constexpr int S = N == 1 ? 2 : 1;  // accumulator sets
  Packet acc[S][4][N];
  const Eigen::Index rows = static_cast<Eigen::Index>(block) * 4 * kLanes;
  for (int n = 0; n < N; ++n) {
    for (int q = 0; q < 4; ++q) {
      if (a.xproj) {
        acc[0][q][n] = ploadu<Packet>(a.xproj + (beat + n) * a.xproj_stride + rows + q * kLanes);
      } else {
        Packet p = ploadu<Packet>(a.bias + rows + q * kLanes);
        const float* x = a.x + (beat + n) * a.x_stride;
        for (int i = 0; i < a.inputs; ++i)
          p = pmadd(ploadu<Packet>(a.w_ih + i * a.w_ih_stride + rows + q * kLanes), pset1<Packet>(x[i]), p);
        acc[0][q][n] = p;
      }
      if (S == 2) acc[S - 1][q][n] = pset1<Packet>(0.0f);
    }
  }
  const float* w = a.packed_w + static_cast<Eigen::Index>(block) * a.hidden * 4 * kLanes;
  const float* h[N];
  for (int n = 0; n < N; ++n) h[n] = a.h_prev + (beat + n) * a.state_stride;
  int k = 0;
  for (; k + S <= a.hidden; k += S) {
    for (int s = 0; s < S; ++s) {
      const float* wk = w + (k + s) * 4 * kLanes;
      const Packet w0 = ploadu<Packet>(wk), w1 = ploadu<Packet>(wk + kLanes),
                   w2 = ploadu<Packet>(wk + 2 * kLanes), w3 = ploadu<Packet>(wk + 3 * kLanes);
      for (int n = 0; n < N; ++n) {
        const Packet hk = pset1<Packet>(h[n][k + s]);
        acc[s][0][n] = pmadd(w0, hk, acc[s][0][n]);
        acc[s][1][n] = pmadd(w1, hk, acc[s][1][n]);
        acc[s][2][n] = pmadd(w2, hk, acc[s][2][n]);
        acc[s][3][n] = pmadd(w3, hk, acc[s][3][n]);
      }
    }
  }
  for (; k < a.hidden; ++k) {  // the odd k left over when S == 2
    const float* wk = w + k * 4 * kLanes;
    for (int n = 0; n < N; ++n) {
      const Packet hk = pset1<Packet>(h[n][k]);
      for (int q = 0; q < 4; ++q) acc[0][q][n] = pmadd(ploadu<Packet>(wk + q * kLanes), hk, acc[0][q][n]);
    }
  }
  for (int n = 0; n < N; ++n) {
    Packet g[4];
    for (int q = 0; q < 4; ++q) g[q] = S == 2 ? padd(acc[0][q][n], acc[S - 1][q][n]) : acc[0][q][n];
    const Eigen::Index offset = (beat + n) * a.state_stride + block * kLanes;
    const Packet c = pmadd(sigmoid(g[1]), ploadu<Packet>(a.c + offset), pmul(sigmoid(g[0]), tanh(g[2])));
    pstoreu(a.c + offset, c);
    pstoreu(a.h_next + offset, pmul(sigmoid(g[3]), tanh(c)));
  }
}

// One time step for `batch` beats: blocks outermost, so a block's packed
// weights stay in the L1 cache while every beat passes through them.
// Beats go through in groups of kBeats (as many as the SIMD register file
// holds accumulators for; measured on AVX-512: 8 beats beat 4 and 6), the
// rest in halving groups.
inline void lstm_step(const LstmStepArgs& a, int batch) noexcept {
  constexpr int kBeats = kLanes >= 16 ? 8 : 2;
  for (int u = 0; u < a.blocks; ++u) {
    int b = 0;
    for (; b + kBeats <= batch; b += kBeats) lstm_block<kBeats>(a, u, b);
    if (kBeats > 4) for (; b + 4 <= batch; b += 4) lstm_block<4>(a, u, b);
    if (kBeats > 2) for (; b + 2 <= batch; b += 2) lstm_block<2>(a, u, b);
    for (; b < batch; ++b) lstm_block<1>(a, u, b);
  }
}

}  // namespace ecglens::detail
