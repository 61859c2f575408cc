#include "ecglens/eval/score_groups.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "ecglens/util/error.h"

namespace ecglens::detail {

std::vector<ScoreGroup> group_scores(const Scores& scores, const Labels& labels) {
  check_scores_labels(scores, labels);
  std::vector<std::pair<float, std::int8_t>> beats(scores.size());
  for (std::size_t i = 0; i < scores.size(); ++i) beats[i] = {scores[i], labels[i]};
  std::sort(beats.begin(), beats.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  std::vector<ScoreGroup> groups;
  for (const auto& [score, label] : beats) {
    // -0.0f and 0.0f compare equal and join one group, as they flag alike.
    if (groups.empty() || groups.back().score != static_cast<double>(score)) {
      groups.push_back({static_cast<double>(score), 0, 0});
    }
    (label == 1 ? groups.back().positives : groups.back().negatives) += 1;
  }
  return groups;
}

double cut_threshold(const std::vector<ScoreGroup>& groups, std::size_t k) {
  const std::size_t m = groups.size();
  if (m == 0 || k > m) {
    throw Error("cut_threshold: cut " + std::to_string(k) + " of " + std::to_string(m) +
                " score groups");
  }
  if (k == 0) return std::nextafter(groups[0].score, -std::numeric_limits<double>::infinity());
  if (k == m) return groups[m - 1].score;
  return (groups[k - 1].score + groups[k].score) / 2.0;
}

void require_both_classes(long positives, long negatives, const char* what) {
  if (positives == 0 || negatives == 0) {
    throw Error(std::string(what) + " needs at least one anomalous and one normal beat; got " +
                std::to_string(positives) + " anomalous and " + std::to_string(negatives) +
                " normal");
  }
}

}  // namespace ecglens::detail
