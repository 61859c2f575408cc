#include "ecglens/model/architecture.h"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include "ecglens/util/error.h"

namespace ecglens {
namespace {

constexpr std::array<std::pair<ModelKind, const char*>, 8> kKindNames{{
    {ModelKind::LstmAe, "lstm_ae"},
    {ModelKind::ResidualLstmAe, "residual_lstm_ae"},
    {ModelKind::SparseLstmAe, "sparse_lstm_ae"},
    {ModelKind::SrlAe, "srl_ae"},
    {ModelKind::RecAe, "recae"},
    {ModelKind::LstmVae, "lstm_vae"},
    {ModelKind::MlpAe, "mlp_ae"},
    {ModelKind::Conv1dAe, "conv1d_ae"},
}};

// Limits that keep a hostile file from asking for absurd allocations.
constexpr int kMaxWidth = 1 << 14;
constexpr int kMaxLength = 1 << 20;
constexpr int kMaxDepth = 64;

bool is_lstm_family(ModelKind k) {
  return k == ModelKind::LstmAe || k == ModelKind::ResidualLstmAe ||
         k == ModelKind::SparseLstmAe || k == ModelKind::SrlAe;
}

// Reads the fields of one architecture object, remembering which were used
// so that unknown (misspelt) fields can be reported.
class FieldReader {
 public:
  FieldReader(const nlohmann::json& json, const std::string& source)
      : json_(json), source_(source) {
    if (!json.is_object()) fail("must be a JSON object");
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw WeightsError(source_, "", "architecture: " + message);
  }

  bool has(const char* key) const { return json_.contains(key); }

  int integer(const char* key, int lo, int hi) {
    used_.insert(key);
    if (!json_.contains(key)) fail(std::string("missing field '") + key + "'");
    return checked_int(json_.at(key), key, lo, hi);
  }

  int integer_or(const char* key, int fallback, int lo, int hi) {
    return has(key) ? integer(key, lo, hi) : fallback;
  }

  bool boolean_or(const char* key, bool fallback) {
    used_.insert(key);
    if (!json_.contains(key)) return fallback;
    if (!json_.at(key).is_boolean()) fail(std::string("field '") + key + "' must be true or false");
    return json_.at(key).get<bool>();
  }

  std::string string_or(const char* key, const std::string& fallback) {
    used_.insert(key);
    if (!json_.contains(key)) return fallback;
    if (!json_.at(key).is_string()) fail(std::string("field '") + key + "' must be a string");
    return json_.at(key).get<std::string>();
  }

  std::vector<int> sizes(const char* key) {
    used_.insert(key);
    if (!json_.contains(key)) fail(std::string("missing field '") + key + "'");
    const auto& list = json_.at(key);
    if (!list.is_array() || list.empty() || list.size() > kMaxDepth)
      fail(std::string("field '") + key + "' must be a list of 1 to " +
           std::to_string(kMaxDepth) + " sizes");
    std::vector<int> out;
    for (const auto& v : list) out.push_back(checked_int(v, key, 1, kMaxWidth));
    return out;
  }

  void reject_unknown() const {
    for (const auto& item : json_.items())
      if (!used_.count(item.key())) fail("unknown field '" + item.key() + "'");
  }

 private:
  int checked_int(const nlohmann::json& v, const char* key, int lo, int hi) const {
    if (!v.is_number_integer())
      fail(std::string("field '") + key + "' must be an integer");
    const auto x = v.get<int64_t>();
    if (x < lo || x > hi)
      fail(std::string("field '") + key + "' = " + std::to_string(x) + " is outside [" +
           std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return static_cast<int>(x);
  }

  const nlohmann::json& json_;
  const std::string& source_;
  std::set<std::string> used_;
};

void add_recurrent(std::vector<TensorSpec>& out, const std::string& prefix, CellType cell,
                   int input, const std::vector<int>& hidden, bool residual) {
  const int64_t g = gate_count(cell);
  int in = input;
  for (size_t l = 0; l < hidden.size(); ++l) {
    const std::string p = prefix + "." + std::to_string(l) + ".";
    const int64_t h = hidden[l];
    out.push_back({p + "weight_ih", {g * h, in}});
    out.push_back({p + "weight_hh", {g * h, h}});
    out.push_back({p + "bias_ih", {g * h}});
    out.push_back({p + "bias_hh", {g * h}});
    if (residual && in != h) out.push_back({p + "residual_proj", {h, in}});
    in = hidden[l];
  }
}

void add_dense(std::vector<TensorSpec>& out, const std::string& prefix, int64_t in, int64_t o) {
  out.push_back({prefix + ".weight", {o, in}});
  out.push_back({prefix + ".bias", {o}});
}

}  // namespace

ModelKind parse_model_kind(std::string_view name) {
  for (const auto& [kind, text] : kKindNames)
    if (name == text) return kind;
  std::string known;
  for (const auto& entry : kKindNames) known += (known.empty() ? "" : ", ") + std::string(entry.second);
  throw Error("unknown model kind '" + std::string(name) + "' (known: " + known + ")");
}

const char* to_string(ModelKind kind) {
  for (const auto& [k, text] : kKindNames)
    if (k == kind) return text;
  return "?";
}

bool Architecture::recurrent() const {
  return kind != ModelKind::MlpAe && kind != ModelKind::Conv1dAe;
}

int Architecture::latent_size() const {
  switch (kind) {
    case ModelKind::LstmVae: return latent_dim;
    case ModelKind::RecAe: return hidden.back();
    case ModelKind::MlpAe: return hidden.back();
    case ModelKind::Conv1dAe: {
      int length = seq_len;
      for (size_t i = 0; i < channels.size(); ++i) length = (length + 2 * (kernel / 2) - kernel) / stride + 1;
      return length * channels.back();
    }
    default: return encoder_hidden.back();
  }
}

Architecture Architecture::from_json(const nlohmann::json& json, const std::string& source) {
  FieldReader f(json, source);
  Architecture a;
  try {
    a.kind = parse_model_kind(f.string_or("kind", ""));
    a.cell = parse_cell_type(f.string_or("cell", "lstm"));
  } catch (const WeightsError&) {
    throw;
  } catch (const Error& e) {
    f.fail(e.what());
  }
  a.input_dim = f.integer("input_dim", 1, kMaxWidth);
  a.seq_len = f.integer("seq_len", 1, kMaxLength);
  if (is_lstm_family(a.kind) || a.kind == ModelKind::LstmVae) {
    a.encoder_hidden = f.sizes("encoder_hidden");
    a.decoder_hidden = f.sizes("decoder_hidden");
    a.residual_encoder = f.boolean_or("residual_encoder", false);
    a.residual_decoder = f.boolean_or("residual_decoder", false);
    if (a.kind == ModelKind::LstmVae) a.latent_dim = f.integer("latent_dim", 1, kMaxWidth);
  } else if (a.kind == ModelKind::RecAe || a.kind == ModelKind::MlpAe) {
    a.hidden = f.sizes("hidden");
  } else {
    a.channels = f.sizes("channels");
    a.kernel = f.integer("kernel", 1, 63);
    a.stride = f.integer("stride", 1, 8);
    if (a.kernel % 2 == 0) f.fail("field 'kernel' must be odd");
    int length = a.seq_len;
    for (size_t i = 0; i < a.channels.size(); ++i) {
      length = (length + 2 * (a.kernel / 2) - a.kernel) / a.stride + 1;
      if (length < 1) f.fail("seq_len " + std::to_string(a.seq_len) + " is too short for the encoder");
    }
    for (size_t i = 0; i < a.channels.size(); ++i)
      length = (length - 1) * a.stride - 2 * (a.kernel / 2) + a.kernel + a.stride - 1;
    if (length != a.seq_len)
      f.fail("the decoder gives back " + std::to_string(length) + " steps, not seq_len " +
             std::to_string(a.seq_len) + " (make seq_len divisible by stride^layers)");
  }
  if (a.kind == ModelKind::MlpAe && int64_t(a.seq_len) * a.input_dim > kMaxWidth * 16)
    f.fail("seq_len * input_dim is too large for mlp_ae");
  f.reject_unknown();
  return a;
}

nlohmann::json Architecture::to_json() const {
  nlohmann::json j;
  j["kind"] = to_string(kind);
  j["input_dim"] = input_dim;
  j["seq_len"] = seq_len;
  if (is_lstm_family(kind) || kind == ModelKind::LstmVae) {
    j["cell"] = ecglens::to_string(cell);
    j["encoder_hidden"] = encoder_hidden;
    j["decoder_hidden"] = decoder_hidden;
    j["residual_encoder"] = residual_encoder;
    j["residual_decoder"] = residual_decoder;
    if (kind == ModelKind::LstmVae) j["latent_dim"] = latent_dim;
  } else if (kind == ModelKind::RecAe) {
    j["cell"] = ecglens::to_string(cell);
    j["hidden"] = hidden;
  } else if (kind == ModelKind::MlpAe) {
    j["hidden"] = hidden;
  } else {
    j["channels"] = channels;
    j["kernel"] = kernel;
    j["stride"] = stride;
  }
  return j;
}

std::vector<TensorSpec> Architecture::tensors() const {
  std::vector<TensorSpec> out;
  switch (kind) {
    case ModelKind::RecAe:
      add_recurrent(out, "encoder", cell, input_dim, hidden, false);
      add_recurrent(out, "decoder", cell, input_dim, hidden, false);
      add_dense(out, "output", hidden.back(), input_dim);
      break;
    case ModelKind::MlpAe: {
      const int flat = seq_len * input_dim;
      int in = flat;
      for (size_t l = 0; l < hidden.size(); ++l) {
        add_dense(out, "encoder." + std::to_string(l), in, hidden[l]);
        in = hidden[l];
      }
      for (size_t l = 0; l < hidden.size(); ++l) {
        const int o = l + 1 < hidden.size() ? hidden[hidden.size() - 2 - l] : flat;
        add_dense(out, "decoder." + std::to_string(l), in, o);
        in = o;
      }
      break;
    }
    case ModelKind::Conv1dAe: {
      int64_t in = input_dim;
      for (size_t l = 0; l < channels.size(); ++l) {
        out.push_back({"encoder." + std::to_string(l) + ".weight", {channels[l], in, kernel}});
        out.push_back({"encoder." + std::to_string(l) + ".bias", {channels[l]}});
        in = channels[l];
      }
      for (size_t l = 0; l < channels.size(); ++l) {
        const int64_t o = channels[channels.size() - 1 - l];
        out.push_back({"decoder." + std::to_string(l) + ".weight", {in, o, kernel}});
        out.push_back({"decoder." + std::to_string(l) + ".bias", {o}});
        in = o;
      }
      out.push_back({"output.weight", {input_dim, in, kernel}});
      out.push_back({"output.bias", {input_dim}});
      break;
    }
    default: {
      add_recurrent(out, "encoder", cell, input_dim, encoder_hidden, residual_encoder);
      int z = encoder_hidden.back();
      if (kind == ModelKind::LstmVae) {
        add_dense(out, "mu", z, latent_dim);
        add_dense(out, "logvar", z, latent_dim);
        z = latent_dim;
      }
      add_recurrent(out, "decoder", cell, z, decoder_hidden, residual_decoder);
      add_dense(out, "output", decoder_hidden.back(), input_dim);
    }
  }
  return out;
}

}  // namespace ecglens
