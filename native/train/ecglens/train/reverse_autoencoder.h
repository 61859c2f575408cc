// The trainable recae (Malhotra et al. 2016): encoder stack encoder.L over
// x_1 .. x_T from a zero state; the decoder stack decoder.L starts from the
// encoder's final state (h, and c for LSTM) of every layer and runs
// backwards in time, fed its own output:
//   x'_T = output(h^D_T)  (the decoder's initial top h, no step taken);
//   for t = T-1 .. 1: every decoder layer steps once (layer 0 on x'_{t+1}),
//   x'_t = output(h^D_t).
// The core's forward pass (model/ARCHITECTURES.md), with backpropagation
// through time through the encoder, the state hand-over and the output
// feedback (recurrent_cell.h).
#pragma once

#include <cstdint>
#include <vector>

#include "ecglens/train/dense_layer.h"
#include "ecglens/train/network.h"
#include "ecglens/train/recurrent_cell.h"

namespace ecglens::train {

template <typename S>
class ReverseAutoencoder final : public Network<S> {
 public:
  explicit ReverseAutoencoder(const Architecture& arch);

  const Architecture& architecture() const override { return arch_; }
  Parameters<S>& parameters() override { return params_; }
  const Parameters<S>& parameters() const override { return params_; }

  // PyTorch's default initialisation (initialization.h).
  void initialize(std::uint64_t seed) override;

  void reserve(int steps, int batch) override;
  Cols<S> forward(const Eigen::Ref<const Mat<S>>& x, int steps, int batch) override;
  // The reconstruction loss; `sparsity` is not used by this kind.
  double loss_and_gradient(const Eigen::Ref<const Mat<S>>& x, int steps, int batch, Loss loss,
                           const Sparsity& sparsity, double* reconstruction = nullptr) override;

 private:
  Architecture arch_;
  Parameters<S> params_;
  std::vector<RecurrentCell<S>> encoder_, decoder_;
  DenseLayer<S> output_;
  Mat<S> out_, d_out_;          // C x TB, time-major: x'_t at columns t*B ..
  std::vector<Mat<S>> dh_, dc_;  // per layer, H x B
  Mat<S> d_pred_, d_top_, dx_;  // workspaces
  Mat<S> feedback_;             // C x B: the gradient of x'_t fed back from the next step
  std::vector<Mat<S>> d_seq_;   // [l]: gradient w.r.t. encoder layer l's h at every step, from layer l+1
};

}  // namespace ecglens::train
