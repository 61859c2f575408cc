// Writing a model as ONNX, so that ONNX Runtime (native or Web) runs the
// same reconstruction as the core (README.md beside this folder).
//
//   ecglens::export_onnx(ecglens::read_weights("model.ecgw"), "model.onnx");
//
// The graph takes "beats" [batch, seq_len, input_dim] float32 and returns
// "reconstruction" of the same shape: exactly Model::reconstruct, for every
// model kind. The per-beat normalisation of the weights file is NOT in the
// graph: callers normalise beats first, as the core's Scorer does (the file
// records it in the metadata key "ecglens.normalization").
#pragma once

#include <string>

#include "ecglens/io/weights_file.h"

namespace ecglens {

// ONNX operator set of the graphs written here (ONNX Runtime 1.30 runs it).
inline constexpr int kOnnxOpset = 17;

struct OnnxExportOptions {
  // Time steps of the exported input; 0 means the architecture's seq_len.
  // Recurrent kinds accept any length >= 1 (the graph is fixed to the one
  // chosen: recae's decoder is unrolled over it); mlp_ae and conv1d_ae
  // accept only their seq_len.
  int seq_len = 0;
};

// The serialised ONNX model (ModelProto bytes). Validates the weights as
// Model does (WeightsError naming the file and tensor) and the length
// (ecglens::Error).
std::string onnx_model_bytes(const WeightsFile& weights, const OnnxExportOptions& options = {});

// Writes onnx_model_bytes() to `path` atomically (ecglens/util/atomic_file.h):
// on failure `path` is left as it was and an ecglens::Error names it and the
// reason.
void export_onnx(const WeightsFile& weights, const std::string& path,
                 const OnnxExportOptions& options = {});

}  // namespace ecglens
