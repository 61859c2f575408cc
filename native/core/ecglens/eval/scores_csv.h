// The scores CSV: what `ecglens score` writes and what the browser app
// exports, the same text from both. A header, then one row per beat:
//
//   index,line,score[,flag][,label]
//
//   index  the beat's place in the input, counted from 0
//   line   the 1-based line of its source file where the beat stands
//   score  its loss, 9 significant digits (a float reads back exactly)
//   flag   1 when score > threshold, else 0; only when there is a threshold
//   label  its label as its file spells it; only when the input is labelled
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "ecglens/data/dataset.h"

namespace ecglens {

// The header line, newline included, for beats like `beats` (labelled or not).
std::string scores_csv_header(const Dataset& beats, const std::optional<double>& threshold);

// The rows of the first `count` beats of `beats`, whose scores are
// scores[0..count). Their index starts at `first_index`, so that a caller
// that reads and scores its input in batches numbers the whole input.
std::string scores_csv_rows(const Dataset& beats, const float* scores, std::size_t count,
                            const std::optional<double>& threshold, std::size_t first_index = 0);

}  // namespace ecglens
