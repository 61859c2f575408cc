// The trainable lstm_vae: encoder stack -> the top layer's output h at the
// last step -> mu = Dense mu(h), logvar = Dense logvar(h) -> latent z ->
// repeated T times -> decoder stack -> Dense output at every step
// (model/ARCHITECTURES.md), with its backward pass.
//
// Training samples z = mu + exp(logvar / 2) * eps, eps ~ N(0, I) (the
// reparameterisation trick), and minimises, per batch of B beats,
//   reconstruction loss (objective.h: the per-beat score averaged over beats)
//   + beta_kl * (1/B) sum_beats KL(N(mu, exp(logvar)) || N(0, I)),
//   KL = 1/2 sum_j (mu_j^2 + exp(logvar_j) - 1 - logvar_j)   (summed over latent units).
// beta_kl is the latent penalty's weight of the training options
// (Sparsity::beta, --sparsity-beta; its rho is not used by this kind).
// forward() (validation, scoring) uses z = mu, as the core does.
//
// eps is a function of a 64-bit noise key (set_noise_key()): every objective
// draws it afresh from a stream seeded by the key. The engines key each
// batch by the run's noise seed (vae_noise_seed() of the initial weights,
// themselves from the run's seed) and the optimiser step the batch feeds,
// so one seed gives one run, a resumed run draws what an uninterrupted one
// would, and the GPU draws the CPU's noise (vae_noise()). set_noise() fixes
// eps instead (for gradient checks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "ecglens/train/dense_layer.h"
#include "ecglens/train/layers.h"
#include "ecglens/train/network.h"
#include "ecglens/train/random.h"

namespace ecglens::train {

// The run's noise seed: FNV-1a over the bytes of its initial weights.
std::uint64_t vae_noise_seed(const std::vector<float>& initial_weights);

// The key of the noise for the batch that optimiser step `step` (1-based)
// is computed from.
inline std::uint64_t vae_noise_key(std::uint64_t noise_seed, long long step) {
  return derive_seed(noise_seed, static_cast<std::uint64_t>(step));
}

// `count` standard normals from the stream seeded by `key` (Box-Muller, one
// normal from each pair of uniforms); eps(j, b) of a latent_dim x batch
// draw is out[j + b * latent_dim].
template <typename S>
void vae_noise(std::uint64_t key, S* out, std::size_t count);

template <typename S>
class VariationalAutoencoder final : public Network<S> {
 public:
  explicit VariationalAutoencoder(const Architecture& arch);

  const Architecture& architecture() const override { return arch_; }
  Parameters<S>& parameters() override { return params_; }
  const Parameters<S>& parameters() const override { return params_; }

  // PyTorch's default initialisation (initialization.h).
  void initialize(std::uint64_t seed) override;

  void reserve(int steps, int batch) override;
  // The reconstruction from z = mu.
  Cols<S> forward(const Eigen::Ref<const Mat<S>>& x, int steps, int batch) override;
  // mu of the last forward() or objective, latent_dim x batch.
  Cols<S> latent(int batch) { return mu_.leftCols(batch); }
  // The objective above, from a sampled z; `sparsity.beta` is beta_kl.
  double loss_and_gradient(const Eigen::Ref<const Mat<S>>& x, int steps, int batch, Loss loss,
                           const Sparsity& sparsity, double* reconstruction = nullptr) override;

  // Uses this eps (latent_dim x batch) in every later objective instead of
  // drawing it; std::nullopt goes back to drawing.
  void set_noise(std::optional<Mat<S>> eps) { fixed_noise_ = std::move(eps); }

  // Later objectives draw eps from the stream of `key` (0 until set).
  void set_noise_key(std::uint64_t key) override { noise_key_ = key; }

 private:
  // Encoder and mu, logvar on x; the latent stays in mu_, logvar_.
  void encode(const Eigen::Ref<const Mat<S>>& x, int steps, int batch);
  // Decoder and output from z_; returns the reconstruction.
  Cols<S> decode(int steps, int batch);
  void draw_noise(int batch);

  Architecture arch_;
  Parameters<S> params_;
  RecurrentStack<S> encoder_;
  DenseLayer<S> mu_layer_, logvar_layer_;
  RecurrentStack<S> decoder_;
  DenseLayer<S> output_;
  std::uint64_t noise_key_ = 0;
  std::optional<Mat<S>> fixed_noise_;
  Mat<S> h_;                         // H x B: encoder's top output at the last step
  Mat<S> mu_, logvar_, eps_, z_;     // latent_dim x B
  Mat<S> dz_, dmu_, dlogvar_;        // latent_dim x B
  Mat<S> dh_, dh_logvar_;            // H x B
  Mat<S> out_, d_out_;               // C x TB
  Mat<S> d_decoded_;                 // Hdec x TB
  Mat<S> d_encoded_;                 // H x TB, non-zero only at the last step
};

}  // namespace ecglens::train
