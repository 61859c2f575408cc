// The forward pass of each model kind (internal to the model area; the
// public entry point is model.h). Each network takes a batch of beats in the
// beat-major layout [beat][step][channel] and writes the reconstruction in
// the same layout, and optionally one latent vector per beat.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "ecglens/layers/conv1d.h"
#include "ecglens/layers/dense.h"
#include "ecglens/layers/recurrent.h"
#include "ecglens/model/architecture.h"

namespace ecglens::detail {

// Looks a tensor up by name; shapes were checked before.
using TensorLookup = std::function<const float*(const std::string& name)>;

class Network {
 public:
  virtual ~Network() = default;
  // Sizes every workspace for `batch` beats of `length` steps.
  virtual void reserve(int batch, int length) = 0;
  // x: [batch][length][C] -> out (same shape); latent: [batch][latent_size] or null.
  virtual void run(const float* x, int batch, int length, float* out, float* latent) noexcept = 0;
};

std::unique_ptr<Network> make_network(const Architecture& arch, const TensorLookup& tensor);

}  // namespace ecglens::detail
