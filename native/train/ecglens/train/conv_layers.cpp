// Forward and backward passes of Conv1d and ConvTranspose1d (conv_layers.h).
//
// With the weights viewed as matrices (PyTorch's row-major layouts):
//   Conv1d: W [out, in*k];      y = W cols + b,      dW += dy cols^T,  d_cols = W^T dy
//   ConvTranspose1d: W [in, out*k];  P = W^T x,  y = scatter(P) + b,
//                    dP = gather(dy),  dW += x dP^T,  dx = W dP
#include "ecglens/train/conv_layers.h"

namespace ecglens::train {

namespace {
// The weight [a, b, k] as an a x (b*k) row-major matrix.
template <typename S>
RowMajorMap<S> kernel_matrix(S* data, const std::vector<std::int64_t>& shape) {
  return {data, static_cast<Eigen::Index>(shape[0]), static_cast<Eigen::Index>(shape[1] * shape[2])};
}
}  // namespace

// --- Conv1d -------------------------------------------------------------------

template <typename S>
Conv1dLayer<S>::Conv1dLayer(Parameters<S>& params, const std::string& prefix, int stride,
                            int padding)
    : params_(&params),
      weight_(params.index(prefix + ".weight")),
      bias_(params.index(prefix + ".bias")),
      in_(static_cast<int>(params.entries()[weight_].shape[1])),
      out_(static_cast<int>(params.entries()[weight_].shape[0])),
      kernel_(static_cast<int>(params.entries()[weight_].shape[2])),
      stride_(stride),
      pad_(padding),
      d_bias_(out_) {}

template <typename S>
void Conv1dLayer<S>::forward(const Eigen::Ref<const Mat<S>>& x, int length, int batch,
                             Eigen::Ref<Mat<S>> y) {
  const int out_len = output_length(length);
  const Eigen::Index n = Eigen::Index(batch) * out_len;
  if (cols_.rows() != Eigen::Index(in_) * kernel_ || cols_.cols() < n)
    cols_.resize(Eigen::Index(in_) * kernel_, n);
  auto cols = cols_.leftCols(n);
  for (int b = 0; b < batch; ++b)
    for (int t = 0; t < out_len; ++t) {
      const Eigen::Index col = Eigen::Index(b) * out_len + t;
      for (int j = 0; j < kernel_; ++j) {
        const int pos = t * stride_ - pad_ + j;
        const bool inside = pos >= 0 && pos < length;
        for (int i = 0; i < in_; ++i)
          cols(Eigen::Index(i) * kernel_ + j, col) =
              inside ? x(i, Eigen::Index(b) * length + pos) : S(0);
      }
    }
  const auto& shape = params_->entries()[weight_].shape;
  y.noalias() = kernel_matrix(params_->value(weight_), shape) * cols;
  y.colwise() += params_->vector(bias_);
}

template <typename S>
void Conv1dLayer<S>::backward(const Eigen::Ref<const Mat<S>>& dy, int length, int batch,
                              Mat<S>* dx) {
  const int out_len = output_length(length);
  const Eigen::Index n = Eigen::Index(batch) * out_len;
  const auto cols = cols_.leftCols(n);
  const auto& shape = params_->entries()[weight_].shape;
  kernel_matrix(params_->grad(weight_), shape).noalias() += dy * cols.transpose();
  d_bias_.noalias() = dy.rowwise().sum();
  params_->grad_vector(bias_) += d_bias_;
  if (!dx) return;
  d_cols_.noalias() = kernel_matrix(params_->value(weight_), shape).transpose() * dy;
  dx->setZero(in_, Eigen::Index(batch) * length);
  for (int b = 0; b < batch; ++b)
    for (int t = 0; t < out_len; ++t) {
      const Eigen::Index col = Eigen::Index(b) * out_len + t;
      for (int j = 0; j < kernel_; ++j) {
        const int pos = t * stride_ - pad_ + j;
        if (pos < 0 || pos >= length) continue;
        for (int i = 0; i < in_; ++i)
          (*dx)(i, Eigen::Index(b) * length + pos) += d_cols_(Eigen::Index(i) * kernel_ + j, col);
      }
    }
}

// --- ConvTranspose1d ----------------------------------------------------------

template <typename S>
ConvTranspose1dLayer<S>::ConvTranspose1dLayer(Parameters<S>& params, const std::string& prefix,
                                              int stride, int padding, int output_padding)
    : params_(&params),
      weight_(params.index(prefix + ".weight")),
      bias_(params.index(prefix + ".bias")),
      in_(static_cast<int>(params.entries()[weight_].shape[0])),
      out_(static_cast<int>(params.entries()[weight_].shape[1])),
      kernel_(static_cast<int>(params.entries()[weight_].shape[2])),
      stride_(stride),
      pad_(padding),
      out_pad_(output_padding),
      d_bias_(out_) {}

template <typename S>
void ConvTranspose1dLayer<S>::forward(const Eigen::Ref<const Mat<S>>& x, int length, int batch,
                                      Eigen::Ref<Mat<S>> y) {
  const int out_len = output_length(length);
  const auto& shape = params_->entries()[weight_].shape;
  products_.noalias() = kernel_matrix(params_->value(weight_), shape).transpose() * x;
  y.setZero();
  for (int b = 0; b < batch; ++b)
    for (int t = 0; t < length; ++t) {
      const Eigen::Index col = Eigen::Index(b) * length + t;
      for (int j = 0; j < kernel_; ++j) {
        const int pos = t * stride_ - pad_ + j;
        if (pos < 0 || pos >= out_len) continue;
        for (int o = 0; o < out_; ++o)
          y(o, Eigen::Index(b) * out_len + pos) += products_(Eigen::Index(o) * kernel_ + j, col);
      }
    }
  y.colwise() += params_->vector(bias_);
}

template <typename S>
void ConvTranspose1dLayer<S>::backward(const Eigen::Ref<const Mat<S>>& x,
                                       const Eigen::Ref<const Mat<S>>& dy, int length, int batch,
                                       Mat<S>* dx) {
  const int out_len = output_length(length);
  // dP: the gradient of every product, gathered from where it was scattered.
  Mat<S>& d_products = products_;
  d_products.resize(Eigen::Index(out_) * kernel_, Eigen::Index(batch) * length);
  for (int b = 0; b < batch; ++b)
    for (int t = 0; t < length; ++t) {
      const Eigen::Index col = Eigen::Index(b) * length + t;
      for (int j = 0; j < kernel_; ++j) {
        const int pos = t * stride_ - pad_ + j;
        const bool inside = pos >= 0 && pos < out_len;
        for (int o = 0; o < out_; ++o)
          d_products(Eigen::Index(o) * kernel_ + j, col) =
              inside ? dy(o, Eigen::Index(b) * out_len + pos) : S(0);
      }
    }
  const auto& shape = params_->entries()[weight_].shape;
  kernel_matrix(params_->grad(weight_), shape).noalias() += x * d_products.transpose();
  d_bias_.noalias() = dy.rowwise().sum();
  params_->grad_vector(bias_) += d_bias_;
  if (dx) dx->noalias() = kernel_matrix(params_->value(weight_), shape) * d_products;
}

template class Conv1dLayer<float>;
template class Conv1dLayer<double>;
template class ConvTranspose1dLayer<float>;
template class ConvTranspose1dLayer<double>;

}  // namespace ecglens::train
