// nn.Linear's forward and backward passes (dense_layer.h).
#include "ecglens/train/dense_layer.h"

namespace ecglens::train {

template <typename S>
DenseLayer<S>::DenseLayer(Parameters<S>& params, const std::string& prefix)
    : params_(&params),
      weight_(params.index(prefix + ".weight")),
      bias_(params.index(prefix + ".bias")),
      in_(static_cast<int>(params.entries()[weight_].shape[1])),
      out_(static_cast<int>(params.entries()[weight_].shape[0])),
      d_bias_(out_) {}

template <typename S>
void DenseLayer<S>::forward(const Eigen::Ref<const Mat<S>>& x, Eigen::Ref<Mat<S>> y) {
  y.noalias() = params_->matrix(weight_) * x;
  y.colwise() += params_->vector(bias_);
}

template <typename S>
void DenseLayer<S>::backward(const Eigen::Ref<const Mat<S>>& x, const Eigen::Ref<const Mat<S>>& dy,
                             Mat<S>* dx) {
  params_->grad_matrix(weight_).noalias() += dy * x.transpose();
  d_bias_.noalias() = dy.rowwise().sum();
  params_->grad_vector(bias_) += d_bias_;
  if (dx) dx->noalias() = params_->matrix(weight_).transpose() * dy;
}

template <typename S>
void DenseLayer<S>::backward(const Eigen::Ref<const Mat<S>>& x, const Eigen::Ref<const Mat<S>>& dy,
                             Eigen::Ref<Mat<S>> dx) {
  backward(x, dy, nullptr);
  dx.noalias() = params_->matrix(weight_).transpose() * dy;
}

template class DenseLayer<float>;
template class DenseLayer<double>;

}  // namespace ecglens::train
