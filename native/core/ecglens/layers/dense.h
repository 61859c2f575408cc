// Fully connected layer (PyTorch nn.Linear): y = W x + b, applied to every
// column of its input at once. weight [out, in] row-major, bias [out].
#pragma once

#include "ecglens/layers/activations.h"
#include "ecglens/layers/sequence.h"

namespace ecglens {

class Dense {
 public:
  Dense(int in_size, int out_size)
      : w_(MatrixF::Zero(out_size, in_size)), b_(VectorF::Zero(out_size)) {}

  int in_size() const { return static_cast<int>(w_.cols()); }
  int out_size() const { return static_cast<int>(w_.rows()); }

  void set_weights(const float* weight, const float* bias) {
    w_ = from_row_major(weight, out_size(), in_size());
    b_ = Eigen::Map<const VectorF>(bias, out_size());
  }

  // x: in_size x n, y: out_size x n (y must not alias x).
  template <typename In, typename Out>
  void forward(const Eigen::MatrixBase<In>& x, Eigen::MatrixBase<Out>& y,
               Activation activation = Activation::Identity) const noexcept {
    y.noalias() = w_ * x;
    y.colwise() += b_;
    apply_activation(y, activation);
  }
  template <typename In, typename Out>
  void forward(const Eigen::MatrixBase<In>& x, Eigen::MatrixBase<Out>&& y,
               Activation activation = Activation::Identity) const noexcept {
    forward(x, y, activation);
  }

 private:
  MatrixF w_;
  VectorF b_;
};

}  // namespace ecglens
