// PyTorch's default initialisation (initialization.h).
#include "ecglens/train/initialization.h"

#include <cmath>
#include <string>

#include "ecglens/train/random.h"

namespace ecglens::train {

namespace {

bool is_recurrent(const std::string& name) {
  for (const char* part : {"weight_ih", "weight_hh", "bias_ih", "bias_hh"})
    if (name.find(part) != std::string::npos) return true;
  return false;
}

// The fan-in of a weight tensor: shape[1] times the kernel width, if any.
double weight_fan(const std::vector<std::int64_t>& shape) {
  double fan = static_cast<double>(shape[1]);
  for (std::size_t d = 2; d < shape.size(); ++d) fan *= static_cast<double>(shape[d]);
  return fan;
}

}  // namespace

template <typename S>
void initialize_like_pytorch(Parameters<S>& params, int gates, std::uint64_t seed) {
  Random random(seed);
  double previous_fan = 1;
  for (std::size_t i = 0; i < params.entries().size(); ++i) {
    const auto& e = params.entries()[i];
    double fan;
    if (is_recurrent(e.name)) {
      fan = static_cast<double>(e.shape[0]) / gates;
    } else if (e.shape.size() >= 2) {
      fan = weight_fan(e.shape);
    } else {
      fan = previous_fan;  // a bias: its weight's fan
    }
    previous_fan = fan;
    const double bound = 1.0 / std::sqrt(fan);
    S* v = params.value(static_cast<int>(i));
    for (std::size_t k = 0; k < e.size; ++k) v[k] = static_cast<S>(random.uniform(-bound, bound));
  }
}

template void initialize_like_pytorch<float>(Parameters<float>&, int, std::uint64_t);
template void initialize_like_pytorch<double>(Parameters<double>&, int, std::uint64_t);

}  // namespace ecglens::train
