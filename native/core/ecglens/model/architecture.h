// What a model is: its kind and sizes, read from and written to the
// "architecture" object of a weights file (see ARCHITECTURES.md), and the
// tensors each architecture needs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ecglens/io/weights_file.h"
#include "ecglens/layers/recurrent.h"

namespace ecglens {

enum class ModelKind { LstmAe, ResidualLstmAe, SparseLstmAe, SrlAe, RecAe, LstmVae, MlpAe, Conv1dAe };

// "lstm_ae", "residual_lstm_ae", ...; anything else throws ecglens::Error.
ModelKind parse_model_kind(std::string_view name);
const char* to_string(ModelKind kind);

struct Architecture {
  ModelKind kind = ModelKind::LstmAe;
  int input_dim = 1;
  int seq_len = 140;
  CellType cell = CellType::Lstm;
  // lstm_ae family and lstm_vae
  std::vector<int> encoder_hidden;
  std::vector<int> decoder_hidden;
  bool residual_encoder = false;
  bool residual_decoder = false;
  int latent_dim = 0;  // lstm_vae
  // recae (recurrent sizes) and mlp_ae (dense sizes)
  std::vector<int> hidden;
  // conv1d_ae
  std::vector<int> channels;
  int kernel = 0;
  int stride = 0;

  // True for the kinds that accept any sequence length.
  bool recurrent() const;
  // Size of the latent vector the model reports for one beat.
  int latent_size() const;

  // Parses and validates; errors are WeightsError("SOURCE", "", "architecture: ...").
  static Architecture from_json(const nlohmann::json& json, const std::string& source);
  nlohmann::json to_json() const;

  // The tensors this architecture needs, names and shapes as ARCHITECTURES.md
  // gives them, in a stable order.
  std::vector<TensorSpec> tensors() const;
};

}  // namespace ecglens
