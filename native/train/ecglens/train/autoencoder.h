// The trainable LSTM autoencoder family (any cell) (lstm_ae, residual_lstm_ae,
// sparse_lstm_ae, srl_ae): encoder stack -> latent (top layer's output at the
// last step) -> repeated T times -> decoder stack -> Linear at every step,
// exactly the core's forward pass (model/ARCHITECTURES.md), with its
// backward pass. Parameters carry the core's tensor names and shapes, so the
// trained tensors go into a weights file unchanged.
//
// Cells: LSTM or GRU, as the architecture says. Other kinds (recae,
// lstm_vae, mlp_ae, conv1d_ae) are not trainable yet: the constructor says so. A new kind adds a class with the
// same interface (parameters(), forward(), loss_and_gradient()).
#pragma once

#include <cstdint>
#include <vector>

#include "ecglens/model/architecture.h"
#include "ecglens/train/layers.h"
#include "ecglens/train/objective.h"

namespace ecglens::train {

// Whether the trainer can train this architecture (an Error saying why not).
void check_trainable(const Architecture& arch);

template <typename S>
class LstmAutoencoder {
 public:
  explicit LstmAutoencoder(const Architecture& arch);

  const Architecture& architecture() const { return arch_; }
  Parameters<S>& parameters() { return params_; }
  const Parameters<S>& parameters() const { return params_; }
  // Whether the kind carries the sparsity penalty (sparse_lstm_ae, srl_ae).
  bool sparse() const;

  // PyTorch's default initialisation, from `seed`: recurrent tensors
  // U(-1/sqrt(H), 1/sqrt(H)), Linear U(-1/sqrt(in), 1/sqrt(in)), residual
  // projections as a Linear without bias.
  void initialize(std::uint64_t seed);

  // Copies the tensors of a weights file / writes them into one (float32).
  void load(const WeightsFile& weights);
  std::vector<Tensor> tensors() const;

  void reserve(int steps, int batch);

  // x: C x (steps*batch), time-major (layers.h). Returns the reconstruction,
  // same shape, valid until the next call.
  Cols<S> forward(const Eigen::Ref<const Mat<S>>& x, int steps, int batch);
  // The latent of the last forward(), Z x batch.
  Cols<S> latent(int batch) { return z_.leftCols(batch); }

  // Sets the gradients to those of the objective on this batch (they are
  // zeroed first) and returns the objective: reconstruction loss plus the
  // sparsity penalty for the sparse kinds. `reconstruction` (optional)
  // receives the reconstruction loss alone.
  double loss_and_gradient(const Eigen::Ref<const Mat<S>>& x, int steps, int batch, Loss loss,
                           const Sparsity& sparsity, double* reconstruction = nullptr);

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

// Copies beats (beat-major, [beat][step][channel]) picked by `index` into a
// time-major batch: out(c, t*count + k) = beats[index[k]][t][c].
template <typename S>
void gather_time_major(const float* beats, int steps, int channels, const std::size_t* index,
                       int count, Eigen::Ref<Mat<S>> out);

}  // namespace ecglens::train
