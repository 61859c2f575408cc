// The one place that chooses the LSTM kernel's vector operations for the
// target (StepOps). Each instruction set's operations live in a header of
// their own beside this one:
//
//   lstm_ops_eigen.h  EigenOps: Eigen's packets, every build
//   lstm_ops_wasm.h   WasmOps: wasm_simd128.h, WebAssembly builds with SIMD
//
// Both give the same bits in the build they share (tests/wasm checks it).
// In the browser WasmOps measured up to ~1.2x faster than Eigen's packets
// (native/bench/README.md); define ECGLENS_LSTM_EIGEN_OPS to build the wasm
// core with EigenOps again and compare.
#pragma once

#include "ecglens/layers/arch/lstm_ops_eigen.h"

#if defined(__wasm_simd128__)
#include "ecglens/layers/arch/lstm_ops_wasm.h"
#endif

namespace ecglens::detail {

#if defined(__wasm_simd128__) && !defined(ECGLENS_LSTM_EIGEN_OPS)
using StepOps = WasmOps;
#else
using StepOps = EigenOps;
#endif

}  // namespace ecglens::detail
