// Reading a file of beats in batches, for files larger than memory.
//
//   ecglens::BeatReader reader("huge.csv");
//   ecglens::Dataset batch;
//   while (reader.next(batch, 1024)) { ... batch.size() beats ... }
//
// CSV, TSV and UCR .txt files are streamed: the reader holds one chunk of
// the file (1 MiB) plus the current line, never the whole file. ARFF and .ts
// files are read whole on the first next() and then handed out in batches.
// Format detection, validation and messages are those of read_dataset()
// (the same row parser): concatenating the batches gives what read_dataset()
// returns, and a malformed row throws the same InputError when its batch is
// read.
#pragma once

#include <cstddef>
#include <istream>
#include <memory>
#include <string>

#include "ecglens/data/dataset.h"

namespace ecglens {

class BeatReader {
 public:
  // Opens path; throws ecglens::Error naming it when it cannot be opened.
  explicit BeatReader(const std::string& path, const ReadOptions& options = {});
  // Reads an already open stream; source_name is used in messages and, with
  // Format::Auto, for its extension.
  BeatReader(std::unique_ptr<std::istream> input, std::string source_name,
             const ReadOptions& options = {});
  ~BeatReader();
  BeatReader(BeatReader&&) noexcept;
  BeatReader& operator=(BeatReader&&) noexcept;

  // Replaces batch's beats (values, labels, lines) with the next 1..max_beats
  // beats and sets its source, length, channels and label_column. Returns
  // false, with an empty batch, when no beats are left. Throws InputError for
  // malformed content ("no beats" for an input without any); after a throw
  // the reader must not be used again. max_beats must be positive.
  bool next(Dataset& batch, std::size_t max_beats);

  // The format in use (never Format::Auto).
  Format format() const noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace ecglens
