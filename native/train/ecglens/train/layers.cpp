// Forward and backward passes of the training layers (see layers.h).
#include "ecglens/train/layers.h"

#include "ecglens/util/error.h"

namespace ecglens::train {

// --- Parameters ---------------------------------------------------------------

template <typename S>
Parameters<S>::Parameters(const std::vector<TensorSpec>& specs) {
  std::size_t offset = 0;
  for (const auto& spec : specs) {
    std::size_t n = 1;
    for (auto d : spec.shape) n *= static_cast<std::size_t>(d);
    entries_.push_back({spec.name, spec.shape, offset, n});
    offset += n;
  }
  values_.assign(offset, S(0));
  grads_.assign(offset, S(0));
}

template <typename S>
int Parameters<S>::index(const std::string& name) const {
  for (std::size_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].name == name) return static_cast<int>(i);
  throw Error("no parameter tensor '" + name + "'");
}

template <typename S>
bool Parameters<S>::contains(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return true;
  return false;
}

// --- Linear -------------------------------------------------------------------

template <typename S>
Linear<S>::Linear(Parameters<S>& params, const std::string& prefix)
    : params_(params),
      weight_(params.index(prefix + ".weight")),
      bias_(params.index(prefix + ".bias")),
      in_(static_cast<int>(params.entries()[weight_].shape[1])),
      out_(static_cast<int>(params.entries()[weight_].shape[0])),
      d_bias_(out_) {}

template <typename S>
void Linear<S>::forward(const Eigen::Ref<const Mat<S>>& x, Eigen::Ref<Mat<S>> y) {
  y.noalias() = params_.matrix(weight_) * x;
  y.colwise() += params_.vector(bias_);
}

// dW += dY X^T, db += sum of dY's columns, dX = W^T dY.
template <typename S>
void Linear<S>::backward(const Eigen::Ref<const Mat<S>>& x, const Eigen::Ref<const Mat<S>>& dy,
                         Mat<S>* dx) {
  params_.grad_matrix(weight_).noalias() += dy * x.transpose();
  d_bias_.noalias() = dy.rowwise().sum();
  params_.grad_vector(bias_) += d_bias_;
  if (dx) dx->noalias() = params_.matrix(weight_).transpose() * dy;
}

// --- RecurrentSequence --------------------------------------------------------

template <typename S>
std::unique_ptr<RecurrentSequence<S>> RecurrentSequence<S>::create(CellType cell,
                                                                   Parameters<S>& params,
                                                                   const std::string& prefix,
                                                                   bool residual,
                                                                   bool repeated_input) {
  if (cell == CellType::Gru)
    return std::make_unique<GruSequence<S>>(params, prefix, residual, repeated_input);
  return std::make_unique<LstmSequence<S>>(params, prefix, residual, repeated_input);
}

template <typename S>
RecurrentSequence<S>::RecurrentSequence(Parameters<S>& params, const std::string& prefix,
                                        int gates, bool residual, bool repeated_input)
    : params_(params),
      w_ih_(params.index(prefix + ".weight_ih")),
      w_hh_(params.index(prefix + ".weight_hh")),
      b_ih_(params.index(prefix + ".bias_ih")),
      b_hh_(params.index(prefix + ".bias_hh")),
      in_(static_cast<int>(params.entries()[w_ih_].shape[1])),
      hidden_(static_cast<int>(params.entries()[w_hh_].shape[1])),
      gates_count_(gates),
      residual_(residual),
      repeated_(repeated_input) {
  if (residual_ && in_ != hidden_) proj_ = params.index(prefix + ".residual_proj");
}

template <typename S>
void RecurrentSequence<S>::reserve(int steps, int batch) {
  const Eigen::Index H = hidden_, cols = Eigen::Index(steps) * batch;
  if (hidden_states_.cols() < cols) {
    hidden_states_.resize(H, cols);
    if (residual_) residual_out_.resize(H, cols);
  }
  if (dh_.cols() < batch) {
    dh_.resize(H, batch);
    dh_next_.resize(H, batch);
    d_proj_sum_.resize(gates_count_ * H, batch);
    dy_sum_.resize(H, batch);
  }
}

template <typename S>
Cols<S> RecurrentSequence<S>::output(int steps, int batch) {
  Mat<S>& y = residual_ ? residual_out_ : hidden_states_;
  return y.leftCols(Eigen::Index(steps) * batch);
}

template <typename S>
void RecurrentSequence<S>::project_input(const Eigen::Ref<const Mat<S>>& x, const Vec<S>& bias,
                                         int steps, int batch, Mat<S>& proj) {
  const Eigen::Index B = batch, TB = Eigen::Index(steps) * batch;
  const auto w_ih = params_.matrix(w_ih_);
  if (repeated_) {
    auto first = proj.leftCols(B);
    first.noalias() = w_ih * x;
    first.colwise() += bias;
    for (int t = 1; t < steps; ++t) proj.middleCols(t * B, B) = first;
  } else {
    auto all = proj.leftCols(TB);
    all.noalias() = w_ih * x;
    all.colwise() += bias;
  }
}

template <typename S>
void RecurrentSequence<S>::add_residual(const Eigen::Ref<const Mat<S>>& x, int steps, int batch) {
  if (!residual_) return;
  const Eigen::Index B = batch, TB = Eigen::Index(steps) * batch;
  auto y = residual_out_.leftCols(TB);
  if (repeated_) {
    // The same P x (or x) is added at every step.
    auto first = dh_.leftCols(B);
    if (proj_ >= 0) {
      first.noalias() = params_.matrix(proj_) * x;
    } else {
      first = x;
    }
    for (int t = 0; t < steps; ++t)
      y.middleCols(t * B, B) = hidden_states_.middleCols(t * B, B) + first;
  } else if (proj_ >= 0) {
    y = hidden_states_.leftCols(TB);
    y.noalias() += params_.matrix(proj_) * x;
  } else {
    y = hidden_states_.leftCols(TB) + x;
  }
}

// dW_ih += sum_t d_proj_t x_t^T, dx_t = W_ih^T d_proj_t (summed over the
// steps for a repeated input); then y = h + x (or P x) adds dy (or P^T dy)
// to dx and dy x^T to dP.
template <typename S>
void RecurrentSequence<S>::backward_input(const Eigen::Ref<const Mat<S>>& x, const Mat<S>& d_proj,
                                          const Eigen::Ref<const Mat<S>>& dy, int steps,
                                          int batch, Mat<S>* dx) {
  const Eigen::Index B = batch, TB = Eigen::Index(steps) * batch;
  const auto w_ih = params_.matrix(w_ih_);
  if (repeated_) {
    auto sum = d_proj_sum_.leftCols(B);
    sum = d_proj.leftCols(B);
    for (int t = 1; t < steps; ++t) sum += d_proj.middleCols(t * B, B);
    params_.grad_matrix(w_ih_).noalias() += sum * x.transpose();
    if (dx) dx->noalias() = w_ih.transpose() * sum;
  } else {
    const auto d = d_proj.leftCols(TB);
    params_.grad_matrix(w_ih_).noalias() += d * x.transpose();
    if (dx) dx->noalias() = w_ih.transpose() * d;
  }
  if (!residual_) return;
  if (repeated_) {
    auto sum = dy_sum_.leftCols(B);
    sum = dy.leftCols(B);
    for (int t = 1; t < steps; ++t) sum += dy.middleCols(t * B, B);
    if (proj_ >= 0) {
      params_.grad_matrix(proj_).noalias() += sum * x.transpose();
      if (dx) dx->noalias() += params_.matrix(proj_).transpose() * sum;
    } else if (dx) {
      *dx += sum;
    }
  } else if (proj_ >= 0) {
    params_.grad_matrix(proj_).noalias() += dy * x.transpose();
    if (dx) dx->noalias() += params_.matrix(proj_).transpose() * dy;
  } else if (dx) {
    *dx += dy;
  }
}

// --- LstmSequence -------------------------------------------------------------

template <typename S>
void LstmSequence<S>::reserve(int steps, int batch) {
  RecurrentSequence<S>::reserve(steps, batch);
  const Eigen::Index H = this->hidden_, cols = Eigen::Index(steps) * batch;
  if (gates_.cols() < cols) {
    gates_.resize(4 * H, cols);
    d_gates_.resize(4 * H, cols);
    cells_.resize(H, cols);
    tanh_c_.resize(H, cols);
  }
  if (dc_.cols() < batch) dc_.resize(H, batch);
  bias_.resize(4 * H);
  d_bias_.resize(4 * H);
}

template <typename S>
void LstmSequence<S>::forward(const Eigen::Ref<const Mat<S>>& x, int steps, int batch) {
  const Eigen::Index H = this->hidden_, B = batch;
  auto& params = this->params_;
  const auto w_hh = params.matrix(this->w_hh_);
  bias_ = params.vector(this->b_ih_) + params.vector(this->b_hh_);
  // Input projections: one GEMM for the whole sequence (or once, repeated).
  this->project_input(x, bias_, steps, batch, gates_);

  auto& hs = this->hidden_states_;
  for (int t = 0; t < steps; ++t) {
    auto g = gates_.middleCols(t * B, B);
    if (t > 0) g.noalias() += w_hh * hs.middleCols((t - 1) * B, B);
    g.topRows(2 * H) = g.topRows(2 * H).array().logistic();
    g.middleRows(2 * H, H) = g.middleRows(2 * H, H).array().tanh();
    g.bottomRows(H) = g.bottomRows(H).array().logistic();
    auto c = cells_.middleCols(t * B, B);
    if (t > 0) {
      c.array() = g.middleRows(H, H).array() * cells_.middleCols((t - 1) * B, B).array() +
                  g.topRows(H).array() * g.middleRows(2 * H, H).array();
    } else {
      c.array() = g.topRows(H).array() * g.middleRows(2 * H, H).array();
    }
    auto tc = tanh_c_.middleCols(t * B, B);
    tc = c.array().tanh();
    hs.middleCols(t * B, B).array() = g.bottomRows(H).array() * tc.array();
  }
  this->add_residual(x, steps, batch);
}

// Backpropagation through time. With dh the gradient reaching h_t (from the
// output and from step t+1) and dc the one reaching c_t:
//   dc  = dc_{t+1} f_{t+1} + dh o tanh'(c_t)       (tanh' = 1 - tanh^2)
//   da_i = dc g~ i(1-i),  da_f = dc c_{t-1} f(1-f),  da_g = dc i (1-g~^2),
//   da_o = dh tanh(c_t) o(1-o)
//   dh_{t-1} += W_hh^T da_t
// and after the loop, over all steps at once:
//   dW_hh += sum_t da_t h_{t-1}^T, dW_ih += sum_t da_t x_t^T, db += sum_t da_t.
template <typename S>
void LstmSequence<S>::backward(const Eigen::Ref<const Mat<S>>& x,
                               const Eigen::Ref<const Mat<S>>& dy, int steps, int batch,
                               Mat<S>* dx) {
  const Eigen::Index H = this->hidden_, B = batch, TB = Eigen::Index(steps) * batch;
  auto& params = this->params_;
  const auto w_hh = params.matrix(this->w_hh_);
  auto dh = this->dh_.leftCols(B);
  auto dh_next = this->dh_next_.leftCols(B);
  auto dc = dc_.leftCols(B);
  dh_next.setZero();
  dc.setZero();

  for (int t = steps - 1; t >= 0; --t) {
    const auto g = gates_.middleCols(t * B, B);
    const auto i = g.topRows(H).array();
    const auto f = g.middleRows(H, H).array();
    const auto gc = g.middleRows(2 * H, H).array();
    const auto o = g.bottomRows(H).array();
    const auto tc = tanh_c_.middleCols(t * B, B).array();
    auto da = d_gates_.middleCols(t * B, B);

    dh = dy.middleCols(t * B, B) + dh_next;
    // dc holds f_{t+1} * dc_{t+1} from the previous iteration.
    dc.array() += dh.array() * o * (S(1) - tc.square());
    da.bottomRows(H).array() = dh.array() * tc * o * (S(1) - o);
    da.topRows(H).array() = dc.array() * gc * i * (S(1) - i);
    da.middleRows(2 * H, H).array() = dc.array() * i * (S(1) - gc.square());
    if (t > 0) {
      da.middleRows(H, H).array() =
          dc.array() * cells_.middleCols((t - 1) * B, B).array() * f * (S(1) - f);
      dh_next.noalias() = w_hh.transpose() * da;
    } else {
      da.middleRows(H, H).setZero();
    }
    dc.array() *= f;
  }

  if (steps > 1) {
    params.grad_matrix(this->w_hh_).noalias() +=
        d_gates_.middleCols(B, TB - B) * this->hidden_states_.leftCols(TB - B).transpose();
  }
  d_bias_ = d_gates_.leftCols(TB).rowwise().sum();
  params.grad_vector(this->b_ih_) += d_bias_;
  params.grad_vector(this->b_hh_) += d_bias_;
  this->backward_input(x, d_gates_, dy, steps, batch, dx);
}

// --- GruSequence --------------------------------------------------------------

template <typename S>
void GruSequence<S>::reserve(int steps, int batch) {
  RecurrentSequence<S>::reserve(steps, batch);
  const Eigen::Index H = this->hidden_, cols = Eigen::Index(steps) * batch;
  if (gates_.cols() < cols) {
    input_proj_.resize(3 * H, cols);
    gates_.resize(3 * H, cols);
    hidden_proj_.resize(H, cols);
    d_input_.resize(3 * H, cols);
    d_hidden_.resize(3 * H, cols);
  }
  if (recurrent_.cols() < batch) recurrent_.resize(3 * H, batch);
}

template <typename S>
void GruSequence<S>::forward(const Eigen::Ref<const Mat<S>>& x, int steps, int batch) {
  const Eigen::Index H = this->hidden_, B = batch;
  auto& params = this->params_;
  const auto w_hh = params.matrix(this->w_hh_);
  const auto b_hh = params.vector(this->b_hh_);
  this->project_input(x, params.vector(this->b_ih_), steps, batch, input_proj_);

  auto& hs = this->hidden_states_;
  auto a = recurrent_.leftCols(B);
  for (int t = 0; t < steps; ++t) {
    if (t > 0) {
      a.noalias() = w_hh * hs.middleCols((t - 1) * B, B);
      a.colwise() += b_hh;
    } else {
      a.colwise() = b_hh;  // h_0 = 0
    }
    const auto xp = input_proj_.middleCols(t * B, B);
    auto g = gates_.middleCols(t * B, B);
    g.topRows(2 * H) = (xp.topRows(2 * H) + a.topRows(2 * H)).array().logistic();
    hidden_proj_.middleCols(t * B, B) = a.bottomRows(H);
    g.bottomRows(H) =
        (xp.bottomRows(H).array() + g.topRows(H).array() * a.bottomRows(H).array()).tanh();
    auto h = hs.middleCols(t * B, B);
    const auto z = g.middleRows(H, H).array();
    const auto n = g.bottomRows(H).array();
    if (t > 0) {
      h.array() = (S(1) - z) * n + z * hs.middleCols((t - 1) * B, B).array();
    } else {
      h.array() = (S(1) - z) * n;
    }
  }
  this->add_residual(x, steps, batch);
}

// With dh the gradient reaching h_t:
//   dn = dh (1 - z),  dz = dh (h_{t-1} - n),  da_n = dn (1 - n^2),
//   da_r = da_n (W_hn h + b_hn) r (1 - r),  da_z = dz z (1 - z)
// The input projection's gradient is [da_r; da_z; da_n], the hidden
// projection's [da_r; da_z; da_n r], and dh_{t-1} = dh z + W_hh^T (the latter).
template <typename S>
void GruSequence<S>::backward(const Eigen::Ref<const Mat<S>>& x,
                              const Eigen::Ref<const Mat<S>>& dy, int steps, int batch,
                              Mat<S>* dx) {
  const Eigen::Index H = this->hidden_, B = batch, TB = Eigen::Index(steps) * batch;
  auto& params = this->params_;
  const auto w_hh = params.matrix(this->w_hh_);
  auto& hs = this->hidden_states_;
  auto dh = this->dh_.leftCols(B);
  auto dh_next = this->dh_next_.leftCols(B);
  dh_next.setZero();

  for (int t = steps - 1; t >= 0; --t) {
    const auto g = gates_.middleCols(t * B, B);
    const auto r = g.topRows(H).array();
    const auto z = g.middleRows(H, H).array();
    const auto n = g.bottomRows(H).array();
    const auto hn = hidden_proj_.middleCols(t * B, B).array();
    auto di = d_input_.middleCols(t * B, B);
    auto dr = d_hidden_.middleCols(t * B, B);

    dh = dy.middleCols(t * B, B) + dh_next;
    // da_n, then da_r and da_z, into the input projection's gradient.
    di.bottomRows(H).array() = dh.array() * (S(1) - z) * (S(1) - n.square());
    di.topRows(H).array() = di.bottomRows(H).array() * hn * r * (S(1) - r);
    if (t > 0) {
      di.middleRows(H, H).array() =
          dh.array() * (hs.middleCols((t - 1) * B, B).array() - n) * z * (S(1) - z);
    } else {
      di.middleRows(H, H).array() = -dh.array() * n * z * (S(1) - z);
    }
    dr.topRows(2 * H) = di.topRows(2 * H);
    dr.bottomRows(H).array() = di.bottomRows(H).array() * r;
    if (t > 0) {
      dh_next.array() = dh.array() * z;
      dh_next.noalias() += w_hh.transpose() * dr;
    }
  }

  if (steps > 1) {
    params.grad_matrix(this->w_hh_).noalias() +=
        d_hidden_.middleCols(B, TB - B) * hs.leftCols(TB - B).transpose();
  }
  params.grad_vector(this->b_hh_) += d_hidden_.leftCols(TB).rowwise().sum();
  params.grad_vector(this->b_ih_) += d_input_.leftCols(TB).rowwise().sum();
  this->backward_input(x, d_input_, dy, steps, batch, dx);
}

// --- RecurrentStack ----------------------------------------------------------------

template <typename S>
RecurrentStack<S>::RecurrentStack(CellType cell, Parameters<S>& params, const std::string& prefix,
                                  int depth, bool residual, bool repeated_input) {
  for (int l = 0; l < depth; ++l)
    layers_.push_back(RecurrentSequence<S>::create(cell, params, prefix + "." + std::to_string(l),
                                                   residual, repeated_input && l == 0));
}

template <typename S>
void RecurrentStack<S>::reserve(int steps, int batch) {
  for (auto& l : layers_) l->reserve(steps, batch);
}

template <typename S>
void RecurrentStack<S>::forward(const Eigen::Ref<const Mat<S>>& x, int steps, int batch) {
  layers_[0]->forward(x, steps, batch);
  for (std::size_t l = 1; l < layers_.size(); ++l)
    layers_[l]->forward(layers_[l - 1]->output(steps, batch), steps, batch);
}

template <typename S>
void RecurrentStack<S>::backward(const Eigen::Ref<const Mat<S>>& x, const Eigen::Ref<const Mat<S>>& dy,
                            int steps, int batch, Mat<S>* dx) {
  const int top = static_cast<int>(layers_.size()) - 1;
  const Eigen::Index TB = Eigen::Index(steps) * batch;
  for (int l = top; l >= 0; --l) {
    Mat<S>* below = l > 0 ? &grad_[l % 2] : dx;
    if (l > 0) below->resize(layers_[l]->input_size(), TB);
    const Mat<S>& above = grad_[(l + 1) % 2];
    if (l == top) {
      layers_[l]->backward(l > 0 ? Eigen::Ref<const Mat<S>>(layers_[l - 1]->output(steps, batch)) : x,
                           dy, steps, batch, below);
    } else {
      layers_[l]->backward(l > 0 ? Eigen::Ref<const Mat<S>>(layers_[l - 1]->output(steps, batch)) : x,
                           above, steps, batch, below);
    }
  }
}

template class Parameters<float>;
template class Parameters<double>;
template class Linear<float>;
template class Linear<double>;
template class RecurrentSequence<float>;
template class RecurrentSequence<double>;
template class LstmSequence<float>;
template class LstmSequence<double>;
template class GruSequence<float>;
template class GruSequence<double>;
template class RecurrentStack<float>;
template class RecurrentStack<double>;

}  // namespace ecglens::train
