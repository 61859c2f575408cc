// nn.Conv1d and nn.ConvTranspose1d (dilation 1, groups 1) with backward
// passes, for conv1d_ae, with the semantics of the core's layers/conv1d.h:
//
//   Conv1d, stride s, padding p, kernel k, weight [out, in, k]:
//     y[o, t] = b[o] + sum_{i, j} w[o, i, j] x[i, t*s - p + j]   (zero outside)
//     output length (L + 2p - k) / s + 1
//   ConvTranspose1d, weight [in, out, k], output_padding q:
//     y[o, t*s - p + j] += w[i, o, j] x[i, t]   for every input step t, plus b[o]
//     output length (L - 1) s - 2p + k + q
//
// Layout: a batch of B sequences of L steps and F channels is an F x (B*L)
// matrix whose column b*L + t is step t of sequence b (each sequence's steps
// contiguous, as the core lays a beat out). Conv1d gathers the input windows
// into a column matrix (im2col) and multiplies once; its backward multiplies
// by the transposed weights and scatters back (col2im). ConvTranspose1d
// multiplies first and scatters the products into place; its backward
// gathers. Gradients ACCUMULATE into the Parameters' gradient buffer.
#pragma once

#include <string>

#include "ecglens/train/parameters.h"

namespace ecglens::train {

template <typename S>
class Conv1dLayer {
 public:
  Conv1dLayer(Parameters<S>& params, const std::string& prefix, int stride, int padding);

  int in_channels() const { return in_; }
  int out_channels() const { return out_; }
  int output_length(int length) const { return (length + 2 * pad_ - kernel_) / stride_ + 1; }

  // x: in x (B*L); y: out x (B*output_length(L)). The window matrix stays for backward().
  void forward(const Eigen::Ref<const Mat<S>>& x, int length, int batch, Eigen::Ref<Mat<S>> y);
  // dy: out x (B*output_length(L)), for the last forward(). Writes dx
  // (in x (B*L)) when given.
  void backward(const Eigen::Ref<const Mat<S>>& dy, int length, int batch, Mat<S>* dx);

 private:
  Parameters<S>* params_;
  int weight_, bias_;
  int in_, out_, kernel_, stride_, pad_;
  Mat<S> cols_;    // (in*k) x (B*Lout), row i*k + j: x[i, t*s - p + j]
  Mat<S> d_cols_;  // same shape
  Vec<S> d_bias_;  // out
};

template <typename S>
class ConvTranspose1dLayer {
 public:
  ConvTranspose1dLayer(Parameters<S>& params, const std::string& prefix, int stride, int padding,
                       int output_padding);

  int in_channels() const { return in_; }
  int out_channels() const { return out_; }
  int output_length(int length) const {
    return (length - 1) * stride_ - 2 * pad_ + kernel_ + out_pad_;
  }

  // x: in x (B*L); y: out x (B*output_length(L)).
  void forward(const Eigen::Ref<const Mat<S>>& x, int length, int batch, Eigen::Ref<Mat<S>> y);
  // x: the input of forward(); dy: out x (B*output_length(L)). Writes dx when given.
  void backward(const Eigen::Ref<const Mat<S>>& x, const Eigen::Ref<const Mat<S>>& dy, int length,
                int batch, Mat<S>* dx);

 private:
  Parameters<S>* params_;
  int weight_, bias_;
  int in_, out_, kernel_, stride_, pad_, out_pad_;
  Mat<S> products_;  // (out*k) x (B*L), row o*k + j: sum_i w[i, o, j] x[i, t]
  Vec<S> d_bias_;    // out
};

}  // namespace ecglens::train
