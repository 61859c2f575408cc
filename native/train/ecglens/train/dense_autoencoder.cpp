// mlp_ae's forward and backward passes (dense_autoencoder.h).
//
// Layer l: a_l = relu(W_l a_{l-1} + b_l) (no ReLU on the last layer), a_0
// the flattened beat. Backward: d(pre-activation) = d a_l masked where
// a_l > 0 (ReLU's derivative; 0 at 0, as PyTorch), then Linear's backward.
#include "ecglens/train/dense_autoencoder.h"

#include "ecglens/train/initialization.h"
#include "ecglens/util/error.h"

namespace ecglens::train {

namespace {
const Architecture& checked(const Architecture& arch) {
  if (arch.kind != ModelKind::MlpAe) throw Error("DenseAutoencoder trains mlp_ae only");
  check_trainable(arch);
  return arch;
}
}  // namespace

template <typename S>
DenseAutoencoder<S>::DenseAutoencoder(const Architecture& arch)
    : arch_(checked(arch)), params_(arch.tensors()) {
  const std::size_t depth = arch_.hidden.size();
  layers_.reserve(2 * depth);
  for (std::size_t l = 0; l < depth; ++l)
    layers_.emplace_back(params_, "encoder." + std::to_string(l));
  for (std::size_t l = 0; l < depth; ++l)
    layers_.emplace_back(params_, "decoder." + std::to_string(l));
  activations_.resize(layers_.size());
}

template <typename S>
void DenseAutoencoder<S>::initialize(std::uint64_t seed) {
  initialize_like_pytorch(params_, 1, seed);
}

template <typename S>
void DenseAutoencoder<S>::reserve(int steps, int batch) {
  if (steps != arch_.seq_len)
    throw Error("mlp_ae takes beats of seq_len = " + std::to_string(arch_.seq_len) +
                " steps, not " + std::to_string(steps));
  const Eigen::Index flat = Eigen::Index(steps) * arch_.input_dim;
  if (flat_.cols() < batch) {
    flat_.resize(flat, batch);
    d_activations_.resize(layers_.size());
    for (std::size_t l = 0; l < layers_.size(); ++l) {
      activations_[l].resize(layers_[l].out_size(), batch);
      d_activations_[l].resize(layers_[l].out_size(), batch);
    }
  }
  const Eigen::Index TB = Eigen::Index(steps) * batch;
  if (out_.cols() < TB) {
    out_.resize(arch_.input_dim, TB);
    d_out_.resize(arch_.input_dim, TB);
  }
}

template <typename S>
Cols<S> DenseAutoencoder<S>::forward(const Eigen::Ref<const Mat<S>>& x, int steps, int batch) {
  reserve(steps, batch);
  const int C = arch_.input_dim;
  const Eigen::Index B = batch;
  // Time-major column t*B + b -> flattened beat b, rows t*C .. t*C + C - 1.
  for (int t = 0; t < steps; ++t)
    flat_.block(Eigen::Index(t) * C, 0, C, B) = x.middleCols(Eigen::Index(t) * B, B);
  const std::size_t last = layers_.size() - 1;
  for (std::size_t l = 0; l <= last; ++l) {
    auto y = activations_[l].leftCols(B);
    if (l == 0) {
      layers_[l].forward(flat_.leftCols(B), y);
    } else {
      layers_[l].forward(activations_[l - 1].leftCols(B), y);
    }
    if (l < last) y = y.cwiseMax(S(0));
  }
  const auto flat_out = activations_[last].leftCols(B);
  for (int t = 0; t < steps; ++t)
    out_.middleCols(Eigen::Index(t) * B, B) = flat_out.middleRows(Eigen::Index(t) * C, C);
  return out_.leftCols(Eigen::Index(steps) * B);
}

template <typename S>
double DenseAutoencoder<S>::loss_and_gradient(const Eigen::Ref<const Mat<S>>& x, int steps,
                                              int batch, Loss loss, const Sparsity&,
                                              double* reconstruction) {
  params_.zero_grads();
  const int C = arch_.input_dim;
  const Eigen::Index B = batch, TB = Eigen::Index(steps) * batch;
  const auto y = forward(x, steps, batch);
  auto d_out = d_out_.leftCols(TB);
  const double recon = reconstruction_loss<S>(y, x, batch, loss, d_out);
  if (reconstruction) *reconstruction = recon;

  // Gradients flow through per-layer workspaces sized by reserve(), so a
  // step allocates nothing.
  const std::size_t last = layers_.size() - 1;
  auto d_top = d_activations_[last].leftCols(B);
  for (int t = 0; t < steps; ++t)
    d_top.middleRows(Eigen::Index(t) * C, C) = d_out.middleCols(Eigen::Index(t) * B, B);
  for (std::size_t l = last + 1; l-- > 0;) {
    auto d = d_activations_[l].leftCols(B);
    if (l < last) d = (activations_[l].leftCols(B).array() > S(0)).select(d.array(), S(0));
    if (l == 0)
      layers_[l].backward(flat_.leftCols(B), d, nullptr);
    else
      layers_[l].backward(activations_[l - 1].leftCols(B), d, d_activations_[l - 1].leftCols(B));
  }
  return recon;
}

template class DenseAutoencoder<float>;
template class DenseAutoencoder<double>;

}  // namespace ecglens::train
