#include "ecglens/model/networks.h"

#include <algorithm>

namespace ecglens::detail {
namespace {

void load_stack(RecurrentStack& stack, const std::string& prefix, const TensorLookup& tensor) {
  for (int l = 0; l < stack.depth(); ++l) {
    const std::string p = prefix + "." + std::to_string(l) + ".";
    stack.layer(l).set_weights(tensor(p + "weight_ih"), tensor(p + "weight_hh"),
                               tensor(p + "bias_ih"), tensor(p + "bias_hh"));
    if (stack.has_projection(l)) stack.set_projection(l, tensor(p + "residual_proj"));
  }
}

Dense load_dense(const std::string& prefix, int in, int out, const TensorLookup& tensor) {
  Dense d(in, out);
  d.set_weights(tensor(prefix + ".weight"), tensor(prefix + ".bias"));
  return d;
}

// The last step of every sequence of a [batch][steps][features] buffer.
ConstStepView last_step(const float* seq, int features, int steps, int batch) {
  return step_view(seq, features, steps, batch, steps - 1);
}

// lstm_ae, residual_lstm_ae, sparse_lstm_ae, srl_ae and lstm_vae: encoder
// stack -> latent (last step; for the VAE, mu of it) -> repeated -> decoder
// stack -> dense output at every step.
class RepeatedLatentAutoencoder final : public Network {
 public:
  RepeatedLatentAutoencoder(const Architecture& a, const TensorLookup& tensor)
      : encoder_(a.cell, a.input_dim, a.encoder_hidden, a.residual_encoder),
        decoder_(a.cell, a.kind == ModelKind::LstmVae ? a.latent_dim : a.encoder_hidden.back(),
                 a.decoder_hidden, a.residual_decoder),
        output_(load_dense("output", a.decoder_hidden.back(), a.input_dim, tensor)) {
    load_stack(encoder_, "encoder", tensor);
    load_stack(decoder_, "decoder", tensor);
    if (a.kind == ModelKind::LstmVae)
      mu_ = std::make_unique<Dense>(load_dense("mu", a.encoder_hidden.back(), a.latent_dim, tensor));
  }

  void reserve(int batch, int length) override {
    encoder_.reserve(batch, length);
    decoder_.reserve(batch, length);
    if (z_.cols() < batch) z_.resize(decoder_.input_size(), batch);
  }

  void run(const float* x, int batch, int length, float* out, float* latent) noexcept override {
    const float* encoded = encoder_.forward(x, length, batch);
    auto z = z_.leftCols(batch);
    if (mu_) {
      mu_->forward(last_step(encoded, encoder_.output_size(), length, batch), z);
    } else {
      z = last_step(encoded, encoder_.output_size(), length, batch);
    }
    if (latent) Eigen::Map<MatrixF>(latent, z.rows(), batch) = z;
    const float* decoded = decoder_.forward_repeated(z, length, batch);
    const Eigen::Index cols = static_cast<Eigen::Index>(batch) * length;
    output_.forward(Eigen::Map<const MatrixF>(decoded, decoder_.output_size(), cols),
                    Eigen::Map<MatrixF>(out, output_.out_size(), cols));
  }

 private:
  RecurrentStack encoder_;
  RecurrentStack decoder_;
  Dense output_;
  std::unique_ptr<Dense> mu_;
  MatrixF z_;  // latent_size x batch
};

// recae (Malhotra et al. 2016): the decoder starts from the encoder's final
// state and runs backwards in time, fed its own previous output.
class ReverseFeedbackAutoencoder final : public Network {
 public:
  ReverseFeedbackAutoencoder(const Architecture& a, const TensorLookup& tensor)
      : encoder_(a.cell, a.input_dim, a.hidden, false),
        decoder_(a.cell, a.input_dim, a.hidden, false),
        output_(load_dense("output", a.hidden.back(), a.input_dim, tensor)) {
    load_stack(encoder_, "encoder", tensor);
    load_stack(decoder_, "decoder", tensor);
  }

  void reserve(int batch, int length) override {
    encoder_.reserve(batch, length);
    decoder_.reserve(batch, 1);
    if (prediction_.cols() < batch) prediction_.resize(output_.out_size(), batch);
  }

  void run(const float* x, int batch, int length, float* out, float* latent) noexcept override {
    encoder_.forward(x, length, batch);
    const int depth = encoder_.depth();
    for (int l = 0; l < depth; ++l) decoder_.layer(l).copy_state_from(encoder_.layer(l), batch);
    if (latent)
      Eigen::Map<MatrixF>(latent, encoder_.output_size(), batch) =
          encoder_.layer(depth - 1).hidden(batch);
    const int channels = output_.out_size();
    auto prediction = prediction_.leftCols(batch);
    // x'_T from the initial state, then x'_t = output(decoder(x'_{t+1})).
    for (int t = length - 1; t >= 0; --t) {
      if (t < length - 1) {
        for (int l = 0; l < depth; ++l) {
          RecurrentLayer& layer = decoder_.layer(l);
          if (l == 0) {
            layer.step(prediction, batch);
          } else {
            layer.step(decoder_.layer(l - 1).hidden(batch), batch);
          }
        }
      }
      output_.forward(decoder_.layer(depth - 1).hidden(batch), prediction);
      step_view(out, channels, length, batch, t) = prediction;
    }
  }

 private:
  RecurrentStack encoder_;
  RecurrentStack decoder_;
  Dense output_;
  MatrixF prediction_;  // input_dim x batch
};

// mlp_ae: the flattened beat through dense layers, ReLU after all but the last.
class DenseAutoencoder final : public Network {
 public:
  DenseAutoencoder(const Architecture& a, const TensorLookup& tensor) {
    const int flat = a.seq_len * a.input_dim;
    int in = flat;
    for (size_t l = 0; l < a.hidden.size(); ++l) {
      layers_.push_back(load_dense("encoder." + std::to_string(l), in, a.hidden[l], tensor));
      in = a.hidden[l];
    }
    latent_layer_ = static_cast<int>(layers_.size()) - 1;
    for (size_t l = 0; l < a.hidden.size(); ++l) {
      const int o = l + 1 < a.hidden.size() ? a.hidden[a.hidden.size() - 2 - l] : flat;
      layers_.push_back(load_dense("decoder." + std::to_string(l), in, o, tensor));
      in = o;
    }
  }

  void reserve(int batch, int) override {
    int widest = 0;
    for (const auto& d : layers_) widest = std::max(widest, d.out_size());
    for (auto& b : buffers_)
      if (b.cols() < batch) b.resize(widest, batch);
  }

  void run(const float* x, int batch, int, float* out, float* latent) noexcept override {
    const int last = static_cast<int>(layers_.size()) - 1;
    Eigen::Map<const MatrixF> input(x, layers_[0].in_size(), batch);
    for (int l = 0; l <= last; ++l) {
      const Dense& d = layers_[l];
      auto y = buffers_[l % 2].topLeftCorner(d.out_size(), batch);
      const Activation act = l == last ? Activation::Identity : Activation::Relu;
      if (l == 0) {
        d.forward(input, y, act);
      } else {
        d.forward(buffers_[(l - 1) % 2].topLeftCorner(d.in_size(), batch), y, act);
      }
      if (l == latent_layer_ && latent) Eigen::Map<MatrixF>(latent, d.out_size(), batch) = y;
      if (l == last) Eigen::Map<MatrixF>(out, d.out_size(), batch) = y;
    }
  }

 private:
  std::vector<Dense> layers_;
  int latent_layer_ = 0;
  MatrixF buffers_[2];
};

// conv1d_ae: strided Conv1d encoder, ConvTranspose1d decoder, Conv1d output.
class ConvAutoencoder final : public Network {
 public:
  ConvAutoencoder(const Architecture& a, const TensorLookup& tensor) {
    const int pad = a.kernel / 2;
    int in = a.input_dim;
    for (size_t l = 0; l < a.channels.size(); ++l) {
      const std::string p = "encoder." + std::to_string(l);
      encoder_.emplace_back(in, a.channels[l], a.kernel, a.stride, pad);
      encoder_.back().set_weights(tensor(p + ".weight"), tensor(p + ".bias"));
      in = a.channels[l];
    }
    for (size_t l = 0; l < a.channels.size(); ++l) {
      const std::string p = "decoder." + std::to_string(l);
      const int o = a.channels[a.channels.size() - 1 - l];
      decoder_.emplace_back(in, o, a.kernel, a.stride, pad, a.stride - 1);
      decoder_.back().set_weights(tensor(p + ".weight"), tensor(p + ".bias"));
      in = o;
    }
    output_ = std::make_unique<Conv1d>(in, a.input_dim, a.kernel, 1, pad);
    output_->set_weights(tensor("output.weight"), tensor("output.bias"));
  }

  void reserve(int batch, int length) override {
    int widest = 0;
    int len = length;
    for (auto& c : encoder_) {
      c.reserve(batch, len);
      len = c.output_length(len);
      widest = std::max(widest, c.out_channels() * len);
    }
    latent_length_ = len;
    for (auto& c : decoder_) {
      c.reserve(batch, len);
      len = c.output_length(len);
      widest = std::max(widest, c.out_channels() * len);
    }
    output_->reserve(batch, len);
    for (auto& b : buffers_)
      if (b.size() < static_cast<Eigen::Index>(widest) * batch) b.resize(widest, batch);
  }

  void run(const float* x, int batch, int length, float* out, float* latent) noexcept override {
    const float* in = x;
    int len = length;
    int which = 0;
    auto apply = [&](auto& layer) {
      float* y = buffers_[which].data();
      layer.forward(in, len, batch, y);
      len = layer.output_length(len);
      const Eigen::Index n = static_cast<Eigen::Index>(layer.out_channels()) * len * batch;
      Eigen::Map<VectorF> v(y, n);
      v = v.cwiseMax(0.0f);  // ReLU
      in = y;
      which ^= 1;
    };
    for (auto& c : encoder_) apply(c);
    if (latent) {
      // [beat][step][channel] -> one channel-major vector per beat.
      const int channels = encoder_.back().out_channels();
      for (int b = 0; b < batch; ++b)
        for (int c = 0; c < channels; ++c)
          for (int t = 0; t < len; ++t)
            latent[(static_cast<Eigen::Index>(b) * channels + c) * len + t] =
                in[(static_cast<Eigen::Index>(b) * len + t) * channels + c];
    }
    for (auto& c : decoder_) apply(c);
    output_->forward(in, len, batch, out);
  }

 private:
  std::vector<Conv1d> encoder_;
  std::vector<ConvTranspose1d> decoder_;
  std::unique_ptr<Conv1d> output_;
  int latent_length_ = 0;
  MatrixF buffers_[2];
};

}  // namespace

std::unique_ptr<Network> make_network(const Architecture& arch, const TensorLookup& tensor) {
  switch (arch.kind) {
    case ModelKind::RecAe: return std::make_unique<ReverseFeedbackAutoencoder>(arch, tensor);
    case ModelKind::MlpAe: return std::make_unique<DenseAutoencoder>(arch, tensor);
    case ModelKind::Conv1dAe: return std::make_unique<ConvAutoencoder>(arch, tensor);
    default: return std::make_unique<RepeatedLatentAutoencoder>(arch, tensor);
  }
}

}  // namespace ecglens::detail
