// Reconstruction losses and the sparsity penalty with their gradients
// (equations in objective.h).
#include "ecglens/train/objective.h"

#include <algorithm>
#include <cmath>

namespace ecglens::train {

template <typename S>
double reconstruction_loss(const Eigen::Ref<const Mat<S>>& y, const Eigen::Ref<const Mat<S>>& x,
                           int batch, Loss loss, Eigen::Ref<Mat<S>> dy) {
  const double n = static_cast<double>(y.size()) / batch;  // values per beat
  const double scale = loss == Loss::SAE ? 1.0 / batch : 1.0 / (n * batch);
  double total = 0;
  for (Eigen::Index col = 0; col < y.cols(); ++col) {
    for (Eigen::Index r = 0; r < y.rows(); ++r) {
      const S d = y(r, col) - x(r, col);
      if (loss == Loss::MSE) {
        total += double(d) * double(d);
        dy(r, col) = S(2 * scale) * d;
      } else {
        total += std::abs(double(d));
        dy(r, col) = d > 0 ? S(scale) : (d < 0 ? S(-scale) : S(0));
      }
    }
  }
  return total * scale;
}

template <typename S>
double sparsity_penalty(const Eigen::Ref<const Mat<S>>& z, const Sparsity& sparsity,
                        Eigen::Ref<Mat<S>> dz) {
  if (sparsity.beta == 0) return 0;
  constexpr double kEps = 1e-6;
  const double rho = sparsity.rho, B = static_cast<double>(z.cols());
  double penalty = 0;
  for (Eigen::Index j = 0; j < z.rows(); ++j) {
    double mean = 0;
    for (Eigen::Index b = 0; b < z.cols(); ++b) mean += (double(z(j, b)) + 1) / 2;
    mean /= B;
    const double r = std::clamp(mean, kEps, 1 - kEps);
    penalty += rho * std::log(rho / r) + (1 - rho) * std::log((1 - rho) / (1 - r));
    // d/dr KL = -rho/r + (1-rho)/(1-r); dr/dz_jb = 1 / (2B) (0 where clamped).
    const double d_r = (mean == r) ? (-rho / r + (1 - rho) / (1 - r)) : 0.0;
    const S g = S(sparsity.beta * d_r / (2 * B));
    dz.row(j).array() += g;
  }
  return sparsity.beta * penalty;
}

template double reconstruction_loss<float>(const Eigen::Ref<const Mat<float>>&,
                                           const Eigen::Ref<const Mat<float>>&, int, Loss,
                                           Eigen::Ref<Mat<float>>);
template double reconstruction_loss<double>(const Eigen::Ref<const Mat<double>>&,
                                            const Eigen::Ref<const Mat<double>>&, int, Loss,
                                            Eigen::Ref<Mat<double>>);
template double sparsity_penalty<float>(const Eigen::Ref<const Mat<float>>&, const Sparsity&,
                                        Eigen::Ref<Mat<float>>);
template double sparsity_penalty<double>(const Eigen::Ref<const Mat<double>>&, const Sparsity&,
                                         Eigen::Ref<Mat<double>>);

}  // namespace ecglens::train
