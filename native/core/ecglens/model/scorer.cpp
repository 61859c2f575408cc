#include "ecglens/model/scorer.h"

#include <algorithm>
#include <cstring>

#include "ecglens/util/error.h"

namespace ecglens {

namespace {

// The weights file's normalisation and loss are checked here, where they are
// used, and reported as problems of that file.
Normalization read_normalization(const WeightsFile& w) {
  try {
    return parse_normalization(w.per_beat());
  } catch (const Error& e) {
    throw WeightsError(w.source, "", std::string("normalization: ") + e.what());
  }
}

Loss read_loss(const WeightsFile& w) {
  try {
    return parse_loss(w.loss);
  } catch (const Error& e) {
    throw WeightsError(w.source, "", std::string("loss: ") + e.what());
  }
}

}  // namespace

Scorer::Scorer(const WeightsFile& weights, int tile)
    : model_(weights, tile),
      normalization_(read_normalization(weights)),
      loss_(read_loss(weights)),
      thresholds_(weights.thresholds) {}

void Scorer::score(const float* beats, std::size_t count, int length, float* scores,
                   float* normalized, float* reconstruction, float* latent) {
  model_.check_length(length);
  const int channels = model_.channels();
  const std::size_t beat_size = static_cast<std::size_t>(length) * channels;
  const std::size_t tile_size = beat_size * model_.tile();
  if (input_.size() < tile_size) {
    input_.resize(tile_size);
    output_.resize(tile_size);
  }
  for (std::size_t first = 0; first < count; first += model_.tile()) {
    const std::size_t n = std::min<std::size_t>(model_.tile(), count - first);
    float* x = input_.data();
    float* y = output_.data();
    std::memcpy(x, beats + first * beat_size, n * beat_size * sizeof(float));
    for (std::size_t b = 0; b < n; ++b) normalize_beat(x + b * beat_size, length, channels, normalization_);
    model_.reconstruct(x, n, length, y, latent ? latent + first * model_.latent_size() : nullptr);
    for (std::size_t b = 0; b < n; ++b)
      scores[first + b] = beat_loss(x + b * beat_size, y + b * beat_size, beat_size, loss_);
    if (normalized) std::copy(x, x + n * beat_size, normalized + first * beat_size);
    if (reconstruction) std::copy(y, y + n * beat_size, reconstruction + first * beat_size);
  }
}

}  // namespace ecglens
