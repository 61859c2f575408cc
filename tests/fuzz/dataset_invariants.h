// What every reader's fuzz target asks of a Dataset it was given: the
// invariants dataset.h promises, checked by aborting (libFuzzer reports an
// abort as a crash and keeps the input that caused it).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ecglens/data/dataset.h"
#include "ecglens/util/error.h"

namespace ecglens::fuzz {

// Aborts unless the Dataset's parts agree with each other: at least one
// beat, one source line per beat in increasing order, length * channels
// values per beat, all finite, and a label per beat or none at all.
inline void check_consistent(const Dataset& d) {
  const std::size_t beats = d.lines.size();
  if (beats == 0 || d.length <= 0 || d.channels <= 0) std::abort();
  if (d.values.size() != beats * static_cast<std::size_t>(d.length) * static_cast<std::size_t>(d.channels)) std::abort();
  if (d.size() != beats) std::abort();
  if (!d.labels.empty() && d.labels.size() != beats) std::abort();
  for (std::size_t i = 1; i < beats; ++i) {
    if (d.lines[i] <= d.lines[i - 1]) std::abort();
  }
  for (float v : d.values) {
    if (!std::isfinite(v)) std::abort();
  }
}

// Any input must either parse into a consistent Dataset or be refused with
// an ecglens::Error. Another exception escapes to libFuzzer, which reports
// it as the bug it is.
inline void parse_and_check(std::string_view bytes, const std::string& name, const ReadOptions& options) {
  try {
    check_consistent(parse_dataset(bytes, name, options));
  } catch (const Error&) {
    // refused with a message: the expected outcome for most inputs
  }
}

}  // namespace ecglens::fuzz
