// Choosing the anomaly threshold (flag a beat when score > threshold).
//
// Two kinds, kept apart on purpose (see docs/PROTOCOL.md):
// - Leak-free presets, computed from the losses of validation beats, which
//   are all normal and never part of the test set. These are the numbers a
//   result stands behind; "p99" is the default.
// - Label-tuned ("oracle") thresholds, picked on the test set using its
//   labels. Published ECG5000 numbers are often of this kind, so ecglens
//   reports them for comparison, always named as tuned on test labels.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ecglens/eval/metrics.h"

namespace ecglens {

// ---- Leak-free presets ---------------------------------------------------

struct ThresholdPreset {
  std::string name;
  double value;
};

// The preset used when none is named.
inline constexpr const char* kDefaultThresholdPreset = "p99";

// The p-th percentile (p in [0, 100]) of `values` with linear interpolation,
// numpy.percentile's default method: sorted v_0 <= ... <= v_{n-1},
// h = (n - 1) * p / 100, result v_floor(h) + (h - floor(h)) * (v_floor(h)+1 - v_floor(h)).
// Throws ecglens::Error when values is empty or p is outside [0, 100].
double percentile(std::vector<double> values, double p);

// The presets from validation losses (normal beats only), in this order:
//   mean+1sd, mean+2sd, mean+3sd   mean + k * sigma, sigma the population
//                                  standard deviation (divide by n, numpy's
//                                  ddof=0), mean and sigma in double;
//   p95, p99                       percentile() above;
//   max                            the largest loss.
// Throws ecglens::Error when the list is empty or a loss is not finite
// (naming its index).
std::vector<ThresholdPreset> threshold_presets(const std::vector<float>& validation_losses);

// The preset called `name`; throws ecglens::Error listing the names there
// are when none is.
const ThresholdPreset& find_preset(const std::vector<ThresholdPreset>& presets,
                                   std::string_view name);

// ---- Label-tuned on the test set ------------------------------------------

// A threshold picked with the test labels, and the confusion it gives.
struct TunedThreshold {
  double threshold;
  Confusion confusion;
};

// The threshold with the highest accuracy / the highest F1 (anomaly
// positive) on these scores and labels. Every outcome is reached by one of
// the cut points of roc_curve(): below the lowest score (everything flagged),
// midpoints between consecutive distinct scores, and the highest score
// (nothing flagged); all are tried, and among equally good ones the lowest
// threshold wins. Metrics are compared exactly (as integer fractions).
// O(n log n). Throws ecglens::Error on invalid or empty input.
// The result uses the test labels: report it as "tuned on test labels".
TunedThreshold tuned_threshold_accuracy(const Scores& scores, const Labels& labels);
TunedThreshold tuned_threshold_f1(const Scores& scores, const Labels& labels);

}  // namespace ecglens
