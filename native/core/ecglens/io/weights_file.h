// Reading and writing the ecglens weights file (`.ecgw`, FORMAT.md beside
// this header): a trained model's architecture, normalisation, loss,
// threshold presets, hyper-parameters, provenance and float32 tensors.
//
// Usage:
//   ecglens::WeightsFile w = ecglens::read_weights("model.ecgw");
//   ecglens::check_tensors(w, specs_for(w.architecture));   // model/ says which
//   const ecglens::Tensor& wih = w.tensor("encoder.0.weight_ih");
//
// Loading from a byte buffer (parse_weights) is the primary entry point, so
// the browser app can load a dropped file without a file system; read_weights
// is a thin wrapper. Every problem, from a wrong magic to a NaN in a tensor,
// is an ecglens::WeightsError whose message names the file and, when one is
// at fault, the tensor. Nothing here aborts or allocates according to a
// length field before checking it against the bytes actually present.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecglens {

// The format version this code reads and writes.
inline constexpr std::uint32_t kWeightsFormatVersion = 1;

// One named float32 tensor, row-major (PyTorch's layout and name).
struct Tensor {
  std::string name;
  std::vector<std::int64_t> shape;
  std::vector<float> data;  // numel() values, row-major

  // Product of the shape's dimensions.
  std::int64_t numel() const;
};

// A tensor that an architecture needs: its name and exact shape.
struct TensorSpec {
  std::string name;
  std::vector<std::int64_t> shape;
};

// The named score thresholds chosen on validation normals, in file order,
// and the name of the default one. Both are empty when the file has none.
struct Thresholds {
  std::string default_name;
  std::vector<std::pair<std::string, double>> values;

  bool empty() const { return values.empty(); }
  // The value named `name`, or nothing.
  std::optional<double> find(std::string_view name) const;
  // The value named default_name, or nothing when there are no presets.
  std::optional<double> default_value() const;
};

// Everything a weights file holds. The defaults are the format's defaults,
// so a file built in code needs only architecture and tensors.
struct WeightsFile {
  // Where the file came from, used in every error message about it.
  std::string source = "<memory>";

  // See model/ARCHITECTURES.md; always an object with a string "kind".
  nlohmann::json architecture = nlohmann::json::object();
  // {"per_beat": "none" | "zscore" | "minmax"}.
  nlohmann::json normalization = {{"per_beat", "none"}};
  // The per-beat score: "mse", "mae" or "sae".
  std::string loss = "mse";
  Thresholds thresholds;
  // Free-form objects, kept as they are.
  nlohmann::json hyperparameters = nlohmann::json::object();
  nlohmann::json provenance = nlohmann::json::object();
  // Top-level header keys this version does not know, kept and written back.
  nlohmann::json extra = nlohmann::json::object();

  // In file order.
  std::vector<Tensor> tensors;

  // architecture["kind"], or "" when it has none (a file built in code).
  std::string kind() const;
  // normalization["per_beat"], "none" when absent.
  std::string per_beat() const;

  // The tensor called `name`; WeightsError naming it when there is none.
  const Tensor& tensor(std::string_view name) const;
  // The tensor called `name`, or nullptr.
  const Tensor* find_tensor(std::string_view name) const;
};

// Parses a whole weights file held in memory. `source_name` names the file
// in error messages. Checks everything FORMAT.md lists: magic, version,
// reserved field, header length, padding, the header's JSON and every key's
// type and value, each tensor entry (name, dtype, shape, offset), that the
// tensors tile the data section exactly, and that every value is finite.
WeightsFile parse_weights(std::string_view bytes, const std::string& source_name);

// Reads and parses the file at `path` (an Error naming the path when it is
// missing or unreadable).
WeightsFile read_weights(const std::string& path);

// Checks that `file` holds exactly the tensors `expected` lists, each with
// its expected shape: a missing tensor, a shape mismatch or a tensor the
// architecture does not use is a WeightsError naming that tensor. Expected
// tensors are checked in the order given, then the extras in file order.
void check_tensors(const WeightsFile& file, const std::vector<TensorSpec>& expected);

// The bytes of `file` in format version 1: tensors laid out in order with no
// gaps, offsets computed here. Applies the reader's checks first (a writer
// never produces a file the reader rejects): WeightsError naming `file.source`.
std::string serialize_weights(const WeightsFile& file);

// Writes `file` to `path` atomically (ecglens/util/atomic_file.h): on any
// failure `path` is left as it was, no temporary file remains, and an Error
// names the path and the reason.
void write_weights_atomic(const WeightsFile& file, const std::string& path);

// "[256, 64]": a shape as messages print it.
std::string shape_to_string(const std::vector<std::int64_t>& shape);

}  // namespace ecglens
