// The trainable mlp_ae: the flattened beat (T*C values, beat-major: step t,
// channel c at t*C + c) through Dense layers encoder.0 .. encoder.{L-1}
// (sizes `hidden`) and decoder.0 .. decoder.{L-1} (sizes hidden reversed,
// then T*C), ReLU after every layer but the last: the core's forward pass
// (model/ARCHITECTURES.md), with its backward pass. The trainer's batches are
// time-major (layers.h); this class flattens them to (T*C) x B and back.
#pragma once

#include <cstdint>
#include <vector>

#include "ecglens/train/dense_layer.h"
#include "ecglens/train/network.h"

namespace ecglens::train {

template <typename S>
class DenseAutoencoder final : public Network<S> {
 public:
  explicit DenseAutoencoder(const Architecture& arch);

  const Architecture& architecture() const override { return arch_; }
  Parameters<S>& parameters() override { return params_; }
  const Parameters<S>& parameters() const override { return params_; }

  // Every tensor U(-1/sqrt(in), 1/sqrt(in)), as nn.Linear does.
  void initialize(std::uint64_t seed) override;

  void reserve(int steps, int batch) override;
  Cols<S> forward(const Eigen::Ref<const Mat<S>>& x, int steps, int batch) override;
  // The latent of the last forward() (the last encoder layer's output), Z x batch.
  Cols<S> latent(int batch) { return activations_[arch_.hidden.size() - 1].leftCols(batch); }
  // The reconstruction loss; `sparsity` is not used by this kind.
  double loss_and_gradient(const Eigen::Ref<const Mat<S>>& x, int steps, int batch, Loss loss,
                           const Sparsity& sparsity, double* reconstruction = nullptr) override;

 private:
  Architecture arch_;
  Parameters<S> params_;
  std::vector<DenseLayer<S>> layers_;    // encoder then decoder
  Mat<S> flat_;                      // (T*C) x B: the input, flattened
  std::vector<Mat<S>> activations_;  // per layer, out x B (after ReLU but the last)
  Mat<S> out_;                       // C x TB: the reconstruction, time-major
  Mat<S> d_out_;                     // C x TB
  std::vector<Mat<S>> d_activations_;  // per layer, out x B: the gradient w.r.t. its output
};

}  // namespace ecglens::train
