// The CUDA kernels of the GPU engine (kernels.h).
//
// The recurrences are the heart of it: a layer's T steps run inside ONE
// launch. Sequences of a batch are independent, so each block owns a few of
// them and steps through time on its own, synchronising only its threads;
// h and c never leave shared memory between steps. The whole-sequence
// products (input projections, weight gradients) are cuBLAS GEMMs issued by
// the host, one per layer per batch, not one per step.
#include <algorithm>
#include <cmath>

#include "ecglens/train/cuda/kernels.h"

namespace ecglens::train::cuda {
namespace {

constexpr int kThreads = 256;  // threads of the element-wise and reducing kernels
constexpr std::size_t kSharedLimit = 48 * 1024;

int blocks_for(std::size_t n) {
  const std::size_t b = (n + kThreads - 1) / kThreads;
  return static_cast<int>(b < 65535 ? (b > 0 ? b : 1) : 65535);
}

__device__ float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

// The sum of v over the block's kThreads threads, in a fixed order; every
// thread gets it.
__device__ double block_sum(double v) {
  __shared__ double partial[kThreads];
  partial[threadIdx.x] = v;
  __syncthreads();
  for (int width = kThreads / 2; width > 0; width >>= 1) {
    if (static_cast<int>(threadIdx.x) < width) partial[threadIdx.x] += partial[threadIdx.x + width];
    __syncthreads();
  }
  const double sum = partial[0];
  __syncthreads();
  return sum;
}

__global__ void gather_kernel(const float* beats, int T, int C, const std::uint64_t* order, int B,
                              float* x) {
  const std::size_t n = std::size_t(B) * T * C;
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < n;
       i += std::size_t(gridDim.x) * blockDim.x) {
    const int c = static_cast<int>(i % C);
    const int t = static_cast<int>((i / C) % T);
    const int k = static_cast<int>(i / (std::size_t(C) * T));
    x[(std::size_t(t) * B + k) * C + c] =
        beats[order[k] * std::size_t(T) * C + std::size_t(t) * C + c];
  }
}

__global__ void add_bias_kernel(float* y, const float* a, const float* b, int rows,
                                std::size_t n) {
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < n;
       i += std::size_t(gridDim.x) * blockDim.x) {
    const int r = static_cast<int>(i % rows);
    y[i] += b ? a[r] + b[r] : a[r];
  }
}

__global__ void row_sums_kernel(const float* m, int rows, int cols, float* out, float* out2) {
  const int r = blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= rows) return;
  double sum = 0;
  for (int col = 0; col < cols; ++col) sum += m[std::size_t(col) * rows + r];
  out[r] += static_cast<float>(sum);
  if (out2) out2[r] += static_cast<float>(sum);
}

__global__ void sum_over_steps_kernel(const float* m, int rows, int T, int B, float* out) {
  const std::size_t n = std::size_t(rows) * B;
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < n;
       i += std::size_t(gridDim.x) * blockDim.x) {
    const int r = static_cast<int>(i % rows);
    const int b = static_cast<int>(i / rows);
    float sum = m[std::size_t(b) * rows + r];
    for (int t = 1; t < T; ++t) sum += m[(std::size_t(t) * B + b) * rows + r];
    out[i] = sum;
  }
}

__global__ void add_residual_kernel(const float* h, const float* x, bool repeated, int rows, int B,
                                    std::size_t n, float* y) {
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < n;
       i += std::size_t(gridDim.x) * blockDim.x) {
    const int r = static_cast<int>(i % rows);
    const std::size_t col = i / rows;
    const float xv = repeated ? x[(col % B) * rows + r] : x[i];
    y[i] = h[i] + xv;
  }
}

// Shared memory of both recurrence kernels: two H-vectors and one 4H-vector
// per owned sequence.
__global__ void lstm_forward_kernel(int T, int B, int H, int per_block, const float* w_hh,
                                    const float* pre, std::size_t pre_stride, float* gates,
                                    float* cells, float* tanh_cells, float* h) {
  extern __shared__ float shared[];
  const int G = 4 * H;
  float* h_prev = shared;                  // per_block x H
  float* c_prev = h_prev + per_block * H;  // per_block x H
  float* act = c_prev + per_block * H;     // per_block x 4H: pre-activations
  const int b0 = blockIdx.x * per_block;
  for (int t = 0; t < T; ++t) {
    // Pre-activations: the input's projection plus W_hh h_{t-1}.
    for (int idx = threadIdx.x; idx < per_block * G; idx += blockDim.x) {
      const int j = idx / G, r = idx - j * G, b = b0 + j;
      if (b >= B) continue;
      float acc = pre[t * pre_stride + std::size_t(b) * G + r];
      if (t > 0) {
        const float* w = w_hh + std::size_t(r) * H;
        const float* hp = h_prev + j * H;
        for (int k = 0; k < H; ++k) acc += w[k] * hp[k];
      }
      act[idx] = acc;
    }
    __syncthreads();
    // Gates, cell and hidden state.
    for (int idx = threadIdx.x; idx < per_block * H; idx += blockDim.x) {
      const int j = idx / H, k = idx - j * H, b = b0 + j;
      if (b >= B) continue;
      const float* a = act + j * G;
      const float i = sigmoid(a[k]), f = sigmoid(a[H + k]), g = tanhf(a[2 * H + k]),
                  o = sigmoid(a[3 * H + k]);
      const float c = t > 0 ? f * c_prev[idx] + i * g : i * g;
      const float tc = tanhf(c);
      const float hv = o * tc;
      const std::size_t col = std::size_t(t) * B + b;
      float* gc = gates + col * G;
      gc[k] = i;
      gc[H + k] = f;
      gc[2 * H + k] = g;
      gc[3 * H + k] = o;
      cells[col * H + k] = c;
      tanh_cells[col * H + k] = tc;
      h[col * H + k] = hv;
      c_prev[idx] = c;
      h_prev[idx] = hv;
    }
    __syncthreads();
  }
}

__global__ void lstm_backward_kernel(int T, int B, int H, int per_block, const float* w_hh,
                                     const float* gates, const float* cells,
                                     const float* tanh_cells, const float* dy,
                                     const float* dc_last, float* d_gates) {
  extern __shared__ float shared[];
  const int G = 4 * H;
  float* dh_next = shared;                 // per_block x H: W_hh^T da_{t+1}
  float* dc = dh_next + per_block * H;     // per_block x H: f_{t+1} dc_{t+1}
  float* da = dc + per_block * H;          // per_block x 4H
  const int b0 = blockIdx.x * per_block;
  for (int idx = threadIdx.x; idx < per_block * H; idx += blockDim.x) {
    const int j = idx / H, k = idx - j * H, b = b0 + j;
    dh_next[idx] = 0;
    dc[idx] = (dc_last && b < B) ? dc_last[std::size_t(b) * H + k] : 0.0f;
  }
  __syncthreads();
  for (int t = T - 1; t >= 0; --t) {
    for (int idx = threadIdx.x; idx < per_block * H; idx += blockDim.x) {
      const int j = idx / H, k = idx - j * H, b = b0 + j;
      if (b >= B) continue;
      const std::size_t col = std::size_t(t) * B + b;
      const float* g = gates + col * G;
      const float i = g[k], f = g[H + k], gc = g[2 * H + k], o = g[3 * H + k];
      const float tc = tanh_cells[col * H + k];
      const float dh = dy[col * H + k] + dh_next[idx];
      const float dcv = dc[idx] + dh * o * (1.0f - tc * tc);
      const float da_i = dcv * gc * i * (1.0f - i);
      const float da_f = t > 0 ? dcv * cells[(col - B) * H + k] * f * (1.0f - f) : 0.0f;
      const float da_g = dcv * i * (1.0f - gc * gc);
      const float da_o = dh * tc * o * (1.0f - o);
      float* out = d_gates + col * G;
      float* s = da + j * G;
      out[k] = s[k] = da_i;
      out[H + k] = s[H + k] = da_f;
      out[2 * H + k] = s[2 * H + k] = da_g;
      out[3 * H + k] = s[3 * H + k] = da_o;
      dc[idx] = dcv * f;
    }
    __syncthreads();
    if (t > 0) {
      for (int idx = threadIdx.x; idx < per_block * H; idx += blockDim.x) {
        const int j = idx / H, k = idx - j * H, b = b0 + j;
        if (b >= B) continue;
        const float* s = da + j * G;
        float acc = 0;
        for (int r = 0; r < G; ++r) acc += w_hh[std::size_t(r) * H + k] * s[r];
        dh_next[idx] = acc;
      }
    }
    __syncthreads();
  }
}

// GRU: per owned sequence h (H), W_hh h + b_hh (3H) and the input's
// projection (3H) in shared memory.
__global__ void gru_forward_kernel(int T, int B, int H, int per_block, const float* w_hh,
                                   const float* b_hh, const float* pre, std::size_t pre_stride,
                                   float* gates, float* hidden_proj, float* h) {
  extern __shared__ float shared[];
  const int G = 3 * H;
  float* h_prev = shared;                   // per_block x H
  float* rec = h_prev + per_block * H;      // per_block x 3H: W_hh h_{t-1} + b_hh
  float* inp = rec + per_block * G;         // per_block x 3H: W_ih x_t + b_ih
  const int b0 = blockIdx.x * per_block;
  for (int t = 0; t < T; ++t) {
    for (int idx = threadIdx.x; idx < per_block * G; idx += blockDim.x) {
      const int j = idx / G, r = idx - j * G, b = b0 + j;
      if (b >= B) continue;
      float acc = 0;
      if (t > 0) {
        const float* w = w_hh + std::size_t(r) * H;
        const float* hp = h_prev + j * H;
        for (int k = 0; k < H; ++k) acc += w[k] * hp[k];
      }
      rec[idx] = acc + b_hh[r];
      inp[idx] = pre[t * pre_stride + std::size_t(b) * G + r];
    }
    __syncthreads();
    for (int idx = threadIdx.x; idx < per_block * H; idx += blockDim.x) {
      const int j = idx / H, k = idx - j * H, b = b0 + j;
      if (b >= B) continue;
      const float* a = rec + j * G;
      const float* xp = inp + j * G;
      const float r = sigmoid(xp[k] + a[k]);
      const float z = sigmoid(xp[H + k] + a[H + k]);
      const float n = tanhf(xp[2 * H + k] + r * a[2 * H + k]);
      const float hv = t > 0 ? (1.0f - z) * n + z * h_prev[idx] : (1.0f - z) * n;
      const std::size_t col = std::size_t(t) * B + b;
      float* gc = gates + col * G;
      gc[k] = r;
      gc[H + k] = z;
      gc[2 * H + k] = n;
      hidden_proj[col * H + k] = a[2 * H + k];
      h[col * H + k] = hv;
      h_prev[idx] = hv;
    }
    __syncthreads();
  }
}

__global__ void gru_backward_kernel(int T, int B, int H, int per_block, const float* w_hh,
                                    const float* gates, const float* hidden_proj, const float* h,
                                    const float* dy, float* d_input, float* d_hidden) {
  extern __shared__ float shared[];
  const int G = 3 * H;
  float* dh_next = shared;                  // per_block x H
  float* dh_z = dh_next + per_block * H;    // per_block x H: dh z, the direct path to h_{t-1}
  float* dr = dh_z + per_block * H;         // per_block x 3H: d_hidden of the step
  const int b0 = blockIdx.x * per_block;
  for (int idx = threadIdx.x; idx < per_block * H; idx += blockDim.x) dh_next[idx] = 0;
  __syncthreads();
  for (int t = T - 1; t >= 0; --t) {
    for (int idx = threadIdx.x; idx < per_block * H; idx += blockDim.x) {
      const int j = idx / H, k = idx - j * H, b = b0 + j;
      if (b >= B) continue;
      const std::size_t col = std::size_t(t) * B + b;
      const float* g = gates + col * G;
      const float r = g[k], z = g[H + k], n = g[2 * H + k];
      const float hn = hidden_proj[col * H + k];
      const float dh = dy[col * H + k] + dh_next[idx];
      const float da_n = dh * (1.0f - z) * (1.0f - n * n);
      const float da_r = da_n * hn * r * (1.0f - r);
      const float da_z = t > 0 ? dh * (h[(col - B) * H + k] - n) * z * (1.0f - z)
                               : -dh * n * z * (1.0f - z);
      float* di = d_input + col * G;
      float* dhid = d_hidden + col * G;
      float* s = dr + j * G;
      di[k] = dhid[k] = s[k] = da_r;
      di[H + k] = dhid[H + k] = s[H + k] = da_z;
      di[2 * H + k] = da_n;
      dhid[2 * H + k] = s[2 * H + k] = da_n * r;
      dh_z[idx] = dh * z;
    }
    __syncthreads();
    if (t > 0) {
      for (int idx = threadIdx.x; idx < per_block * H; idx += blockDim.x) {
        const int j = idx / H, k = idx - j * H, b = b0 + j;
        if (b >= B) continue;
        const float* s = dr + j * G;
        float acc = 0;
        for (int r = 0; r < G; ++r) acc += w_hh[std::size_t(r) * H + k] * s[r];
        dh_next[idx] = dh_z[idx] + acc;
      }
    }
    __syncthreads();
  }
}

__global__ void reconstruction_loss_kernel(const float* y, const float* x, std::size_t n,
                                           int batch, int loss, float* dy, double* loss_out) {
  const double per_beat = double(n) / batch;
  const double scale = loss == int(LossKind::Sae) ? 1.0 / batch : 1.0 / (per_beat * batch);
  const float step = static_cast<float>(loss == int(LossKind::Mse) ? 2 * scale : scale);
  double acc = 0;
  for (std::size_t i = threadIdx.x; i < n; i += kThreads) {
    const float d = y[i] - x[i];
    if (loss == int(LossKind::Mse)) {
      acc += double(d) * double(d);
      dy[i] = step * d;
    } else {
      acc += fabs(double(d));
      dy[i] = d > 0 ? step : (d < 0 ? -step : 0.0f);
    }
  }
  const double total = block_sum(acc);
  if (threadIdx.x == 0) *loss_out = total * scale;
}

__global__ void beat_losses_kernel(const float* y, const float* x, int C, int T, int B, int loss,
                                   double* total) {
  double acc = 0;
  for (int b = threadIdx.x; b < B; b += kThreads) {
    double sum = 0;
    for (int t = 0; t < T; ++t)
      for (int c = 0; c < C; ++c) {
        const std::size_t i = (std::size_t(t) * B + b) * C + c;
        const double d = double(y[i]) - double(x[i]);
        sum += loss == int(LossKind::Mse) ? d * d : fabs(d);
      }
    acc += loss == int(LossKind::Sae) ? sum : sum / (double(T) * C);
  }
  const double all = block_sum(acc);
  if (threadIdx.x == 0) *total += all;
}

__global__ void sparsity_kernel(const float* z, int Z, int B, double rho, double beta, float* dz,
                                double* objective) {
  constexpr double kEps = 1e-6;
  double penalty = 0;
  for (int j = threadIdx.x; j < Z; j += kThreads) {
    double mean = 0;
    for (int b = 0; b < B; ++b) mean += (double(z[std::size_t(b) * Z + j]) + 1) / 2;
    mean /= B;
    const double r = fmin(fmax(mean, kEps), 1 - kEps);
    penalty += rho * log(rho / r) + (1 - rho) * log((1 - rho) / (1 - r));
    const double d_r = (mean == r) ? (-rho / r + (1 - rho) / (1 - r)) : 0.0;
    const float g = static_cast<float>(beta * d_r / (2.0 * B));
    for (int b = 0; b < B; ++b) dz[std::size_t(b) * Z + j] += g;
  }
  const double total = block_sum(penalty);
  if (threadIdx.x == 0) *objective += beta * total;
}

__global__ void norm_kernel(const float* g, std::size_t n, double* norm) {
  double acc = 0;
  for (std::size_t i = threadIdx.x; i < n; i += kThreads) acc += double(g[i]) * double(g[i]);
  const double total = block_sum(acc);
  if (threadIdx.x == 0) *norm = sqrt(total);
}

__global__ void adam_kernel(float* p, float* g, float* m, float* v, std::size_t n, AdamStep s,
                            const double* norm) {
  const bool clip = s.max_norm > 0 && *norm > s.max_norm;
  const float scale = clip ? static_cast<float>(s.max_norm / (*norm + 1e-6)) : 1.0f;
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < n;
       i += std::size_t(gridDim.x) * blockDim.x) {
    if (clip) g[i] *= scale;
    float gi = g[i];
    if (s.decoupled) {
      p[i] -= s.lr * s.weight_decay * p[i];
    } else {
      gi += s.weight_decay * p[i];
    }
    m[i] = s.beta1 * m[i] + s.one_minus_beta1 * gi;
    v[i] = s.beta2 * v[i] + s.one_minus_beta2 * gi * gi;
    p[i] -= s.lr * (m[i] * s.c1) / (sqrtf(v[i] * s.c2) + s.eps);
  }
}

__global__ void vae_sample_kernel(const float* mu, const float* logvar, const float* eps,
                                  std::size_t n, float* z) {
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < n;
       i += std::size_t(gridDim.x) * blockDim.x)
    z[i] = mu[i] + expf(logvar[i] * 0.5f) * eps[i];
}

__global__ void vae_latent_kernel(const float* mu, const float* logvar, const float* eps,
                                  const float* dz, int units, int B, double beta, float* dmu,
                                  float* dlogvar, double* objective) {
  const float scale = static_cast<float>(beta / double(B));
  const std::size_t n = std::size_t(units) * B;
  double kl = 0;
  for (std::size_t i = threadIdx.x; i < n; i += kThreads) {
    const float m = mu[i], lv = logvar[i];
    const float sigma = expf(lv * 0.5f);
    dmu[i] = dz[i] + scale * m;
    dlogvar[i] = dz[i] * eps[i] * sigma * 0.5f + 0.5f * scale * (expf(lv) - 1.0f);
    const double md = m, lvd = lv;
    kl += 0.5 * (md * md + exp(lvd) - 1 - lvd);
  }
  const double total = block_sum(kl);
  if (threadIdx.x == 0) *objective += beta * (total / double(B));
}

// recae's decoder. Every owned sequence has `per_seq` floats of shared
// memory: per layer 2H + 2G (forward: h, c, the recurrent side's and the
// input side's pre-activations; backward: dh, dc, and the gradients w.r.t.
// the input side and the hidden side), then 2C (forward: the last output;
// backward: the output fed back's gradient and the whole output gradient).
__device__ int feedback_offset(const FeedbackDecoder& d, int layer) {
  const int gates = d.lstm ? 4 : 3;
  int off = 0;
  for (int l = 0; l < layer; ++l) off += (2 + 2 * gates) * d.layer[l].hidden;
  return off;
}

// x'_t = W_out h^top_k + b_out for the owned sequences, into the shared
// slot and out's column t*B + b.
__device__ void feedback_output(const FeedbackDecoder& d, int per_block, int per_seq, int t) {
  extern __shared__ float shared[];
  const int B = d.batch, C = d.channels, top = d.layers - 1;
  const int H = d.layer[top].hidden;
  const int top_off = feedback_offset(d, top), y_off = feedback_offset(d, d.layers);
  const int b0 = blockIdx.x * per_block;
  for (int idx = threadIdx.x; idx < per_block * C; idx += blockDim.x) {
    const int j = idx / C, ch = idx - j * C, b = b0 + j;
    if (b >= B) continue;
    float* s = shared + std::size_t(j) * per_seq;
    const float* h = s + top_off;
    const float* w = d.w_out + std::size_t(ch) * H;
    float acc = 0;
    for (int m = 0; m < H; ++m) acc += w[m] * h[m];
    acc += d.b_out[ch];
    s[y_off + ch] = acc;
    d.out[(std::size_t(t) * B + b) * C + ch] = acc;
  }
}

__global__ void feedback_forward_kernel(FeedbackDecoder d, int per_block, int per_seq) {
  extern __shared__ float shared[];
  const int T = d.steps, B = d.batch, C = d.channels, L = d.layers;
  const int gates = d.lstm ? 4 : 3;
  const int y_off = feedback_offset(d, L);
  const int b0 = blockIdx.x * per_block;
  // State 0: the encoder's final state, kept in shared memory and recorded.
  for (int l = 0; l < L; ++l) {
    const FeedbackLayer& ly = d.layer[l];
    const int H = ly.hidden, off = feedback_offset(d, l);
    for (int idx = threadIdx.x; idx < per_block * H; idx += blockDim.x) {
      const int j = idx / H, i = idx - j * H, b = b0 + j;
      if (b >= B) continue;
      float* s = shared + std::size_t(j) * per_seq + off;
      const std::size_t at = std::size_t(b) * H + i;
      s[i] = ly.h0[at];
      ly.h[at] = s[i];
      if (d.lstm) {
        s[H + i] = ly.c0[at];
        ly.c[at] = s[H + i];
      }
    }
  }
  __syncthreads();
  feedback_output(d, per_block, per_seq, T - 1);
  __syncthreads();
  for (int k = 1; k < T; ++k) {
    const int t = T - 1 - k;
    for (int l = 0; l < L; ++l) {
      const FeedbackLayer& ly = d.layer[l];
      const int H = ly.hidden, G = gates * H, in = ly.in;
      const int off = feedback_offset(d, l);
      const int in_off = l == 0 ? y_off : feedback_offset(d, l - 1);
      if (l == 0) {  // record layer 0's input, x'_{t+1}, for the weight gradient
        for (int idx = threadIdx.x; idx < per_block * C; idx += blockDim.x) {
          const int j = idx / C, ch = idx - j * C, b = b0 + j;
          if (b >= B) continue;
          d.fed[(std::size_t(k - 1) * B + b) * C + ch] =
              shared[std::size_t(j) * per_seq + y_off + ch];
        }
      }
      // Pre-activations: LSTM W_ih x + W_hh h + b_ih + b_hh in `rec`; GRU
      // keeps the recurrent side (W_hh h + b_hh) in `rec`, the input side in `inp`.
      for (int idx = threadIdx.x; idx < per_block * G; idx += blockDim.x) {
        const int j = idx / G, r = idx - j * G, b = b0 + j;
        if (b >= B) continue;
        float* s = shared + std::size_t(j) * per_seq;
        const float* x = s + in_off;
        const float* hp = s + off;
        float* rec = s + off + 2 * H;
        float* inp = rec + G;
        const float* wi = ly.w_ih + std::size_t(r) * in;
        const float* wh = ly.w_hh + std::size_t(r) * H;
        float from_input = 0, from_hidden = 0;
        for (int m = 0; m < in; ++m) from_input += wi[m] * x[m];
        for (int m = 0; m < H; ++m) from_hidden += wh[m] * hp[m];
        if (d.lstm) {
          rec[r] = from_input + from_hidden + (ly.b_ih[r] + ly.b_hh[r]);
        } else {
          rec[r] = from_hidden + ly.b_hh[r];
          inp[r] = from_input + ly.b_ih[r];
        }
      }
      __syncthreads();
      // Gates and the new state k.
      for (int idx = threadIdx.x; idx < per_block * H; idx += blockDim.x) {
        const int j = idx / H, i = idx - j * H, b = b0 + j;
        if (b >= B) continue;
        float* s = shared + std::size_t(j) * per_seq + off;
        float* h = s;
        float* c = s + H;
        const float* rec = s + 2 * H;
        const float* inp = rec + G;
        const std::size_t col = std::size_t(k - 1) * B + b, state = std::size_t(k) * B + b;
        float* g = ly.gates + col * G;
        float hv;
        if (d.lstm) {
          const float ig = sigmoid(rec[i]), fg = sigmoid(rec[H + i]), gg = tanhf(rec[2 * H + i]),
                      og = sigmoid(rec[3 * H + i]);
          const float cv = fg * c[i] + ig * gg;
          hv = og * tanhf(cv);
          g[i] = ig;
          g[H + i] = fg;
          g[2 * H + i] = gg;
          g[3 * H + i] = og;
          c[i] = cv;
          ly.c[state * H + i] = cv;
        } else {
          const float rg = sigmoid(inp[i] + rec[i]);
          const float zg = sigmoid(inp[H + i] + rec[H + i]);
          const float ng = tanhf(inp[2 * H + i] + rg * rec[2 * H + i]);
          hv = (1.0f - zg) * ng + zg * h[i];
          g[i] = rg;
          g[H + i] = zg;
          g[2 * H + i] = ng;
          ly.hidden_proj[col * H + i] = rec[2 * H + i];
        }
        h[i] = hv;
        ly.h[state * H + i] = hv;
      }
      __syncthreads();
    }
    feedback_output(d, per_block, per_seq, t);
    __syncthreads();
  }
}

__global__ void feedback_backward_kernel(FeedbackDecoder d, int per_block, int per_seq) {
  extern __shared__ float shared[];
  const int T = d.steps, B = d.batch, C = d.channels, L = d.layers, top = L - 1;
  const int gates = d.lstm ? 4 : 3;
  const int fb_off = feedback_offset(d, L), dp_off = fb_off + C;
  const int top_off = feedback_offset(d, top), Htop = d.layer[top].hidden;
  const int b0 = blockIdx.x * per_block;
  for (int idx = threadIdx.x; idx < per_block * per_seq; idx += blockDim.x) shared[idx] = 0;
  __syncthreads();
  for (int k = T - 1; k >= 0; --k) {
    const int t = T - 1 - k;
    // The whole gradient of x'_t: the loss's plus what the step fed by it sent back.
    for (int idx = threadIdx.x; idx < per_block * C; idx += blockDim.x) {
      const int j = idx / C, ch = idx - j * C, b = b0 + j;
      if (b >= B) continue;
      float* s = shared + std::size_t(j) * per_seq;
      const float v = d.d_out[(std::size_t(t) * B + b) * C + ch] + s[fb_off + ch];
      s[dp_off + ch] = v;
      d.d_pred[(std::size_t(k) * B + b) * C + ch] = v;
    }
    __syncthreads();
    // Through the output layer to the top layer's h of state k.
    for (int idx = threadIdx.x; idx < per_block * Htop; idx += blockDim.x) {
      const int j = idx / Htop, i = idx - j * Htop, b = b0 + j;
      if (b >= B) continue;
      float* s = shared + std::size_t(j) * per_seq;
      float acc = 0;
      for (int ch = 0; ch < C; ++ch) acc += d.w_out[std::size_t(ch) * Htop + i] * s[dp_off + ch];
      s[top_off + i] += acc;
    }
    __syncthreads();
    if (k == 0) break;
    // Step k backward, layer by layer from the top (recurrent_cell.cpp).
    for (int l = top; l >= 0; --l) {
      const FeedbackLayer& ly = d.layer[l];
      const int H = ly.hidden, G = gates * H, in = ly.in;
      const int off = feedback_offset(d, l);
      for (int idx = threadIdx.x; idx < per_block * H; idx += blockDim.x) {
        const int j = idx / H, i = idx - j * H, b = b0 + j;
        if (b >= B) continue;
        float* s = shared + std::size_t(j) * per_seq + off;
        float* dh = s;
        float* dc = s + H;
        float* d_in = s + 2 * H;
        float* d_hid = d_in + G;
        const std::size_t col = std::size_t(k - 1) * B + b;
        const float* g = ly.gates + col * G;
        float* out_in = ly.d_input + col * G;
        if (d.lstm) {
          const float ig = g[i], fg = g[H + i], gg = g[2 * H + i], og = g[3 * H + i];
          const float c_next = ly.c[(std::size_t(k) * B + b) * H + i];
          const float c_prev = ly.c[col * H + i];
          const float tc = tanhf(c_next);
          const float dct = dc[i] + dh[i] * og * (1.0f - tc * tc);
          out_in[i] = d_in[i] = dct * gg * ig * (1.0f - ig);
          out_in[H + i] = d_in[H + i] = dct * c_prev * fg * (1.0f - fg);
          out_in[2 * H + i] = d_in[2 * H + i] = dct * ig * (1.0f - gg * gg);
          out_in[3 * H + i] = d_in[3 * H + i] = dh[i] * tc * og * (1.0f - og);
          dc[i] = dct * fg;
          dh[i] = 0;  // replaced by W_hh^T d_in below
        } else {
          const float rg = g[i], zg = g[H + i], ng = g[2 * H + i];
          const float hn = ly.hidden_proj[col * H + i];
          const float h_prev = ly.h[col * H + i];
          const float dn_pre = dh[i] * (1.0f - zg) * (1.0f - ng * ng);
          const float dr = dn_pre * hn * rg * (1.0f - rg);
          const float dz = dh[i] * (h_prev - ng) * zg * (1.0f - zg);
          float* out_hid = ly.d_hidden + col * G;
          out_in[i] = out_hid[i] = d_in[i] = d_hid[i] = dr;
          out_in[H + i] = out_hid[H + i] = d_in[H + i] = d_hid[H + i] = dz;
          out_in[2 * H + i] = d_in[2 * H + i] = dn_pre;
          out_hid[2 * H + i] = d_hid[2 * H + i] = dn_pre * rg;
          dh[i] = dh[i] * zg;  // the direct path; W_hh^T d_hid is added below
        }
      }
      __syncthreads();
      // dh_{k-1} (+)= W_hh^T d_hid; the input's gradient W_ih^T d_in goes to
      // the layer below's h of state k, or (layer 0) to x'_{t+1}.
      const int rows = H + in;
      const int below_off = l > 0 ? feedback_offset(d, l - 1) : fb_off;
      for (int idx = threadIdx.x; idx < per_block * rows; idx += blockDim.x) {
        const int j = idx / rows, q = idx - j * rows, b = b0 + j;
        if (b >= B) continue;
        float* base = shared + std::size_t(j) * per_seq;
        const float* d_in = base + off + 2 * H;
        const float* d_rec = d.lstm ? d_in : d_in + G;
        float acc = 0;
        if (q < H) {
          for (int r = 0; r < G; ++r) acc += ly.w_hh[std::size_t(r) * H + q] * d_rec[r];
          base[off + q] += acc;
        } else {
          const int m = q - H;
          for (int r = 0; r < G; ++r) acc += ly.w_ih[std::size_t(r) * in + m] * d_in[r];
          if (l > 0) {
            base[below_off + m] += acc;
          } else {
            base[below_off + m] = acc;
          }
        }
      }
      __syncthreads();
    }
  }
  // What reaches the initial state goes back to the encoder's final state.
  for (int l = 0; l < L; ++l) {
    const FeedbackLayer& ly = d.layer[l];
    const int H = ly.hidden, off = feedback_offset(d, l);
    for (int idx = threadIdx.x; idx < per_block * H; idx += blockDim.x) {
      const int j = idx / H, i = idx - j * H, b = b0 + j;
      if (b >= B) continue;
      const float* s = shared + std::size_t(j) * per_seq + off;
      ly.dh0[std::size_t(b) * H + i] = s[i];
      if (d.lstm) ly.dc0[std::size_t(b) * H + i] = s[H + i];
    }
  }
}

// Sequences per block of the recurrence kernels, and their threads: enough
// blocks to spread a batch over the GPU's multiprocessors.
struct RecurrenceLaunch {
  int per_block, blocks, threads;
  std::size_t shared_bytes;
};

// Shared floats per hidden unit of one sequence: LSTM 6 (h, c, 4 gates),
// GRU 7 (h, 3 recurrent, 3 input), backward passes at most as many.
constexpr int kLstmShared = 6, kGruShared = 7;

RecurrenceLaunch recurrence_launch(int batch, int hidden, int gates, int shared_per_unit) {
  RecurrenceLaunch l;
  // At most 128 blocks' worth of sequences, within the 48 KiB of shared
  // memory a block gets without opting in (recurrence_fits() checks H).
  const int fit =
      static_cast<int>(kSharedLimit / (sizeof(float) * shared_per_unit * std::size_t(hidden)));
  l.per_block = (batch + 127) / 128;
  if (l.per_block > fit) l.per_block = fit > 0 ? fit : 1;
  l.blocks = (batch + l.per_block - 1) / l.per_block;
  const int work = l.per_block * gates * hidden;
  l.threads = work >= 1024 ? 1024 : ((work + 31) / 32) * 32;
  l.shared_bytes = sizeof(float) * std::size_t(l.per_block) * shared_per_unit * hidden;
  return l;
}

}  // namespace

bool recurrence_fits(int hidden) {
  return sizeof(float) * kGruShared * std::size_t(hidden) <= kSharedLimit;
}

void gather_batch(const float* beats, int steps, int channels, const std::uint64_t* order,
                  int batch, float* x, cudaStream_t stream) {
  const std::size_t n = std::size_t(batch) * steps * channels;
  gather_kernel<<<blocks_for(n), kThreads, 0, stream>>>(beats, steps, channels, order, batch, x);
}

void add_bias(float* y, const float* a, const float* b, int rows, int cols, cudaStream_t stream) {
  const std::size_t n = std::size_t(rows) * cols;
  add_bias_kernel<<<blocks_for(n), kThreads, 0, stream>>>(y, a, b, rows, n);
}

void row_sums(const float* m, int rows, int cols, float* out, float* out2, cudaStream_t stream) {
  row_sums_kernel<<<(rows + kThreads - 1) / kThreads, kThreads, 0, stream>>>(m, rows, cols, out,
                                                                              out2);
}

void sum_over_steps(const float* m, int rows, int steps, int batch, float* out,
                    cudaStream_t stream) {
  sum_over_steps_kernel<<<blocks_for(std::size_t(rows) * batch), kThreads, 0, stream>>>(
      m, rows, steps, batch, out);
}

void add_residual(const float* h, const float* x, bool repeated, int rows, int steps, int batch,
                  float* y, cudaStream_t stream) {
  const std::size_t n = std::size_t(rows) * steps * batch;
  add_residual_kernel<<<blocks_for(n), kThreads, 0, stream>>>(h, x, repeated, rows, batch, n, y);
}

void lstm_forward(int steps, int batch, int hidden, const float* w_hh, const float* pre,
                  std::size_t pre_step_stride, float* gates, float* cells, float* tanh_cells,
                  float* h, cudaStream_t stream) {
  const RecurrenceLaunch l = recurrence_launch(batch, hidden, 4, kLstmShared);
  lstm_forward_kernel<<<l.blocks, l.threads, l.shared_bytes, stream>>>(
      steps, batch, hidden, l.per_block, w_hh, pre, pre_step_stride, gates, cells, tanh_cells, h);
}

void lstm_backward(int steps, int batch, int hidden, const float* w_hh, const float* gates,
                   const float* cells, const float* tanh_cells, const float* dy,
                   const float* dc_last, float* d_gates, cudaStream_t stream) {
  const RecurrenceLaunch l = recurrence_launch(batch, hidden, 4, kLstmShared);
  lstm_backward_kernel<<<l.blocks, l.threads, l.shared_bytes, stream>>>(
      steps, batch, hidden, l.per_block, w_hh, gates, cells, tanh_cells, dy, dc_last, d_gates);
}

void gru_forward(int steps, int batch, int hidden, const float* w_hh, const float* b_hh,
                 const float* pre, std::size_t pre_step_stride, float* gates, float* hidden_proj,
                 float* h, cudaStream_t stream) {
  const RecurrenceLaunch l = recurrence_launch(batch, hidden, 3, kGruShared);
  gru_forward_kernel<<<l.blocks, l.threads, l.shared_bytes, stream>>>(
      steps, batch, hidden, l.per_block, w_hh, b_hh, pre, pre_step_stride, gates, hidden_proj, h);
}

void gru_backward(int steps, int batch, int hidden, const float* w_hh, const float* gates,
                  const float* hidden_proj, const float* h, const float* dy, float* d_input,
                  float* d_hidden, cudaStream_t stream) {
  const RecurrenceLaunch l = recurrence_launch(batch, hidden, 3, kGruShared);
  gru_backward_kernel<<<l.blocks, l.threads, l.shared_bytes, stream>>>(
      steps, batch, hidden, l.per_block, w_hh, gates, hidden_proj, h, dy, d_input, d_hidden);
}

void reconstruction_loss(const float* y, const float* x, std::size_t n, int batch, LossKind loss,
                         float* dy, double* loss_out, cudaStream_t stream) {
  reconstruction_loss_kernel<<<1, kThreads, 0, stream>>>(y, x, n, batch, int(loss), dy, loss_out);
}

void beat_losses(const float* y, const float* x, int channels, int steps, int batch,
                 LossKind loss, double* total, cudaStream_t stream) {
  beat_losses_kernel<<<1, kThreads, 0, stream>>>(y, x, channels, steps, batch, int(loss), total);
}

void sparsity_penalty(const float* z, int units, int batch, double rho, double beta, float* dz,
                      double* objective, cudaStream_t stream) {
  sparsity_kernel<<<1, kThreads, 0, stream>>>(z, units, batch, rho, beta, dz, objective);
}

void vae_sample(const float* mu, const float* logvar, const float* eps, std::size_t n, float* z,
                cudaStream_t stream) {
  vae_sample_kernel<<<blocks_for(n), kThreads, 0, stream>>>(mu, logvar, eps, n, z);
}

void vae_latent_backward(const float* mu, const float* logvar, const float* eps, const float* dz,
                         int units, int batch, double beta, float* dmu, float* dlogvar,
                         double* objective, cudaStream_t stream) {
  vae_latent_kernel<<<1, kThreads, 0, stream>>>(mu, logvar, eps, dz, units, batch, beta, dmu,
                                                dlogvar, objective);
}

bool feedback_decoder_fits(const int* hidden, int layers, bool lstm, int channels) {
  if (layers < 1 || layers > kMaxFeedbackLayers) return false;
  std::size_t floats = 2 * std::size_t(channels);
  for (int l = 0; l < layers; ++l) floats += (2 + 2 * (lstm ? 4 : 3)) * std::size_t(hidden[l]);
  return floats * sizeof(float) <= kSharedLimit;
}

namespace {
// Sequences per block (as recurrence_launch: up to 128 blocks, within the
// shared memory), and threads for the widest loop of a step.
RecurrenceLaunch feedback_launch(const FeedbackDecoder& d, int& per_seq) {
  const int gates = d.lstm ? 4 : 3;
  per_seq = 2 * d.channels;
  int widest = d.channels;
  for (int l = 0; l < d.layers; ++l) {
    const FeedbackLayer& ly = d.layer[l];
    per_seq += (2 + 2 * gates) * ly.hidden;
    widest = std::max(widest, std::max(gates * ly.hidden, ly.hidden + ly.in));
  }
  RecurrenceLaunch l;
  const int fit = static_cast<int>(kSharedLimit / (sizeof(float) * std::size_t(per_seq)));
  l.per_block = (d.batch + 127) / 128;
  if (l.per_block > fit) l.per_block = fit > 0 ? fit : 1;
  l.blocks = (d.batch + l.per_block - 1) / l.per_block;
  const int work = l.per_block * widest;
  l.threads = work >= 1024 ? 1024 : ((work + 31) / 32) * 32;
  l.shared_bytes = sizeof(float) * std::size_t(l.per_block) * per_seq;
  return l;
}
}  // namespace

void feedback_decoder_forward(const FeedbackDecoder& decoder, cudaStream_t stream) {
  int per_seq = 0;
  const RecurrenceLaunch l = feedback_launch(decoder, per_seq);
  feedback_forward_kernel<<<l.blocks, l.threads, l.shared_bytes, stream>>>(decoder, l.per_block,
                                                                            per_seq);
}

void feedback_decoder_backward(const FeedbackDecoder& decoder, cudaStream_t stream) {
  int per_seq = 0;
  const RecurrenceLaunch l = feedback_launch(decoder, per_seq);
  feedback_backward_kernel<<<l.blocks, l.threads, l.shared_bytes, stream>>>(decoder, l.per_block,
                                                                             per_seq);
}

void clip_and_adam(float* params, float* grads, float* m, float* v, std::size_t n,
                   const AdamStep& step, double* norm_scratch, cudaStream_t stream) {
  if (step.max_norm > 0) {
    norm_kernel<<<1, kThreads, 0, stream>>>(grads, n, norm_scratch);
  } else {
    cudaMemsetAsync(norm_scratch, 0, sizeof(double), stream);
  }
  adam_kernel<<<blocks_for(n), kThreads, 0, stream>>>(params, grads, m, v, n, step, norm_scratch);
}

}  // namespace ecglens::train::cuda
