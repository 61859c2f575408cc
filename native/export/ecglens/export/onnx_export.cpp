// The ONNX graphs of every model kind (README.md beside this folder gives
// the layout of each) and the writing of the file.
//
// Recurrent parts run time-major, [T, batch, features], the layout ONNX's
// LSTM and GRU operators take by default (ONNX Runtime does not run their
// batch-major layout); the graph transposes the input and the output.
#include "ecglens/export/onnx_export.h"

#include "ecglens/export/onnx_graph.h"
#include "ecglens/model/model.h"
#include "ecglens/util/atomic_file.h"
#include "ecglens/util/error.h"

namespace ecglens {
namespace {

using onnx_graph::GraphBuilder;
using Shape = std::vector<std::int64_t>;

// Rows of a [gates*H, cols] gate-stacked tensor, blocks re-ordered: block k
// of the result is block order[k] of `t`.
std::vector<float> reorder_gates(const Tensor& t, const std::vector<int>& order, int hidden) {
  const std::int64_t block = static_cast<std::int64_t>(hidden) * (t.numel() / t.shape[0]);
  std::vector<float> out;
  out.reserve(t.data.size());
  for (const int k : order)
    out.insert(out.end(), t.data.begin() + k * block, t.data.begin() + (k + 1) * block);
  return out;
}

// A recurrent layer's weights in ONNX's layout. PyTorch (and the core)
// stack the LSTM gates as i, f, g, o and the GRU gates as r, z, n; ONNX
// wants i, o, f, c and z, r, h. B is [W_b, R_b] concatenated.
struct RecurrentWeights {
  std::string w, r, b;
  int hidden = 0;
};

RecurrentWeights recurrent_weights(GraphBuilder& g, const WeightsFile& weights,
                                   const std::string& prefix, CellType cell) {
  const Tensor& wih = weights.tensor(prefix + "weight_ih");
  const Tensor& whh = weights.tensor(prefix + "weight_hh");
  const Tensor& bih = weights.tensor(prefix + "bias_ih");
  const Tensor& bhh = weights.tensor(prefix + "bias_hh");
  const int gates = cell == CellType::Lstm ? 4 : 3;
  const std::vector<int> order = cell == CellType::Lstm ? std::vector<int>{0, 3, 1, 2}
                                                        : std::vector<int>{1, 0, 2};
  RecurrentWeights rw;
  rw.hidden = static_cast<int>(whh.shape[1]);
  const std::int64_t rows = static_cast<std::int64_t>(gates) * rw.hidden;
  rw.w = g.floats(prefix + "W", {1, rows, wih.shape[1]}, reorder_gates(wih, order, rw.hidden));
  rw.r = g.floats(prefix + "R", {1, rows, rw.hidden}, reorder_gates(whh, order, rw.hidden));
  std::vector<float> bias = reorder_gates(bih, order, rw.hidden);
  const std::vector<float> rb = reorder_gates(bhh, order, rw.hidden);
  bias.insert(bias.end(), rb.begin(), rb.end());
  rw.b = g.floats(prefix + "B", {1, 2 * rows}, bias);
  return rw;
}

// One recurrent layer over a time-major sequence x [T, batch, I]: y is the
// output sequence [T, batch, H]; h and c its final states [1, batch, H]
// (c empty for GRU). init_h / init_c empty: zero initial state.
struct LayerOutput {
  std::string y, h, c;
};

LayerOutput run_layer(GraphBuilder& g, const RecurrentWeights& rw, CellType cell,
                      const std::string& x, const std::string& init_h = "",
                      const std::string& init_c = "", bool want_sequence = true) {
  std::vector<std::string> inputs{x, rw.w, rw.r, rw.b};
  if (!init_h.empty()) {
    inputs.push_back("");  // sequence_lens: every sequence is full length
    inputs.push_back(init_h);
    if (cell == CellType::Lstm) inputs.push_back(init_c);
  }
  LayerOutput out;
  if (cell == CellType::Lstm) {
    const auto o = g.node("LSTM", inputs, "lstm", 3, {{"hidden_size", rw.hidden}});
    out = {o[0], o[1], o[2]};
  } else {
    const auto o = g.node("GRU", inputs, "gru", 2,
                          {{"hidden_size", rw.hidden}, {"linear_before_reset", 1}});
    out = {o[0], o[1], ""};
  }
  // Y is [T, num_directions = 1, batch, H].
  if (want_sequence) out.y = g.op("Squeeze", {out.y, g.int64s("axes", {1})}, "seq");
  return out;
}

// A stack `prefix.L.` over x [T, batch, I]; residual layers add x (or
// residual_proj x) to their output. Returns every layer's output.
std::vector<LayerOutput> run_stack(GraphBuilder& g, const WeightsFile& weights,
                                   const std::string& prefix, CellType cell, int depth,
                                   bool residual, std::string x) {
  std::vector<LayerOutput> layers;
  for (int l = 0; l < depth; ++l) {
    const std::string p = prefix + "." + std::to_string(l) + ".";
    LayerOutput o = run_layer(g, recurrent_weights(g, weights, p, cell), cell, x);
    if (residual) {
      std::string skip = x;
      if (const Tensor* proj = weights.find_tensor(p + "residual_proj")) {
        // y = h + P x with P [H, I]: x [T, batch, I] times P^T [I, H].
        const std::int64_t h = proj->shape[0], in = proj->shape[1];
        std::vector<float> transposed(proj->data.size());
        for (std::int64_t i = 0; i < h; ++i)
          for (std::int64_t j = 0; j < in; ++j) transposed[j * h + i] = proj->data[i * in + j];
        skip = g.op("MatMul", {x, g.floats(p + "residual_proj_T", {in, h}, transposed)}, "proj");
      }
      o.y = g.op("Add", {o.y, skip}, "residual");
    }
    x = o.y;
    layers.push_back(o);
  }
  return layers;
}

// Dense `prefix` as ONNX initializers: W^T [in, out] and b [out].
struct DenseWeights {
  std::string w_t, b;
};

DenseWeights dense_weights(GraphBuilder& g, const WeightsFile& weights, const std::string& prefix) {
  const Tensor& w = weights.tensor(prefix + ".weight");
  const Tensor& b = weights.tensor(prefix + ".bias");
  const std::int64_t out = w.shape[0], in = w.shape[1];
  std::vector<float> transposed(w.data.size());
  for (std::int64_t i = 0; i < out; ++i)
    for (std::int64_t j = 0; j < in; ++j) transposed[j * out + i] = w.data[i * in + j];
  return {g.floats(prefix + ".weight_T", {in, out}, transposed), g.floats(prefix + ".bias", {out}, b.data)};
}

// x W^T + b on x [..., in], any leading dimensions.
std::string dense(GraphBuilder& g, const DenseWeights& d, const std::string& x) {
  return g.op("Add", {g.op("MatMul", {x, d.w_t}, "matmul"), d.b}, "dense");
}

std::string to_time_major(GraphBuilder& g, const std::string& beats) {
  return g.op("Transpose", {beats}, "time_major", {{"perm", Shape{1, 0, 2}}});
}

// lstm_ae, residual_lstm_ae, sparse_lstm_ae, srl_ae, lstm_vae.
std::string repeated_latent(GraphBuilder& g, const WeightsFile& weights, const Architecture& a,
                            int steps, const std::string& beats) {
  const auto encoder = run_stack(g, weights, "encoder", a.cell, static_cast<int>(a.encoder_hidden.size()),
                                 a.residual_encoder, to_time_major(g, beats));
  // The last step of the encoder's output sequence: [batch, Z].
  std::string z = g.op("Gather", {encoder.back().y, g.int64_scalar("last_step", steps - 1)}, "latent",
                       {{"axis", 0}});
  if (a.kind == ModelKind::LstmVae) z = dense(g, dense_weights(g, weights, "mu"), z);  // scores with z = mu
  // [batch, Z] -> [1, batch, Z] -> [T, batch, Z].
  const std::string one = g.op("Unsqueeze", {z, g.int64s("axes", {0})}, "latent_step");
  const std::string repeated = g.op("Expand", {one, g.int64s("repeat", {steps, 1, 1})}, "repeated");
  const auto decoder = run_stack(g, weights, "decoder", a.cell, static_cast<int>(a.decoder_hidden.size()),
                                 a.residual_decoder, repeated);
  const std::string y = dense(g, dense_weights(g, weights, "output"), decoder.back().y);  // [T, batch, C]
  return g.op("Transpose", {y}, "batch_major", {{"perm", Shape{1, 0, 2}}});
}

// recae: the decoder starts from the encoder's final states and runs
// backwards in time, fed its own previous output; unrolled over the steps.
std::string reverse_feedback(GraphBuilder& g, const WeightsFile& weights, const Architecture& a,
                             int steps, const std::string& beats) {
  const int depth = static_cast<int>(a.hidden.size());
  const auto encoder = run_stack(g, weights, "encoder", a.cell, depth, false, to_time_major(g, beats));
  std::vector<RecurrentWeights> decoder;
  std::vector<std::string> h, c;
  for (int l = 0; l < depth; ++l) {
    decoder.push_back(recurrent_weights(g, weights, "decoder." + std::to_string(l) + ".", a.cell));
    h.push_back(encoder[l].h);
    c.push_back(encoder[l].c);
  }
  // x'_T = output(h_T); then one step of every layer per earlier time step.
  // A state [1, batch, H] doubles as a one-step sequence for the next layer.
  const DenseWeights output = dense_weights(g, weights, "output");
  std::vector<std::string> predictions(steps);  // [1, batch, C] each
  for (int t = steps - 1; t >= 0; --t) {
    if (t < steps - 1) {
      std::string x = predictions[t + 1];
      for (int l = 0; l < depth; ++l) {
        const LayerOutput o = run_layer(g, decoder[l], a.cell, x, h[l], c[l], false);
        h[l] = o.h;
        c[l] = o.c;
        x = o.h;
      }
    }
    predictions[t] = dense(g, output, h[depth - 1]);
  }
  const std::string y = steps == 1 ? predictions[0]
                                   : g.node("Concat", predictions, "sequence", 1, {{"axis", 0}})[0];
  return g.op("Transpose", {y}, "batch_major", {{"perm", Shape{1, 0, 2}}});
}

// mlp_ae: the flattened beat (t*C + c) through Gemm layers.
std::string dense_stack(GraphBuilder& g, const WeightsFile& weights, const Architecture& a,
                        const std::string& beats) {
  const std::int64_t flat = static_cast<std::int64_t>(a.seq_len) * a.input_dim;
  std::string x = g.op("Reshape", {beats, g.int64s("flat", {-1, flat})}, "flat");
  const int layers = static_cast<int>(a.hidden.size());
  for (int part = 0; part < 2; ++part) {
    for (int l = 0; l < layers; ++l) {
      const std::string p = (part == 0 ? "encoder." : "decoder.") + std::to_string(l);
      const Tensor& w = weights.tensor(p + ".weight");
      x = g.op("Gemm", {x, g.floats(p + ".weight", w.shape, w.data),
                        g.floats(p + ".bias", weights.tensor(p + ".bias").shape,
                                 weights.tensor(p + ".bias").data)},
               "gemm", {{"transB", 1}});
      if (!(part == 1 && l == layers - 1)) x = g.op("Relu", {x}, "relu");
    }
  }
  return g.op("Reshape", {x, g.int64s("beat_shape", {-1, a.seq_len, a.input_dim})}, "unflat");
}

// conv1d_ae: channels-first [batch, C, T] through Conv / ConvTranspose.
std::string conv_stack(GraphBuilder& g, const WeightsFile& weights, const Architecture& a,
                       const std::string& beats) {
  const std::int64_t k = a.kernel, pad = a.kernel / 2, s = a.stride;
  auto conv = [&](const std::string& op, const std::string& prefix, const std::string& x,
                  std::int64_t stride, bool transposed) {
    const Tensor& w = weights.tensor(prefix + ".weight");
    const Tensor& b = weights.tensor(prefix + ".bias");
    std::vector<onnx_graph::Attribute> attrs{
        {"kernel_shape", Shape{k}}, {"pads", Shape{pad, pad}}, {"strides", Shape{stride}}};
    if (transposed) attrs.push_back({"output_padding", Shape{stride - 1}});
    return g.op(op, {x, g.floats(prefix + ".weight", w.shape, w.data), g.floats(prefix + ".bias", b.shape, b.data)},
                "conv", attrs);
  };
  std::string x = g.op("Transpose", {beats}, "channels_first", {{"perm", Shape{0, 2, 1}}});
  const int layers = static_cast<int>(a.channels.size());
  for (int l = 0; l < layers; ++l)
    x = g.op("Relu", {conv("Conv", "encoder." + std::to_string(l), x, s, false)}, "relu");
  for (int l = 0; l < layers; ++l)
    x = g.op("Relu", {conv("ConvTranspose", "decoder." + std::to_string(l), x, s, true)}, "relu");
  x = conv("Conv", "output", x, 1, false);
  return g.op("Transpose", {x}, "channels_last", {{"perm", Shape{0, 2, 1}}});
}

void add_metadata(onnx::ModelProto& model, const std::string& key, const std::string& value) {
  auto* p = model.add_metadata_props();
  p->set_key(key);
  p->set_value(value);
}

}  // namespace

std::string onnx_model_bytes(const WeightsFile& weights, const OnnxExportOptions& options) {
  const Model checked(weights);  // validates the architecture and every tensor
  const Architecture& a = checked.architecture();
  const int steps = options.seq_len == 0 ? a.seq_len : options.seq_len;
  checked.check_length(steps);

  onnx::ModelProto model;
  model.set_ir_version(8);  // ONNX 1.10-1.12; ONNX Runtime reads it
  model.set_producer_name("ecglens");
  model.set_doc_string(std::string("ecglens ") + to_string(a.kind) +
                       ": reconstruction of per-beat normalised beats (normalisation '" +
                       weights.per_beat() + "' is applied outside this graph)");
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  add_metadata(model, "ecglens.kind", to_string(a.kind));
  add_metadata(model, "ecglens.architecture", a.to_json().dump());
  add_metadata(model, "ecglens.normalization", weights.per_beat());
  add_metadata(model, "ecglens.loss", weights.loss);

  onnx::GraphProto* graph = model.mutable_graph();
  graph->set_name(std::string("ecglens_") + to_string(a.kind));
  GraphBuilder g(graph);
  const Shape dims{steps, a.input_dim};
  g.input("beats", dims);
  std::string y;
  switch (a.kind) {
    case ModelKind::RecAe: y = reverse_feedback(g, weights, a, steps, "beats"); break;
    case ModelKind::MlpAe: y = dense_stack(g, weights, a, "beats"); break;
    case ModelKind::Conv1dAe: y = conv_stack(g, weights, a, "beats"); break;
    default: y = repeated_latent(g, weights, a, steps, "beats"); break;
  }
  g.rename(y, "reconstruction");
  g.output("reconstruction", dims);

  std::string bytes;
  if (!model.SerializeToString(&bytes))
    throw Error(weights.source + ": the ONNX model could not be serialised (over 2 GiB?)");
  return bytes;
}

void export_onnx(const WeightsFile& weights, const std::string& path, const OnnxExportOptions& options) {
  const std::string bytes = onnx_model_bytes(weights, options);

  write_file_atomically(path, bytes, "the ONNX file");
}

}  // namespace ecglens
