#include "model_choice.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ecglens/data/resample.h"
#include "ecglens/io/weights_file.h"

namespace ecglens::app {
namespace {

std::string percent(double fraction) {
  char text[16];
  std::snprintf(text, sizeof text, "%.0f%%", 100.0 * fraction);
  return text;
}

// "flags 41% of 200 sampled beats at its p99 threshold"
std::string flags_text(const ModelFit& f) {
  return "flags " + percent(f.flagged_fraction()) + " of " + std::to_string(f.sampled) +
         " sampled beats at its " + f.threshold + " threshold";
}

}  // namespace

ModelChooser::ModelChooser() = default;
ModelChooser::~ModelChooser() = default;
ModelChooser::ModelChooser(ModelChooser&&) noexcept = default;
ModelChooser& ModelChooser::operator=(ModelChooser&&) noexcept = default;

void ModelChooser::add(const BundledModel& model, std::string_view bytes) {
  auto scorer = std::make_unique<Scorer>(parse_weights(bytes, model.file));
  for (auto& e : entries_) {
    if (e.model.file == model.file) {
      e = Entry{model, std::move(scorer)};
      return;
    }
  }
  entries_.push_back(Entry{model, std::move(scorer)});
}

bool ModelChooser::offers(const std::string& file) const { return find(file) != nullptr; }

const BundledModel* ModelChooser::find(const std::string& file) const {
  for (const auto& e : entries_)
    if (e.model.file == file) return &e.model;
  return nullptr;
}

ModelFit ModelChooser::fit(Entry& entry, const Dataset& beats, const std::vector<std::size_t>& sample) {
  ModelFit f;
  f.file = entry.model.file;
  const Architecture& arch = entry.scorer->model().architecture();
  f.model_length = arch.seq_len;
  f.same_length = beats.length == arch.seq_len;
  if (beats.channels != arch.input_dim) {
    f.why_not = "expects " + std::to_string(arch.input_dim) + " channel(s), the file has " +
                std::to_string(beats.channels);
    return f;
  }
  f.usable = true;
  const auto& thresholds = entry.scorer->thresholds();
  const auto threshold = thresholds.default_value();
  f.threshold = threshold ? thresholds.default_name : "(none)";
  const std::size_t per = static_cast<std::size_t>(arch.seq_len) * beats.channels;
  std::vector<float> input(sample.size() * per), scores(sample.size());
  for (std::size_t k = 0; k < sample.size(); ++k)
    resample_beat(beats.beat(sample[k]), beats.length, input.data() + k * per, arch.seq_len, beats.channels);
  entry.scorer->score(input.data(), sample.size(), arch.seq_len, scores.data());
  f.sampled = sample.size();
  // Without presets there is no threshold of the model's own to judge by:
  // every beat counts as flagged, so such a model is chosen only alone.
  f.flagged = threshold ? static_cast<std::size_t>(std::count_if(scores.begin(), scores.end(),
                                                                 [&](float s) { return s > *threshold; }))
                        : sample.size();
  return f;
}

ModelChoice ModelChooser::choose(const Dataset& beats) {
  ModelChoice choice;
  const std::size_t n = std::min(kSample, beats.size());
  std::vector<std::size_t> sample(n);
  for (std::size_t k = 0; k < n; ++k) sample[k] = k * beats.size() / n;
  for (auto& e : entries_) choice.fits_all.push_back(fit(e, beats, sample));

  const ModelFit* best = nullptr;
  for (const auto& f : choice.fits_all)
    if (f.usable && f.sampled > 0 && (!best || f.flagged_fraction() < best->flagged_fraction())) best = &f;
  if (entries_.empty()) {
    choice.note = "No bundled models to choose from.";
    return choice;
  }
  if (!best) {
    choice.note = "No bundled model can score this file";
    for (const auto& f : choice.fits_all) choice.note += (&f == &choice.fits_all[0] ? ": " : "; ") + f.file + " " + f.why_not;
    choice.note += ".";
    return choice;
  }
  // Among the models about as good as the best: one trained on this
  // length, then the list's order (the order of preference).
  const ModelFit* chosen = nullptr;
  for (const auto& f : choice.fits_all) {
    if (!f.usable || f.sampled == 0 || f.flagged_fraction() > best->flagged_fraction() + kTie) continue;
    if (!chosen || (f.same_length && !chosen->same_length)) chosen = &f;
  }
  choice.file = chosen->file;
  choice.fits = chosen->same_length && chosen->flagged_fraction() < kNoneFits;

  std::string others;
  for (const auto& f : choice.fits_all) {
    if (&f == chosen) continue;
    others += (others.empty() ? "" : ", ") + f.file + " " +
              (f.usable ? percent(f.flagged_fraction()) : f.why_not);
  }
  if (!others.empty()) others = " (" + others + ")";
  if (choice.fits) {
    choice.note = chosen->file + " chosen for this file: it " + flags_text(*chosen) + others + ".";
    return choice;
  }
  choice.note = "No bundled model fits this file. The closest, " + chosen->file + ", " + flags_text(*chosen);
  if (!chosen->same_length)
    choice.note += ", and was trained on beats of " + std::to_string(chosen->model_length) + " samples, not " +
                   std::to_string(beats.length) + " (they are resampled)";
  choice.note += others + ". Its flags say little about these beats: train a model on this file's "
                 "normal beats (ecglens train --train FILE).";
  return choice;
}

}  // namespace ecglens::app
