// recae's forward and backward passes (reverse_autoencoder.h).
//
// Backward, decoder first (in reverse order of the forward steps): the
// gradient of x'_t is the loss's plus what the step fed by x'_t sent back
// through decoder layer 0's input; the top layer's h gets the output
// layer's gradient; each decoder step runs backward layer by layer from the
// top, a layer's input gradient going to the state of the layer below.
// What reaches the decoder's initial state goes to the encoder's final
// state, and the encoder runs backward through time layer by layer from the top.
#include "ecglens/train/reverse_autoencoder.h"

#include "ecglens/train/initialization.h"
#include "ecglens/util/error.h"

namespace ecglens::train {

namespace {
const Architecture& checked(const Architecture& arch) {
  if (arch.kind != ModelKind::RecAe) throw Error("ReverseAutoencoder trains recae only");
  check_trainable(arch);
  return arch;
}
}  // namespace

template <typename S>
ReverseAutoencoder<S>::ReverseAutoencoder(const Architecture& arch)
    : arch_(checked(arch)), params_(arch.tensors()), output_(params_, "output") {
  for (std::size_t l = 0; l < arch_.hidden.size(); ++l) {
    encoder_.emplace_back(arch_.cell, params_, "encoder." + std::to_string(l));
    decoder_.emplace_back(arch_.cell, params_, "decoder." + std::to_string(l));
  }
  dh_.resize(arch_.hidden.size());
  dc_.resize(arch_.hidden.size());
  d_seq_.resize(arch_.hidden.size());
}

template <typename S>
void ReverseAutoencoder<S>::initialize(std::uint64_t seed) {
  initialize_like_pytorch(params_, gate_count(arch_.cell), seed);
}

template <typename S>
void ReverseAutoencoder<S>::reserve(int steps, int batch) {
  for (auto& c : encoder_) c.reserve(steps, batch);
  for (auto& c : decoder_) c.reserve(steps, batch);
  const Eigen::Index TB = Eigen::Index(steps) * batch;
  if (out_.cols() < TB) {
    out_.resize(arch_.input_dim, TB);
    d_out_.resize(arch_.input_dim, TB);
  }
}

template <typename S>
Cols<S> ReverseAutoencoder<S>::forward(const Eigen::Ref<const Mat<S>>& x, int steps, int batch) {
  reserve(steps, batch);
  const Eigen::Index B = batch;
  const std::size_t depth = encoder_.size();
  for (std::size_t l = 0; l < depth; ++l) {
    encoder_[l].start(batch);
    for (int t = 0; t < steps; ++t) {
      if (l == 0) {
        encoder_[l].step(x.middleCols(Eigen::Index(t) * B, B));
      } else {
        encoder_[l].step(encoder_[l - 1].h(t + 1));
      }
    }
    decoder_[l].start_from(encoder_[l]);
  }
  // x'_{T} from the initial state; then step k gives x'_{T-k}.
  output_.forward(decoder_[depth - 1].h(0), out_.middleCols(Eigen::Index(steps - 1) * B, B));
  for (int k = 1; k < steps; ++k) {
    const int t = steps - 1 - k;
    for (std::size_t l = 0; l < depth; ++l) {
      if (l == 0) {
        decoder_[l].step(out_.middleCols(Eigen::Index(t + 1) * B, B));
      } else {
        decoder_[l].step(decoder_[l - 1].h(k));
      }
    }
    output_.forward(decoder_[depth - 1].h(k), out_.middleCols(Eigen::Index(t) * B, B));
  }
  return out_.leftCols(Eigen::Index(steps) * B);
}

template <typename S>
double ReverseAutoencoder<S>::loss_and_gradient(const Eigen::Ref<const Mat<S>>& x, int steps,
                                                int batch, Loss loss, const Sparsity&,
                                                double* reconstruction) {
  params_.zero_grads();
  const Eigen::Index B = batch, TB = Eigen::Index(steps) * batch;
  const auto y = forward(x, steps, batch);
  auto d_out = d_out_.leftCols(TB);
  const double recon = reconstruction_loss<S>(y, x, batch, loss, d_out);
  if (reconstruction) *reconstruction = recon;

  const std::size_t depth = encoder_.size();
  const std::size_t top = depth - 1;
  for (std::size_t l = 0; l < depth; ++l) {
    dh_[l].setZero(arch_.hidden[l], B);
    dc_[l].setZero(arch_.hidden[l], B);
  }
  // Gradient of x'_t fed back from the step that took it as input.
  Mat<S>& feedback = feedback_;
  feedback.setZero(arch_.input_dim, B);
  for (int k = steps - 1; k >= 0; --k) {
    const int t = steps - 1 - k;
    d_pred_ = d_out.middleCols(Eigen::Index(t) * B, B) + feedback;
    output_.backward(decoder_[top].h(k), d_pred_, &d_top_);
    dh_[top] += d_top_;
    if (k == 0) break;
    for (std::size_t l = depth; l-- > 0;) {
      if (l == 0) {
        decoder_[l].backward_step(k, out_.middleCols(Eigen::Index(t + 1) * B, B), dh_[l], dc_[l],
                                  &feedback);
      } else {
        decoder_[l].backward_step(k, decoder_[l - 1].h(k), dh_[l], dc_[l], &dx_);
        dh_[l - 1] += dx_;
      }
    }
  }
  // The decoder's initial state is the encoder's final state.
  for (std::size_t l = depth; l-- > 0;) {
    for (int t = steps; t >= 1; --t) {
      // Gradient w.r.t. h after step t: from the layer above (its input), plus
      // the hand-over at the last step (already in dh_[l]).
      if (l < top) dh_[l] += d_seq_[l].middleCols(Eigen::Index(t - 1) * B, B);
      const bool need_input = l > 0;
      if (need_input && d_seq_[l - 1].cols() < TB) d_seq_[l - 1].resize(arch_.hidden[l - 1], TB);
      if (l == 0) {
        encoder_[l].backward_step(t, x.middleCols(Eigen::Index(t - 1) * B, B), dh_[l], dc_[l],
                                  nullptr);
      } else {
        encoder_[l].backward_step(t, encoder_[l - 1].h(t), dh_[l], dc_[l], &dx_);
        d_seq_[l - 1].middleCols(Eigen::Index(t - 1) * B, B) = dx_;
      }
    }
  }
  return recon;
}

template class ReverseAutoencoder<float>;
template class ReverseAutoencoder<double>;

}  // namespace ecglens::train
