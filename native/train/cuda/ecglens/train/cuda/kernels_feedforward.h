// The CUDA kernels of the feed-forward engine (engine_cuda_feedforward.cpp):
// ReLU and its derivative, and the gathers and scatters that turn Conv1d and
// ConvTranspose1d into cuBLAS GEMMs, with conv_layers.h's semantics.
//
// Layout (conv_layers.h): a batch of B sequences of L steps and F channels
// is an F x (B*L) column-major matrix whose column b*L + t is step t of
// sequence b, so element (f, b*L + t) sits at (b*L + t)*F + f. A batch of
// beats copied beat-major ([beat][step][channel]) is already in this layout.
//
// Every output element is written by one thread that sums its terms in a
// fixed order (the CPU's order), so results never depend on scheduling: no
// atomics.
#pragma once

#include <cstddef>

#include <cuda_runtime_api.h>

namespace ecglens::train::cuda {

// y = max(y, 0) over n values.
void relu(float* y, std::size_t n, cudaStream_t stream);

// d = d where a > 0, else 0 (ReLU's derivative from its output a; 0 at 0).
void relu_backward(const float* a, float* d, std::size_t n, cudaStream_t stream);

// The shape of one convolution: `in` channels of `length` steps in,
// `out` channels of `out_length` steps out, kernel k, stride s, padding p.
struct ConvShape {
  int in, out, kernel, stride, pad, length, out_length, batch;
};

// Conv1d's window matrix: cols ((in*k) x (B*out_length)), row i*k + j,
// column b*out_length + t = x(i, b*length + t*s - p + j), 0 outside.
void im2col(const float* x, const ConvShape& shape, float* cols, cudaStream_t stream);

// Its adjoint: dx (in x (B*length), overwritten) = the sum over every window
// position that read x(i, b*length + pos) of d_cols there.
void col2im(const float* d_cols, const ConvShape& shape, float* dx, cudaStream_t stream);

// ConvTranspose1d's scatter: y (out x (B*out_length), overwritten) at
// (o, b*out_length + pos) = bias[o] + the sum over input steps t and taps j
// with t*s - p + j = pos of products(o*k + j, b*length + t).
void transposed_scatter(const float* products, const float* bias, const ConvShape& shape,
                        float* y, cudaStream_t stream);

// Its adjoint: d_products ((out*k) x (B*length)) at (o*k + j, b*length + t) =
// dy(o, b*out_length + t*s - p + j), 0 outside.
void transposed_gather(const float* dy, const ConvShape& shape, float* d_products,
                       cudaStream_t stream);

}  // namespace ecglens::train::cuda
