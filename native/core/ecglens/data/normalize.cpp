#include "ecglens/data/normalize.h"

#include <cmath>
#include <string>

#include "ecglens/util/error.h"

namespace ecglens {

Normalization parse_normalization(std::string_view name) {
  if (name == "none") return Normalization::None;
  if (name == "zscore") return Normalization::ZScore;
  if (name == "minmax") return Normalization::MinMax;
  throw Error("unknown normalisation '" + std::string(name) + "': expected none, zscore or minmax");
}

const char* to_string(Normalization normalization) noexcept {
  switch (normalization) {
    case Normalization::None: return "none";
    case Normalization::ZScore: return "zscore";
    case Normalization::MinMax: return "minmax";
  }
  return "unknown";
}

void normalize_beat(float* beat, int length, int channels, Normalization normalization) {
  if (length <= 0 || channels <= 0) {
    throw Error("normalize_beat: length and channels must be positive, got " + std::to_string(length) +
                " and " + std::to_string(channels));
  }
  if (normalization == Normalization::None) return;
  for (int c = 0; c < channels; ++c) {
    // Channel c is every channels-th value starting at c.
    float* x = beat + c;
    double sum = 0.0;
    float lo = x[0];
    float hi = x[0];
    for (int t = 0; t < length; ++t) {
      const float v = x[static_cast<long>(t) * channels];
      sum += v;
      lo = std::fmin(lo, v);
      hi = std::fmax(hi, v);
    }
    // A NaN or inf makes sum non-finite: such a channel is not "flat", so
    // the non-finite value spreads instead of vanishing into zeros.
    const bool flat = !(hi > lo) && std::isfinite(sum);
    double shift = 0.0;
    double scale = 1.0;
    if (normalization == Normalization::ZScore) {
      shift = sum / length;
      double squares = 0.0;
      for (int t = 0; t < length; ++t) {
        const double d = x[static_cast<long>(t) * channels] - shift;
        squares += d * d;
      }
      const double std_dev = std::sqrt(squares / length);
      if (!flat && std_dev > 0.0) scale = 1.0 / std_dev;
    } else {  // MinMax
      shift = lo;
      if (!flat) scale = 1.0 / (static_cast<double>(hi) - static_cast<double>(lo));
    }
    for (int t = 0; t < length; ++t) {
      float& v = x[static_cast<long>(t) * channels];
      v = flat ? 0.0f : static_cast<float>((v - shift) * scale);
    }
  }
}

}  // namespace ecglens
