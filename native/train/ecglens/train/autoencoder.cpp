// The LSTM autoencoder family's forward and backward passes (autoencoder.h).
#include "ecglens/train/autoencoder.h"

#include <cmath>

#include "ecglens/train/random.h"
#include "ecglens/util/error.h"

namespace ecglens::train {

namespace {
const Architecture& checked(const Architecture& arch) {
  check_trainable(arch);
  return arch;
}
}  // namespace

template <typename S>
LstmAutoencoder<S>::LstmAutoencoder(const Architecture& arch)
    : arch_(checked(arch)),
      params_(arch.tensors()),
      encoder_(arch.cell, params_, "encoder", static_cast<int>(arch.encoder_hidden.size()),
               arch.residual_encoder, false),
      decoder_(arch.cell, params_, "decoder", static_cast<int>(arch.decoder_hidden.size()),
               arch.residual_decoder, true),
      output_(params_, "output") {}

template <typename S>
bool LstmAutoencoder<S>::sparse() const {
  return arch_.kind == ModelKind::SparseLstmAe || arch_.kind == ModelKind::SrlAe;
}

template <typename S>
void LstmAutoencoder<S>::initialize(std::uint64_t seed) {
  Random random(seed);
  for (std::size_t i = 0; i < params_.entries().size(); ++i) {
    const auto& e = params_.entries()[i];
    // fan: hidden size for recurrent tensors (rows / gates), input size for
    // dense layers and projections.
    double fan;
    const bool recurrent = e.name.find("weight_ih") != std::string::npos ||
                           e.name.find("weight_hh") != std::string::npos ||
                           e.name.find("bias_ih") != std::string::npos ||
                           e.name.find("bias_hh") != std::string::npos;
    if (recurrent) {
      fan = static_cast<double>(e.shape[0]) / gate_count(arch_.cell);
    } else if (e.shape.size() == 2) {
      fan = static_cast<double>(e.shape[1]);
    } else {
      // A Linear bias: the fan-in of its weight, the tensor before it.
      fan = static_cast<double>(params_.entries()[i - 1].shape[1]);
    }
    const double bound = 1.0 / std::sqrt(fan);
    S* v = params_.value(static_cast<int>(i));
    for (std::size_t k = 0; k < e.size; ++k) v[k] = static_cast<S>(random.uniform(-bound, bound));
  }
}

template <typename S>
void LstmAutoencoder<S>::reserve(int steps, int batch) {
  encoder_.reserve(steps, batch);
  decoder_.reserve(steps, batch);
  const Eigen::Index TB = Eigen::Index(steps) * batch;
  const int Z = arch_.encoder_hidden.back();
  if (out_.cols() < TB) {
    out_.resize(arch_.input_dim, TB);
    d_out_.resize(arch_.input_dim, TB);
    d_decoded_.resize(arch_.decoder_hidden.back(), TB);
    d_encoded_.resize(Z, TB);
  }
  if (z_.cols() < batch) {
    z_.resize(Z, batch);
    dz_.resize(Z, batch);
  }
}

template <typename S>
Cols<S> LstmAutoencoder<S>::forward(const Eigen::Ref<const Mat<S>>& x, int steps,
                                                 int batch) {
  reserve(steps, batch);
  const Eigen::Index B = batch, TB = Eigen::Index(steps) * batch;
  encoder_.forward(x, steps, batch);
  z_.leftCols(B) = encoder_.output(steps, batch).middleCols(TB - B, B);
  decoder_.forward(z_.leftCols(B), steps, batch);
  output_.forward(decoder_.output(steps, batch), out_.leftCols(TB));
  return out_.leftCols(TB);
}

template <typename S>
double LstmAutoencoder<S>::loss_and_gradient(const Eigen::Ref<const Mat<S>>& x, int steps,
                                             int batch, Loss loss, const Sparsity& sparsity,
                                             double* reconstruction) {
  params_.zero_grads();
  const Eigen::Index B = batch, TB = Eigen::Index(steps) * batch;
  const auto y = forward(x, steps, batch);
  auto d_out = d_out_.leftCols(TB);
  const double recon = reconstruction_loss<S>(y, x, batch, loss, d_out);
  if (reconstruction) *reconstruction = recon;

  output_.backward(decoder_.output(steps, batch), d_out, &d_decoded_);
  decoder_.backward(z_.leftCols(B), d_decoded_.leftCols(TB), steps, batch, &dz_);
  double penalty = 0;
  if (sparse()) penalty = sparsity_penalty<S>(z_.leftCols(B), sparsity, dz_.leftCols(B));

  // The latent is the encoder's top output at the last step only.
  auto d_encoded = d_encoded_.leftCols(TB);
  d_encoded.leftCols(TB - B).setZero();
  d_encoded.rightCols(B) = dz_.leftCols(B);
  encoder_.backward(x, d_encoded, steps, batch, nullptr);
  return recon + penalty;
}

template class LstmAutoencoder<float>;
template class LstmAutoencoder<double>;

}  // namespace ecglens::train
