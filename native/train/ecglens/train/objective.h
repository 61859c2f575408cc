// What training minimises: the reconstruction loss of a batch (the per-beat
// score of eval/loss.h, averaged over the beats of the batch) and, for the
// sparse kinds, a KL sparsity penalty on the latent.
//
// With d = y - x over the n = T*C values of a beat and B beats in the batch:
//   mse: (1/B) sum_beats (1/n) sum d^2     d/dy = 2 d / (n B)
//   mae: (1/B) sum_beats (1/n) sum |d|     d/dy = sign(d) / (n B)
//   sae: (1/B) sum_beats       sum |d|     d/dy = sign(d) / B
// (sign(0) = 0, the subgradient PyTorch uses).
//
// Sparsity (Ng's sparse autoencoder): the latent z of an LSTM is a hidden
// state in (-1, 1); its unit j's mean activation over the batch is read on
// the [0, 1] scale as rho_hat_j = mean_b (z_jb + 1) / 2 (clamped to
// [1e-6, 1 - 1e-6]), and the penalty is
//   beta * sum_j KL(rho || rho_hat_j),
//   KL(rho || r) = rho log(rho / r) + (1 - rho) log((1 - rho) / (1 - r)).
#pragma once

#include "ecglens/eval/loss.h"
#include "ecglens/train/parameters.h"

namespace ecglens::train {

// Loss of reconstruction y against target x (both C x (T*B), time-major);
// writes dL/dy into dy. n_per_beat = T*C.
template <typename S>
double reconstruction_loss(const Eigen::Ref<const Mat<S>>& y, const Eigen::Ref<const Mat<S>>& x,
                           int batch, Loss loss, Eigen::Ref<Mat<S>> dy);

struct Sparsity {
  double rho = 0.05;  // target mean activation
  double beta = 0.0;  // weight; 0 disables the penalty
};

// The penalty for latent z (Z x B); ADDS its gradient to dz.
template <typename S>
double sparsity_penalty(const Eigen::Ref<const Mat<S>>& z, const Sparsity& sparsity,
                        Eigen::Ref<Mat<S>> dz);

}  // namespace ecglens::train
