// Stand-in for <mmintrin.h> in the wasm build. Emscripten 3.1.6 translates
// SSE1-4.2 intrinsics to wasm SIMD (its sysroot's include/compat) but has no
// MMX header; Eigen's SSE path includes <mmintrin.h> and uses nothing from
// it (no __m64), so an empty header is all it needs. The toolchain puts this
// folder on the include path of wasm builds only.
#pragma once
