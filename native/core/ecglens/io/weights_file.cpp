// The weights file reader (FORMAT.md), the shared checks and the lookups.
#include "ecglens/io/weights_file.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "ecglens/io/weights_rules.h"
#include "ecglens/util/error.h"

namespace ecglens {
namespace {

using ordered_json = nlohmann::ordered_json;
using namespace weights_rules;

// Little-endian integers assembled byte by byte, so the result does not
// depend on the host's byte order or on alignment.
std::uint32_t load_u32(const unsigned char* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}

std::uint64_t load_u64(const unsigned char* p) {
  return std::uint64_t{load_u32(p)} | std::uint64_t{load_u32(p + 4)} << 32;
}

// A float32 is its IEEE-754 bit pattern stored as a little-endian uint32.
float load_f32(const unsigned char* p) {
  const std::uint32_t bits = load_u32(p);
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// Bytes as they can be shown in a message: printable ASCII kept, others \xNN.
std::string printable(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\\') {
      out += c;
    } else {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

// A JSON value as a message shows it, shortened when long. Bytes that are
// not UTF-8 (possible only in values built in code) print as U+FFFD.
template <class Json>
std::string brief(const Json& value) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

// nlohmann's what() without its "[json.exception.parse_error.101] " tag.
std::string json_reason(const std::exception& e) {
  std::string text = e.what();
  if (text.rfind("[json.exception.", 0) == 0) {
    const auto close = text.find("] ");
    if (close != std::string::npos) text.erase(0, close + 2);
  }
  return text;
}

std::string range_text(std::uint64_t begin, std::uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + ")";
}

void expect_type(bool ok, const std::string& source, const std::string& what, const char* wanted,
                 const ordered_json& got) {
  if (!ok) {
    fail(source,
         what + " must be " + wanted + ", got " + got.type_name() + (got.is_null() ? "" : " " + brief(got)));
  }
}

// Thrown by the parser callback; turned into a WeightsError by the caller.
struct HeaderRejected {
  std::string message;
};

// Parses the header, refusing duplicate keys in any object (JSON leaves
// their meaning open) and nesting deeper than kMaxJsonLevels. The callback's
// depth is the number of containers around the one starting (0 for the header
// object itself).
ordered_json parse_header(std::string_view text, const std::string& source) {
  std::vector<std::set<std::string>> open_objects;
  const ordered_json::parser_callback_t guard =
      [&open_objects](int depth, nlohmann::json::parse_event_t event, ordered_json& parsed) {
        using Event = nlohmann::json::parse_event_t;
        if ((event == Event::object_start || event == Event::array_start) &&
            depth >= static_cast<int>(kMaxJsonLevels)) {
          throw HeaderRejected{"header nests deeper than " + std::to_string(kMaxJsonLevels) + " levels"};
        }
        if (event == Event::object_start) open_objects.emplace_back();
        if (event == Event::object_end) open_objects.pop_back();
        if (event == Event::key && !open_objects.back().insert(parsed.get<std::string>()).second) {
          throw HeaderRejected{"header has the key '" + parsed.get<std::string>() + "' twice in one object"};
        }
        return true;
      };
  try {
    return ordered_json::parse(text.data(), text.data() + text.size(), guard);
  } catch (const HeaderRejected& e) {
    fail(source, e.message);
  } catch (const ordered_json::parse_error& e) {
    // e.byte counts the characters read, so the offending one is e.byte - 1
    // from the header's start.
    const std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
    fail(source, "header is not valid JSON (header byte " + std::to_string(at) + ", file offset " +
                     std::to_string(kPreambleSize + at) + "): " + json_reason(e));
  } catch (const ordered_json::exception& e) {
    fail(source, "header is not valid JSON: " + json_reason(e));
  }
}

Thresholds read_thresholds(const ordered_json& value, const std::string& source) {
  expect_type(value.is_object(), source, "'thresholds'", "an object", value);
  Thresholds out;
  for (const auto& [key, item] : value.items()) {
    if (key != "default" && key != "values") fail(source, "'thresholds' has an unknown key '" + key + "'");
  }
  if (!value.contains("values")) fail(source, "'thresholds' has no 'values'");
  if (!value.contains("default")) fail(source, "'thresholds' has no 'default'");
  const ordered_json& values = value.at("values");
  expect_type(values.is_object(), source, "'thresholds.values'", "an object", values);
  for (const auto& [name, number] : values.items()) {
    expect_type(number.is_number(), source, "threshold '" + name + "'", "a number", number);
    out.values.emplace_back(name, number.get<double>());
  }
  const ordered_json& default_name = value.at("default");
  expect_type(default_name.is_string(), source, "'thresholds.default'", "a string", default_name);
  out.default_name = default_name.get<std::string>();
  return out;
}

// One tensor entry of the header, checked on its own; `data_bytes` is the
// size of the data section, which bounds every shape and offset.
struct Entry {
  std::string name;
  std::vector<std::int64_t> shape;
  std::uint64_t offset = 0;
  std::uint64_t bytes = 0;
};

Entry read_entry(const ordered_json& value, std::size_t index, std::uint64_t data_bytes,
                 const std::string& source) {
  const std::string where = "tensor entry " + std::to_string(index);
  expect_type(value.is_object(), source, where, "an object", value);
  for (const char* key : {"name", "shape", "dtype", "offset"}) {
    if (!value.contains(key)) fail(source, where + " has no '" + key + "'");
  }
  const ordered_json& name = value.at("name");
  expect_type(name.is_string(), source, where + " 'name'", "a string", name);
  Entry entry;
  entry.name = name.get<std::string>();
  if (entry.name.empty()) fail(source, where + " has an empty name");
  for (const auto& [key, item] : value.items()) {
    if (key != "name" && key != "shape" && key != "dtype" && key != "offset") {
      fail_tensor(source, entry.name, "unknown key '" + key + "' in its entry");
    }
  }

  const ordered_json& dtype = value.at("dtype");
  if (!dtype.is_string() || dtype.get<std::string>() != "f32") {
    fail_tensor(source, entry.name, "dtype " + brief(dtype) + " is not supported (only \"f32\")");
  }

  // Every dimension is a positive integer, and the product must fit in the
  // data section. Bounding the running product by data_bytes / 4 before each
  // multiplication keeps it far from int64 overflow whatever the header says.
  const ordered_json& shape = value.at("shape");
  const std::string bad_shape = "shape must be a non-empty list of positive integers, got " + brief(shape);
  if (!shape.is_array() || shape.empty()) fail_tensor(source, entry.name, bad_shape);
  const std::uint64_t max_values = data_bytes / kFloatBytes;
  std::uint64_t numel = 1;
  bool too_big = false;
  for (const auto& dim : shape) {
    // nlohmann parses non-negative integers as unsigned, negative ones as
    // signed and anything with a fraction or exponent as float.
    if (!dim.is_number_unsigned() || dim.get<std::uint64_t>() == 0)
      fail_tensor(source, entry.name, bad_shape);
    const std::uint64_t d = dim.get<std::uint64_t>();
    if (too_big || d > max_values / numel) {
      too_big = true;  // keep going: a later dimension may still be invalid
      continue;
    }
    numel *= d;
    entry.shape.push_back(static_cast<std::int64_t>(d));
  }
  if (too_big) {
    fail_tensor(source, entry.name,
                "shape " + brief(shape) + " holds more values than the data section (" +
                    std::to_string(data_bytes) + " bytes)");
  }
  entry.bytes = numel * kFloatBytes;

  const ordered_json& offset = value.at("offset");
  if (!offset.is_number_unsigned()) {  // nlohmann keeps non-negative integers unsigned
    fail_tensor(source, entry.name, "offset must be a non-negative integer, got " + brief(offset));
  }
  entry.offset = offset.get<std::uint64_t>();
  if (entry.offset % kFloatBytes != 0) {
    fail_tensor(source, entry.name, "offset " + std::to_string(entry.offset) + " is not a multiple of 4");
  }
  if (entry.offset > data_bytes || entry.bytes > data_bytes - entry.offset) {
    fail_tensor(source, entry.name,
                "its " + std::to_string(entry.bytes) + " bytes at offset " + std::to_string(entry.offset) +
                    " run past the end of the data section (" + std::to_string(data_bytes) + " bytes)");
  }
  return entry;
}

// The tensors must tile the data section: sorted by offset, each starts
// exactly where the previous one ended, the first at 0, the last at the end.
void check_tiling(const std::vector<Entry>& entries, std::uint64_t data_bytes, const std::string& source) {
  std::vector<const Entry*> sorted;
  for (const Entry& e : entries) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Entry* a, const Entry* b) { return a->offset < b->offset; });
  std::uint64_t cursor = 0;
  const Entry* previous = nullptr;
  for (const Entry* e : sorted) {
    if (e->offset < cursor) {
      fail_tensor(source, e->name,
                  "bytes " + range_text(e->offset, e->offset + e->bytes) + " overlap tensor '" +
                      previous->name + "' (bytes " + range_text(previous->offset, cursor) +
                      " of the data section)");
    }
    if (e->offset > cursor) {
      fail(source, "bytes " + range_text(cursor, e->offset) +
                       " of the data section belong to no tensor (a gap before tensor '" + e->name + "')");
    }
    cursor = e->offset + e->bytes;
    previous = e;
  }
  if (cursor != data_bytes) {
    const std::uint64_t extra = data_bytes - cursor;
    fail(source,
         std::to_string(extra) + (extra == 1 ? " byte" : " bytes") + " after the last tensor" +
             (previous ? " ('" + previous->name + "' ends at data offset " + std::to_string(cursor) + ")"
                       : std::string(" (the file lists no tensors)")) +
             "; the data section has " + std::to_string(data_bytes) + " bytes");
  }
}

}  // namespace

// --- Shared checks (weights_rules.h) -----------------------------------------

namespace weights_rules {

bool is_format_key(const std::string& key) {
  static const char* const keys[] = {"architecture",    "normalization", "loss",   "thresholds",
                                     "hyperparameters", "provenance",    "tensors"};
  return std::find(std::begin(keys), std::end(keys), key) != std::end(keys);
}

void check_metadata(const WeightsFile& file, const std::string& source) {
  const auto& arch = file.architecture;
  if (!arch.is_object())
    fail(source, std::string("'architecture' must be an object, got ") + arch.type_name());
  if (!arch.contains("kind")) fail(source, "'architecture' has no 'kind'");
  if (!arch.at("kind").is_string() || arch.at("kind").get<std::string>().empty()) {
    fail(source, "'architecture.kind' must be a non-empty string, got " + brief(arch.at("kind")));
  }

  const auto& norm = file.normalization;
  if (!norm.is_object())
    fail(source, std::string("'normalization' must be an object, got ") + norm.type_name());
  for (const auto& [key, value] : norm.items()) {
    if (key != "per_beat") fail(source, "'normalization' has an unknown key '" + key + "'");
    const bool known = value.is_string() && (value == "none" || value == "zscore" || value == "minmax");
    if (!known)
      fail(source, "'normalization.per_beat' " + brief(value) + " is not one of none, zscore, minmax");
  }

  if (file.loss != "mse" && file.loss != "mae" && file.loss != "sae") {
    fail(source, "loss '" + file.loss + "' is not one of mse, mae, sae");
  }

  const Thresholds& t = file.thresholds;
  std::set<std::string> names;
  for (const auto& [name, value] : t.values) {
    if (name.empty()) fail(source, "a threshold has an empty name");
    if (!names.insert(name).second) fail(source, "threshold '" + name + "' appears twice");
    if (!std::isfinite(value)) {
      std::ostringstream text;
      text << value;
      fail(source, "threshold '" + name + "' is not finite (" + text.str() + ")");
    }
  }
  if (!t.values.empty() || !t.default_name.empty()) {
    if (names.count(t.default_name) == 0) {
      std::string listed;
      for (const auto& entry : t.values) listed += (listed.empty() ? "" : ", ") + entry.first;
      fail(source, "default threshold '" + t.default_name + "' is not one of the values (" + listed + ")");
    }
  }

  if (!file.hyperparameters.is_object()) fail(source, "'hyperparameters' must be an object");
  if (!file.provenance.is_object()) fail(source, "'provenance' must be an object");
  if (!file.extra.is_object()) fail(source, "the extra header keys must form an object");
  for (const auto& [key, value] : file.extra.items()) {
    if (is_format_key(key)) fail(source, "extra header key '" + key + "' is one the format defines");
  }
}

void check_finite(const Tensor& tensor, const std::string& source) {
  for (std::size_t i = 0; i < tensor.data.size(); ++i) {
    const float v = tensor.data[i];
    if (std::isfinite(v)) continue;
    const std::string text = std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
    fail_tensor(source, tensor.name, "non-finite value " + text + " at index " + std::to_string(i));
  }
}

}  // namespace weights_rules

// --- Lookups -----------------------------------------------------------------

std::int64_t Tensor::numel() const {
  std::int64_t n = 1;
  for (const std::int64_t d : shape) n *= d;
  return n;
}

std::optional<double> Thresholds::find(std::string_view name) const {
  for (const auto& [key, value] : values) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::optional<double> Thresholds::default_value() const { return find(default_name); }

std::string WeightsFile::kind() const {
  if (!architecture.is_object()) return "";
  const auto it = architecture.find("kind");
  return it != architecture.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string WeightsFile::per_beat() const {
  if (!normalization.is_object()) return "none";
  const auto it = normalization.find("per_beat");
  return it != normalization.end() && it->is_string() ? it->get<std::string>() : "none";
}

const Tensor* WeightsFile::find_tensor(std::string_view name) const {
  for (const Tensor& t : tensors) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const Tensor& WeightsFile::tensor(std::string_view name) const {
  const Tensor* t = find_tensor(name);
  if (t == nullptr) throw WeightsError(source, std::string(name), "missing tensor");
  return *t;
}

std::string shape_to_string(const std::vector<std::int64_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

// --- Reading -----------------------------------------------------------------

WeightsFile parse_weights(std::string_view bytes, const std::string& source) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t size = bytes.size();

  // Preamble.
  const std::string_view magic = bytes.substr(0, sizeof kMagic);
  if (magic != std::string_view(kMagic, magic.size())) {
    fail(source,
         "not an ecglens weights file: it starts with '" + printable(magic) + "', expected 'ECGLENSW'");
  }
  if (size < kPreambleSize) {
    fail(source, "file is truncated: " + std::to_string(size) +
                     " bytes, shorter than the 24-byte preamble (magic, version, reserved, header length)");
  }
  const std::uint32_t version = load_u32(p + 8);
  if (version > kWeightsFormatVersion) {
    fail(source, "format version " + std::to_string(version) + " is newer than this reader supports (" +
                     std::to_string(kWeightsFormatVersion) + ")");
  }
  if (version != kWeightsFormatVersion) {
    fail(source, "format version " + std::to_string(version) + " is not one this reader knows (it reads " +
                     std::to_string(kWeightsFormatVersion) + ")");
  }
  const std::uint32_t reserved = load_u32(p + 12);
  if (reserved != 0) fail(source, "reserved field is " + std::to_string(reserved) + ", must be 0");

  // Header and padding. The length is checked against the bytes present
  // before anything is sized by it.
  const std::uint64_t header_length = load_u64(p + 16);
  if (header_length > size - kPreambleSize) {
    fail(source, "header length " + std::to_string(header_length) + " runs past the end of the file (" +
                     std::to_string(size - kPreambleSize) + " bytes follow the preamble)");
  }
  const std::uint64_t data_start = data_section_start(header_length);
  if (data_start > size) {
    fail(source, "file ends inside the padding after the header: the data section would start at byte " +
                     std::to_string(data_start) + ", the file has " + std::to_string(size) + " bytes");
  }
  for (std::uint64_t i = kPreambleSize + header_length; i < data_start; ++i) {
    if (p[i] != 0) fail(source, "padding byte at offset " + std::to_string(i) + " is not zero");
  }
  const std::uint64_t data_bytes = size - data_start;

  const ordered_json header = parse_header(bytes.substr(kPreambleSize, header_length), source);
  if (!header.is_object())
    fail(source, std::string("header is not a JSON object (it is ") + header.type_name() + ")");

  WeightsFile out;
  out.source = source;
  if (!header.contains("architecture")) fail(source, "header has no 'architecture'");
  if (!header.contains("tensors")) fail(source, "header has no 'tensors'");
  for (const auto& [key, value] : header.items()) {
    if (key == "architecture") {
      out.architecture = nlohmann::json(value);
    } else if (key == "normalization") {
      out.normalization = nlohmann::json(value);
    } else if (key == "loss") {
      expect_type(value.is_string(), source, "'loss'", "a string", value);
      out.loss = value.get<std::string>();
    } else if (key == "thresholds") {
      out.thresholds = read_thresholds(value, source);
    } else if (key == "hyperparameters") {
      expect_type(value.is_object(), source, "'hyperparameters'", "an object", value);
      out.hyperparameters = nlohmann::json(value);
    } else if (key == "provenance") {
      expect_type(value.is_object(), source, "'provenance'", "an object", value);
      out.provenance = nlohmann::json(value);
    } else if (key != "tensors") {
      out.extra[key] = nlohmann::json(value);
    }
  }
  check_metadata(out, source);

  // Tensor entries: each checked alone, then together against the data section.
  const ordered_json& list = header.at("tensors");
  expect_type(list.is_array(), source, "'tensors'", "a list", list);
  std::vector<Entry> entries;
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    entries.push_back(read_entry(list[i], i, data_bytes, source));
    if (!names.insert(entries.back().name).second) {
      fail_tensor(source, entries.back().name, "appears twice in the header");
    }
  }
  check_tiling(entries, data_bytes, source);

  // Values.
  out.tensors.reserve(entries.size());
  for (const Entry& e : entries) {
    Tensor t;
    t.name = e.name;
    t.shape = e.shape;
    t.data.resize(static_cast<std::size_t>(e.bytes / kFloatBytes));
    const unsigned char* src = p + data_start + e.offset;
    for (std::size_t i = 0; i < t.data.size(); ++i) t.data[i] = load_f32(src + kFloatBytes * i);
    check_finite(t, source);
    out.tensors.push_back(std::move(t));
  }
  return out;
}

WeightsFile read_weights(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error(path + ": cannot read a weights file: it is a folder");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the weights file (" + std::strerror(errno) + ")");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad() || bytes.bad()) throw Error(path + ": cannot read the weights file");
  return parse_weights(bytes.str(), path);
}

// --- Checking against an architecture ---------------------------------------

void check_tensors(const WeightsFile& file, const std::vector<TensorSpec>& expected) {
  const std::string kind = file.kind();
  const std::string architecture = kind.empty() ? "the architecture" : "architecture " + kind;
  std::set<std::string_view> wanted;
  for (const TensorSpec& spec : expected) {
    wanted.insert(spec.name);
    const Tensor* t = file.find_tensor(spec.name);
    if (t == nullptr) {
      throw WeightsError(
          file.source, spec.name,
          "missing tensor (" + architecture + " needs it with shape " + shape_to_string(spec.shape) + ")");
    }
    if (t->shape != spec.shape) {
      throw WeightsError(
          file.source, spec.name,
          "expected shape " + shape_to_string(spec.shape) + ", got " + shape_to_string(t->shape));
    }
  }
  for (const Tensor& t : file.tensors) {
    if (wanted.count(t.name) == 0) {
      throw WeightsError(file.source, t.name, "unexpected tensor (not used by " + architecture + ")");
    }
  }
}

}  // namespace ecglens
