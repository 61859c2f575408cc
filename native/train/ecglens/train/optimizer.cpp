// Adam / AdamW updates and global-norm gradient clipping (optimizer.h).
#include "ecglens/train/optimizer.h"

#include <cmath>
#include <string>

#include "ecglens/util/error.h"

namespace ecglens::train {

OptimizerKind parse_optimizer(std::string_view name) {
  if (name == "adam") return OptimizerKind::Adam;
  if (name == "adamw") return OptimizerKind::AdamW;
  throw Error("unknown optimizer '" + std::string(name) + "' (known: adam, adamw)");
}

const char* to_string(OptimizerKind kind) {
  return kind == OptimizerKind::Adam ? "adam" : "adamw";
}

void adam_step(std::vector<float>& params, const std::vector<float>& grads, AdamState& state,
               double lr, const AdamSettings& s) {
  const std::size_t n = params.size();
  if (grads.size() != n) throw Error("adam_step: gradient and parameter sizes differ");
  if (state.m.size() != n) {
    state.m.assign(n, 0.0f);
    state.v.assign(n, 0.0f);
  }
  ++state.step;
  // 1 - beta in double, then rounded, as PyTorch passes it to its kernels.
  const float b1 = static_cast<float>(s.beta1), b2 = static_cast<float>(s.beta2);
  const float one_minus_b1 = static_cast<float>(1.0 - s.beta1);
  const float one_minus_b2 = static_cast<float>(1.0 - s.beta2);
  const float c1 = static_cast<float>(1.0 / (1.0 - std::pow(s.beta1, double(state.step))));
  const float c2 = static_cast<float>(1.0 / (1.0 - std::pow(s.beta2, double(state.step))));
  const float rate = static_cast<float>(lr), eps = static_cast<float>(s.eps);
  const float wd = static_cast<float>(s.weight_decay);
  const bool decoupled = s.kind == OptimizerKind::AdamW;
  float* p = params.data();
  const float* g = grads.data();
  float* m = state.m.data();
  float* v = state.v.data();
  for (std::size_t i = 0; i < n; ++i) {
    float gi = g[i];
    if (decoupled) {
      p[i] -= rate * wd * p[i];
    } else {
      gi += wd * p[i];
    }
    m[i] = b1 * m[i] + one_minus_b1 * gi;
    v[i] = b2 * v[i] + one_minus_b2 * gi * gi;
    p[i] -= rate * (m[i] * c1) / (std::sqrt(v[i] * c2) + eps);
  }
}

double clip_global_norm(std::vector<float>& grads, double max_norm) {
  double sum = 0;
  for (float g : grads) sum += double(g) * double(g);
  const double norm = std::sqrt(sum);
  if (max_norm > 0 && norm > max_norm) {
    const float scale = static_cast<float>(max_norm / (norm + 1e-6));
    for (float& g : grads) g *= scale;
  }
  return norm;
}

}  // namespace ecglens::train
