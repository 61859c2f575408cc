// The arithmetic ceiling of the LSTM step kernel in WebAssembly: the inner
// loop of lstm_block<2, WasmOps> (native/core/ecglens/layers/lstm_kernel.h)
// and nothing else. Per k: four gate weight vectors loaded, two beats' h[k]
// splat, eight multiplies and eight adds into eight accumulators (wasm SIMD
// has no fused multiply-add). No nonlinearity, no stores, weights and h in
// L1: what the real kernel runs at can only be slower. web/tests/bench.mjs
// instantiates this module in the page it measures and times it beside the
// core, so the ratio between them is measured in one browser, in one run.
//
//   ecglens_simd_peak(rounds) -> a checksum (keeps the work from being
//   optimised away); each round is 64 k steps, i.e. 512 multiply-adds of
//   4 lanes.
#include <wasm_simd128.h>

namespace {
constexpr int kHidden = 64;
alignas(16) float g_w[kHidden * 16];
alignas(16) float g_h[2 * kHidden];
}  // namespace

extern "C" __attribute__((export_name("ecglens_simd_peak"))) float ecglens_simd_peak(int rounds) {
  for (int i = 0; i < kHidden * 16; ++i) g_w[i] = 1e-3f * static_cast<float>(i % 7 + rounds % 3);
  for (int i = 0; i < 2 * kHidden; ++i) g_h[i] = 0.5f - 1e-3f * static_cast<float>(i % 5);
  v128_t acc[8];
  for (auto& a : acc) a = wasm_f32x4_splat(0.0f);
  for (int r = 0; r < rounds; ++r) {
    for (int k = 0; k < kHidden; ++k) {
      const float* wk = g_w + k * 16;
      const v128_t w0 = wasm_v128_load(wk), w1 = wasm_v128_load(wk + 4), w2 = wasm_v128_load(wk + 8),
                   w3 = wasm_v128_load(wk + 12);
      const v128_t h0 = wasm_v128_load32_splat(g_h + k), h1 = wasm_v128_load32_splat(g_h + kHidden + k);
      acc[0] = wasm_f32x4_add(wasm_f32x4_mul(w0, h0), acc[0]);
      acc[1] = wasm_f32x4_add(wasm_f32x4_mul(w1, h0), acc[1]);
      acc[2] = wasm_f32x4_add(wasm_f32x4_mul(w2, h0), acc[2]);
      acc[3] = wasm_f32x4_add(wasm_f32x4_mul(w3, h0), acc[3]);
      acc[4] = wasm_f32x4_add(wasm_f32x4_mul(w0, h1), acc[4]);
      acc[5] = wasm_f32x4_add(wasm_f32x4_mul(w1, h1), acc[5]);
      acc[6] = wasm_f32x4_add(wasm_f32x4_mul(w2, h1), acc[6]);
      acc[7] = wasm_f32x4_add(wasm_f32x4_mul(w3, h1), acc[7]);
    }
  }
  v128_t sum = acc[0];
  for (int i = 1; i < 8; ++i) sum = wasm_f32x4_add(sum, acc[i]);
  return wasm_f32x4_extract_lane(sum, 0) + wasm_f32x4_extract_lane(sum, 3);
}
