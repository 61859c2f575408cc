// Internal to ecglens/eval: beats grouped by distinct score, the shared
// starting point of the AUCs, the curves and the threshold search.
#pragma once

#include <cstddef>
#include <vector>

#include "ecglens/eval/metrics.h"

namespace ecglens::detail {

// All beats with one distinct score, and how many of them are anomalies
// (positives) and normal (negatives).
struct ScoreGroup {
  double score;
  long positives;
  long negatives;
};

// Checks the inputs (check_scores_labels) and returns the groups in order of
// increasing score. O(n log n).
std::vector<ScoreGroup> group_scores(const Scores& scores, const Labels& labels);

// The threshold of cut k, k in [0, groups.size()]: under "score > threshold"
// it flags groups k, k+1, ... and nothing below them. Cut 0 flags every beat
// (the largest double below the lowest score), cut m = groups.size() flags
// none (the highest score), and cut k in between is the midpoint of groups
// k-1 and k. The midpoint of two distinct floats computed in double lies
// strictly between them: their sum rounds monotonically into [2a, 2b] and
// cannot reach either end, as distinct floats differ by far more than a
// double's rounding step.
double cut_threshold(const std::vector<ScoreGroup>& groups, std::size_t k);

// Throws ecglens::Error("<what> needs at least one ...") unless both classes
// are present.
void require_both_classes(long positives, long negatives, const char* what);

}  // namespace ecglens::detail
