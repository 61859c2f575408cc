// The weights file writer (FORMAT.md).
#include <algorithm>
#include <cstring>
#include <set>

#include "ecglens/io/weights_file.h"
#include "ecglens/io/weights_rules.h"
#include "ecglens/util/atomic_file.h"
#include "ecglens/util/error.h"

namespace ecglens {
namespace {

using ordered_json = nlohmann::ordered_json;
using namespace weights_rules;

// Little-endian, byte by byte, whatever the host's byte order.
void store_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xffu));
}

void store_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xffu));
}

// A float32 is stored as its IEEE-754 bit pattern, a little-endian uint32.
void store_f32(std::string& out, float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  store_u32(out, bits);
}

// Levels of nested objects and lists (a scalar is 0), counted only up to
// `limit` + 1 so that a deep value costs no more than needed.
std::size_t levels(const nlohmann::json& value, std::size_t limit) {
  if (!value.is_structured()) return 0;
  std::size_t deepest = 0;
  if (limit > 0) {
    for (const auto& child : value) deepest = std::max(deepest, levels(child, limit - 1));
  }
  return 1 + deepest;
}

// The writer applies the reader's rules to the typed tensors: unique
// non-empty names, a non-empty shape of positive dimensions whose product is
// the number of values held, and finite values.
void check_tensors_for_writing(const WeightsFile& file, const std::string& source) {
  std::set<std::string> names;
  for (const Tensor& t : file.tensors) {
    if (t.name.empty()) fail(source, "a tensor has an empty name");
    if (!names.insert(t.name).second) fail_tensor(source, t.name, "appears twice in the file");
    const std::uint64_t held = t.data.size();
    std::uint64_t numel = 1;
    bool fits = !t.shape.empty();
    for (const std::int64_t d : t.shape) {
      if (d <= 0) {
        fail_tensor(source, t.name,
                    "shape must be a non-empty list of positive integers, got " + shape_to_string(t.shape));
      }
      // Once the product passes the number of values held it cannot match;
      // stopping there keeps it from overflowing.
      if (fits && static_cast<std::uint64_t>(d) <= held / numel) {
        numel *= static_cast<std::uint64_t>(d);
      } else {
        fits = false;
      }
    }
    if (t.shape.empty()) {
      fail_tensor(source, t.name, "shape must be a non-empty list of positive integers, got []");
    }
    if (!fits || numel != held) {
      fail_tensor(
          source, t.name,
          "shape " + shape_to_string(t.shape) + " does not match its " + std::to_string(held) + " values");
    }
    check_finite(t, source);
  }
}

// serialize_weights with `source` naming the file in messages.
std::string serialize_as(const WeightsFile& file, const std::string& source) {
  check_metadata(file, source);
  check_tensors_for_writing(file, source);

  // The header, keys in the order FORMAT.md shows them.
  ordered_json header = ordered_json::object();
  header["architecture"] = ordered_json(file.architecture);
  header["normalization"] = ordered_json(file.normalization);
  header["loss"] = file.loss;
  if (!file.thresholds.empty()) {
    ordered_json values = ordered_json::object();
    for (const auto& [name, value] : file.thresholds.values) values[name] = value;
    header["thresholds"] = {{"default", file.thresholds.default_name}, {"values", std::move(values)}};
  }
  header["hyperparameters"] = ordered_json(file.hyperparameters);
  header["provenance"] = ordered_json(file.provenance);
  for (const auto& [key, value] : file.extra.items()) header[key] = ordered_json(value);
  ordered_json entries = ordered_json::array();
  std::uint64_t offset = 0;
  for (const Tensor& t : file.tensors) {
    entries.push_back({{"name", t.name}, {"shape", t.shape}, {"dtype", "f32"}, {"offset", offset}});
    offset += kFloatBytes * t.data.size();
  }
  const std::uint64_t data_bytes = offset;
  header["tensors"] = std::move(entries);

  const std::pair<const char*, const nlohmann::json*> free_form[] = {
      {"architecture", &file.architecture},
      {"normalization", &file.normalization},
      {"hyperparameters", &file.hyperparameters},
      {"provenance", &file.provenance},
      {"extra header keys", &file.extra}};
  for (const auto& [key, value] : free_form) {
    // The header object adds one level to each of its values.
    if (1 + levels(*value, kMaxJsonLevels) > kMaxJsonLevels) {
      fail(source, std::string("'") + key + "' nests deeper than the format allows (" +
                       std::to_string(kMaxJsonLevels) + " levels in the header)");
    }
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const nlohmann::json::exception& e) {  // a string that is not UTF-8
    // what() reads "[json.exception.type_error.316] invalid UTF-8 byte ...".
    const std::string reason = e.what();
    const auto tag_end = reason.find("] ");
    fail(source, "cannot write the header: " +
                     (tag_end == std::string::npos ? reason : reason.substr(tag_end + 2)));
  }

  // Preamble, header, zero padding to the data section, then the tensors.
  const std::uint64_t data_start = data_section_start(text.size());
  std::string out;
  out.reserve(static_cast<std::size_t>(data_start + data_bytes));
  out.append(kMagic, sizeof kMagic);
  store_u32(out, kWeightsFormatVersion);
  store_u32(out, 0);  // reserved
  store_u64(out, text.size());
  out += text;
  out.resize(static_cast<std::size_t>(data_start), '\0');
  for (const Tensor& t : file.tensors) {
    for (const float v : t.data) store_f32(out, v);
  }
  return out;
}

}  // namespace

std::string serialize_weights(const WeightsFile& file) { return serialize_as(file, file.source); }

void write_weights_atomic(const WeightsFile& file, const std::string& path) {
  // Messages name the file being written. Serialising first means a file
  // the reader would reject never reaches the disk.
  const std::string bytes = serialize_as(file, path);

  write_file_atomically(path, bytes, "the weights file");
}

}  // namespace ecglens
