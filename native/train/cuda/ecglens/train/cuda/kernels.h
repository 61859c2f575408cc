// The CUDA kernels of the GPU engine, behind plain launch functions that the
// host code (engine_cuda.cpp, compiled by the C++ compiler) calls on one
// stream. Matrices are column-major like the CPU trainer's workspaces
// (layers.h): a batch of B sequences of T steps with F features is an
// F x (T*B) matrix whose column t*B + b is step t of sequence b, and a
// weight tensor stored row-major [out, in] is the column-major in x out matrix.
//
// Every reduction runs in a fixed order (one block, a fixed tree), so a run
// gives the same numbers every time on the same GPU.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cuda_runtime_api.h>

namespace ecglens::train::cuda {

// x(c, t*B + k) = beats[order[k]][t][c] for k < B (beats beat-major).
void gather_batch(const float* beats, int steps, int channels, const std::uint64_t* order,
                  int batch, float* x, cudaStream_t stream);

// y(r, col) += a[r] (+ b[r] when b is given), for an R x cols matrix.
void add_bias(float* y, const float* a, const float* b, int rows, int cols, cudaStream_t stream);

// out[r] += sum over the columns of m (R x cols) of m(r, col), into one or
// two vectors (LSTM layers carry two biases with one gradient).
void row_sums(const float* m, int rows, int cols, float* out, float* out2, cudaStream_t stream);

// out(r, b) = sum_t m(r, t*B + b): a gradient summed over the steps of a
// repeated input. m is R x (T*B), out R x B (overwritten).
void sum_over_steps(const float* m, int rows, int steps, int batch, float* out,
                    cudaStream_t stream);

// y(r, t*B + b) = h(r, t*B + b) + x(r, t*B + b), or + x(r, b) when the
// input is repeated (x is then R x B).
void add_residual(const float* h, const float* x, bool repeated, int rows, int steps, int batch,
                  float* y, cudaStream_t stream);

// Whether a layer of `hidden` units fits the recurrence kernels' shared
// memory (H up to 1755).
bool recurrence_fits(int hidden);

// The LSTM recurrence of one layer over the whole sequence, one launch:
// every block owns a few sequences of the batch and walks the T steps,
// keeping h and c in shared memory. pre(r, t*B + b) = W_ih x + b_ih + b_hh
// is read from `pre` + t*pre_step_stride (a stride of 0 repeats one input);
// gates (4H x TB, activated i, f, g~, o), cells, tanh(cells) and h (H x TB)
// are written. `gates` may alias `pre` when the stride is 4H*B.
void lstm_forward(int steps, int batch, int hidden, const float* w_hh, const float* pre,
                  std::size_t pre_step_stride, float* gates, float* cells, float* tanh_cells,
                  float* h, cudaStream_t stream);

// Backpropagation through time of the same layer, one launch: dy (H x TB) is
// the gradient reaching h; writes d_gates (4H x TB), the gradient w.r.t. the
// gates' pre-activations of every step (layers.cpp, LstmSequence::backward).
void lstm_backward(int steps, int batch, int hidden, const float* w_hh, const float* gates,
                   const float* cells, const float* tanh_cells, const float* dy, float* d_gates,
                   cudaStream_t stream);

// The GRU recurrence of one layer (layers.h, GruSequence), one launch like
// lstm_forward: pre = W_ih x + b_ih (3H rows: r, z, n), read with the same
// stride rule; writes gates (3H x TB, activated r, z, n), hidden_proj
// (H x TB, W_hn h_{t-1} + b_hn) and h. `gates` may alias `pre`.
void gru_forward(int steps, int batch, int hidden, const float* w_hh, const float* b_hh,
                 const float* pre, std::size_t pre_step_stride, float* gates, float* hidden_proj,
                 float* h, cudaStream_t stream);

// Its backpropagation through time: d_input (3H x TB) is the gradient w.r.t.
// W_ih x + b_ih of every step, d_hidden (3H x TB) w.r.t. W_hh h + b_hh.
void gru_backward(int steps, int batch, int hidden, const float* w_hh, const float* gates,
                  const float* hidden_proj, const float* h, const float* dy, float* d_input,
                  float* d_hidden, cudaStream_t stream);

// The reconstruction loss of y against x (n = rows*cols values, `batch`
// beats) as objective.h defines it: writes dL/dy and stores the loss in
// *loss (double, on the device).
enum class LossKind { Mse = 0, Mae = 1, Sae = 2 };
void reconstruction_loss(const float* y, const float* x, std::size_t n, int batch, LossKind loss,
                         float* dy, double* loss_out, cudaStream_t stream);

// The sum over beats of each beat's loss (the score: mean over its values
// for mse/mae, sum for sae), added to *total. y and x are C x (T*B).
void beat_losses(const float* y, const float* x, int channels, int steps, int batch,
                 LossKind loss, double* total, cudaStream_t stream);

// The KL sparsity penalty on the latent z (Z x B) (objective.h): adds
// beta * penalty to *objective and its gradient to dz.
void sparsity_penalty(const float* z, int units, int batch, double rho, double beta, float* dz,
                      double* objective, cudaStream_t stream);

// Adam / AdamW over the flat buffers (optimizer.h), after clipping the
// gradient to max_norm by global norm when max_norm > 0 (the norm is
// computed here, in double). c1, c2: the bias corrections 1 / (1 - beta^k).
struct AdamStep {
  float beta1, beta2, one_minus_beta1, one_minus_beta2, c1, c2, lr, eps, weight_decay;
  bool decoupled;
  double max_norm;
};
void clip_and_adam(float* params, float* grads, float* m, float* v, std::size_t n,
                   const AdamStep& step, double* norm_scratch, cudaStream_t stream);

}  // namespace ecglens::train::cuda
