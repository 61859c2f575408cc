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
// dc_last (H x B, may be null) is a gradient reaching the last step's cell
// from outside the layer (recae hands the encoder's final c to its decoder).
void lstm_backward(int steps, int batch, int hidden, const float* w_hh, const float* gates,
                   const float* cells, const float* tanh_cells, const float* dy,
                   const float* dc_last, float* d_gates, cudaStream_t stream);

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

// lstm_vae's sampling (variational_autoencoder.h), element-wise over the
// latent_dim x B values: z = mu + exp(logvar / 2) * eps.
void vae_sample(const float* mu, const float* logvar, const float* eps, std::size_t n, float* z,
                cudaStream_t stream);

// Its backward through the sampling and the KL term, with dz = dL/dz from
// the decoder (units x batch, like mu, logvar, eps):
//   dmu = dz + s mu,  dlogvar = dz eps exp(logvar / 2) / 2 + s (exp(logvar) - 1) / 2,
// s = beta / B; adds beta * (1/B) sum 1/2 (mu^2 + exp(logvar) - 1 - logvar)
// to *objective.
void vae_latent_backward(const float* mu, const float* logvar, const float* eps, const float* dz,
                         int units, int batch, double beta, float* dmu, float* dlogvar,
                         double* objective, cudaStream_t stream);

// recae's decoder (reverse_autoencoder.h): a stack of LSTM or GRU layers
// that starts from the encoder's final state of every layer and runs
// backwards in time, fed its own output, with the output layer inside the
// recurrence. With k the decoder's step (state k after k steps, k = 0 the
// initial state) and t = T-1-k the beat's step it reconstructs:
//   x'_{T-1} = W_out h^top_0 + b_out;  for k = 1 .. T-1: every layer steps
//   once (layer 0 on x'_{t+1}, layer l on layer l-1's new h), then
//   x'_t = W_out h^top_k + b_out.
// Both launches walk all steps; every block owns a few sequences and keeps
// their state in shared memory. Per layer (H units, G = 4H or 3H rows):
struct FeedbackLayer {
  int in = 0, hidden = 0;
  const float *w_ih = nullptr, *w_hh = nullptr, *b_ih = nullptr, *b_hh = nullptr;
  const float* h0 = nullptr;   // H x B: the initial h (the encoder's final h)
  const float* c0 = nullptr;   // H x B: the initial c (LSTM)
  float* h = nullptr;          // H x (T*B): the state after k steps, column k*B + b
  float* c = nullptr;          // H x (T*B): the same for c (LSTM)
  float* gates = nullptr;      // G x ((T-1)*B): activated gates of step k at column (k-1)*B + b
  float* hidden_proj = nullptr;  // H x ((T-1)*B): GRU's W_hn h + b_hn of step k
  // Backward: the gradients w.r.t. W_ih x + b_ih and W_hh h + b_hh of step k
  // (the same for LSTM, which writes only d_input), and those reaching the
  // initial state, to hand back to the encoder.
  float* d_input = nullptr;    // G x ((T-1)*B)
  float* d_hidden = nullptr;   // G x ((T-1)*B), GRU
  float* dh0 = nullptr;        // H x B
  float* dc0 = nullptr;        // H x B, LSTM
};
constexpr int kMaxFeedbackLayers = 8;
struct FeedbackDecoder {
  bool lstm = true;
  int layers = 0, steps = 0, batch = 0, channels = 0;
  FeedbackLayer layer[kMaxFeedbackLayers];
  const float* w_out = nullptr;  // [C, H_top] row-major
  const float* b_out = nullptr;  // C
  float* out = nullptr;          // C x (T*B): x'_t at column t*B + b (the reconstruction)
  float* fed = nullptr;          // C x ((T-1)*B): layer 0's input of step k at column (k-1)*B + b
  const float* d_out = nullptr;  // C x (T*B): the loss's gradient w.r.t. out
  float* d_pred = nullptr;       // C x (T*B): the whole gradient of x'_{T-1-k} at column k*B + b
};

// Whether the stack fits one block's shared memory with one sequence.
bool feedback_decoder_fits(const int* hidden, int layers, bool lstm, int channels);

// Writes h, c, gates, hidden_proj of every layer, out and fed.
void feedback_decoder_forward(const FeedbackDecoder& decoder, cudaStream_t stream);

// Backpropagation through the decoder's steps and its output feedback, from
// d_out and the forward pass's records: writes d_pred, every layer's
// d_input (and d_hidden), dh0 and dc0. The weight gradients are the host's
// GEMMs over these afterwards.
void feedback_decoder_backward(const FeedbackDecoder& decoder, cudaStream_t stream);

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
