// conv1d_ae's forward and backward passes (conv_autoencoder.h). ReLU's
// derivative is taken as 1 where the layer's output is positive, else 0.
#include "ecglens/train/conv_autoencoder.h"

#include "ecglens/train/initialization.h"
#include "ecglens/util/error.h"

namespace ecglens::train {

namespace {
const Architecture& checked(const Architecture& arch) {
  if (arch.kind != ModelKind::Conv1dAe) throw Error("ConvAutoencoder trains conv1d_ae only");
  check_trainable(arch);
  return arch;
}

// time-major (column t*B + b) <-> beat-contiguous (column b*T + t).
template <typename S>
void to_beat_major(const Eigen::Ref<const Mat<S>>& x, int steps, int batch, Mat<S>& out) {
  for (int b = 0; b < batch; ++b)
    for (int t = 0; t < steps; ++t)
      out.col(Eigen::Index(b) * steps + t) = x.col(Eigen::Index(t) * batch + b);
}
template <typename S>
void to_time_major(const Mat<S>& x, int steps, int batch, Eigen::Ref<Mat<S>> out) {
  for (int b = 0; b < batch; ++b)
    for (int t = 0; t < steps; ++t)
      out.col(Eigen::Index(t) * batch + b) = x.col(Eigen::Index(b) * steps + t);
}
}  // namespace

template <typename S>
ConvAutoencoder<S>::ConvAutoencoder(const Architecture& arch)
    : arch_(checked(arch)),
      params_(arch.tensors()),
      output_(params_, "output", 1, arch.kernel / 2) {
  const int pad = arch_.kernel / 2;
  for (std::size_t l = 0; l < arch_.channels.size(); ++l)
    encoder_.emplace_back(params_, "encoder." + std::to_string(l), arch_.stride, pad);
  for (std::size_t l = 0; l < arch_.channels.size(); ++l)
    decoder_.emplace_back(params_, "decoder." + std::to_string(l), arch_.stride, pad,
                          arch_.stride - 1);
  activations_.resize(2 * arch_.channels.size());
  d_activations_.resize(activations_.size());
}

template <typename S>
void ConvAutoencoder<S>::initialize(std::uint64_t seed) {
  initialize_like_pytorch(params_, 1, seed);
}

template <typename S>
void ConvAutoencoder<S>::reserve(int steps, int batch) {
  if (steps != arch_.seq_len)
    throw Error("conv1d_ae takes beats of seq_len = " + std::to_string(arch_.seq_len) +
                " steps, not " + std::to_string(steps));
  lengths_.assign(1, steps);
  for (const auto& c : encoder_) lengths_.push_back(c.output_length(lengths_.back()));
  for (const auto& c : decoder_) lengths_.push_back(c.output_length(lengths_.back()));
  const Eigen::Index TB = Eigen::Index(steps) * batch;
  if (input_.cols() < TB) {
    input_.resize(arch_.input_dim, TB);
    reconstruction_.resize(arch_.input_dim, TB);
    out_.resize(arch_.input_dim, TB);
    d_out_.resize(arch_.input_dim, TB);
  }
  for (std::size_t l = 0; l < activations_.size(); ++l) {
    const int channels = l < encoder_.size() ? encoder_[l].out_channels()
                                             : decoder_[l - encoder_.size()].out_channels();
    const Eigen::Index cols = Eigen::Index(lengths_[l + 1]) * batch;
    if (activations_[l].cols() < cols) activations_[l].resize(channels, cols);
  }
}

template <typename S>
Cols<S> ConvAutoencoder<S>::forward(const Eigen::Ref<const Mat<S>>& x, int steps, int batch) {
  reserve(steps, batch);
  const Eigen::Index TB = Eigen::Index(steps) * batch;
  to_beat_major<S>(x, steps, batch, input_);
  const std::size_t depth = encoder_.size();
  for (std::size_t l = 0; l < 2 * depth; ++l) {
    const Eigen::Index in_cols = Eigen::Index(lengths_[l]) * batch;
    const Eigen::Index out_cols = Eigen::Index(lengths_[l + 1]) * batch;
    const auto in = l == 0 ? input_.leftCols(in_cols) : activations_[l - 1].leftCols(in_cols);
    auto y = activations_[l].leftCols(out_cols);
    if (l < depth) {
      encoder_[l].forward(in, lengths_[l], batch, y);
    } else {
      decoder_[l - depth].forward(in, lengths_[l], batch, y);
    }
    y = y.cwiseMax(S(0));
  }
  output_.forward(activations_.back().leftCols(TB), steps, batch, reconstruction_.leftCols(TB));
  to_time_major<S>(reconstruction_, steps, batch, out_.leftCols(TB));
  return out_.leftCols(TB);
}

template <typename S>
double ConvAutoencoder<S>::loss_and_gradient(const Eigen::Ref<const Mat<S>>& x, int steps,
                                             int batch, Loss loss, const Sparsity&,
                                             double* reconstruction) {
  params_.zero_grads();
  const Eigen::Index TB = Eigen::Index(steps) * batch;
  const auto y = forward(x, steps, batch);
  auto d_out = d_out_.leftCols(TB);
  const double recon = reconstruction_loss<S>(y, x, batch, loss, d_out);
  if (reconstruction) *reconstruction = recon;

  // Each layer's output gradient has a workspace of its own, whose shape
  // stays the same from one batch of this size to the next: no allocation.
  d_reconstruction_.resize(arch_.input_dim, TB);
  to_beat_major<S>(d_out, steps, batch, d_reconstruction_);
  output_.backward(d_reconstruction_, steps, batch, &d_activations_.back());
  const std::size_t depth = encoder_.size();
  for (std::size_t l = 2 * depth; l-- > 0;) {
    const Eigen::Index in_cols = Eigen::Index(lengths_[l]) * batch;
    const Eigen::Index out_cols = Eigen::Index(lengths_[l + 1]) * batch;
    Mat<S>& d = d_activations_[l];
    d = (activations_[l].leftCols(out_cols).array() > S(0)).select(d.array(), S(0));
    Mat<S>* dx = l == 0 ? nullptr : &d_activations_[l - 1];
    if (l < depth) {
      encoder_[l].backward(d, lengths_[l], batch, dx);
    } else {
      const auto in = activations_[l - 1].leftCols(in_cols);
      decoder_[l - depth].backward(in, d, lengths_[l], batch, dx);
    }
  }
  return recon;
}

template class ConvAutoencoder<float>;
template class ConvAutoencoder<double>;

}  // namespace ecglens::train
