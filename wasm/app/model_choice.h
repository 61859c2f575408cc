// Which of the page's bundled models fits a file of beats. A model that was
// not trained on beats like the file's (another patient, another scale,
// synthetic beats) reconstructs nearly all of them badly and flags them all,
// so the fit is measured the way it matters: score a sample of the file's
// beats with each model and count how many its own default threshold flags.
// No UI and no platform code: tested natively in tests/app.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ecglens/data/dataset.h"
#include "ecglens/model/scorer.h"

namespace ecglens::app {

// A model the page offers (models/index.json): its file name, and one line
// on what it was trained on and how it does.
struct BundledModel {
  std::string file;
  std::string description;
};

// One model against a file's sampled beats.
struct ModelFit {
  std::string file;
  bool usable = false;        // the file's channel count (else why_not says what it expects)
  std::string why_not;
  bool same_length = false;   // trained on beats of the file's length (else they are resampled)
  int model_length = 0;
  std::string threshold;      // the name of the model's default threshold
  std::size_t sampled = 0;
  std::size_t flagged = 0;    // of the sampled beats, above that threshold
  double flagged_fraction() const { return sampled ? static_cast<double>(flagged) / sampled : 1.0; }
};

struct ModelChoice {
  std::string file;  // the model to score the file with; empty when none is usable
  bool fits = false; // false: even the chosen one flags nearly every beat, or needs resampling
  std::string note;  // what was chosen and why, or the warning, in one line
  std::vector<ModelFit> fits_all;  // every model, in the list's order
};

class ModelChooser {
 public:
  // Beats scored per model: enough to tell a model that fits (it flags
  // about the file's share of anomalies) from one that flags everything.
  static constexpr std::size_t kSample = 200;
  // Models within this share of flagged beats of the best fit as well as
  // it; the first of them in the list's order is taken.
  static constexpr double kTie = 0.05;
  // A best fit that still flags this share of the beats fits nothing.
  static constexpr double kNoneFits = 0.9;

  ModelChooser();
  ~ModelChooser();
  ModelChooser(ModelChooser&&) noexcept;
  ModelChooser& operator=(ModelChooser&&) noexcept;

  // Keeps a parsed copy of a bundled model; throws the loader's error.
  void add(const BundledModel& model, std::string_view bytes);
  bool offers(const std::string& file) const;
  const BundledModel* find(const std::string& file) const;
  std::size_t size() const { return entries_.size(); }

  // Scores up to kSample beats spread evenly over `beats` with every model.
  ModelChoice choose(const Dataset& beats);

 private:
  struct Entry {
    BundledModel model;
    std::unique_ptr<Scorer> scorer;
  };
  ModelFit fit(Entry& entry, const Dataset& beats, const std::vector<std::size_t>& sample);
  std::vector<Entry> entries_;
};

}  // namespace ecglens::app
