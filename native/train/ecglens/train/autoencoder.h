// The trainable LSTM autoencoder family (any cell) (lstm_ae, residual_lstm_ae,
// sparse_lstm_ae, srl_ae): encoder stack -> latent (top layer's output at the
// last step) -> repeated T times -> decoder stack -> Linear at every step,
// exactly the core's forward pass (model/ARCHITECTURES.md), with its
// backward pass. Parameters carry the core's tensor names and shapes, so the
// trained tensors go into a weights file unchanged. Cells: LSTM or GRU, as
// the architecture says.
#pragma once

#include <cstdint>
#include <vector>

#include "ecglens/train/layers.h"
#include "ecglens/train/network.h"

namespace ecglens::train {

template <typename S>
class LstmAutoencoder final : public Network<S> {
 public:
  explicit LstmAutoencoder(const Architecture& arch);

  const Architecture& architecture() const override { return arch_; }
  Parameters<S>& parameters() override { return params_; }
  const Parameters<S>& parameters() const override { return params_; }
  // Whether the kind carries the sparsity penalty (sparse_lstm_ae, srl_ae).
  bool sparse() const;

  // PyTorch's default initialisation, from `seed`: recurrent tensors
  // U(-1/sqrt(H), 1/sqrt(H)), Linear U(-1/sqrt(in), 1/sqrt(in)), residual
  // projections as a Linear without bias.
  void initialize(std::uint64_t seed) override;

  void reserve(int steps, int batch) override;
  Cols<S> forward(const Eigen::Ref<const Mat<S>>& x, int steps, int batch) override;
  // The latent of the last forward(), Z x batch.
  Cols<S> latent(int batch) { return z_.leftCols(batch); }
  // The objective: reconstruction loss plus, for the sparse kinds, the
  // sparsity penalty on the latent (objective.h).
  double loss_and_gradient(const Eigen::Ref<const Mat<S>>& x, int steps, int batch, Loss loss,
                           const Sparsity& sparsity, double* reconstruction = nullptr) override;

 private:
  Architecture arch_;
  Parameters<S> params_;
  RecurrentStack<S> encoder_;
  RecurrentStack<S> decoder_;
  Linear<S> output_;
  Mat<S> z_;          // Z x B
  Mat<S> out_;        // C x TB
  Mat<S> d_out_;      // C x TB
  Mat<S> d_decoded_;  // Hdec x TB
  Mat<S> dz_;         // Z x B
  Mat<S> d_encoded_;  // Henc x TB, non-zero only at the last step
};

}  // namespace ecglens::train
