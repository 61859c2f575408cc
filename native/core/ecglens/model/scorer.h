// Scoring: what the CLI and the browser app both do with a model and beats.
//
// A Scorer holds the model together with what its weights file says about
// scoring: the per-beat normalisation, the loss and the threshold presets.
// score() normalises each beat as at training time, reconstructs it and
// measures the loss between the two (in the normalised space).
//
//   ecglens::Scorer scorer(ecglens::read_weights("models/srl_ae.ecgw"));
//   scorer.score(data.values.data(), data.size(), data.length, scores.data());
#pragma once

#include <cstddef>
#include <vector>

#include "ecglens/data/normalize.h"
#include "ecglens/eval/loss.h"
#include "ecglens/io/weights_file.h"
#include "ecglens/model/model.h"

namespace ecglens {

class Scorer {
 public:
  explicit Scorer(const WeightsFile& weights, int tile = Model::kDefaultTile);

  Model& model() { return model_; }
  const Model& model() const { return model_; }
  Normalization normalization() const { return normalization_; }
  Loss loss() const { return loss_; }
  const Thresholds& thresholds() const { return thresholds_; }

  // Scores `count` beats of `length` steps ([beat][step][channel], the
  // values as read). scores: one per beat. The optional outputs have the
  // beats' shape (normalized, reconstruction) or [beat][latent_size()].
  // Allocates nothing after the first call for a given length.
  void score(const float* beats, std::size_t count, int length, float* scores,
             float* normalized = nullptr, float* reconstruction = nullptr,
             float* latent = nullptr);

 private:
  Model model_;
  Normalization normalization_;
  Loss loss_;
  Thresholds thresholds_;
  std::vector<float> input_;   // one tile, normalised
  std::vector<float> output_;  // its reconstruction
};

}  // namespace ecglens
