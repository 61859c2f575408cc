// Training on a user's own file of beats: which beats train and which
// validate. Only normal beats are used; beats whose label maps to anomaly
// are left out (and counted, so the CLI can say how many). Validation is
// either another file's normal beats or a seeded held-out fraction of the
// training file's normal beats, kept in file order.
//
//   auto s = ecglens::train::hold_out_normals(classes, beats.size(), 0.05, seed);
//   // s.train, s.validation: indices into the file's beats
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ecglens/data/labels.h"

namespace ecglens::train {

struct BeatFileSplit {
  std::vector<std::size_t> train, validation;  // indices into the beats, ascending
  std::size_t anomalies_left_out = 0;
};

// Indices of the normal beats among `count` beats; `classes` empty means
// the file has no labels and every beat is taken as normal.
std::vector<std::size_t> normal_indices(const std::vector<BeatClass>& classes, std::size_t count);

// All normal beats train; none validate (validation comes from another file).
BeatFileSplit all_normals(const std::vector<BeatClass>& classes, std::size_t count);

// round(fraction * normals) normal beats (at least 1) drawn by a Fisher-Yates
// shuffle seeded with `seed` validate; the rest train. ecglens::Error when
// fraction is not in (0, 1) or fewer than 2 normal beats are left.
BeatFileSplit hold_out_normals(const std::vector<BeatClass>& classes, std::size_t count,
                               double fraction, std::uint64_t seed);

}  // namespace ecglens::train
