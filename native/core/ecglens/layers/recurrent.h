// Recurrent layers (LSTM, GRU) for batched inference.
//
// Each layer keeps its weights as Eigen matrices and preallocates every
// workspace in reserve(); forward(), forward_repeated() and step() then
// allocate nothing (tests/core/model/no_malloc_test.cpp proves it for every
// network built of them, with EIGEN_RUNTIME_NO_MALLOC).
// Sequences use the layout of sequence.h: [batch][steps][features].
//
// Weights come in PyTorch's layout and gate order (see ARCHITECTURES.md):
//   weight_ih [G*H, I], weight_hh [G*H, H], bias_ih [G*H], bias_hh [G*H],
//   row-major, with G = 4 (LSTM: i, f, g, o) or 3 (GRU: r, z, n).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "ecglens/layers/lstm_kernel.h"
#include "ecglens/layers/sequence.h"

namespace ecglens {

enum class CellType { Lstm, Gru };

// "lstm" or "gru"; anything else throws ecglens::Error.
CellType parse_cell_type(std::string_view name);
const char* to_string(CellType cell);
inline int gate_count(CellType cell) { return cell == CellType::Lstm ? 4 : 3; }

class RecurrentLayer {
 public:
  virtual ~RecurrentLayer() = default;
  RecurrentLayer(const RecurrentLayer&) = delete;
  RecurrentLayer& operator=(const RecurrentLayer&) = delete;

  static std::unique_ptr<RecurrentLayer> create(CellType cell, int input_size, int hidden_size);

  int input_size() const { return input_size_; }
  int hidden_size() const { return hidden_size_; }

  // Row-major arrays in PyTorch's layout (see the header comment).
  virtual void set_weights(const float* weight_ih, const float* weight_hh, const float* bias_ih,
                           const float* bias_hh) = 0;

  // Sizes the workspaces for batches of up to `batch` sequences.
  virtual void reserve(int batch);
  int reserved_batch() const { return static_cast<int>(h_.cols()); }

  // Sets the state to zero (the initial state of a sequence).
  virtual void reset_state(int batch) noexcept;
  // Takes over another layer's state (same cell and sizes), as a decoder
  // starts from its encoder's final state.
  virtual void copy_state_from(const RecurrentLayer& other, int batch) noexcept;

  // Runs `steps` steps from the current state.
  // x: [batch][steps][input_size], out: [batch][steps][hidden_size].
  virtual void forward(const float* x, int steps, int batch, float* out) noexcept;

  // Runs `steps` steps with the same input at every step (x: input_size x
  // batch), as a decoder fed a repeated latent does: the input projection
  // W_ih x + b is computed once, not once per step.
  void forward_repeated(const Eigen::Ref<const MatrixF>& x, int steps, int batch,
                        float* out) noexcept;

  // One step from the current state; x: input_size x batch.
  void step(const Eigen::Ref<const MatrixF>& x, int batch) noexcept;

  // The hidden state after the last step, hidden_size x batch.
  Eigen::Block<const MatrixF> hidden(int batch) const {
    return h_.topLeftCorner(hidden_size_, batch);
  }

 protected:
  // `state_rows` >= hidden_size: rows of the state and of each gate's block
  // of the input projection (a cell may pad its units for its kernels).
  RecurrentLayer(int input_size, int hidden_size, int gates, int state_rows);

  // Advances the state one step given xproj = W_ih x + input_bias_
  // (gates * state_rows x batch).
  virtual void advance(const Eigen::Ref<const MatrixF>& xproj, int batch) noexcept = 0;

  template <typename In>
  void project_input(const In& x, Eigen::Ref<MatrixF> xproj) const noexcept;
  static constexpr int kSmallInput = 4;

  int input_size_;
  int hidden_size_;
  int gate_count_;
  int state_rows_;
  MatrixF w_ih_;        // gates*state_rows x I
  VectorF input_bias_;  // added to W_ih x
  MatrixF h_;           // state_rows x batch
  MatrixF xproj_;       // gates*state_rows x batch
};

// PyTorch nn.LSTM cell: i, f, g, o gates; both biases fold into the input
// projection. Its step is the fused kernel of lstm_kernel.h, which wants the
// gates in blocks of SIMD width: the layer reorders and pads its rows once,
// in set_weights().
class LstmLayer final : public RecurrentLayer {
 public:
  LstmLayer(int input_size, int hidden_size);
  void set_weights(const float* weight_ih, const float* weight_hh, const float* bias_ih,
                   const float* bias_hh) override;
  void reserve(int batch) override;
  void reset_state(int batch) noexcept override;
  void copy_state_from(const RecurrentLayer& other, int batch) noexcept override;
  // With few input channels the input projection happens inside the kernel.
  void forward(const float* x, int steps, int batch, float* out) noexcept override;

 private:
  void advance(const Eigen::Ref<const MatrixF>& xproj, int batch) noexcept override;
  // Runs the kernel (args' input fields set by the caller) and swaps h.
  void run_kernel(detail::LstmStepArgs& args, int batch) noexcept;
  VectorF packed_w_hh_;  // blocks x H x 4 x lanes (lstm_kernel.h)
  MatrixF c_;            // state_rows x batch
  MatrixF h_next_;       // the step's output, swapped with h_ after it
};

// PyTorch nn.GRU cell: r, z, n gates. b_hn stays apart because the reset
// gate multiplies (W_hn h + b_hn).
class GruLayer final : public RecurrentLayer {
 public:
  GruLayer(int input_size, int hidden_size) : RecurrentLayer(input_size, hidden_size, 3, hidden_size) {}
  void set_weights(const float* weight_ih, const float* weight_hh, const float* bias_ih,
                   const float* bias_hh) override;
  void reserve(int batch) override;

 private:
  void advance(const Eigen::Ref<const MatrixF>& xproj, int batch) noexcept override;
  MatrixF w_hh_;        // 3H x H
  VectorF b_hn_;        // H
  MatrixF recurrent_;   // 3H x batch: W_hh h
};

// Layers stacked, each fed the previous one's output sequence; optionally
// residual: y_t = h_t + x_t (equal sizes) or h_t + P x_t (P: H x I, no bias).
class RecurrentStack {
 public:
  RecurrentStack(CellType cell, int input_size, const std::vector<int>& hidden, bool residual);

  int input_size() const { return input_size_; }
  int output_size() const { return layers_.back()->hidden_size(); }
  int depth() const { return static_cast<int>(layers_.size()); }
  bool residual() const { return residual_; }
  bool has_projection(int layer) const { return projections_[layer].size() > 0; }
  RecurrentLayer& layer(int i) { return *layers_[i]; }

  // P for layer i, row-major [H, I]; only for residual layers of unequal sizes.
  void set_projection(int layer, const float* weight);

  // Sizes every workspace for `batch` sequences of up to `steps` steps.
  void reserve(int batch, int steps);

  // Runs the stack over x ([batch][steps][input_size]) from a zero state and
  // returns the top layer's output, [batch][steps][output_size], which stays
  // valid until the next call.
  const float* forward(const float* x, int steps, int batch) noexcept;
  // The same with one input for every step (x: input_size x batch).
  const float* forward_repeated(const Eigen::Ref<const MatrixF>& x, int steps, int batch) noexcept;

 private:
  const float* run_from(int first_layer, const float* x, int steps, int batch) noexcept;
  void add_residual(int layer, const float* x, int steps, int batch, float* out) noexcept;

  int input_size_;
  bool residual_;
  std::vector<std::unique_ptr<RecurrentLayer>> layers_;
  std::vector<MatrixF> projections_;  // empty where not needed
  MatrixF buffers_[2];                // ping-pong outputs, max(H) x batch*steps
  MatrixF repeated_residual_;         // H x batch: P x for forward_repeated
};

}  // namespace ecglens
