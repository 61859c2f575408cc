// Options that several subcommands share: how to read the beats, how to map
// labels, and which threshold to use.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "ecglens/data/beat_reader.h"
#include "ecglens/data/dataset.h"
#include "ecglens/data/labels.h"
#include "ecglens/io/weights_file.h"

namespace ecglens::cli {

struct InputOptions {
  std::string path;
  std::string format = "auto";  // auto, csv, tsv, txt, arff, ts
  std::string label = "auto";   // auto, first, last, none
  std::string header = "auto";  // auto, yes, no
  bool resample = false;
  std::vector<std::string> normal_labels;
  std::vector<std::string> anomaly_labels;

  void add_to(CLI::App& app, const char* what);
  // The same options without -i/--input, for commands that name their files
  // otherwise (train's --train and --validation).
  void add_read_options(CLI::App& app);
  ReadOptions read_options() const;
  // The label map: the given labels, else the data set's default.
  LabelMap label_map(const Dataset& data) const;
};

// Makes every beat `length` samples long, resampling when allowed; otherwise
// a length mismatch is an InputError naming the file and the first beat's line.
Dataset fit_length(Dataset data, int length, bool resample);

// A threshold given as a preset name ("p99", "mean+2sd", ...) or a number.
struct ThresholdChoice {
  std::string name;  // the preset name, or the number as typed
  double value = 0;
};

// Resolves `spec` (empty: the file's default preset) against the presets.
// Returns nothing when no threshold is known, so the caller can say what to do.
std::optional<ThresholdChoice> resolve_threshold(const std::string& spec,
                                                 const Thresholds& presets);

// Writes `json`, indented, to PATH, or to stdout when PATH is "-"; throws
// ecglens::Error naming PATH when it cannot be written.
void write_json(const nlohmann::json& json, const std::string& path);

}  // namespace ecglens::cli
