#include "ecglens/layers/recurrent.h"

#include <algorithm>

#include "ecglens/util/error.h"

namespace ecglens {

CellType parse_cell_type(std::string_view name) {
  if (name == "lstm") return CellType::Lstm;
  if (name == "gru") return CellType::Gru;
  throw Error("unknown recurrent cell '" + std::string(name) + "' (expected lstm or gru)");
}

const char* to_string(CellType cell) { return cell == CellType::Lstm ? "lstm" : "gru"; }

// --- RecurrentLayer -------------------------------------------------------

RecurrentLayer::RecurrentLayer(int input_size, int hidden_size, int gates, int state_rows)
    : input_size_(input_size),
      hidden_size_(hidden_size),
      gate_count_(gates),
      state_rows_(state_rows),
      w_ih_(MatrixF::Zero(gates * state_rows, input_size)),
      input_bias_(VectorF::Zero(gates * state_rows)) {}

std::unique_ptr<RecurrentLayer> RecurrentLayer::create(CellType cell, int input_size,
                                                       int hidden_size) {
  if (cell == CellType::Lstm) return std::make_unique<LstmLayer>(input_size, hidden_size);
  return std::make_unique<GruLayer>(input_size, hidden_size);
}

void RecurrentLayer::reserve(int batch) {
  if (batch <= reserved_batch()) return;
  h_.setZero(state_rows_, batch);
  xproj_.resize(gate_count_ * state_rows_, batch);
}

void RecurrentLayer::reset_state(int batch) noexcept { h_.leftCols(batch).setZero(); }

void RecurrentLayer::copy_state_from(const RecurrentLayer& other, int batch) noexcept {
  h_.leftCols(batch) = other.h_.leftCols(batch);
}

// xproj = W_ih x + b. For the few inputs of a raw beat (1 to kSmallInput
// channels) a coefficient-wise product beats a blocked matrix product.
template <typename In>
void RecurrentLayer::project_input(const In& x, Eigen::Ref<MatrixF> xproj) const noexcept {
  if (input_size_ <= kSmallInput) {
    xproj.noalias() = w_ih_.lazyProduct(x);
  } else {
    xproj.noalias() = w_ih_ * x;
  }
  xproj.colwise() += input_bias_;
}

void RecurrentLayer::forward(const float* x, int steps, int batch, float* out) noexcept {
  auto xproj = xproj_.leftCols(batch);
  for (int t = 0; t < steps; ++t) {
    project_input(step_view(x, input_size_, steps, batch, t), xproj);
    advance(xproj, batch);
    step_view(out, hidden_size_, steps, batch, t) = hidden(batch);
  }
}

void RecurrentLayer::forward_repeated(const Eigen::Ref<const MatrixF>& x, int steps, int batch,
                                      float* out) noexcept {
  auto xproj = xproj_.leftCols(batch);
  project_input(x, xproj);
  for (int t = 0; t < steps; ++t) {
    advance(xproj, batch);
    step_view(out, hidden_size_, steps, batch, t) = hidden(batch);
  }
}

void RecurrentLayer::step(const Eigen::Ref<const MatrixF>& x, int batch) noexcept {
  auto xproj = xproj_.leftCols(batch);
  project_input(x, xproj);
  advance(xproj, batch);
}

// --- LSTM -----------------------------------------------------------------

namespace {
int round_up_to_lanes(int n) { return (n + detail::kLanes - 1) / detail::kLanes * detail::kLanes; }
}  // namespace

LstmLayer::LstmLayer(int input_size, int hidden_size)
    : RecurrentLayer(input_size, hidden_size, 4, round_up_to_lanes(hidden_size)) {}

// Row q*H + j of PyTorch's layout (gate q, unit j) becomes row
// (u*4 + q)*lanes + lane with u = j / lanes, lane = j % lanes.
void LstmLayer::set_weights(const float* weight_ih, const float* weight_hh, const float* bias_ih,
                            const float* bias_hh) {
  using detail::kLanes;
  const int H = hidden_size_;
  const int I = input_size_;
  const int blocks = state_rows_ / kLanes;
  w_ih_.setZero(4 * state_rows_, I);
  input_bias_.setZero(4 * state_rows_);
  packed_w_hh_.setZero(static_cast<Eigen::Index>(blocks) * H * 4 * kLanes);
  for (int q = 0; q < 4; ++q) {
    for (int j = 0; j < H; ++j) {
      const int src = q * H + j;
      const int u = j / kLanes, lane = j % kLanes;
      const int dst = (u * 4 + q) * kLanes + lane;
      for (int i = 0; i < I; ++i) w_ih_(dst, i) = weight_ih[src * I + i];
      input_bias_(dst) = bias_ih[src] + bias_hh[src];
      for (int k = 0; k < H; ++k)
        packed_w_hh_((static_cast<Eigen::Index>(u) * H + k) * 4 * kLanes + q * kLanes + lane) =
            weight_hh[src * H + k];
    }
  }
}

void LstmLayer::reserve(int batch) {
  if (batch <= reserved_batch()) return;
  RecurrentLayer::reserve(batch);
  c_.setZero(state_rows_, batch);
  h_next_.setZero(state_rows_, batch);
}

void LstmLayer::reset_state(int batch) noexcept {
  RecurrentLayer::reset_state(batch);
  c_.leftCols(batch).setZero();
}

void LstmLayer::copy_state_from(const RecurrentLayer& other, int batch) noexcept {
  RecurrentLayer::copy_state_from(other, batch);
  c_.leftCols(batch) = static_cast<const LstmLayer&>(other).c_.leftCols(batch);
}

void LstmLayer::run_kernel(detail::LstmStepArgs& args, int batch) noexcept {
  args.packed_w = packed_w_hh_.data();
  args.hidden = hidden_size_;
  args.blocks = state_rows_ / detail::kLanes;
  args.h_prev = h_.data();
  args.h_next = h_next_.data();
  args.c = c_.data();
  args.state_stride = h_.outerStride();
  detail::lstm_step(args, batch);
  h_.swap(h_next_);  // swaps buffers, allocates nothing
}

void LstmLayer::advance(const Eigen::Ref<const MatrixF>& xproj, int batch) noexcept {
  detail::LstmStepArgs args;
  args.xproj = xproj.data();
  args.xproj_stride = xproj.outerStride();
  run_kernel(args, batch);
}

void LstmLayer::forward(const float* x, int steps, int batch, float* out) noexcept {
  if (input_size_ > kSmallInput) {
    RecurrentLayer::forward(x, steps, batch, out);
    return;
  }
  detail::LstmStepArgs args;
  args.x_stride = static_cast<Eigen::Index>(steps) * input_size_;
  args.inputs = input_size_;
  args.w_ih = w_ih_.data();
  args.w_ih_stride = w_ih_.outerStride();
  args.bias = input_bias_.data();
  for (int t = 0; t < steps; ++t) {
    args.x = x + static_cast<Eigen::Index>(t) * input_size_;
    run_kernel(args, batch);
    step_view(out, hidden_size_, steps, batch, t) = hidden(batch);
  }
}

// --- GRU ------------------------------------------------------------------

// The input projection carries b_ir + b_hr, b_iz + b_hz and b_in; b_hn stays
// inside the reset gate's product.
void GruLayer::set_weights(const float* weight_ih, const float* weight_hh, const float* bias_ih,
                           const float* bias_hh) {
  const int H = hidden_size_;
  w_ih_ = from_row_major(weight_ih, 3 * H, input_size_);
  w_hh_ = from_row_major(weight_hh, 3 * H, H);
  input_bias_ = Eigen::Map<const VectorF>(bias_ih, 3 * H);
  input_bias_.head(2 * H) += Eigen::Map<const VectorF>(bias_hh, 2 * H);
  b_hn_ = Eigen::Map<const VectorF>(bias_hh + 2 * H, H);
}

void GruLayer::reserve(int batch) {
  if (batch <= reserved_batch()) return;
  RecurrentLayer::reserve(batch);
  recurrent_.resize(3 * hidden_size_, batch);
}

// a = W_hh h;  r = σ(x_r + a_r);  z = σ(x_z + a_z);
// n = tanh(x_n + r (a_n + b_hn));  h = (1 - z) n + z h.
void GruLayer::advance(const Eigen::Ref<const MatrixF>& xproj, int batch) noexcept {
  const int H = hidden_size_;
  auto a = recurrent_.leftCols(batch);
  auto h = h_.leftCols(batch);
  a.noalias() = w_hh_ * h;
  a.topRows(2 * H).array() = (a.topRows(2 * H) + xproj.topRows(2 * H)).array().logistic();
  auto r = a.topRows(H).array();
  auto z = a.middleRows(H, H).array();
  h.array() = (1.0f - z) *
                  (xproj.bottomRows(H).array() +
                   r * (a.bottomRows(H).colwise() + b_hn_).array()).tanh() +
              z * h.array();
}

// --- RecurrentStack -------------------------------------------------------

RecurrentStack::RecurrentStack(CellType cell, int input_size, const std::vector<int>& hidden,
                               bool residual)
    : input_size_(input_size), residual_(residual) {
  if (hidden.empty()) throw Error("a recurrent stack needs at least one layer");
  int in = input_size;
  for (int h : hidden) {
    layers_.push_back(RecurrentLayer::create(cell, in, h));
    projections_.emplace_back();
    if (residual && in != h) projections_.back().setZero(h, in);
    in = h;
  }
}

void RecurrentStack::set_projection(int layer, const float* weight) {
  const auto& l = *layers_[layer];
  projections_[layer] = from_row_major(weight, l.hidden_size(), l.input_size());
}

void RecurrentStack::reserve(int batch, int steps) {
  int widest = 0;
  for (auto& l : layers_) {
    l->reserve(batch);
    widest = std::max(widest, l->hidden_size());
  }
  const Eigen::Index cols = static_cast<Eigen::Index>(batch) * steps;
  for (auto& b : buffers_) {
    if (b.size() < widest * cols) b.resize(widest, cols);
  }
  if (repeated_residual_.cols() < batch) repeated_residual_.resize(widest, batch);
}

// out += x (equal sizes) or out += P x, over every step at once.
void RecurrentStack::add_residual(int layer, const float* x, int steps, int batch,
                                  float* out) noexcept {
  const auto& l = *layers_[layer];
  const Eigen::Index cols = static_cast<Eigen::Index>(batch) * steps;
  Eigen::Map<MatrixF> y(out, l.hidden_size(), cols);
  Eigen::Map<const MatrixF> in(x, l.input_size(), cols);
  if (has_projection(layer)) {
    y.noalias() += projections_[layer] * in;
  } else {
    y += in;
  }
}

const float* RecurrentStack::forward(const float* x, int steps, int batch) noexcept {
  return run_from(0, x, steps, batch);
}

const float* RecurrentStack::forward_repeated(const Eigen::Ref<const MatrixF>& x, int steps,
                                              int batch) noexcept {
  RecurrentLayer& first = *layers_[0];
  float* out = buffers_[0].data();
  first.reset_state(batch);
  first.forward_repeated(x, steps, batch, out);
  if (residual_) {
    // The input is the same at every step, so P x (or x) is computed once.
    auto r = repeated_residual_.topLeftCorner(first.hidden_size(), batch);
    if (has_projection(0)) {
      r.noalias() = projections_[0] * x;
    } else {
      r = x;
    }
    for (int t = 0; t < steps; ++t) step_view(out, first.hidden_size(), steps, batch, t) += r;
  }
  return run_from(1, out, steps, batch);
}

// Runs layers first_layer.. on x, alternating between the two buffers.
const float* RecurrentStack::run_from(int first_layer, const float* x, int steps,
                                      int batch) noexcept {
  const float* in = x;
  for (int i = first_layer; i < depth(); ++i) {
    float* out = buffers_[i % 2].data();
    layers_[i]->reset_state(batch);
    layers_[i]->forward(in, steps, batch, out);
    if (residual_) add_residual(i, in, steps, batch, out);
    in = out;
  }
  return in;
}

}  // namespace ecglens
