// Loading ECG5000 in the protocol's merged order and drawing its splits.
#include "ecglens/train/ecg5000.h"

#include <filesystem>
#include <sstream>

#include "ecglens/train/random.h"
#include "ecglens/util/atomic_file.h"
#include "ecglens/util/error.h"

namespace ecglens::train {

namespace {
constexpr std::size_t kTrain = 1900, kValidation = 100;

void append(LabelledBeats& out, const std::string& path) {
  Dataset d = read_dataset(path);
  const auto classes = map_labels(d, default_label_map(d));
  if (out.data.values.empty()) {
    out.data.length = d.length;
    out.data.channels = d.channels;
    out.data.source = d.source;
  } else {
    if (d.length != out.data.length || d.channels != out.data.channels)
      throw Error(path + ": beats of " + std::to_string(d.length) + " samples, not " +
                  std::to_string(out.data.length) + " as in " + out.data.source);
    out.data.source += " + " + d.source;
  }
  out.data.values.insert(out.data.values.end(), d.values.begin(), d.values.end());
  out.data.lines.insert(out.data.lines.end(), d.lines.begin(), d.lines.end());
  out.classes.insert(out.classes.end(), classes.begin(), classes.end());
}
}  // namespace

LabelledBeats load_ecg5000(const std::string& dir) {
  LabelledBeats out;
  append(out, (std::filesystem::path(dir) / "ECG5000_TRAIN.txt").string());
  append(out, (std::filesystem::path(dir) / "ECG5000_TEST_binary.csv").string());
  return out;
}

Split make_split(const LabelledBeats& beats, const std::string& spec) {
  std::vector<std::size_t> normals;
  for (std::size_t i = 0; i < beats.classes.size(); ++i)
    if (beats.classes[i] == BeatClass::Normal) normals.push_back(i);
  if (normals.size() < kTrain + kValidation)
    throw Error(beats.data.source + ": " + std::to_string(normals.size()) +
                " normal beats; the protocol's split needs at least " +
                std::to_string(kTrain + kValidation));
  Split split;
  split.name = spec;
  if (spec.rfind("seeded:", 0) == 0) {
    const std::string digits = spec.substr(7);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
        digits.size() > 18)
      throw Error("split '" + spec + "': the seed must be a non-negative integer");
    Random random(std::stoull(digits));
    const auto order = shuffled_indices(normals.size(), random);
    std::vector<std::size_t> permuted(normals.size());
    for (std::size_t i = 0; i < order.size(); ++i) permuted[i] = normals[order[i]];
    normals = permuted;
  } else if (spec != "fixed") {
    throw Error("unknown split '" + spec + "' (known: fixed, seeded:S)");
  }
  split.train.assign(normals.begin(), normals.begin() + kTrain);
  split.validation.assign(normals.begin() + kTrain, normals.begin() + kTrain + kValidation);
  std::vector<bool> used(beats.classes.size(), false);
  for (auto i : split.train) used[i] = true;
  for (auto i : split.validation) used[i] = true;
  for (std::size_t i = 0; i < used.size(); ++i)
    if (!used[i]) split.test.push_back(i);
  return split;
}

std::vector<float> select_beats(const Dataset& data, const std::vector<std::size_t>& index) {
  const std::size_t per_beat = static_cast<std::size_t>(data.length) * data.channels;
  std::vector<float> out;
  out.reserve(index.size() * per_beat);
  for (auto i : index) out.insert(out.end(), data.beat(i), data.beat(i) + per_beat);
  return out;
}

void write_labelled_csv(const LabelledBeats& beats, const std::vector<std::size_t>& index,
                        const std::string& path) {
  std::ostringstream out;
  out.precision(9);
  const std::size_t per_beat = static_cast<std::size_t>(beats.data.length) * beats.data.channels;
  for (auto i : index) {
    out << (beats.classes[i] == BeatClass::Normal ? 0 : 1);
    const float* b = beats.data.beat(i);
    for (std::size_t k = 0; k < per_beat; ++k) out << ',' << b[k];
    out << '\n';
  }
  write_file_atomically(path, out.str(), "the beats CSV");
}

}  // namespace ecglens::train
