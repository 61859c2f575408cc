// The trainable conv1d_ae: Conv1d encoder.L (channels `channels`, stride
// `stride`, padding kernel/2, ReLU after each), ConvTranspose1d decoder.L
// (channels reversed, stride `stride`, padding kernel/2, output_padding
// stride - 1, ReLU after each), then Conv1d `output` (channels[0] ->
// input_dim, stride 1), no activation: the core's forward pass
// (model/ARCHITECTURES.md), with its backward pass (conv_layers.h). The
// trainer's time-major batches are turned into the convolutions' layout
// (each beat's steps contiguous) and back.
#pragma once

#include <cstdint>
#include <vector>

#include "ecglens/train/conv_layers.h"
#include "ecglens/train/network.h"

namespace ecglens::train {

template <typename S>
class ConvAutoencoder final : public Network<S> {
 public:
  explicit ConvAutoencoder(const Architecture& arch);

  const Architecture& architecture() const override { return arch_; }
  Parameters<S>& parameters() override { return params_; }
  const Parameters<S>& parameters() const override { return params_; }

  // PyTorch's default: U(-1/sqrt(fan), 1/sqrt(fan)), fan = weight.shape[1] * kernel.
  void initialize(std::uint64_t seed) override;

  void reserve(int steps, int batch) override;
  Cols<S> forward(const Eigen::Ref<const Mat<S>>& x, int steps, int batch) override;
  // The reconstruction loss; `sparsity` is not used by this kind.
  double loss_and_gradient(const Eigen::Ref<const Mat<S>>& x, int steps, int batch, Loss loss,
                           const Sparsity& sparsity, double* reconstruction = nullptr) override;

 private:
  Architecture arch_;
  Parameters<S> params_;
  std::vector<Conv1dLayer<S>> encoder_;
  std::vector<ConvTranspose1dLayer<S>> decoder_;
  Conv1dLayer<S> output_;
  std::vector<int> lengths_;         // steps entering encoder, decoder layers; then the output's
  Mat<S> input_;                     // C x (B*T), each beat's steps contiguous
  std::vector<Mat<S>> activations_;  // encoder then decoder outputs, after ReLU
  Mat<S> reconstruction_;            // C x (B*T), same layout as input_
  Mat<S> out_, d_out_;               // C x (T*B), time-major
  Mat<S> d_reconstruction_;          // C x (B*T): the gradient w.r.t. reconstruction_
  std::vector<Mat<S>> d_activations_;  // the gradient w.r.t. each of activations_
};

}  // namespace ecglens::train
