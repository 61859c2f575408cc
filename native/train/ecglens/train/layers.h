// Layers with backward passes, for training: a dense layer applied at every
// step, LSTM and GRU layers over a sequence (backpropagation through time),
// and a stack of them, plain or residual, with the semantics of the
// inference core (model/ARCHITECTURES.md):
//   g = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh, gates i, f, g, o (PyTorch order)
//   c_t = f c_{t-1} + i tanh(g_g),  h_t = o tanh(c_t),  h_0 = c_0 = 0
//   residual layer: y_t = h_t + x_t (I == H) or h_t + P x_t.
//
// Layout: the trainer keeps sequences TIME-major, unlike the core's
// beat-major batches: a batch of B sequences of T steps and F features is an
// F x (T*B) column-major matrix whose column t*B + b is step t of sequence b,
// so each step is a contiguous F x B block and one GEMM per step suffices.
//
// Templated on the scalar: float trains, double checks gradients against
// finite differences. Every workspace is sized in reserve(); forward() and
// backward() then run without heap allocation apart from Eigen's GEMM packing
// of the few whole-sequence products (once per batch, not per step).
// Gradients ACCUMULATE into the Parameters' gradient buffer.
#pragma once

#include <memory>
#include <string>

#include "ecglens/layers/recurrent.h"
#include "ecglens/train/parameters.h"

namespace ecglens::train {

// nn.Linear applied to every column: Y = W X + b. Tensors PREFIX.weight
// [out, in], PREFIX.bias [out].
template <typename S>
class Linear {
 public:
  Linear(Parameters<S>& params, const std::string& prefix);
  int in_size() const { return in_; }
  int out_size() const { return out_; }

  // x: in x n; y: out x n.
  void forward(const Eigen::Ref<const Mat<S>>& x, Eigen::Ref<Mat<S>> y);
  // dy: out x n. Accumulates dW, db; writes dx (in x n) when given.
  void backward(const Eigen::Ref<const Mat<S>>& x, const Eigen::Ref<const Mat<S>>& dy,
                Mat<S>* dx);

 private:
  Parameters<S>& params_;
  int weight_, bias_;
  int in_, out_;
  // db of one backward pass: summed here, then added to the flat buffer, so
  // the sum's rounding never depends on where the bias sits in that buffer.
  Vec<S> d_bias_;
};

// One recurrent layer over a time-major sequence: what LSTM and GRU layers
// share (the input projection, the residual connection, the repeated input
// and the gradients that flow back through them). With `repeated_input` the
// layer sees the same input at every step (the decoder fed the repeated
// latent): its input is then in x B, and W_ih x is computed once.
template <typename S>
class RecurrentSequence {
 public:
  virtual ~RecurrentSequence() = default;
  // An LstmSequence or GruSequence for `cell`.
  static std::unique_ptr<RecurrentSequence> create(CellType cell, Parameters<S>& params,
                                                   const std::string& prefix, bool residual,
                                                   bool repeated_input);

  int input_size() const { return in_; }
  int hidden_size() const { return hidden_; }

  virtual void reserve(int steps, int batch);

  // x: in x (steps*batch), or in x batch when the input is repeated.
  // The output y (hidden x steps*batch) stays valid until the next forward.
  virtual void forward(const Eigen::Ref<const Mat<S>>& x, int steps, int batch) = 0;
  Cols<S> output(int steps, int batch);

  // dy: gradient of the loss w.r.t. output(), hidden x (steps*batch).
  // x: the same input as in forward(). Accumulates the parameter gradients
  // and, when dx is given, writes the input's gradient (same shape as x).
  virtual void backward(const Eigen::Ref<const Mat<S>>& x, const Eigen::Ref<const Mat<S>>& dy,
                        int steps, int batch, Mat<S>* dx) = 0;

 protected:
  RecurrentSequence(Parameters<S>& params, const std::string& prefix, int gates, bool residual,
                    bool repeated_input);

  // proj = W_ih x + bias for every step (copied from one product when the
  // input is repeated); proj: gates*H x (steps*batch).
  void project_input(const Eigen::Ref<const Mat<S>>& x, const Vec<S>& bias, int steps, int batch,
                     Mat<S>& proj);
  // y = h + x (or P x), for residual layers, once hidden_states_ is filled.
  void add_residual(const Eigen::Ref<const Mat<S>>& x, int steps, int batch);
  // Given d_proj, the gradient w.r.t. W_ih x of every step: accumulates
  // dW_ih (and dP) and writes dx, the residual's share included.
  void backward_input(const Eigen::Ref<const Mat<S>>& x, const Mat<S>& d_proj,
                      const Eigen::Ref<const Mat<S>>& dy, int steps, int batch, Mat<S>* dx);

  Parameters<S>& params_;
  int w_ih_, w_hh_, b_ih_, b_hh_, proj_ = -1;
  int in_, hidden_, gates_count_;
  bool residual_, repeated_;
  Mat<S> hidden_states_;  // H x TB: h_t
  Mat<S> residual_out_;   // H x TB: h_t + x_t (or P x_t), residual layers only
  Mat<S> dh_, dh_next_;   // H x B
  Mat<S> d_proj_sum_;     // G*H x B: sum over steps (repeated input)
  Mat<S> dy_sum_;         // H x B: sum over steps of dy (repeated residual)
};

// PyTorch nn.LSTM over the sequence (equations at the top of this header).
template <typename S>
class LstmSequence final : public RecurrentSequence<S> {
 public:
  LstmSequence(Parameters<S>& params, const std::string& prefix, bool residual,
               bool repeated_input)
      : RecurrentSequence<S>(params, prefix, 4, residual, repeated_input) {}
  void reserve(int steps, int batch) override;
  void forward(const Eigen::Ref<const Mat<S>>& x, int steps, int batch) override;
  void backward(const Eigen::Ref<const Mat<S>>& x, const Eigen::Ref<const Mat<S>>& dy, int steps,
                int batch, Mat<S>* dx) override;

 private:
  Mat<S> gates_;   // 4H x TB: activated gates i, f, g~, o of every step
  Mat<S> cells_;   // H x TB: c_t
  Mat<S> tanh_c_;  // H x TB: tanh(c_t)
  Mat<S> d_gates_; // 4H x TB: gradient w.r.t. the gates' pre-activations
  Mat<S> dc_;      // H x B
  Vec<S> bias_;    // b_ih + b_hh
  Vec<S> d_bias_;  // gradient of either bias
};

// PyTorch nn.GRU over the sequence, gates r, z, n:
//   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz),
//   n = tanh(W_in x + b_in + r (W_hn h + b_hn)),  h' = (1 - z) n + z h.
template <typename S>
class GruSequence final : public RecurrentSequence<S> {
 public:
  GruSequence(Parameters<S>& params, const std::string& prefix, bool residual,
              bool repeated_input)
      : RecurrentSequence<S>(params, prefix, 3, residual, repeated_input) {}
  void reserve(int steps, int batch) override;
  void forward(const Eigen::Ref<const Mat<S>>& x, int steps, int batch) override;
  void backward(const Eigen::Ref<const Mat<S>>& x, const Eigen::Ref<const Mat<S>>& dy, int steps,
                int batch, Mat<S>* dx) override;

 private:
  Mat<S> input_proj_;   // 3H x TB: W_ih x + b_ih
  Mat<S> gates_;        // 3H x TB: r, z, n activated
  Mat<S> hidden_proj_;  // H x TB: W_hn h_{t-1} + b_hn
  Mat<S> recurrent_;    // 3H x B: W_hh h_{t-1} + b_hh of the current step
  Mat<S> d_input_;      // 3H x TB: gradient w.r.t. W_ih x + b_ih
  Mat<S> d_hidden_;     // 3H x TB: gradient w.r.t. W_hh h + b_hh
};

// Layers PREFIX.0, PREFIX.1, ... each fed the previous one's output.
template <typename S>
class RecurrentStack {
 public:
  RecurrentStack(CellType cell, Parameters<S>& params, const std::string& prefix, int depth,
                 bool residual, bool repeated_input);

  int output_size() const { return layers_.back()->hidden_size(); }
  void reserve(int steps, int batch);
  void forward(const Eigen::Ref<const Mat<S>>& x, int steps, int batch);
  Cols<S> output(int steps, int batch) { return layers_.back()->output(steps, batch); }
  // dy: gradient w.r.t. output(); dx as RecurrentSequence::backward.
  void backward(const Eigen::Ref<const Mat<S>>& x, const Eigen::Ref<const Mat<S>>& dy, int steps,
                int batch, Mat<S>* dx);

 private:
  std::vector<std::unique_ptr<RecurrentSequence<S>>> layers_;
  Mat<S> grad_[2];  // ping-pong gradients between layers
};

}  // namespace ecglens::train
