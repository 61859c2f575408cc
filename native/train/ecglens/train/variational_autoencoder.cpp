// lstm_vae's forward and backward passes (variational_autoencoder.h).
//
// Backward through the sampling, with g = dL/dz from the decoder:
//   dmu     = g + beta mu / B
//   dlogvar = g * eps * exp(logvar / 2) / 2 + beta (exp(logvar) - 1) / (2 B)
//   dh      = W_mu^T dmu + W_logvar^T dlogvar   (at the encoder's last step)
#include "ecglens/train/variational_autoencoder.h"

#include <cmath>
#include <cstring>

#include "ecglens/train/initialization.h"
#include "ecglens/util/error.h"

namespace ecglens::train {

namespace {
const Architecture& checked(const Architecture& arch) {
  if (arch.kind != ModelKind::LstmVae) throw Error("VariationalAutoencoder trains lstm_vae only");
  check_trainable(arch);
  return arch;
}

}  // namespace

std::uint64_t vae_noise_seed(const std::vector<float>& initial_weights) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  const auto* bytes = reinterpret_cast<const unsigned char*>(initial_weights.data());
  for (std::size_t i = 0; i < initial_weights.size() * sizeof(float); ++i) {
    h ^= bytes[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

template <typename S>
void vae_noise(std::uint64_t key, S* out, std::size_t count) {
  Random noise(key);
  // 1 - u keeps log's argument > 0.
  for (std::size_t i = 0; i < count; ++i) {
    const double u1 = 1.0 - noise.uniform(), u2 = noise.uniform();
    out[i] = static_cast<S>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
  }
}

template void vae_noise<float>(std::uint64_t, float*, std::size_t);
template void vae_noise<double>(std::uint64_t, double*, std::size_t);

template <typename S>
VariationalAutoencoder<S>::VariationalAutoencoder(const Architecture& arch)
    : arch_(checked(arch)),
      params_(arch.tensors()),
      encoder_(arch.cell, params_, "encoder", static_cast<int>(arch.encoder_hidden.size()),
               arch.residual_encoder, false),
      mu_layer_(params_, "mu"),
      logvar_layer_(params_, "logvar"),
      decoder_(arch.cell, params_, "decoder", static_cast<int>(arch.decoder_hidden.size()),
               arch.residual_decoder, true),
      output_(params_, "output") {}

template <typename S>
void VariationalAutoencoder<S>::initialize(std::uint64_t seed) {
  initialize_like_pytorch(params_, gate_count(arch_.cell), seed);
}

template <typename S>
void VariationalAutoencoder<S>::reserve(int steps, int batch) {
  encoder_.reserve(steps, batch);
  decoder_.reserve(steps, batch);
  const Eigen::Index TB = Eigen::Index(steps) * batch;
  const int H = arch_.encoder_hidden.back(), L = arch_.latent_dim;
  if (out_.cols() < TB) {
    out_.resize(arch_.input_dim, TB);
    d_out_.resize(arch_.input_dim, TB);
    d_decoded_.resize(arch_.decoder_hidden.back(), TB);
    d_encoded_.resize(H, TB);
  }
  if (z_.cols() < batch) {
    for (Mat<S>* m : {&mu_, &logvar_, &eps_, &z_, &dz_, &dmu_, &dlogvar_}) m->resize(L, batch);
    for (Mat<S>* m : {&h_, &dh_, &dh_logvar_}) m->resize(H, batch);
  }
}

template <typename S>
void VariationalAutoencoder<S>::encode(const Eigen::Ref<const Mat<S>>& x, int steps, int batch) {
  reserve(steps, batch);
  const Eigen::Index B = batch, TB = Eigen::Index(steps) * batch;
  encoder_.forward(x, steps, batch);
  h_.leftCols(B) = encoder_.output(steps, batch).middleCols(TB - B, B);
  mu_layer_.forward(h_.leftCols(B), mu_.leftCols(B));
  logvar_layer_.forward(h_.leftCols(B), logvar_.leftCols(B));
}

template <typename S>
Cols<S> VariationalAutoencoder<S>::decode(int steps, int batch) {
  const Eigen::Index TB = Eigen::Index(steps) * batch;
  decoder_.forward(z_.leftCols(batch), steps, batch);
  output_.forward(decoder_.output(steps, batch), out_.leftCols(TB));
  return out_.leftCols(TB);
}

template <typename S>
Cols<S> VariationalAutoencoder<S>::forward(const Eigen::Ref<const Mat<S>>& x, int steps,
                                           int batch) {
  encode(x, steps, batch);
  z_.leftCols(batch) = mu_.leftCols(batch);
  return decode(steps, batch);
}

template <typename S>
void VariationalAutoencoder<S>::draw_noise(int batch) {
  auto eps = eps_.leftCols(batch);
  if (fixed_noise_) {
    if (fixed_noise_->rows() != eps.rows() || fixed_noise_->cols() != batch)
      throw Error("the fixed noise is not latent_dim x batch");
    eps = *fixed_noise_;
    return;
  }
  vae_noise<S>(noise_key_, eps.data(), static_cast<std::size_t>(eps.size()));
}

template <typename S>
double VariationalAutoencoder<S>::loss_and_gradient(const Eigen::Ref<const Mat<S>>& x, int steps,
                                                    int batch, Loss loss,
                                                    const Sparsity& sparsity,
                                                    double* reconstruction) {
  params_.zero_grads();
  const Eigen::Index B = batch, TB = Eigen::Index(steps) * batch;
  encode(x, steps, batch);
  draw_noise(batch);
  const auto mu = mu_.leftCols(B), logvar = logvar_.leftCols(B), eps = eps_.leftCols(B);
  const auto sigma = (logvar.array() * S(0.5)).exp();
  z_.leftCols(B) = mu.array() + sigma * eps.array();
  const auto y = decode(steps, batch);
  auto d_out = d_out_.leftCols(TB);
  const double recon = reconstruction_loss<S>(y, x, batch, loss, d_out);
  if (reconstruction) *reconstruction = recon;

  const double beta = sparsity.beta;
  double kl = 0;
  for (Eigen::Index i = 0; i < mu.size(); ++i) {
    const double m = mu.data()[i], lv = logvar.data()[i];
    kl += 0.5 * (m * m + std::exp(lv) - 1 - lv);
  }
  kl /= double(B);

  output_.backward(decoder_.output(steps, batch), d_out, &d_decoded_);
  decoder_.backward(z_.leftCols(B), d_decoded_.leftCols(TB), steps, batch, &dz_);
  const S scale = static_cast<S>(beta / double(B));
  dmu_.leftCols(B) = dz_.leftCols(B) + scale * mu;
  dlogvar_.leftCols(B) = dz_.leftCols(B).array() * eps.array() * sigma * S(0.5) +
                         S(0.5) * scale * (logvar.array().exp() - S(1));
  mu_layer_.backward(h_.leftCols(B), dmu_.leftCols(B), &dh_);
  logvar_layer_.backward(h_.leftCols(B), dlogvar_.leftCols(B), &dh_logvar_);

  auto d_encoded = d_encoded_.leftCols(TB);
  d_encoded.leftCols(TB - B).setZero();
  d_encoded.rightCols(B) = dh_.leftCols(B) + dh_logvar_.leftCols(B);
  encoder_.backward(x, d_encoded, steps, batch, nullptr);
  return recon + beta * kl;
}

template class VariationalAutoencoder<float>;
template class VariationalAutoencoder<double>;

}  // namespace ecglens::train
