#include "ecglens/data/labels.h"

#include <algorithm>

#include "ecglens/data/header_formats.h"
#include "ecglens/data/text_input.h"
#include "ecglens/util/error.h"

namespace ecglens {

using data_detail::trim;

bool same_label(std::string_view a, std::string_view b) noexcept {
  a = trim(a);
  b = trim(b);
  double x = 0.0;
  double y = 0.0;
  if (data_detail::parse_double(a, x) == data_detail::NumberStatus::Ok &&
      data_detail::parse_double(b, y) == data_detail::NumberStatus::Ok) {
    return x == y;
  }
  return a == b;
}

namespace {

bool listed(std::string_view label, const std::vector<std::string>& list) noexcept {
  return std::any_of(list.begin(), list.end(), [&](const std::string& l) { return same_label(label, l); });
}

void require_labels(const Dataset& data) {
  if (data.labels.empty()) throw Error(data.source + ": the data has no labels to map");
}

}  // namespace

LabelMap default_label_map(const Dataset& data) {
  require_labels(data);
  bool all_binary = true;
  bool any_zero = false;
  for (const std::string& label : data.labels) {
    const bool zero = same_label(label, "0");
    any_zero = any_zero || zero;
    if (!zero && !same_label(label, "1")) all_binary = false;
  }
  LabelMap map;
  map.normal.push_back(all_binary && any_zero ? "0" : "1");
  for (const std::string& label : data.labels) {
    const std::string_view text = trim(label);
    const bool normal_word = data_detail::iequals(text, "normal") || data_detail::iequals(text, "n");
    if (normal_word && !listed(text, map.normal)) map.normal.emplace_back(text);
  }
  return map;
}

std::vector<BeatClass> map_labels(const Dataset& data, const LabelMap& map) {
  require_labels(data);
  for (const std::string& label : map.normal) {
    if (listed(label, map.anomaly)) {
      throw Error(data.source + ": label '" + label + "' is listed as both normal and anomaly");
    }
  }
  std::vector<BeatClass> classes;
  classes.reserve(data.labels.size());
  for (std::size_t i = 0; i < data.labels.size(); ++i) {
    const std::string& label = data.labels[i];
    if (listed(label, map.normal)) {
      classes.push_back(BeatClass::Normal);
    } else if (map.anomaly.empty() || listed(label, map.anomaly)) {
      classes.push_back(BeatClass::Anomaly);
    } else {
      const long line = i < data.lines.size() ? data.lines[i] : 0;
      throw InputError(data.source, line, data.label_column,
                       "label " + data_detail::quote(label) + " is neither normal (" +
                           data_detail::declared_list(map.normal) + ") nor an anomaly (" +
                           data_detail::declared_list(map.anomaly) + ")");
    }
  }
  return classes;
}

}  // namespace ecglens
