// The CUDA engine (engine.h) for the feed-forward kinds: mlp_ae (dense
// layers, dense_autoencoder.cpp) and conv1d_ae (Conv1d and ConvTranspose1d
// layers, conv_autoencoder.cpp and conv_layers.cpp), trained on one NVIDIA
// GPU with the CPU engine's math, step for step.
//
// Both kinds see a beat whole, so a batch stays beat-major on the GPU: the B
// beats copied one after the other ([beat][step][channel]) are at once
// mlp_ae's (T*C) x B input matrix and conv1d_ae's C x (B*T) one
// (conv_layers.h's layout, each beat's steps contiguous). The reconstruction
// comes out in the same layout, so the loss compares it with the input
// directly.
//
// A layer is one cuBLAS GEMM with element-wise kernels around it
// (kernels_feedforward.h): a dense layer multiplies by its weight; a Conv1d
// gathers its windows (im2col) and multiplies; a ConvTranspose1d multiplies
// and gathers each output from its products. Backward passes are the same
// products transposed, with the adjoint gathers. Beats, parameters,
// gradients and Adam's moments live on the GPU from the constructor on; the
// host waits for it once per epoch and once per validation.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "ecglens/train/cuda/device.h"
#include "ecglens/train/cuda/kernels.h"
#include "ecglens/train/cuda/kernels_feedforward.h"
#include "ecglens/train/network.h"
#include "ecglens/train/parameters.h"

namespace ecglens::train::cuda {

namespace {

// One layer of either kind: its tensors (offsets into the flat buffers),
// its shape and its workspaces. A dense layer has length = out_length = 1
// and kernel 1: its input is in x B, its output out x B.
struct Layer {
  enum class Op { Dense, Conv, ConvTranspose };
  Op op = Op::Dense;
  std::size_t weight = 0, bias = 0;
  ConvShape shape{};  // batch is set per call
  bool relu = true;
  DeviceArray<float> y;     // out x (B*out_length), after ReLU when relu
  DeviceArray<float> work;  // Conv: the window matrix; ConvTranspose: products, then their gradient

  std::size_t input_size(int B) const { return std::size_t(shape.in) * shape.length * B; }
  std::size_t output_size(int B) const { return std::size_t(shape.out) * shape.out_length * B; }
  std::size_t work_size(int B) const {
    switch (op) {
      case Op::Conv: return std::size_t(shape.in) * shape.kernel * shape.out_length * B;
      case Op::ConvTranspose: return std::size_t(shape.out) * shape.kernel * shape.length * B;
      case Op::Dense: break;
    }
    return 0;
  }
};

class FeedforwardEngine final : public DeviceEngine {
 public:
  // checked() refuses what this engine cannot train before the GPU is touched.
  FeedforwardEngine(const EngineSettings& settings, const std::vector<float>& train,
                    const std::vector<float>& validation, int length,
                    const std::vector<float>& initial)
      : DeviceEngine(checked(settings, length), train, validation, length, initial) {
    if (settings_.architecture.kind == ModelKind::MlpAe) {
      build_dense();
    } else {
      build_conv();
    }
    const std::size_t per_beat = std::size_t(T_) * C_;
    const int B = settings_.batch;
    std::size_t widest = 0, widest_work = 0;
    for (auto& l : layers_) {
      l->y.resize(l->output_size(B));
      l->work.resize(l->work_size(B));
      widest = std::max(widest, l->input_size(B));
      widest_work = std::max(widest_work, l->work_size(B));
    }
    for (auto& g : ping_pong_) g.resize(widest);
    d_cols_.resize(widest_work);
    x_.resize(per_beat * B);
    d_out_.resize(per_beat * B);
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
      const int B = static_cast<int>(std::min<std::size_t>(settings_.batch, order.size() - first));
      sizes.push_back(B);
      gather(train_.get(), order_.get() + first, B);
      objective_and_gradient(B, objectives_.get() + k);
      adam_step(lr);
    }
    check(cudaGetLastError(), "training");
    const std::vector<double> objectives = objectives_.download();
    double total = 0;
    for (std::size_t k = 0; k < batches; ++k) {
      if (!std::isfinite(objectives[k])) return objectives[k];
      total += objectives[k] * sizes[k];
    }
    return total / double(order.size());
  }

  double validation_loss() override {
    validation_total_.zero();
    const int values = T_ * C_;
    for (std::size_t start = 0; start < validation_count_; start += settings_.batch) {
      const int B =
          static_cast<int>(std::min<std::size_t>(settings_.batch, validation_count_ - start));
      gather(validation_.get(), validation_order_.get() + start, B);
      const float* y = forward(B);
      // Beat-major: each beat's values are one "step" of T*C channels.
      beat_losses(y, x_.get(), values, 1, B, loss_kind(settings_.loss), validation_total_.get(),
                  nullptr);
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
    gather(train_.get(), order_.get(), B);
    objective_and_gradient(B, objectives_.get());
    check(cudaGetLastError(), "the gradient");
    grads = grads_.download();
    return objectives_.download()[0];
  }

 private:
  // The settings, once the architecture is known to be one this engine
  // trains and the beats to be as long as the model expects.
  static const EngineSettings& checked(const EngineSettings& settings, int length) {
    const Architecture& a = settings.architecture;
    if (a.kind != ModelKind::MlpAe && a.kind != ModelKind::Conv1dAe)
      throw Error(std::string("--device cuda: the feed-forward engine trains mlp_ae and "
                              "conv1d_ae, not '") + to_string(a.kind) + "'");
    try {
      check_trainable(a);
    } catch (const Error& e) {
      throw Error(std::string("--device cuda: ") + e.what());
    }
    if (length != a.seq_len)
      throw Error(std::string("--device cuda: ") + to_string(a.kind) + " takes beats of seq_len = " +
                  std::to_string(a.seq_len) + " steps, not " + std::to_string(length));
    if (settings.batch < 1) throw Error("--device cuda: the batch holds at least one beat");
    return settings;
  }

  const Parameters<float>::Entry& entry(const std::string& name) const {
    return layout_.entries()[layout_.index(name)];
  }

  // mlp_ae: encoder.0 .. encoder.{L-1}, decoder.0 .. decoder.{L-1}, ReLU
  // after every layer but the last.
  void build_dense() {
    const std::size_t depth = settings_.architecture.hidden.size();
    std::vector<std::string> names;
    for (std::size_t l = 0; l < depth; ++l) names.push_back("encoder." + std::to_string(l));
    for (std::size_t l = 0; l < depth; ++l) names.push_back("decoder." + std::to_string(l));
    for (std::size_t l = 0; l < names.size(); ++l) {
      auto layer = std::make_unique<Layer>();
      const auto& w = entry(names[l] + ".weight");  // [out, in]
      layer->op = Layer::Op::Dense;
      layer->weight = w.offset;
      layer->bias = entry(names[l] + ".bias").offset;
      layer->shape.in = static_cast<int>(w.shape[1]);
      layer->shape.out = static_cast<int>(w.shape[0]);
      layer->shape.kernel = layer->shape.stride = 1;
      layer->shape.length = layer->shape.out_length = 1;
      layer->relu = l + 1 < names.size();
      layers_.push_back(std::move(layer));
    }
    if (layers_.front()->shape.in != T_ * C_ || layers_.back()->shape.out != T_ * C_)
      throw Error("--device cuda: mlp_ae's first and last layers do not hold seq_len * input_dim "
                  "values");
  }

  // conv1d_ae: Conv1d encoder.l (stride s, padding k/2, ReLU),
  // ConvTranspose1d decoder.l (stride s, padding k/2, output_padding s - 1,
  // ReLU), Conv1d output (stride 1, padding k/2), no activation.
  void build_conv() {
    const Architecture& a = settings_.architecture;
    const int pad = a.kernel / 2;
    int length = T_;
    auto add = [&](const std::string& prefix, Layer::Op op, int stride, bool relu) {
      auto layer = std::make_unique<Layer>();
      const auto& w = entry(prefix + ".weight");
      layer->op = op;
      layer->weight = w.offset;
      layer->bias = entry(prefix + ".bias").offset;
      ConvShape& s = layer->shape;
      // Conv1d weights are [out, in, k]; ConvTranspose1d ones [in, out, k].
      const bool transposed = op == Layer::Op::ConvTranspose;
      s.in = static_cast<int>(transposed ? w.shape[0] : w.shape[1]);
      s.out = static_cast<int>(transposed ? w.shape[1] : w.shape[0]);
      s.kernel = static_cast<int>(w.shape[2]);
      s.stride = stride;
      s.pad = pad;
      s.length = length;
      s.out_length = transposed ? (length - 1) * stride - 2 * pad + s.kernel + (stride - 1)
                                : (length + 2 * pad - s.kernel) / stride + 1;
      if (s.out_length < 1)
        throw Error("--device cuda: conv1d_ae's layer " + prefix + " has no output steps");
      layer->relu = relu;
      length = s.out_length;
      layers_.push_back(std::move(layer));
    };
    for (std::size_t l = 0; l < a.channels.size(); ++l)
      add("encoder." + std::to_string(l), Layer::Op::Conv, a.stride, true);
    for (std::size_t l = 0; l < a.channels.size(); ++l)
      add("decoder." + std::to_string(l), Layer::Op::ConvTranspose, a.stride, true);
    add("output", Layer::Op::Conv, 1, false);
    if (length != T_ || layers_.back()->shape.out != C_)
      throw Error("--device cuda: conv1d_ae's decoder gives back " + std::to_string(length) +
                  " steps, not seq_len = " + std::to_string(T_));
  }

  // The beats order[0 .. B-1] into x_, beat-major.
  void gather(const float* beats, const std::uint64_t* order, int B) {
    gather_batch(beats, 1, T_ * C_, order, B, x_.get(), nullptr);
  }

  // For a weight W stored row-major [rows, cols] (the column-major cols x
  // rows matrix Wc = W^T):
  //   Y = W X            (rows x n)
  void times(std::size_t w, int rows, int cols, const float* x, int n, float* y) {
    gemm(true, false, rows, n, cols, p(w), cols, x, cols, 0.0f, y, rows);
  }
  //   X = W^T Y          (cols x n)
  void times_transposed(std::size_t w, int rows, int cols, const float* y, int n, float* x) {
    gemm(false, false, cols, n, rows, p(w), cols, y, rows, 0.0f, x, cols);
  }
  //   dW += dY X^T, i.e. dWc += X dY^T   (dY rows x n, X cols x n)
  void add_outer(std::size_t w, int rows, int cols, const float* dy, const float* x, int n) {
    gemm(false, true, cols, rows, n, x, cols, dy, rows, 1.0f, g(w), cols);
  }

  // The layer's output for input x (B sequences) into l.y.
  void layer_forward(Layer& l, const float* x, int B) {
    ConvShape s = l.shape;
    s.batch = B;
    const int out_cols = s.out_length * B;
    switch (l.op) {
      case Layer::Op::Dense:  // y = W x + b
        times(l.weight, s.out, s.in, x, B, l.y.get());
        add_bias(l.y.get(), p(l.bias), nullptr, s.out, B, nullptr);
        break;
      case Layer::Op::Conv:  // y = W [out, in*k] cols + b
        im2col(x, s, l.work.get(), nullptr);
        times(l.weight, s.out, s.in * s.kernel, l.work.get(), out_cols, l.y.get());
        add_bias(l.y.get(), p(l.bias), nullptr, s.out, out_cols, nullptr);
        break;
      case Layer::Op::ConvTranspose:  // P = W^T x with W [in, out*k]; y = scatter(P) + b
        times_transposed(l.weight, s.in, s.out * s.kernel, x, s.length * B, l.work.get());
        transposed_scatter(l.work.get(), p(l.bias), s, l.y.get(), nullptr);
        break;
    }
    if (l.relu) relu(l.y.get(), l.output_size(B), nullptr);
  }

  // dy: the gradient w.r.t. the layer's pre-activation output (ReLU's
  // derivative already applied); x: its input. Accumulates the layer's
  // gradients; writes dx when given.
  void layer_backward(Layer& l, const float* x, const float* dy, int B, float* dx) {
    ConvShape s = l.shape;
    s.batch = B;
    const int out_cols = s.out_length * B;
    switch (l.op) {
      case Layer::Op::Dense:  // dW += dy x^T, db += row sums, dx = W^T dy
        add_outer(l.weight, s.out, s.in, dy, x, B);
        row_sums(dy, s.out, B, g(l.bias), nullptr, nullptr);
        if (dx) times_transposed(l.weight, s.out, s.in, dy, B, dx);
        break;
      case Layer::Op::Conv:  // dW += dy cols^T, d_cols = W^T dy, dx = col2im(d_cols)
        add_outer(l.weight, s.out, s.in * s.kernel, dy, l.work.get(), out_cols);
        row_sums(dy, s.out, out_cols, g(l.bias), nullptr, nullptr);
        if (dx) {
          times_transposed(l.weight, s.out, s.in * s.kernel, dy, out_cols, d_cols_.get());
          col2im(d_cols_.get(), s, dx, nullptr);
        }
        break;
      case Layer::Op::ConvTranspose:  // dP = gather(dy), dW += x dP^T, dx = W dP
        transposed_gather(dy, s, l.work.get(), nullptr);
        add_outer(l.weight, s.in, s.out * s.kernel, x, l.work.get(), s.length * B);
        row_sums(dy, s.out, out_cols, g(l.bias), nullptr, nullptr);
        if (dx) times(l.weight, s.in, s.out * s.kernel, l.work.get(), s.length * B, dx);
        break;
    }
  }

  // The reconstruction of x_ (beat-major, like x_).
  const float* forward(int B) {
    const float* in = x_.get();
    for (auto& l : layers_) {
      layer_forward(*l, in, B);
      in = l->y.get();
    }
    return in;
  }

  void objective_and_gradient(int B, double* objective) {
    check(cudaMemset(grads_.get(), 0, grads_.size() * sizeof(float)), "cudaMemset");
    const float* y = forward(B);
    reconstruction_loss(y, x_.get(), std::size_t(T_) * C_ * B, B, loss_kind(settings_.loss),
                        d_out_.get(), objective, nullptr);
    float* d = d_out_.get();
    int turn = 0;
    for (std::size_t l = layers_.size(); l-- > 0;) {
      Layer& layer = *layers_[l];
      if (layer.relu) relu_backward(layer.y.get(), d, layer.output_size(B), nullptr);
      const float* x = l == 0 ? x_.get() : layers_[l - 1]->y.get();
      float* dx = l == 0 ? nullptr : ping_pong_[turn].get();
      layer_backward(layer, x, d, B, dx);
      d = dx;
      turn ^= 1;
    }
  }

  std::vector<std::unique_ptr<Layer>> layers_;
  DeviceArray<float> x_, d_out_, d_cols_;
  DeviceArray<float> ping_pong_[2];
};

}  // namespace

std::unique_ptr<Engine> make_feedforward_engine(const EngineSettings& settings,
                                                const std::vector<float>& train,
                                                const std::vector<float>& validation,
                                                int length, const std::vector<float>& initial) {
  return std::make_unique<FeedforwardEngine>(settings, train, validation, length, initial);
}

}  // namespace ecglens::train::cuda
