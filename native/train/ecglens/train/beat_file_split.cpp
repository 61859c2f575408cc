// Normal beats of a user's file split into training and validation beats.
#include "ecglens/train/beat_file_split.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "ecglens/train/random.h"
#include "ecglens/util/error.h"

namespace ecglens::train {

std::vector<std::size_t> normal_indices(const std::vector<BeatClass>& classes, std::size_t count) {
  std::vector<std::size_t> normals;
  for (std::size_t i = 0; i < count; ++i)
    if (classes.empty() || classes[i] == BeatClass::Normal) normals.push_back(i);
  return normals;
}

BeatFileSplit all_normals(const std::vector<BeatClass>& classes, std::size_t count) {
  BeatFileSplit s;
  s.train = normal_indices(classes, count);
  s.anomalies_left_out = count - s.train.size();
  return s;
}

BeatFileSplit hold_out_normals(const std::vector<BeatClass>& classes, std::size_t count,
                               double fraction, std::uint64_t seed) {
  if (!(fraction > 0 && fraction < 1))
    throw Error("the validation fraction must be between 0 and 1 (exclusive), not " +
                std::to_string(fraction));
  const std::vector<std::size_t> normals = normal_indices(classes, count);
  if (normals.size() < 2)
    throw Error(std::to_string(normals.size()) +
                " normal beat(s): at least 2 are needed to hold some out for validation");
  const std::size_t held = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::llround(fraction * static_cast<double>(normals.size()))), 1,
      normals.size() - 1);
  Random random(seed);
  const std::vector<std::size_t> order = shuffled_indices(normals.size(), random);
  BeatFileSplit s;
  s.anomalies_left_out = count - normals.size();
  for (std::size_t k = 0; k < held; ++k) s.validation.push_back(normals[order[k]]);
  for (std::size_t k = held; k < order.size(); ++k) s.train.push_back(normals[order[k]]);
  std::sort(s.validation.begin(), s.validation.end());
  std::sort(s.train.begin(), s.train.end());
  return s;
}

}  // namespace ecglens::train
