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
// builds the same operations written directly in wasm_simd128.h (WasmOps,
// below), which skip the SSE-to-wasm translation's extra work for min, max
// and select and give the same bits.
#pragma once

#include <Eigen/Core>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

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

// The vector operations of the kernel, on Eigen's packets.
struct EigenOps {
  using V = Packet;
  static V load(const float* p) { return Eigen::internal::ploadu<Packet>(p); }
  static void store(float* p, const V& v) { Eigen::internal::pstoreu(p, v); }
  static V splat(const float* p) { return Eigen::internal::pset1<Packet>(*p); }
  static V zero() { return Eigen::internal::pset1<Packet>(0.0f); }
  static V madd(const V& a, const V& b, const V& c) { return Eigen::internal::pmadd(a, b, c); }
  static V add(const V& a, const V& b) { return Eigen::internal::padd(a, b); }
  static V mul(const V& a, const V& b) { return Eigen::internal::pmul(a, b); }
  static V sigmoid(const V& x) { return detail::sigmoid(x); }
  static V tanh(const V& x) { return detail::tanh(x); }
};

#if defined(__wasm_simd128__)
// The same operations in WebAssembly SIMD (4 lanes, no fused multiply-add,
// as Eigen's SSE path compiles to here). sigmoid and tanh are Eigen 3.4's
// rational approximations (scalar_logistic_op<float>, generic_fast_tanh_float,
// the non-FMA constants) with the same operations in the same order, so the
// results are bit for bit those of EigenOps in this build:
//   - Eigen's pmin(a, b) is _mm_min_ps(b, a), which Emscripten writes as
//     compare + bitselect: (b < a) ? b : a, which is f32x4.pmin(a, b) in one
//     instruction (likewise pmax);
//   - pselect(mask, a, b) is _mm_blendv_ps, a shift + bitselect; with masks
//     from comparisons (all bits set or clear) bitselect alone is the same.
struct WasmOps {
  using V = v128_t;
  static V load(const float* p) { return wasm_v128_load(p); }
  static void store(float* p, const V& v) { wasm_v128_store(p, v); }
  static V splat(const float* p) { return wasm_v128_load32_splat(p); }
  static V zero() { return wasm_f32x4_const_splat(0.0f); }
  static V madd(const V& a, const V& b, const V& c) { return wasm_f32x4_add(wasm_f32x4_mul(a, b), c); }
  static V add(const V& a, const V& b) { return wasm_f32x4_add(a, b); }
  static V mul(const V& a, const V& b) { return wasm_f32x4_mul(a, b); }
  static V c(float x) { return wasm_f32x4_splat(x); }

  static V sigmoid(const V& x_in) {
    const V small = wasm_f32x4_lt(x_in, c(-9.f));
    const V x = wasm_f32x4_pmin(x_in, c(15.6437711715698242f));
    const V x2 = mul(x, x);
    V p = madd(x2, c(4.37031012579801e-11f), c(1.15627324459942e-07f));
    p = madd(x2, p, c(6.08574864600143e-05f));
    p = madd(x2, p, c(8.51377133304701e-03f));
    p = madd(x2, p, c(2.48287947061529e-01f));
    p = mul(x, p);
    V q = madd(x2, c(6.10247389755681e-13f), c(5.76102136993427e-09f));
    q = madd(x2, q, c(6.29106785017040e-06f));
    q = madd(x2, q, c(1.70198817374094e-03f));
    q = madd(x2, q, c(1.16817656904453e-01f));
    q = madd(x2, q, c(9.93151921023180e-01f));
    const V logistic = add(wasm_f32x4_div(p, q), c(0.5f));
    if (__builtin_expect(wasm_v128_any_true(small), 0)) {
      // Below -9, Eigen's exp (rare: a saturated gate).
      const Packet e = Eigen::internal::pexp(Packet(x_in));  // vector casts: same 16 bytes
      return wasm_v128_bitselect(V(e), logistic, small);
    }
    return logistic;
  }

  static V tanh(const V& a) {
    const V x = wasm_f32x4_pmax(wasm_f32x4_pmin(a, c(7.90531110763549805f)), c(-7.90531110763549805f));
    const V tiny = wasm_f32x4_lt(wasm_f32x4_abs(a), c(0.0004f));
    const V x2 = mul(x, x);
    V p = madd(x2, c(-2.76076847742355e-16f), c(2.00018790482477e-13f));
    p = madd(x2, p, c(-8.60467152213735e-11f));
    p = madd(x2, p, c(5.12229709037114e-08f));
    p = madd(x2, p, c(1.48572235717979e-05f));
    p = madd(x2, p, c(6.37261928875436e-04f));
    p = madd(x2, p, c(4.89352455891786e-03f));
    p = mul(x, p);
    V q = madd(x2, c(1.19825839466702e-06f), c(1.18534705686654e-04f));
    q = madd(x2, q, c(2.26843463243900e-03f));
    q = madd(x2, q, c(4.89352518554385e-03f));
    return wasm_v128_bitselect(x, wasm_f32x4_div(p, q), tiny);
  }
};
#endif

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
// In the browser WasmOps measured up to ~1.2x faster than Eigen's packets
// (native/bench/README.md); define ECGLENS_LSTM_EIGEN_OPS to build the wasm
// core with EigenOps again and compare.
#if defined(__wasm_simd128__) && !defined(ECGLENS_LSTM_EIGEN_OPS)
using StepOps = WasmOps;
#else
using StepOps = EigenOps;
#endif

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
