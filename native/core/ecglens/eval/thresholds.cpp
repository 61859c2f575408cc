#include "ecglens/eval/thresholds.h"

#include <algorithm>
#include <cmath>

#include "ecglens/eval/score_groups.h"
#include "ecglens/util/error.h"

namespace ecglens {
namespace {

// Exact a/b > c/d for non-negative counts, by cross-multiplication
// (products stay below 2^63 for up to ~10^9 beats). A zero denominator
// stands for the value 0, as in Confusion.
bool fraction_greater(long long a, long long b, long long c, long long d) {
  if (b == 0) a = 0, b = 1;
  if (d == 0) c = 0, d = 1;
  return a * d > c * b;
}

// Tries every cut from the lowest threshold up and keeps the first best.
// `better(candidate, best)` says whether a confusion is strictly better.
template <typename Better>
TunedThreshold tune(const Scores& scores, const Labels& labels, Better better, const char* what) {
  const auto groups = detail::group_scores(scores, labels);
  if (groups.empty()) throw Error(std::string(what) + ": no scores");
  // Cut 0 flags everything.
  Confusion c;
  for (const auto& g : groups) {
    c.tp += g.positives;
    c.fp += g.negatives;
  }
  TunedThreshold best{detail::cut_threshold(groups, 0), c};
  // Moving from cut k to k+1 stops flagging group k.
  for (std::size_t k = 0; k < groups.size(); ++k) {
    c.tp -= groups[k].positives;
    c.fn += groups[k].positives;
    c.fp -= groups[k].negatives;
    c.tn += groups[k].negatives;
    if (better(c, best.confusion)) best = {detail::cut_threshold(groups, k + 1), c};
  }
  return best;
}

}  // namespace

double percentile(std::vector<double> values, double p) {
  if (values.empty()) throw Error("percentile of no values");
  if (!(p >= 0.0 && p <= 100.0)) {
    throw Error("percentile " + std::to_string(p) + " is outside [0, 100]");
  }
  std::sort(values.begin(), values.end());
  const double h = static_cast<double>(values.size() - 1) * (p / 100.0);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= values.size()) return values.back();
  const double a = values[lo], b = values[lo + 1], t = h - static_cast<double>(lo);
  // numpy interpolates from whichever end is nearer, which keeps the result
  // monotone in t and exact at both ends; doing the same matches it bit for bit.
  return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1.0 - t);
}

std::vector<ThresholdPreset> threshold_presets(const std::vector<float>& validation_losses) {
  const std::size_t n = validation_losses.size();
  if (n == 0) throw Error("threshold presets need at least one validation loss");
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(validation_losses[i])) {
      throw Error("validation_losses[" + std::to_string(i) + "] is not finite (" +
                  (std::isnan(validation_losses[i]) ? "nan" : "inf") + ")");
    }
    v[i] = validation_losses[i];
  }
  double sum = 0.0;
  for (double x : v) sum += x;
  const double mean = sum / static_cast<double>(n);
  double squares = 0.0;  // two passes: sum of squared deviations from the mean
  for (double x : v) squares += (x - mean) * (x - mean);
  const double sd = std::sqrt(squares / static_cast<double>(n));

  return {
      {"mean+1sd", mean + 1.0 * sd},
      {"mean+2sd", mean + 2.0 * sd},
      {"mean+3sd", mean + 3.0 * sd},
      {"p95", percentile(v, 95.0)},
      {"p99", percentile(v, 99.0)},
      {"max", *std::max_element(v.begin(), v.end())},
  };
}

const ThresholdPreset& find_preset(const std::vector<ThresholdPreset>& presets,
                                   std::string_view name) {
  std::string known;
  for (const auto& p : presets) {
    if (p.name == name) return p;
    known += (known.empty() ? "" : ", ") + p.name;
  }
  throw Error("no threshold preset named '" + std::string(name) + "' (there are: " +
              (known.empty() ? std::string("none") : known) + ")");
}

TunedThreshold tuned_threshold_accuracy(const Scores& scores, const Labels& labels) {
  return tune(
      scores, labels,
      [](const Confusion& a, const Confusion& b) { return a.tp + a.tn > b.tp + b.tn; },
      "tuned_threshold_accuracy");
}

TunedThreshold tuned_threshold_f1(const Scores& scores, const Labels& labels) {
  return tune(
      scores, labels,
      [](const Confusion& a, const Confusion& b) {
        return fraction_greater(2LL * a.tp, 2LL * a.tp + a.fp + a.fn, 2LL * b.tp,
                                2LL * b.tp + b.fp + b.fn);
      },
      "tuned_threshold_f1");
}

}  // namespace ecglens
