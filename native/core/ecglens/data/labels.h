// Mapping the labels a file carries to normal / anomaly.
//
// Two conventions meet in ECG data: binary files mark anomalies with 1 and
// normal beats with 0; the UCR archive's ECG5000 numbers its classes 1..5
// with class 1 the normal beat. default_label_map() picks between them from
// the labels present; LabelMap states any other mapping explicitly.
//
// Labels match (same_label) after trimming spaces: as numbers when both
// sides read as numbers ("1" matches "1.0" and "1.0000000e+00", the way the
// UCR .txt files write classes), else as exact, case-sensitive text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ecglens/data/dataset.h"

namespace ecglens {

enum class BeatClass : std::int8_t { Normal = 0, Anomaly = 1 };

struct LabelMap {
  std::vector<std::string> normal;
  // Empty: every label that is not normal is an anomaly. Otherwise a label
  // in neither list is an error.
  std::vector<std::string> anomaly;
};

// The mapping the labels of `data` suggest:
// - every label is 0 or 1 and at least one is 0: normal {"0"} (binary
//   convention; a file of only 1s is read as UCR class 1, i.e. normal);
// - otherwise normal {"1"} (UCR convention);
// - in both cases, labels present that read "normal" or "N" in any case are
//   normal too (text-labelled files such as MIT-BIH's N/V/A).
// The anomaly list is left empty. Throws ecglens::Error naming the source
// when the data has no labels.
LabelMap default_label_map(const Dataset& data);

// The class of every beat of `data`. Throws InputError at the beat's line
// and label column for a label in neither list (when the anomaly list is not
// empty), and ecglens::Error when the data has no labels or a label is listed
// as both normal and anomaly.
std::vector<BeatClass> map_labels(const Dataset& data, const LabelMap& map);

// Whether two labels are the same under the rule above.
bool same_label(std::string_view a, std::string_view b) noexcept;

}  // namespace ecglens
