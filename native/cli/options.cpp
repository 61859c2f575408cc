#include "options.h"

#include <charconv>
#include <fstream>
#include <iostream>

#include "ecglens/data/resample.h"
#include "ecglens/util/error.h"

namespace ecglens::cli {

void InputOptions::add_to(CLI::App& app, const char* what) {
  app.add_option("-i,--input", path, what)->required()->check(CLI::ExistingFile);
  add_read_options(app);
}

void InputOptions::add_read_options(CLI::App& app) {
  app.add_option("--format", format, "File format")
      ->check(CLI::IsMember({"auto", "csv", "tsv", "txt", "arff", "ts"}))
      ->capture_default_str();
  app.add_option("--label", label, "Where the label column is")
      ->check(CLI::IsMember({"auto", "first", "last", "none"}))
      ->capture_default_str();
  app.add_option("--header", header, "Whether a CSV starts with a header row")
      ->check(CLI::IsMember({"auto", "yes", "no"}))
      ->capture_default_str();
  app.add_flag("--resample", resample,
               "Resample beats of another length to the model's length (linear)");
  app.add_option("--normal-label", normal_labels,
                 "Label(s) of normal beats (default: 0 for 0/1 labels, else 1)");
  app.add_option("--anomaly-label", anomaly_labels,
                 "Label(s) of anomalies (default: every label that is not normal; "
                 "when given, any other label is an error)");
}

ReadOptions InputOptions::read_options() const {
  ReadOptions o;
  o.format = parse_format(format);
  o.label = parse_label_column(label);
  o.header = header == "auto" ? -1 : header == "yes" ? 1 : 0;
  return o;
}

LabelMap InputOptions::label_map(const Dataset& data) const {
  if (normal_labels.empty() && anomaly_labels.empty()) return default_label_map(data);
  LabelMap map;
  map.normal = normal_labels.empty() ? default_label_map(data).normal : normal_labels;
  map.anomaly = anomaly_labels;
  return map;
}

Dataset fit_length(Dataset data, int length, bool resample_beats) {
  if (data.size() == 0 || data.length == length) return data;
  if (!resample_beats)
    throw InputError(data.source, data.lines.empty() ? 0 : data.lines[0], 0,
                     "beats have " + std::to_string(data.length) +
                         " samples but the model was trained on " + std::to_string(length) +
                         " (pass --resample to resample them)");
  return resample(data, length);
}

std::optional<ThresholdChoice> resolve_threshold(const std::string& spec,
                                                 const Thresholds& presets) {
  if (spec.empty()) {
    if (auto v = presets.default_value()) return ThresholdChoice{presets.default_name, *v};
    return std::nullopt;
  }
  if (auto v = presets.find(spec)) return ThresholdChoice{spec, *v};
  double value = 0;
  const char* end = spec.data() + spec.size();
  auto [ptr, ec] = std::from_chars(spec.data(), end, value);
  if (ec == std::errc() && ptr == end && std::isfinite(value)) return ThresholdChoice{spec, value};
  std::string known;
  for (const auto& [name, v] : presets.values) known += (known.empty() ? "" : ", ") + name;
  throw Error("threshold '" + spec + "' is neither a number nor a preset of this model" +
              (known.empty() ? std::string(" (it has none)") : " (presets: " + known + ")"));
}

void write_json(const nlohmann::json& json, const std::string& path) {
  if (path == "-") {
    std::cout << json.dump(2) << "\n";
    return;
  }
  std::ofstream f(path);
  if (!(f << json.dump(2) << "\n")) throw Error(path + ": cannot write");
}

}  // namespace ecglens::cli
