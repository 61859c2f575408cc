// 1-D convolution and transposed convolution (PyTorch nn.Conv1d and
// nn.ConvTranspose1d, dilation 1, groups 1) over batches of sequences.
//
// Unlike the recurrent layers, these see a beat as a channels x length
// matrix: a batch is channels x (batch*length), column b*length + t. That is
// again the beat-major layout [beat][step][channel].
//
// Conv1d, stride s, padding p, kernel k, weight [out, in, k]:
//   y[o, t] = b[o] + sum_{i, j} w[o, i, j] x[i, t*s - p + j]   (zero outside)
//   output length (L + 2p - k) / s + 1.
// ConvTranspose1d, weight [in, out, k] (PyTorch's order), output_padding q:
//   y[o, t*s - p + j] += w[i, o, j] x[i, t]   for every input step t,
//   output length (L - 1) s - 2p + k + q.
// Both run as one matrix product over the whole batch: Conv1d gathers the
// input windows into a column matrix first (im2col); ConvTranspose1d
// multiplies first and scatters the products into place (col2im).
#pragma once

#include "ecglens/layers/sequence.h"

namespace ecglens {

class Conv1d {
 public:
  Conv1d(int in_channels, int out_channels, int kernel, int stride, int padding);

  int in_channels() const { return in_; }
  int out_channels() const { return out_; }
  int output_length(int length) const { return (length + 2 * pad_ - kernel_) / stride_ + 1; }

  void set_weights(const float* weight, const float* bias);
  void reserve(int batch, int length);
  // x: [batch][length][in], y: [batch][output_length][out].
  void forward(const float* x, int length, int batch, float* y) noexcept;

 private:
  int in_, out_, kernel_, stride_, pad_;
  MatrixF w_;     // out x (k*in), column j*in + i = w[o, i, j]
  VectorF b_;
  MatrixF cols_;  // (k*in) x (batch*output_length)
};

class ConvTranspose1d {
 public:
  ConvTranspose1d(int in_channels, int out_channels, int kernel, int stride, int padding,
                  int output_padding);

  int in_channels() const { return in_; }
  int out_channels() const { return out_; }
  int output_length(int length) const {
    return (length - 1) * stride_ - 2 * pad_ + kernel_ + out_pad_;
  }

  void set_weights(const float* weight, const float* bias);
  void reserve(int batch, int length);
  // x: [batch][length][in], y: [batch][output_length][out].
  void forward(const float* x, int length, int batch, float* y) noexcept;

 private:
  int in_, out_, kernel_, stride_, pad_, out_pad_;
  MatrixF w_;         // (k*out) x in, row j*out + o = w[i, o, j]
  VectorF b_;
  MatrixF products_;  // (k*out) x (batch*length)
};

}  // namespace ecglens
