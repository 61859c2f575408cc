// Optimisers over the flat parameter buffer, and gradient clipping.
//
// Adam (Kingma & Ba 2015) as PyTorch's torch.optim.Adam / AdamW compute it,
// step k (from 1), gradient g, learning rate lr:
//   Adam:  g <- g + wd * p                        (L2 penalty in the gradient)
//   AdamW: p <- p - lr * wd * p                   (decoupled weight decay)
//   m <- b1 m + (1 - b1) g;   v <- b2 v + (1 - b2) g^2
//   p <- p - lr * (m / (1 - b1^k)) / (sqrt(v / (1 - b2^k)) + eps)
#pragma once

#include <string_view>
#include <vector>

namespace ecglens::train {

enum class OptimizerKind { Adam, AdamW };

// "adam" or "adamw"; anything else throws ecglens::Error.
OptimizerKind parse_optimizer(std::string_view name);
const char* to_string(OptimizerKind kind);

struct AdamSettings {
  OptimizerKind kind = OptimizerKind::Adam;
  double weight_decay = 0;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
};

// The optimiser's state: first and second moments, and the steps taken.
struct AdamState {
  std::vector<float> m, v;
  long long step = 0;
};

// One update of `params` with `grads` (same size; the state is sized on first use).
void adam_step(std::vector<float>& params, const std::vector<float>& grads, AdamState& state,
               double lr, const AdamSettings& settings);

// The global L2 norm of `grads` (accumulated in double). When max_norm > 0
// and the norm exceeds it, scales grads by max_norm / (norm + 1e-6), as
// torch.nn.utils.clip_grad_norm_ does. Returns the norm before clipping.
double clip_global_norm(std::vector<float>& grads, double max_norm);

}  // namespace ecglens::train
