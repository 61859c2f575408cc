// The 2-D view of the latent vectors: principal component analysis of the
// latents of all beats (one row per beat), projected on the two directions
// of largest variance.
//
// With X the latents centred on their mean (n x d), C = X^T X / n, and
// v1, v2 the eigenvectors of C with the largest eigenvalues l1 >= l2, beat
// i sits at (x_i . v1, x_i . v2). The two coordinates are uncorrelated and
// their variances are l1 and l2.
#pragma once

#include <cstddef>
#include <vector>

namespace ecglens::app {

struct LatentPca {
  std::vector<float> x, y;          // per beat
  double variance[2] = {0, 0};      // l1, l2
  double explained = 0;             // (l1 + l2) / trace(C)
};

// latents: n rows of d values. Empty result when n < 2 or d < 1; with
// d == 1 the second coordinate is 0.
LatentPca latent_pca(const float* latents, std::size_t n, int d);

}  // namespace ecglens::app
