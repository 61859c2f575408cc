// Test helpers shared by the streaming tests: reading every batch of a
// reader into one Dataset, and comparing Datasets field by field.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>

#include "append_batch.h"
#include "ecglens/data/dataset.h"

namespace ecglens::test {

// Every batch of reader (anything with next(Dataset&, size_t)) in one
// Dataset; checks each batch's size and shape on the way.
template <class Reader>
Dataset read_all_batches(Reader& reader, std::size_t batch_size, std::size_t* batches = nullptr) {
  Dataset all;
  Dataset batch;
  std::size_t count = 0;
  while (reader.next(batch, batch_size)) {
    EXPECT_GE(batch.size(), 1u);
    EXPECT_LE(batch.size(), batch_size);
    EXPECT_TRUE(batch.labels.empty() || batch.labels.size() == batch.size());
    EXPECT_EQ(batch.lines.size(), batch.size());
    append_batch(all, batch);
    ++count;
  }
  EXPECT_EQ(batch.size(), 0u) << "the last call must leave an empty batch";
  if (batches != nullptr) *batches = count;
  return all;
}

inline void expect_same_dataset(const Dataset& a, const Dataset& b) {
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.length, b.length);
  EXPECT_EQ(a.channels, b.channels);
  EXPECT_EQ(a.label_column, b.label_column);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.lines, b.lines);
  EXPECT_TRUE(a.values == b.values) << "values differ";
}

}  // namespace ecglens::test
