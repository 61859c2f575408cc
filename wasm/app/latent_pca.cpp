// PCA of the latent vectors (see latent_pca.h), in double precision.
#include "latent_pca.h"

#include <Eigen/Dense>

namespace ecglens::app {

LatentPca latent_pca(const float* latents, std::size_t n, int d) {
  LatentPca out;
  if (n < 2 || d < 1) return out;
  using Rows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::MatrixXd x = Eigen::Map<const Rows>(latents, static_cast<Eigen::Index>(n), d).cast<double>();
  const Eigen::MatrixXd centred = x.rowwise() - x.colwise().mean();
  const Eigen::MatrixXd cov = centred.transpose() * centred / static_cast<double>(n);
  // Eigenvalues come in increasing order: the last columns are the largest.
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
  const Eigen::VectorXd v1 = eig.eigenvectors().col(d - 1);
  const Eigen::VectorXd p1 = centred * v1;
  out.x.assign(p1.data(), p1.data() + n);
  out.variance[0] = eig.eigenvalues()(d - 1);
  if (d > 1) {
    const Eigen::VectorXd p2 = centred * eig.eigenvectors().col(d - 2);
    out.y.assign(p2.data(), p2.data() + n);
    out.variance[1] = eig.eigenvalues()(d - 2);
  } else {
    out.y.assign(n, 0.0f);
  }
  const double trace = cov.trace();
  out.explained = trace > 0 ? (out.variance[0] + out.variance[1]) / trace : 0;
  return out;
}

}  // namespace ecglens::app
