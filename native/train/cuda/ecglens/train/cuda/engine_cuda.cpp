// The CUDA engine (engine.h) for the recurrent kinds, with LSTM or GRU
// cells: the LSTM autoencoder family (lstm_ae, residual_lstm_ae,
// sparse_lstm_ae, srl_ae), lstm_vae and recae, trained on one NVIDIA GPU with
// the CPU engine's math (layers.cpp, objective.cpp, optimizer.cpp,
// variational_autoencoder.cpp, reverse_autoencoder.cpp), step for step.
// (The feed-forward kinds have their own engine, engine_cuda_feedforward.cpp.)
//
// Everything a run touches lives in the GPU's memory from the constructor on:
// the normalised beats, one flat buffer each for the parameters, gradients
// and Adam's two moments (in the weights file's tensor order, as on the
// CPU), and every layer's activations. Per batch the host only issues work:
// a gather of the batch's beats, per layer one GEMM for the input projection
// of all T steps and ONE launch for the whole recurrence (kernels.cu), the
// backward pass the same way, and one Adam launch. The host waits for the
// GPU once per epoch (the batches' objectives) and once per validation.
//
// lstm_vae: mu and logvar are dense layers on the encoder's last output, and
// z = mu + exp(logvar / 2) eps is the decoder's repeated input. eps is the
// CPU engine's: drawn on the host by vae_noise() (variational_autoencoder.h)
// with the same key per batch (the run's noise seed, from the initial
// weights, and the Adam step the batch feeds; gradient() keys as the next
// batch would), and uploaded once per epoch.
//
// recae: the encoder is a plain stack; its decoder runs backwards in time
// fed its own output, so its layers and the output layer step together in
// one launch (kernels.h, FeedbackDecoder), and so does their backward pass;
// the weight gradients are GEMMs over the steps' records afterwards.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include "ecglens/train/cuda/device.h"
#include "ecglens/train/cuda/kernels.h"
#include "ecglens/train/engine.h"
#include "ecglens/train/parameters.h"
#include "ecglens/train/variational_autoencoder.h"
#include "ecglens/util/error.h"

namespace ecglens::train {

namespace {

using cuda::check;
using cuda::DeviceArray;
using cuda::loss_kind;

// An Error when the GPU path does not train this architecture: a kind it
// does not know, or layers too wide for the recurrence kernels.
void check_supported(const Architecture& arch) {
  const bool family = arch.kind == ModelKind::LstmAe || arch.kind == ModelKind::ResidualLstmAe ||
                      arch.kind == ModelKind::SparseLstmAe || arch.kind == ModelKind::SrlAe;
  if (!family && arch.kind != ModelKind::LstmVae && arch.kind != ModelKind::RecAe)
    throw Error(std::string("--device cuda does not train '") + to_string(arch.kind) + "'");
  const auto too_wide = [](int h) {
    return Error("--device cuda: a layer of " + std::to_string(h) +
                 " units is larger than the GPU kernels take");
  };
  if (arch.kind == ModelKind::RecAe) {
    for (int h : arch.hidden)
      if (!cuda::recurrence_fits(h)) throw too_wide(h);
    if (arch.hidden.size() > std::size_t(cuda::kMaxFeedbackLayers))
      throw Error("--device cuda trains recae with at most " +
                  std::to_string(cuda::kMaxFeedbackLayers) + " layers");
    if (!cuda::feedback_decoder_fits(arch.hidden.data(), static_cast<int>(arch.hidden.size()),
                                     arch.cell == CellType::Lstm, arch.input_dim))
      throw Error("--device cuda: recae's decoder layers together are larger than the GPU "
                  "kernels take (it keeps every layer's state in one block)");
    return;
  }
  for (int h : arch.encoder_hidden)
    if (!cuda::recurrence_fits(h)) throw too_wide(h);
  for (int h : arch.decoder_hidden)
    if (!cuda::recurrence_fits(h)) throw too_wide(h);
}

// recae's decoder layer: the records of its steps (kernels.h, FeedbackLayer).
struct FeedbackRecords {
  int in = 0, hidden = 0;
  std::size_t w_ih = 0, w_hh = 0, b_ih = 0, b_hh = 0;  // offsets into the flat buffers
  DeviceArray<float> h, c;                // H x TB: states 0 .. T-1
  DeviceArray<float> gates, hidden_proj;  // G x (T-1)B, H x (T-1)B
  DeviceArray<float> d_input, d_hidden;   // G x (T-1)B
  DeviceArray<float> dh0, dc0;            // H x B
};

// One recurrent layer's tensors (offsets into the flat buffers) and
// workspaces; G = 4H for LSTM cells, 3H for GRU cells.
struct Layer {
  CellType cell = CellType::Lstm;
  int in = 0, hidden = 0;
  bool residual = false, repeated = false;
  std::size_t w_ih = 0, w_hh = 0, b_ih = 0, b_hh = 0, proj = 0;
  bool has_proj = false;
  DeviceArray<float> gates;      // G x TB, activated
  DeviceArray<float> state;      // H x TB: LSTM c_t; GRU W_hn h_{t-1} + b_hn
  DeviceArray<float> tanh_cells; // H x TB (LSTM)
  DeviceArray<float> h, out;     // H x TB: h_t; h_t + x_t (or P x_t), residual layers
  DeviceArray<float> d_gates;    // G x TB: gradient w.r.t. the input projection
  DeviceArray<float> d_hidden;   // G x TB: gradient w.r.t. W_hh h + b_hh (GRU)
  DeviceArray<float> pre_once;   // G x B: the repeated input's projection
  DeviceArray<float> per_batch;  // H x B: P x of a repeated input; dy summed over steps
  DeviceArray<float> d_sum;      // G x B: d_gates summed over steps
  const float* dc_last = nullptr;  // H x B: a gradient reaching the last c (recae's encoder)

  int gate_rows() const { return (cell == CellType::Gru ? 3 : 4) * hidden; }

  const float* output() const { return residual ? out.get() : h.get(); }
};

class CudaEngine final : public cuda::DeviceEngine {
 public:
  CudaEngine(const EngineSettings& settings, const std::vector<float>& train,
             const std::vector<float>& validation, int length, const std::vector<float>& initial)
      : DeviceEngine(settings, train, validation, length, initial),
        noise_seed_(vae_noise_seed(initial)) {
    const Architecture& a = settings_.architecture;
    const int B = settings_.batch;
    const std::size_t TB = std::size_t(T_) * B;
    const bool recae = a.kind == ModelKind::RecAe;
    vae_ = a.kind == ModelKind::LstmVae;
    const std::vector<int>& encoder_sizes = recae ? a.hidden : a.encoder_hidden;
    int in = C_, widest = C_;
    for (std::size_t l = 0; l < encoder_sizes.size(); ++l) {
      encoder_.push_back(make_layer("encoder." + std::to_string(l), in, encoder_sizes[l],
                                    !recae && a.residual_encoder, false));
      in = encoder_sizes[l];
      widest = std::max(widest, in);
    }
    Z_ = in;
    out_w_ = offset("output.weight");
    out_b_ = offset("output.bias");
    x_.resize(std::size_t(C_) * TB);
    out_.resize(std::size_t(C_) * TB);
    d_out_.resize(std::size_t(C_) * TB);
    d_encoded_.resize(std::size_t(Z_) * TB);
    if (recae) {
      make_feedback_decoder();
    } else {
      if (vae_) {
        L_ = a.latent_dim;
        mu_w_ = offset("mu.weight");
        mu_b_ = offset("mu.bias");
        logvar_w_ = offset("logvar.weight");
        logvar_b_ = offset("logvar.bias");
        for (auto* m : {&mu_, &logvar_, &z_, &dmu_, &dlogvar_}) m->resize(std::size_t(L_) * B);
        dh_latent_.resize(std::size_t(Z_) * B);
        in = L_;
      }
      dz_.resize(std::size_t(in) * B);  // the decoder's input: the latent
      for (std::size_t l = 0; l < a.decoder_hidden.size(); ++l) {
        decoder_.push_back(make_layer("decoder." + std::to_string(l), in, a.decoder_hidden[l],
                                      a.residual_decoder, l == 0));
        in = a.decoder_hidden[l];
        widest = std::max(widest, in);
      }
      d_decoded_.resize(std::size_t(decoder_.back()->hidden) * TB);
    }
    for (auto& g : ping_pong_) g.resize(std::size_t(widest) * TB);
    check(cudaGetLastError(), "setting up the engine");
  }

  double train_epoch(const std::vector<std::size_t>& order, double lr) override {
    std::vector<std::uint64_t> host_order(order.begin(), order.end());
    order_.upload(host_order);
    const std::size_t batches = (order.size() + settings_.batch - 1) / settings_.batch;
    if (objectives_.size() < batches) objectives_.resize(batches);
    std::vector<int> sizes;
    for (std::size_t k = 0; k < batches; ++k) {
      const std::size_t first = k * settings_.batch;
      sizes.push_back(
          static_cast<int>(std::min<std::size_t>(settings_.batch, order.size() - first)));
    }
    // The epoch's noise, batch after batch, as the CPU draws it.
    if (vae_) {
      std::vector<float> eps;
      for (std::size_t k = 0; k < batches; ++k)
        draw_noise(step_ + 1 + static_cast<long long>(k), sizes[k], eps);
      eps_.upload(eps);
    }
    std::size_t eps_at = 0;
    for (std::size_t k = 0; k < batches; ++k) {
      const std::size_t first = k * settings_.batch;
      const int B = sizes[k];
      cuda::gather_batch(train_.get(), T_, C_, order_.get() + first, B, x_.get(), nullptr);
      objective_and_gradient(B, objectives_.get() + k, vae_ ? eps_.get() + eps_at : nullptr);
      eps_at += std::size_t(L_) * B;
      adam_step(lr);
    }
    check(cudaGetLastError(), "training");
    std::vector<double> objectives = objectives_.download();
    double total = 0;
    for (std::size_t k = 0; k < batches; ++k) {
      if (!std::isfinite(objectives[k])) return objectives[k];
      total += objectives[k] * sizes[k];
    }
    return total / double(order.size());
  }

  double validation_loss() override {
    validation_total_.zero();
    for (std::size_t start = 0; start < validation_count_; start += settings_.batch) {
      const int B =
          static_cast<int>(std::min<std::size_t>(settings_.batch, validation_count_ - start));
      cuda::gather_batch(validation_.get(), T_, C_, validation_order_.get() + start, B, x_.get(),
                         nullptr);
      forward(B, nullptr);
      cuda::beat_losses(out_.get(), x_.get(), C_, T_, B, loss_kind(settings_.loss),
                        validation_total_.get(), nullptr);
    }
    check(cudaGetLastError(), "validation");
    return validation_total_.download()[0] / double(validation_count_);
  }

  double gradient(const std::vector<std::size_t>& index, std::vector<float>& grads) override {
    const int B = static_cast<int>(index.size());
    if (B < 1 || B > settings_.batch) throw Error("a gradient batch holds 1 to --batch beats");
    std::vector<std::uint64_t> host(index.begin(), index.end());
    order_.upload(host);
    if (objectives_.size() < 1) objectives_.resize(1);
    cuda::gather_batch(train_.get(), T_, C_, order_.get(), B, x_.get(), nullptr);
    if (vae_) {
      std::vector<float> eps;
      draw_noise(step_ + 1, B, eps);
      eps_.upload(eps);
    }
    objective_and_gradient(B, objectives_.get(), vae_ ? eps_.get() : nullptr);
    check(cudaGetLastError(), "the gradient");
    grads = grads_.download();
    return objectives_.download()[0];
  }

 private:
  std::unique_ptr<Layer> make_layer(const std::string& prefix, int in, int hidden, bool residual,
                                    bool repeated) {
    auto l = std::make_unique<Layer>();
    l->cell = settings_.architecture.cell;
    l->in = in;
    l->hidden = hidden;
    l->residual = residual;
    l->repeated = repeated;
    l->w_ih = offset(prefix + ".weight_ih");
    l->w_hh = offset(prefix + ".weight_hh");
    l->b_ih = offset(prefix + ".bias_ih");
    l->b_hh = offset(prefix + ".bias_hh");
    l->has_proj = residual && in != hidden;
    if (l->has_proj) l->proj = offset(prefix + ".residual_proj");
    const std::size_t B = settings_.batch, TB = std::size_t(T_) * B, H = hidden;
    const std::size_t G = l->gate_rows();
    l->gates.resize(G * TB);
    l->d_gates.resize(G * TB);
    l->state.resize(H * TB);
    if (l->cell == CellType::Lstm) {
      l->tanh_cells.resize(H * TB);
    } else {
      l->d_hidden.resize(G * TB);
    }
    l->h.resize(H * TB);
    if (residual) l->out.resize(H * TB);
    l->pre_once.resize(G * B);
    l->per_batch.resize(H * B);
    l->d_sum.resize(G * B);
    return l;
  }

  // Y = W X (+ beta Y) for a weight W stored row-major [out, in].
  void apply(std::size_t w, int out, int in, const float* x, int cols, float beta, float* y) {
    gemm(true, false, out, cols, in, p(w), in, x, in, beta, y, out);
  }
  // dW += X dY^T (dW row-major [out, in]).
  void weight_gradient(std::size_t w, int out, int in, const float* x, const float* dy, int cols) {
    gemm(false, true, in, out, cols, x, in, dy, out, 1.0f, g(w), in);
  }
  // dX = W^T dY (+ beta dX).
  void input_gradient(std::size_t w, int out, int in, const float* dy, int cols, float beta,
                      float* dx) {
    gemm(false, false, in, cols, out, p(w), in, dy, out, beta, dx, in);
  }

  void layer_forward(Layer& l, const float* x, int B) {
    const int H = l.hidden, G = l.gate_rows(), TB = T_ * B;
    const bool lstm = l.cell == CellType::Lstm;
    // LSTM cells add both biases to the input's projection; GRU cells keep
    // b_hh inside the recurrence (r multiplies W_hn h + b_hn).
    const float* second_bias = lstm ? p(l.b_hh) : nullptr;
    const float* pre;
    std::size_t stride;
    if (l.repeated) {
      apply(l.w_ih, G, l.in, x, B, 0.0f, l.pre_once.get());
      cuda::add_bias(l.pre_once.get(), p(l.b_ih), second_bias, G, B, nullptr);
      pre = l.pre_once.get();
      stride = 0;
    } else {
      apply(l.w_ih, G, l.in, x, TB, 0.0f, l.gates.get());
      cuda::add_bias(l.gates.get(), p(l.b_ih), second_bias, G, TB, nullptr);
      pre = l.gates.get();
      stride = std::size_t(G) * B;
    }
    if (lstm) {
      cuda::lstm_forward(T_, B, H, p(l.w_hh), pre, stride, l.gates.get(), l.state.get(),
                         l.tanh_cells.get(), l.h.get(), nullptr);
    } else {
      cuda::gru_forward(T_, B, H, p(l.w_hh), p(l.b_hh), pre, stride, l.gates.get(),
                        l.state.get(), l.h.get(), nullptr);
    }
    if (!l.residual) return;
    if (l.has_proj && l.repeated) {
      apply(l.proj, H, l.in, x, B, 0.0f, l.per_batch.get());
      cuda::add_residual(l.h.get(), l.per_batch.get(), true, H, T_, B, l.out.get(), nullptr);
    } else if (l.has_proj) {
      apply(l.proj, H, l.in, x, TB, 0.0f, l.out.get());
      cuda::add_residual(l.h.get(), l.out.get(), false, H, T_, B, l.out.get(), nullptr);
    } else {
      cuda::add_residual(l.h.get(), x, l.repeated, H, T_, B, l.out.get(), nullptr);
    }
  }

  // dy: gradient w.r.t. the layer's output; dx (may be null): w.r.t. x.
  void layer_backward(Layer& l, const float* x, const float* dy, int B, float* dx) {
    const int H = l.hidden, G = l.gate_rows(), TB = T_ * B, in = l.in;
    if (l.cell == CellType::Lstm) {
      // One gradient for both pre-activation terms: d_gates.
      cuda::lstm_backward(T_, B, H, p(l.w_hh), l.gates.get(), l.state.get(), l.tanh_cells.get(),
                          dy, l.dc_last, l.d_gates.get(), nullptr);
      if (T_ > 1)  // dW_hh += sum_t da_t h_{t-1}^T
        weight_gradient(l.w_hh, G, H, l.h.get(), l.d_gates.get() + std::size_t(G) * B, TB - B);
      cuda::row_sums(l.d_gates.get(), G, TB, g(l.b_ih), g(l.b_hh), nullptr);
    } else {
      cuda::gru_backward(T_, B, H, p(l.w_hh), l.gates.get(), l.state.get(), l.h.get(), dy,
                         l.d_gates.get(), l.d_hidden.get(), nullptr);
      if (T_ > 1)
        weight_gradient(l.w_hh, G, H, l.h.get(), l.d_hidden.get() + std::size_t(G) * B, TB - B);
      cuda::row_sums(l.d_hidden.get(), G, TB, g(l.b_hh), nullptr, nullptr);
      cuda::row_sums(l.d_gates.get(), G, TB, g(l.b_ih), nullptr, nullptr);
    }
    if (l.repeated) {
      cuda::sum_over_steps(l.d_gates.get(), G, T_, B, l.d_sum.get(), nullptr);
      weight_gradient(l.w_ih, G, in, x, l.d_sum.get(), B);
      if (dx) input_gradient(l.w_ih, G, in, l.d_sum.get(), B, 0.0f, dx);
    } else {
      weight_gradient(l.w_ih, G, in, x, l.d_gates.get(), TB);
      if (dx) input_gradient(l.w_ih, G, in, l.d_gates.get(), TB, 0.0f, dx);
    }
    if (!l.residual) return;
    // y = h + x (or P x): dy reaches x directly (or through P^T).
    const float* d = dy;
    int cols = TB;
    if (l.repeated) {
      cuda::sum_over_steps(dy, H, T_, B, l.per_batch.get(), nullptr);
      d = l.per_batch.get();
      cols = B;
    }
    if (l.has_proj) {
      weight_gradient(l.proj, H, in, x, d, cols);
      if (dx) input_gradient(l.proj, H, in, d, cols, 1.0f, dx);
    } else if (dx) {
      const float one = 1.0f;
      check(cublasSaxpy(blas_, in * cols, &one, d, 1, dx, 1), "saxpy");
    }
  }

  // recae's decoder records, one per layer (the encoder's sizes).
  void make_feedback_decoder() {
    const Architecture& a = settings_.architecture;
    const bool lstm = a.cell == CellType::Lstm;
    const std::size_t B = settings_.batch, TB = std::size_t(T_) * B, moves = TB - B;
    int in = C_;
    for (std::size_t l = 0; l < a.hidden.size(); ++l) {
      const std::string prefix = "decoder." + std::to_string(l);
      auto r = std::make_unique<FeedbackRecords>();
      const std::size_t H = a.hidden[l], G = (lstm ? 4 : 3) * H;
      r->in = in;
      r->hidden = a.hidden[l];
      r->w_ih = offset(prefix + ".weight_ih");
      r->w_hh = offset(prefix + ".weight_hh");
      r->b_ih = offset(prefix + ".bias_ih");
      r->b_hh = offset(prefix + ".bias_hh");
      r->h.resize(H * TB);
      r->gates.resize(G * moves);
      r->d_input.resize(G * moves);
      r->dh0.resize(H * B);
      if (lstm) {
        r->c.resize(H * TB);
        r->dc0.resize(H * B);
      } else {
        r->hidden_proj.resize(H * moves);
        r->d_hidden.resize(G * moves);
      }
      feedback_.push_back(std::move(r));
      in = a.hidden[l];
    }
    fed_.resize(std::size_t(C_) * moves);
    d_pred_.resize(std::size_t(C_) * TB);
  }

  // The launch arguments of recae's decoder for a batch of B, starting from
  // the encoder's state after its last step.
  cuda::FeedbackDecoder feedback_args(int B) const {
    cuda::FeedbackDecoder d;
    d.lstm = settings_.architecture.cell == CellType::Lstm;
    d.layers = static_cast<int>(feedback_.size());
    d.steps = T_;
    d.batch = B;
    d.channels = C_;
    for (std::size_t l = 0; l < feedback_.size(); ++l) {
      const FeedbackRecords& r = *feedback_[l];
      const Layer& e = *encoder_[l];
      const std::size_t last = std::size_t(T_ - 1) * B * r.hidden;
      cuda::FeedbackLayer& f = d.layer[l];
      f.in = r.in;
      f.hidden = r.hidden;
      f.w_ih = p(r.w_ih);
      f.w_hh = p(r.w_hh);
      f.b_ih = p(r.b_ih);
      f.b_hh = p(r.b_hh);
      f.h0 = e.h.get() + last;
      f.c0 = d.lstm ? e.state.get() + last : nullptr;  // the LSTM kernels' `state` is c_t
      f.h = r.h.get();
      f.c = r.c.get();
      f.gates = r.gates.get();
      f.hidden_proj = r.hidden_proj.get();
      f.d_input = r.d_input.get();
      f.d_hidden = r.d_hidden.get();
      f.dh0 = r.dh0.get();
      f.dc0 = r.dc0.get();
    }
    d.w_out = p(out_w_);
    d.b_out = p(out_b_);
    d.out = out_.get();
    d.fed = fed_.get();
    d.d_out = d_out_.get();
    d.d_pred = d_pred_.get();
    return d;
  }

  // Appends the noise of the lstm_vae objective on B beats that feeds Adam
  // step `step` (latent_dim x B, column-major), as the CPU engine draws it.
  void draw_noise(long long step, int B, std::vector<float>& eps) {
    const std::size_t n = std::size_t(L_) * B, at = eps.size();
    eps.resize(at + n);
    vae_noise<float>(vae_noise_key(noise_seed_, step), eps.data() + at, n);
  }

  // The reconstruction of x_ into out_. eps (lstm_vae, on the device): the
  // batch's noise, z = mu + exp(logvar / 2) eps; without it z = mu.
  void forward(int B, const float* eps) {
    const float* in = x_.get();
    for (auto& l : encoder_) {
      layer_forward(*l, in, B);
      in = l->output();
    }
    if (!feedback_.empty()) {
      cuda::feedback_decoder_forward(feedback_args(B), nullptr);
      return;
    }
    const float* z = decoder_input(B, eps);
    in = z;
    for (auto& l : decoder_) {
      layer_forward(*l, in, B);
      in = l->output();
    }
    const int TB = T_ * B, Hd = decoder_.back()->hidden;
    apply(out_w_, C_, Hd, in, TB, 0.0f, out_.get());
    cuda::add_bias(out_.get(), p(out_b_), nullptr, C_, TB, nullptr);
  }

  // The encoder's top output at the last step, Z x B.
  const float* latent(int B) const {
    return encoder_.back()->output() + std::size_t(T_ - 1) * B * Z_;
  }

  // What the decoder is fed (repeated): the latent, or lstm_vae's z, whose
  // mu and logvar this computes.
  const float* decoder_input(int B, const float* eps) {
    if (!vae_) return latent(B);
    const float* h = latent(B);
    apply(mu_w_, L_, Z_, h, B, 0.0f, mu_.get());
    cuda::add_bias(mu_.get(), p(mu_b_), nullptr, L_, B, nullptr);
    apply(logvar_w_, L_, Z_, h, B, 0.0f, logvar_.get());
    cuda::add_bias(logvar_.get(), p(logvar_b_), nullptr, L_, B, nullptr);
    if (!eps) return mu_.get();
    cuda::vae_sample(mu_.get(), logvar_.get(), eps, std::size_t(L_) * B, z_.get(), nullptr);
    return z_.get();
  }

  // The objective on the batch in x_ into *objective (on the device) and its
  // gradient into grads_; eps: lstm_vae's noise for this batch.
  void objective_and_gradient(int B, double* objective, const float* eps) {
    const int TB = T_ * B;
    check(cudaMemset(grads_.get(), 0, grads_.size() * sizeof(float)), "cudaMemset");
    forward(B, eps);
    cuda::reconstruction_loss(out_.get(), x_.get(), std::size_t(C_) * TB, B,
                              loss_kind(settings_.loss), d_out_.get(), objective, nullptr);
    if (!feedback_.empty()) {
      recae_backward(B);
      return;
    }
    const int Hd = decoder_.back()->hidden;
    weight_gradient(out_w_, C_, Hd, decoder_.back()->output(), d_out_.get(), TB);
    cuda::row_sums(d_out_.get(), C_, TB, g(out_b_), nullptr, nullptr);
    input_gradient(out_w_, C_, Hd, d_out_.get(), TB, 0.0f, d_decoded_.get());

    const float* z = vae_ ? z_.get() : latent(B);
    const float* dy = d_decoded_.get();
    int turn = 0;
    for (std::size_t l = decoder_.size(); l-- > 0;) {
      const float* x = l == 0 ? z : decoder_[l - 1]->output();
      float* dx = l == 0 ? dz_.get() : ping_pong_[turn].get();
      layer_backward(*decoder_[l], x, dy, B, dx);
      dy = dx;
      turn ^= 1;
    }
    const Architecture& a = settings_.architecture;
    const bool sparse = a.kind == ModelKind::SparseLstmAe || a.kind == ModelKind::SrlAe;
    if (sparse && settings_.sparsity.beta != 0)
      cuda::sparsity_penalty(z, Z_, B, settings_.sparsity.rho, settings_.sparsity.beta,
                             dz_.get(), objective, nullptr);

    // lstm_vae: back through the sampling, the KL term, mu and logvar.
    const float* d_latent = dz_.get();
    if (vae_) {
      vae_backward(B, eps, objective);
      d_latent = dh_latent_.get();
    }

    // The latent is the encoder's top output at the last step only.
    check(cudaMemset(d_encoded_.get(), 0, std::size_t(Z_) * TB * sizeof(float)), "cudaMemset");
    check(cudaMemcpy(d_encoded_.get() + std::size_t(T_ - 1) * B * Z_, d_latent,
                     std::size_t(Z_) * B * sizeof(float), cudaMemcpyDeviceToDevice),
          "copy on the GPU");
    dy = d_encoded_.get();
    for (std::size_t l = encoder_.size(); l-- > 0;) {
      const float* x = l == 0 ? x_.get() : encoder_[l - 1]->output();
      float* dx = l == 0 ? nullptr : ping_pong_[turn].get();
      layer_backward(*encoder_[l], x, dy, B, dx);
      dy = dx;
      turn ^= 1;
    }
  }

  // variational_autoencoder.cpp's backward from dz_ (the decoder's input
  // gradient): adds beta_kl * KL to *objective and writes dh_latent_, the
  // gradient reaching the encoder's last output.
  void vae_backward(int B, const float* eps, double* objective) {
    cuda::vae_latent_backward(mu_.get(), logvar_.get(), eps, dz_.get(), L_, B,
                              settings_.sparsity.beta, dmu_.get(), dlogvar_.get(), objective,
                              nullptr);
    const float* h = latent(B);
    weight_gradient(mu_w_, L_, Z_, h, dmu_.get(), B);
    cuda::row_sums(dmu_.get(), L_, B, g(mu_b_), nullptr, nullptr);
    weight_gradient(logvar_w_, L_, Z_, h, dlogvar_.get(), B);
    cuda::row_sums(dlogvar_.get(), L_, B, g(logvar_b_), nullptr, nullptr);
    input_gradient(mu_w_, L_, Z_, dmu_.get(), B, 0.0f, dh_latent_.get());
    input_gradient(logvar_w_, L_, Z_, dlogvar_.get(), B, 1.0f, dh_latent_.get());
  }

  // reverse_autoencoder.cpp's backward, from d_out_: the decoder's steps in
  // one launch, its weight gradients as GEMMs over all steps, then the
  // encoder from the top, each layer's final (h, c) receiving what reached
  // the decoder's initial state.
  void recae_backward(int B) {
    const cuda::FeedbackDecoder d = feedback_args(B);
    cuda::feedback_decoder_backward(d, nullptr);
    const int TB = T_ * B, moves = TB - B;
    for (std::size_t l = 0; moves > 0 && l < feedback_.size(); ++l) {
      const FeedbackRecords& r = *feedback_[l];
      const int H = r.hidden, G = (d.lstm ? 4 : 3) * H;
      // Step k's input: x'_{T-k} for layer 0, else the layer below's state k.
      const float* x =
          l == 0 ? fed_.get() : feedback_[l - 1]->h.get() + std::size_t(B) * r.in;
      weight_gradient(r.w_ih, G, r.in, x, r.d_input.get(), moves);
      // Step k's recurrent input: this layer's state k-1.
      weight_gradient(r.w_hh, G, H, r.h.get(), d.lstm ? r.d_input.get() : r.d_hidden.get(),
                      moves);
      if (d.lstm) {
        cuda::row_sums(r.d_input.get(), G, moves, g(r.b_ih), g(r.b_hh), nullptr);
      } else {
        cuda::row_sums(r.d_hidden.get(), G, moves, g(r.b_hh), nullptr, nullptr);
        cuda::row_sums(r.d_input.get(), G, moves, g(r.b_ih), nullptr, nullptr);
      }
    }
    // x'_{T-1-k} = W_out h^top_k + b_out; d_pred_ is in the order of k too.
    weight_gradient(out_w_, C_, feedback_.back()->hidden, feedback_.back()->h.get(),
                    d_pred_.get(), TB);
    cuda::row_sums(d_pred_.get(), C_, TB, g(out_b_), nullptr, nullptr);

    check(cudaMemset(d_encoded_.get(), 0, std::size_t(Z_) * TB * sizeof(float)), "cudaMemset");
    float* dy = d_encoded_.get();
    int turn = 0;
    const float one = 1.0f;
    for (std::size_t l = encoder_.size(); l-- > 0;) {
      Layer& e = *encoder_[l];
      const FeedbackRecords& r = *feedback_[l];
      check(cublasSaxpy(blas_, e.hidden * B, &one, r.dh0.get(), 1,
                        dy + std::size_t(T_ - 1) * B * e.hidden, 1),
            "saxpy");
      e.dc_last = d.lstm ? r.dc0.get() : nullptr;
      const float* x = l == 0 ? x_.get() : encoder_[l - 1]->output();
      float* dx = l == 0 ? nullptr : ping_pong_[turn].get();
      layer_backward(e, x, dy, B, dx);
      dy = dx;
      turn ^= 1;
    }
  }

  int Z_ = 0;
  std::vector<std::unique_ptr<Layer>> encoder_, decoder_;
  std::size_t out_w_ = 0, out_b_ = 0;
  DeviceArray<float> x_, out_, d_out_, d_decoded_, d_encoded_, dz_;
  DeviceArray<float> ping_pong_[2];
  // lstm_vae
  bool vae_ = false;
  int L_ = 0;  // latent_dim
  std::size_t mu_w_ = 0, mu_b_ = 0, logvar_w_ = 0, logvar_b_ = 0;
  DeviceArray<float> mu_, logvar_, z_, dmu_, dlogvar_;  // L x B
  DeviceArray<float> dh_latent_;                        // Z x B
  DeviceArray<float> eps_;                              // L x B per batch of an epoch
  std::uint64_t noise_seed_;                            // from the initial weights
  // recae
  std::vector<std::unique_ptr<FeedbackRecords>> feedback_;
  DeviceArray<float> fed_, d_pred_;
};

}  // namespace

bool cuda_available(std::string* why) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    cudaGetLastError();  // clear it
    if (why)
      *why = std::string("no usable NVIDIA GPU or driver (CUDA: ") + cudaGetErrorString(status) +
             ")";
    return false;
  }
  if (count == 0) {
    if (why) *why = "no NVIDIA GPU is present";
    return false;
  }
  return true;
}

std::unique_ptr<Engine> make_cuda_engine(const EngineSettings& settings,
                                         const std::vector<float>& train,
                                         const std::vector<float>& validation, int length,
                                         const std::vector<float>& initial) {
  const ModelKind kind = settings.architecture.kind;
  if (kind == ModelKind::MlpAe || kind == ModelKind::Conv1dAe) {
    std::string why;
    if (!cuda_available(&why)) throw Error("--device cuda: " + why);
    return cuda::make_feedforward_engine(settings, train, validation, length, initial);
  }
  check_supported(settings.architecture);
  std::string why;
  if (!cuda_available(&why)) throw Error("--device cuda: " + why);
  return std::make_unique<CudaEngine>(settings, train, validation, length, initial);
}

}  // namespace ecglens::train
