// ECG5000 as the evaluation protocol uses it (docs PROTOCOL.md): the
// archive's TRAIN split (ECG5000_TRAIN.txt, classes 1-5, class 1 normal)
// followed by its TEST split (ECG5000_TEST_binary.csv, 0 normal / 1 anomaly),
// 5,000 beats in that merged order, and the protocol's splits of it:
//   fixed:    the first 2,000 normal beats in merged order; the first 1,900
//             train, the next 100 validate; test = the other 919 normal
//             beats and every anomaly.
//   seeded:S: the same sizes, the normal beats taken in the order of a
//             permutation drawn from seed S (random.h's Fisher-Yates, so the
//             permutation is ecglens's own, reproducible from S).
#pragma once

#include <string>
#include <vector>

#include "ecglens/data/dataset.h"
#include "ecglens/data/labels.h"

namespace ecglens::train {

struct LabelledBeats {
  Dataset data;                     // merged beats; data.source names both files
  std::vector<BeatClass> classes;   // one per beat
};

// Reads both files from `dir` (InputError/Error naming the file on failure).
LabelledBeats load_ecg5000(const std::string& dir);

struct Split {
  std::string name;  // "fixed" or "seeded:S"
  std::vector<std::size_t> train, validation, test;  // indices into the merged beats
};

// "fixed" or "seeded:S" (S a non-negative integer); Error otherwise, or when
// there are fewer than 2,000 normal beats.
Split make_split(const LabelledBeats& beats, const std::string& spec);

// The beats at `index`, beat-major, as one contiguous buffer.
std::vector<float> select_beats(const Dataset& data, const std::vector<std::size_t>& index);

// Writes the beats at `index` as CSV, label first (0 normal, 1 anomaly), one
// beat per line, so `ecglens eval` can read a split back. Written
// atomically (ecglens/util/atomic_file.h).
void write_labelled_csv(const LabelledBeats& beats, const std::vector<std::size_t>& index,
                        const std::string& path);

}  // namespace ecglens::train
