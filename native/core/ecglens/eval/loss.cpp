#include "ecglens/eval/loss.h"

#include <cmath>
#include <string>

#include "ecglens/util/error.h"

namespace ecglens {

Loss parse_loss(std::string_view name) {
  if (name == "mse") return Loss::MSE;
  if (name == "mae") return Loss::MAE;
  if (name == "sae") return Loss::SAE;
  throw Error("unknown loss '" + std::string(name) +
              "': expected mse, mae or sae (sum of absolute errors)");
}

const char* to_string(Loss loss) noexcept {
  switch (loss) {
    case Loss::MSE: return "mse";
    case Loss::MAE: return "mae";
    case Loss::SAE: return "sae";
  }
  return "unknown";
}

float beat_loss(const float* x, const float* y, std::size_t n, Loss loss) {
  if (n == 0) throw Error("beat_loss: a beat needs at least one value");
  double sum = 0.0;
  switch (loss) {
    case Loss::MSE:
      for (std::size_t i = 0; i < n; ++i) {
        const double d = static_cast<double>(x[i]) - static_cast<double>(y[i]);
        sum += d * d;
      }
      return static_cast<float>(sum / static_cast<double>(n));
    case Loss::MAE:
    case Loss::SAE:
      for (std::size_t i = 0; i < n; ++i) {
        sum += std::fabs(static_cast<double>(x[i]) - static_cast<double>(y[i]));
      }
      return static_cast<float>(loss == Loss::MAE ? sum / static_cast<double>(n) : sum);
  }
  throw Error("beat_loss: unknown loss kind " + std::to_string(static_cast<int>(loss)));
}

void timestep_error(const float* x, const float* y, int length, int channels, float* out) {
  if (length <= 0 || channels <= 0) {
    throw Error("timestep_error: length and channels must be positive, got length " +
                std::to_string(length) + " and channels " + std::to_string(channels));
  }
  for (int t = 0; t < length; ++t) {
    const float* xt = x + static_cast<std::size_t>(t) * channels;
    const float* yt = y + static_cast<std::size_t>(t) * channels;
    double sum = 0.0;
    for (int c = 0; c < channels; ++c) {
      const double d = static_cast<double>(xt[c]) - static_cast<double>(yt[c]);
      sum += d * d;
    }
    out[t] = static_cast<float>(sum / channels);
  }
}

}  // namespace ecglens
