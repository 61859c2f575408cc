// Step-by-step LSTM and GRU layers with per-step backward passes (recurrent_cell.h).
//
// LSTM backward of one step, with dh', dc' the gradients w.r.t. (h', c'):
//   dc = dc' + dh' σ(o) (1 - tanh²(c')),  d o = dh' tanh(c')
//   di = dc tanh(g), dg = dc σ(i), df = dc c, dc_prev = dc σ(f)
//   pre-activation gradients dG (through σ' and tanh'), then
//   dW_ih += dG x^T, dW_hh += dG h^T, db_ih = db_hh += rows of dG,
//   dx = W_ih^T dG, dh_prev = W_hh^T dG.
// GRU: dn = dh' (1 - z), dz = dh' (h - n), dh_prev = dh' z; with
//   dn_pre = dn (1 - n²), dr_pre = dn_pre (W_hn h + b_hn) σ'(r), dz_pre = dz σ'(z):
//   input side [dr_pre; dz_pre; dn_pre], hidden side [dr_pre; dz_pre; dn_pre r].
#include "ecglens/train/recurrent_cell.h"

namespace ecglens::train {

namespace {
template <typename S>
S sigmoid(S v) {
  return S(1) / (S(1) + std::exp(-v));
}
}  // namespace

template <typename S>
RecurrentCell<S>::RecurrentCell(CellType cell, Parameters<S>& params, const std::string& prefix)
    : cell_(cell),
      params_(&params),
      w_ih_(params.index(prefix + ".weight_ih")),
      w_hh_(params.index(prefix + ".weight_hh")),
      b_ih_(params.index(prefix + ".bias_ih")),
      b_hh_(params.index(prefix + ".bias_hh")),
      in_(static_cast<int>(params.entries()[w_ih_].shape[1])),
      hidden_(static_cast<int>(params.entries()[w_hh_].shape[1])),
      gates_(gate_count(cell)),
      d_bias_(gates_ * hidden_) {}

template <typename S>
void RecurrentCell<S>::reserve(int steps, int batch) {
  const Eigen::Index states = Eigen::Index(steps + 1) * batch;
  if (h_.cols() < states) {
    h_.resize(hidden_, states);
    c_.resize(hidden_, states);
  }
  const Eigen::Index cols = Eigen::Index(steps) * batch;
  if (act_.cols() < cols) {
    act_.resize(Eigen::Index(gates_) * hidden_, cols);
    hidden_proj_.resize(hidden_, cols);
  }
}

template <typename S>
void RecurrentCell<S>::start(int batch) {
  batch_ = batch;
  steps_ = 0;
  h_.leftCols(batch).setZero();
  c_.leftCols(batch).setZero();
}

template <typename S>
void RecurrentCell<S>::start_from(const RecurrentCell& other) {
  batch_ = other.batch_;
  steps_ = 0;
  h_.leftCols(batch_) = other.h(other.steps_);
  c_.leftCols(batch_) = other.c(other.steps_);
}

template <typename S>
void RecurrentCell<S>::step(const Eigen::Ref<const Mat<S>>& x) {
  const int H = hidden_;
  const Eigen::Index B = batch_;
  const auto h = h_.middleCols(Eigen::Index(steps_) * B, B);
  auto act = act_.middleCols(Eigen::Index(steps_) * B, B);
  auto h_next = h_.middleCols(Eigen::Index(steps_ + 1) * B, B);
  auto c_next = c_.middleCols(Eigen::Index(steps_ + 1) * B, B);
  if (cell_ == CellType::Lstm) {
    pre_.noalias() = params_->matrix(w_ih_) * x;
    pre_.noalias() += params_->matrix(w_hh_) * h;
    bias_sum_.resize(Eigen::Index(gates_) * H);  // no-op once sized
    bias_sum_.noalias() = params_->vector(b_ih_) + params_->vector(b_hh_);
    pre_.colwise() += bias_sum_;
    const auto c = c_.middleCols(Eigen::Index(steps_) * B, B);
    act.topRows(2 * H) = pre_.topRows(2 * H).unaryExpr([](S v) { return sigmoid(v); });
    act.middleRows(2 * H, H) = pre_.middleRows(2 * H, H).array().tanh();
    act.bottomRows(H) = pre_.bottomRows(H).unaryExpr([](S v) { return sigmoid(v); });
    c_next = act.middleRows(H, H).cwiseProduct(c) + act.topRows(H).cwiseProduct(act.middleRows(2 * H, H));
    h_next = act.bottomRows(H).array() * c_next.array().tanh();
  } else {
    auto hidden_proj = hidden_proj_.middleCols(Eigen::Index(steps_) * B, B);
    pre_.noalias() = params_->matrix(w_hh_) * h;
    pre_.colwise() += params_->vector(b_hh_);
    hidden_proj = pre_.bottomRows(H);
    d_in_.noalias() = params_->matrix(w_ih_) * x;  // workspace: the input side
    d_in_.colwise() += params_->vector(b_ih_);
    act.topRows(2 * H) = (d_in_.topRows(2 * H) + pre_.topRows(2 * H)).unaryExpr([](S v) { return sigmoid(v); });
    act.bottomRows(H) =
        (d_in_.bottomRows(H).array() + act.topRows(H).array() * hidden_proj.array()).tanh();
    c_next.setZero();
    h_next = (S(1) - act.middleRows(H, H).array()) * act.bottomRows(H).array() +
             act.middleRows(H, H).array() * h.array();
  }
  ++steps_;
}

template <typename S>
void RecurrentCell<S>::backward_step(int k, const Eigen::Ref<const Mat<S>>& x, Mat<S>& dh,
                                     Mat<S>& dc, Mat<S>* dx) {
  const int H = hidden_;
  const Eigen::Index B = batch_;
  const auto h = h_.middleCols(Eigen::Index(k - 1) * B, B);
  const auto act = act_.middleCols(Eigen::Index(k - 1) * B, B);
  d_in_.resize(Eigen::Index(gates_) * H, B);
  if (cell_ == CellType::Lstm) {
    const auto c = c_.middleCols(Eigen::Index(k - 1) * B, B);
    const auto c_next = c_.middleCols(Eigen::Index(k) * B, B);
    const auto i = act.topRows(H).array(), f = act.middleRows(H, H).array(),
               g = act.middleRows(2 * H, H).array(), o = act.bottomRows(H).array();
    Mat<S>& tanh_c = tanh_c_;
    Mat<S>& dc_total = dc_total_;
    tanh_c = c_next.array().tanh();
    dc_total = dc.array() + dh.array() * o * (S(1) - tanh_c.array().square());
    d_in_.topRows(H) = dc_total.array() * g * i * (S(1) - i);
    d_in_.middleRows(H, H) = dc_total.array() * c.array() * f * (S(1) - f);
    d_in_.middleRows(2 * H, H) = dc_total.array() * i * (S(1) - g.square());
    d_in_.bottomRows(H) = dh.array() * tanh_c.array() * o * (S(1) - o);
    dc = dc_total.array() * f;
    d_hid_ = d_in_;
  } else {
    const auto hidden_proj = hidden_proj_.middleCols(Eigen::Index(k - 1) * B, B);
    const auto r = act.topRows(H).array(), z = act.middleRows(H, H).array(),
               n = act.bottomRows(H).array();
    Mat<S>& dn_pre = dc_total_;  // the gradient w.r.t. n's pre-activation
    dn_pre = dh.array() * (S(1) - z) * (S(1) - n.square());
    d_in_.topRows(H) = dn_pre.array() * hidden_proj.array() * r * (S(1) - r);
    d_in_.middleRows(H, H) = dh.array() * (h.array() - n) * z * (S(1) - z);
    d_in_.bottomRows(H) = dn_pre;
    d_hid_ = d_in_;
    d_hid_.bottomRows(H) = dn_pre.array() * r;
    dh = dh.array() * z;  // the direct path; the W_hh path is added below
  }
  params_->grad_matrix(w_ih_).noalias() += d_in_ * x.transpose();
  params_->grad_matrix(w_hh_).noalias() += d_hid_ * h.transpose();
  d_bias_.noalias() = d_in_.rowwise().sum();
  params_->grad_vector(b_ih_) += d_bias_;
  d_bias_.noalias() = d_hid_.rowwise().sum();
  params_->grad_vector(b_hh_) += d_bias_;
  if (dx) dx->noalias() = params_->matrix(w_ih_).transpose() * d_in_;
  if (cell_ == CellType::Lstm) {
    dh.noalias() = params_->matrix(w_hh_).transpose() * d_hid_;
  } else {
    dh.noalias() += params_->matrix(w_hh_).transpose() * d_hid_;
  }
}

template class RecurrentCell<float>;
template class RecurrentCell<double>;

}  // namespace ecglens::train
