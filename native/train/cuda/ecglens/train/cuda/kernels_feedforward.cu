// The feed-forward engine's kernels (kernels_feedforward.h): one thread per
// output element, grid-stride loops.
//
// The scatters of conv_layers.cpp (col2im, ConvTranspose1d's forward) are
// written here as gathers: each output element finds the terms that the CPU
// adds into it and adds them in the CPU's order (input steps t ascending,
// which for a fixed output position is taps j descending).
#include <cstddef>

#include "ecglens/train/cuda/kernels_feedforward.h"

namespace ecglens::train::cuda {
namespace {

constexpr int kThreads = 256;

int blocks_for(std::size_t n) {
  const std::size_t b = (n + kThreads - 1) / kThreads;
  return static_cast<int>(b < 65535 ? (b > 0 ? b : 1) : 65535);
}

__global__ void relu_kernel(float* y, std::size_t n) {
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < n;
       i += std::size_t(gridDim.x) * blockDim.x)
    y[i] = y[i] > 0.0f ? y[i] : 0.0f;
}

__global__ void relu_backward_kernel(const float* a, float* d, std::size_t n) {
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < n;
       i += std::size_t(gridDim.x) * blockDim.x)
    if (!(a[i] > 0.0f)) d[i] = 0.0f;
}

// One thread per element of cols: (row i*k + j, column b*Lout + t).
__global__ void im2col_kernel(const float* x, ConvShape s, float* cols) {
  const std::size_t rows = std::size_t(s.in) * s.kernel;
  const std::size_t n = rows * s.batch * s.out_length;
  for (std::size_t e = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; e < n;
       e += std::size_t(gridDim.x) * blockDim.x) {
    const std::size_t row = e % rows, col = e / rows;
    const int i = static_cast<int>(row / s.kernel), j = static_cast<int>(row % s.kernel);
    const int b = static_cast<int>(col / s.out_length), t = static_cast<int>(col % s.out_length);
    const int pos = t * s.stride - s.pad + j;
    cols[e] = (pos >= 0 && pos < s.length)
                  ? x[(std::size_t(b) * s.length + pos) * s.in + i]
                  : 0.0f;
  }
}

// One thread per element of dx: (i, b*L + pos).
__global__ void col2im_kernel(const float* d_cols, ConvShape s, float* dx) {
  const std::size_t rows = std::size_t(s.in) * s.kernel;
  const std::size_t n = std::size_t(s.in) * s.batch * s.length;
  for (std::size_t e = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; e < n;
       e += std::size_t(gridDim.x) * blockDim.x) {
    const int i = static_cast<int>(e % s.in);
    const std::size_t col = e / s.in;
    const int b = static_cast<int>(col / s.length), pos = static_cast<int>(col % s.length);
    float sum = 0.0f;
    for (int j = s.kernel - 1; j >= 0; --j) {
      const int shifted = pos + s.pad - j;  // t * stride
      if (shifted < 0 || shifted % s.stride != 0) continue;
      const int t = shifted / s.stride;
      if (t >= s.out_length) continue;
      sum += d_cols[(std::size_t(b) * s.out_length + t) * rows + std::size_t(i) * s.kernel + j];
    }
    dx[e] = sum;
  }
}

// One thread per element of y: (o, b*Lout + pos).
__global__ void transposed_scatter_kernel(const float* products, const float* bias, ConvShape s,
                                          float* y) {
  const std::size_t rows = std::size_t(s.out) * s.kernel;
  const std::size_t n = std::size_t(s.out) * s.batch * s.out_length;
  for (std::size_t e = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; e < n;
       e += std::size_t(gridDim.x) * blockDim.x) {
    const int o = static_cast<int>(e % s.out);
    const std::size_t col = e / s.out;
    const int b = static_cast<int>(col / s.out_length), pos = static_cast<int>(col % s.out_length);
    float sum = 0.0f;
    for (int j = s.kernel - 1; j >= 0; --j) {
      const int shifted = pos + s.pad - j;  // t * stride
      if (shifted < 0 || shifted % s.stride != 0) continue;
      const int t = shifted / s.stride;
      if (t >= s.length) continue;
      sum += products[(std::size_t(b) * s.length + t) * rows + std::size_t(o) * s.kernel + j];
    }
    y[e] = sum + bias[o];
  }
}

// One thread per element of d_products: (o*k + j, b*L + t).
__global__ void transposed_gather_kernel(const float* dy, ConvShape s, float* d_products) {
  const std::size_t rows = std::size_t(s.out) * s.kernel;
  const std::size_t n = rows * s.batch * s.length;
  for (std::size_t e = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; e < n;
       e += std::size_t(gridDim.x) * blockDim.x) {
    const std::size_t row = e % rows, col = e / rows;
    const int o = static_cast<int>(row / s.kernel), j = static_cast<int>(row % s.kernel);
    const int b = static_cast<int>(col / s.length), t = static_cast<int>(col % s.length);
    const int pos = t * s.stride - s.pad + j;
    d_products[e] = (pos >= 0 && pos < s.out_length)
                        ? dy[(std::size_t(b) * s.out_length + pos) * s.out + o]
                        : 0.0f;
  }
}

}  // namespace

void relu(float* y, std::size_t n, cudaStream_t stream) {
  relu_kernel<<<blocks_for(n), kThreads, 0, stream>>>(y, n);
}

void relu_backward(const float* a, float* d, std::size_t n, cudaStream_t stream) {
  relu_backward_kernel<<<blocks_for(n), kThreads, 0, stream>>>(a, d, n);
}

void im2col(const float* x, const ConvShape& shape, float* cols, cudaStream_t stream) {
  const std::size_t n = std::size_t(shape.in) * shape.kernel * shape.batch * shape.out_length;
  im2col_kernel<<<blocks_for(n), kThreads, 0, stream>>>(x, shape, cols);
}

void col2im(const float* d_cols, const ConvShape& shape, float* dx, cudaStream_t stream) {
  const std::size_t n = std::size_t(shape.in) * shape.batch * shape.length;
  col2im_kernel<<<blocks_for(n), kThreads, 0, stream>>>(d_cols, shape, dx);
}

void transposed_scatter(const float* products, const float* bias, const ConvShape& shape,
                        float* y, cudaStream_t stream) {
  const std::size_t n = std::size_t(shape.out) * shape.batch * shape.out_length;
  transposed_scatter_kernel<<<blocks_for(n), kThreads, 0, stream>>>(products, bias, shape, y);
}

void transposed_gather(const float* dy, const ConvShape& shape, float* d_products,
                       cudaStream_t stream) {
  const std::size_t n = std::size_t(shape.out) * shape.kernel * shape.batch * shape.length;
  transposed_gather_kernel<<<blocks_for(n), kThreads, 0, stream>>>(dy, shape, d_products);
}

}  // namespace ecglens::train::cuda
