// The LSTM kernel's vector operations written directly in wasm_simd128.h,
// for WebAssembly builds with SIMD (lstm_ops.h includes this header only
// there).
#pragma once

#include <wasm_simd128.h>

#include "ecglens/layers/arch/lstm_ops_eigen.h"

namespace ecglens::detail {

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

}  // namespace ecglens::detail
