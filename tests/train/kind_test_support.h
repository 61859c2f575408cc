// What the tests of the trainable kinds share: random inputs, the central
// finite-difference check of analytic gradients (double precision, relative
// error per tensor <= 1e-6), the comparison of a trained kind's forward pass
// with the inference core's on the same weights, and a short training run
// for the same-seed determinism checks.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "ecglens/model/model.h"
#include "ecglens/train/network.h"
#include "ecglens/train/random.h"
#include "ecglens/train/trainer.h"

namespace ecglens::train::checks {

using MatD = Mat<double>;

inline MatD random_matrix(Eigen::Index rows, Eigen::Index cols, Random& r, double scale = 1.0) {
  MatD m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = r.uniform(-scale, scale);
  return m;
}

inline void randomize(Parameters<double>& p, Random& r, double scale = 0.5) {
  for (auto& v : p.values()) v = r.uniform(-scale, scale);
}

// Per tensor: ||analytic - numeric|| / max(||analytic||, ||numeric||) <= tolerance,
// numeric by central differences of `objective` with step 1e-5; and every
// tensor gets a gradient.
inline void expect_gradients_match(Parameters<double>& p, const std::function<double()>& objective,
                                   const std::vector<double>& analytic, double tolerance = 1e-6) {
  // Step 1e-5: truncation error O(h^2) stays below 1e-9 relative, and the
  // rounding noise of the loss (~1e-16 / h) stays small against gradients
  // as small as 1e-6 (MAE's are, with its 1/(n B) scale).
  const double h = 1e-5;
  for (std::size_t e = 0; e < p.entries().size(); ++e) {
    const auto& entry = p.entries()[e];
    double diff2 = 0, a2 = 0, n2 = 0;
    for (std::size_t k = 0; k < entry.size; ++k) {
      double& v = p.values()[entry.offset + k];
      const double saved = v;
      v = saved + h;
      const double up = objective();
      v = saved - h;
      const double down = objective();
      v = saved;
      const double numeric = (up - down) / (2 * h);
      const double a = analytic[entry.offset + k];
      diff2 += (a - numeric) * (a - numeric);
      a2 += a * a;
      n2 += numeric * numeric;
    }
    const double denom = std::max(std::sqrt(std::max(a2, n2)), 1e-300);
    EXPECT_LE(std::sqrt(diff2) / denom, tolerance) << "tensor " << entry.name;
    EXPECT_GT(a2, 0.0) << "tensor " << entry.name << " got no gradient";
  }
}

// The same check for the gradient with respect to an input.
inline void expect_input_gradient_matches(MatD& x, const std::function<double()>& objective,
                                          const MatD& analytic) {
  const double h = 1e-5;
  MatD numeric(x.rows(), x.cols());
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double saved = x.data()[i];
    x.data()[i] = saved + h;
    const double up = objective();
    x.data()[i] = saved - h;
    const double down = objective();
    x.data()[i] = saved;
    numeric.data()[i] = (up - down) / (2 * h);
  }
  const double err = (analytic - numeric).norm() / std::max(analytic.norm(), numeric.norm());
  EXPECT_LE(err, 1e-6);
  EXPECT_GT(analytic.norm(), 0.0);
}

// Largest |difference| between the network's forward pass and the core's
// Model::reconstruct on `batch` random beats, with the network's weights.
inline double worst_difference_from_core(Network<float>& net, int steps, int batch,
                                         std::uint64_t seed) {
  const Architecture& arch = net.architecture();
  WeightsFile w;
  w.architecture = arch.to_json();
  w.tensors = net.tensors();
  Model model(w);
  Random r(seed);
  const int C = arch.input_dim;
  std::vector<float> beats(static_cast<std::size_t>(batch) * steps * C);
  for (auto& v : beats) v = static_cast<float>(r.uniform(-2, 2));
  std::vector<float> core(beats.size());
  model.reconstruct(beats.data(), batch, steps, core.data());

  std::vector<std::size_t> index(batch);
  for (int b = 0; b < batch; ++b) index[b] = b;
  Mat<float> x(C, Eigen::Index(steps) * batch);
  gather_time_major<float>(beats.data(), steps, C, index.data(), batch, x);
  const Mat<float> y = net.forward(x, steps, batch);
  double worst = 0;
  for (int b = 0; b < batch; ++b)
    for (int t = 0; t < steps; ++t)
      for (int c = 0; c < C; ++c)
        worst = std::max(worst, double(std::abs(y(c, Eigen::Index(t) * batch + b) -
                                                core[(std::size_t(b) * steps + t) * C + c])));
  return worst;
}

// Noisy sine beats, `channels` shifted copies per beat, beat-major.
inline std::vector<float> sine_beats(int count, int length, int channels, std::uint64_t seed) {
  Random r(seed);
  std::vector<float> v;
  for (int b = 0; b < count; ++b) {
    const double phase = r.uniform(0, 0.5), amp = r.uniform(0.8, 1.2);
    for (int t = 0; t < length; ++t)
      for (int c = 0; c < channels; ++c)
        v.push_back(static_cast<float>(amp * std::sin(6.283 * t / length + phase + c) +
                                       r.uniform(-0.05, 0.05)));
  }
  return v;
}

// Options for a short run of `arch` on sine beats.
inline TrainOptions short_run(const Architecture& arch, std::uint64_t seed) {
  TrainOptions o;
  o.architecture = arch;
  o.epochs = 3;
  o.batch = 16;
  o.lr = 5e-3;
  o.clip = 1.0;
  o.seed = seed;
  return o;
}

// Same seed -> bit-identical weights; another seed -> other weights; and
// the training loss falls over the run.
inline void expect_deterministic_training(const Architecture& arch) {
  const int T = arch.seq_len, C = arch.input_dim;
  const auto train = sine_beats(64, T, C, 1), val = sine_beats(16, T, C, 2);
  Trainer a(short_run(arch, 42), train, val, T), b(short_run(arch, 42), train, val, T);
  a.run(nullptr);
  b.run(nullptr);
  EXPECT_EQ(a.parameters(), b.parameters());
  Trainer c(short_run(arch, 43), train, val, T);
  c.run(nullptr);
  EXPECT_NE(a.parameters(), c.parameters());
  EXPECT_LT(a.history().back().train_loss, a.history().front().train_loss);
}

// Two epochs, then a third resumed from the checkpoint in a new Trainer,
// land on the weights of three epochs in one run.
inline void expect_resume_matches_an_uninterrupted_run(const Architecture& arch) {
  const int T = arch.seq_len, C = arch.input_dim;
  const auto train = sine_beats(64, T, C, 1), val = sine_beats(16, T, C, 2);
  const TrainOptions o = short_run(arch, 42);
  Trainer straight(o, train, val, T);
  straight.run(nullptr);
  TrainOptions first = o;
  first.epochs = 2;
  Trainer part(first, train, val, T);
  part.run(nullptr);
  Trainer resumed(o, train, val, T);
  resumed.restore(part.checkpoint());
  resumed.run(nullptr);
  EXPECT_EQ(resumed.parameters(), straight.parameters());
}

}  // namespace ecglens::train::checks
