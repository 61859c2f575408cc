// nn.Linear for the kinds of dense_autoencoder.h, variational_autoencoder.h
// and reverse_autoencoder.h: Y = W X + b over the columns of X, tensors
// PREFIX.weight [out, in] and PREFIX.bias [out] in the Parameters.
//
// Unlike layers.h's Linear, the bias gradient is summed into an aligned
// workspace before it is added to the flat gradient buffer: Eigen's
// vectorised row sum straight into a tensor of the flat buffer peels a
// number of elements that depends on the tensor's address, so the rounding
// (and a run's weights) would change with where the allocator put the buffer.
// With the workspace, one seed gives bit-identical weights.
#pragma once

#include <string>

#include "ecglens/train/parameters.h"

namespace ecglens::train {

template <typename S>
class DenseLayer {
 public:
  DenseLayer(Parameters<S>& params, const std::string& prefix);
  int in_size() const { return in_; }
  int out_size() const { return out_; }

  // x: in x n; y: out x n.
  void forward(const Eigen::Ref<const Mat<S>>& x, Eigen::Ref<Mat<S>> y);
  // dy: out x n. Accumulates dW += dY X^T and db += the row sums of dY;
  // writes dX = W^T dY (in x n) when dx is given.
  void backward(const Eigen::Ref<const Mat<S>>& x, const Eigen::Ref<const Mat<S>>& dy,
                Mat<S>* dx);
  // The same, writing dX into a block of a caller's workspace (in x n).
  void backward(const Eigen::Ref<const Mat<S>>& x, const Eigen::Ref<const Mat<S>>& dy,
                Eigen::Ref<Mat<S>> dx);

 private:
  Parameters<S>* params_;
  int weight_, bias_;
  int in_, out_;
  Vec<S> d_bias_;  // out
};

}  // namespace ecglens::train
