#include "ecglens/layers/conv1d.h"

#include "ecglens/util/error.h"

namespace ecglens {

// --- Conv1d ---------------------------------------------------------------

Conv1d::Conv1d(int in_channels, int out_channels, int kernel, int stride, int padding)
    : in_(in_channels), out_(out_channels), kernel_(kernel), stride_(stride), pad_(padding),
      w_(MatrixF::Zero(out_channels, kernel * in_channels)), b_(VectorF::Zero(out_channels)) {
  if (kernel < 1 || stride < 1 || padding < 0) throw Error("invalid Conv1d geometry");
}

void Conv1d::set_weights(const float* weight, const float* bias) {
  for (int o = 0; o < out_; ++o)
    for (int i = 0; i < in_; ++i)
      for (int j = 0; j < kernel_; ++j) w_(o, j * in_ + i) = weight[(o * in_ + i) * kernel_ + j];
  b_ = Eigen::Map<const VectorF>(bias, out_);
}

void Conv1d::reserve(int batch, int length) {
  const Eigen::Index cols = static_cast<Eigen::Index>(batch) * output_length(length);
  if (cols_.size() < kernel_ * in_ * cols) cols_.resize(kernel_ * in_, cols);
}

void Conv1d::forward(const float* x, int length, int batch, float* y) noexcept {
  const int out_len = output_length(length);
  const Eigen::Index n = static_cast<Eigen::Index>(batch) * out_len;
  Eigen::Map<MatrixF> cols(cols_.data(), kernel_ * in_, n);
  Eigen::Map<const MatrixF> in(x, in_, static_cast<Eigen::Index>(batch) * length);
  for (int b = 0; b < batch; ++b) {
    for (int t = 0; t < out_len; ++t) {
      const Eigen::Index col = static_cast<Eigen::Index>(b) * out_len + t;
      for (int j = 0; j < kernel_; ++j) {
        const int src = t * stride_ - pad_ + j;
        auto window = cols.block(j * in_, col, in_, 1);
        if (src >= 0 && src < length) {
          window = in.col(static_cast<Eigen::Index>(b) * length + src);
        } else {
          window.setZero();
        }
      }
    }
  }
  Eigen::Map<MatrixF> out(y, out_, n);
  out.noalias() = w_ * cols;
  out.colwise() += b_;
}

// --- ConvTranspose1d ------------------------------------------------------

ConvTranspose1d::ConvTranspose1d(int in_channels, int out_channels, int kernel, int stride,
                                 int padding, int output_padding)
    : in_(in_channels), out_(out_channels), kernel_(kernel), stride_(stride), pad_(padding),
      out_pad_(output_padding), w_(MatrixF::Zero(kernel * out_channels, in_channels)),
      b_(VectorF::Zero(out_channels)) {
  if (kernel < 1 || stride < 1 || padding < 0 || output_padding < 0 ||
      output_padding >= stride)
    throw Error("invalid ConvTranspose1d geometry");
}

void ConvTranspose1d::set_weights(const float* weight, const float* bias) {
  for (int i = 0; i < in_; ++i)
    for (int o = 0; o < out_; ++o)
      for (int j = 0; j < kernel_; ++j) w_(j * out_ + o, i) = weight[(i * out_ + o) * kernel_ + j];
  b_ = Eigen::Map<const VectorF>(bias, out_);
}

void ConvTranspose1d::reserve(int batch, int length) {
  const Eigen::Index cols = static_cast<Eigen::Index>(batch) * length;
  if (products_.size() < kernel_ * out_ * cols) products_.resize(kernel_ * out_, cols);
}

void ConvTranspose1d::forward(const float* x, int length, int batch, float* y) noexcept {
  const int out_len = output_length(length);
  const Eigen::Index n_in = static_cast<Eigen::Index>(batch) * length;
  Eigen::Map<MatrixF> products(products_.data(), kernel_ * out_, n_in);
  products.noalias() = w_ * Eigen::Map<const MatrixF>(x, in_, n_in);
  Eigen::Map<MatrixF> out(y, out_, static_cast<Eigen::Index>(batch) * out_len);
  out.colwise() = b_;
  for (int b = 0; b < batch; ++b) {
    for (int t = 0; t < length; ++t) {
      const Eigen::Index src = static_cast<Eigen::Index>(b) * length + t;
      for (int j = 0; j < kernel_; ++j) {
        const int dst = t * stride_ - pad_ + j;
        if (dst < 0 || dst >= out_len) continue;
        out.col(static_cast<Eigen::Index>(b) * out_len + dst) +=
            products.block(j * out_, src, out_, 1);
      }
    }
  }
}

}  // namespace ecglens
