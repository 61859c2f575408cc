// Gathering a streaming reader's batches into one Dataset, for the tests and
// the fuzz target that compare the streaming path with the whole-file one.
// No test framework here: the fuzz build has none.
#pragma once

#include "ecglens/data/dataset.h"

namespace ecglens::test {

// Appends batch's beats to all (taking its shape).
inline void append_batch(Dataset& all, const Dataset& batch) {
  all.source = batch.source;
  all.length = batch.length;
  all.channels = batch.channels;
  all.label_column = batch.label_column;
  all.values.insert(all.values.end(), batch.values.begin(), batch.values.end());
  all.labels.insert(all.labels.end(), batch.labels.begin(), batch.labels.end());
  all.lines.insert(all.lines.end(), batch.lines.begin(), batch.lines.end());
}

}  // namespace ecglens::test
