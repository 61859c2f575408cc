// The training loop, checkpoints and the trained model file (trainer.h).
#include "ecglens/train/trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <ostream>
#include <sstream>

#include "ecglens/eval/thresholds.h"
#include "ecglens/model/scorer.h"
#include "ecglens/train/random.h"
#include "ecglens/util/atomic_file.h"
#include "ecglens/util/error.h"

namespace ecglens::train {

// --- Options ------------------------------------------------------------------

nlohmann::json TrainOptions::to_json() const {
  nlohmann::json j;
  j["optimizer"] = train::to_string(adam.kind);
  j["lr"] = lr;
  j["weight_decay"] = adam.weight_decay;
  j["beta1"] = adam.beta1;
  j["beta2"] = adam.beta2;
  j["eps"] = adam.eps;
  j["clip"] = clip;
  j["epochs"] = epochs;
  j["batch"] = batch;
  j["patience"] = patience;
  j["lr_patience"] = lr_patience;
  j["lr_factor"] = lr_factor;
  j["min_lr"] = min_lr;
  j["loss"] = ecglens::to_string(loss);
  j["normalization"] = ecglens::to_string(normalization);
  j["seed"] = seed;
  if (architecture.kind == ModelKind::SparseLstmAe || architecture.kind == ModelKind::SrlAe) {
    j["sparsity_rho"] = sparsity.rho;
    j["sparsity_beta"] = sparsity.beta;
  }
  // lstm_vae's beta_kl (variational_autoencoder.h).
  if (architecture.kind == ModelKind::LstmVae) j["sparsity_beta"] = sparsity.beta;
  return j;
}

TrainOptions TrainOptions::from_json(const nlohmann::json& h, const Architecture& architecture) {
  TrainOptions o;
  o.architecture = architecture;
  try {
    o.adam.kind = parse_optimizer(h.at("optimizer").get<std::string>());
    o.lr = h.at("lr").get<double>();
    o.adam.weight_decay = h.at("weight_decay").get<double>();
    o.adam.beta1 = h.at("beta1").get<double>();
    o.adam.beta2 = h.at("beta2").get<double>();
    o.adam.eps = h.at("eps").get<double>();
    o.clip = h.at("clip").get<double>();
    o.epochs = h.at("epochs").get<int>();
    o.batch = h.at("batch").get<int>();
    o.patience = h.at("patience").get<int>();
    o.lr_patience = h.at("lr_patience").get<int>();
    o.lr_factor = h.at("lr_factor").get<double>();
    o.min_lr = h.at("min_lr").get<double>();
    o.loss = parse_loss(h.at("loss").get<std::string>());
    o.normalization = parse_normalization(h.at("normalization").get<std::string>());
    o.seed = h.at("seed").get<std::uint64_t>();
    if (h.contains("sparsity_rho")) o.sparsity.rho = h.at("sparsity_rho").get<double>();
    if (h.contains("sparsity_beta")) o.sparsity.beta = h.at("sparsity_beta").get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("training hyper-parameters: ") + e.what());
  }
  o.validate();
  return o;
}

void TrainOptions::validate() const {
  check_trainable(architecture);
  auto need = [](bool ok, const std::string& what) {
    if (!ok) throw Error("training option " + what);
  };
  need(epochs >= 1, "--epochs must be at least 1");
  need(batch >= 1, "--batch must be at least 1");
  need(lr > 0 && std::isfinite(lr), "--lr must be a positive number");
  need(adam.weight_decay >= 0, "--weight-decay must not be negative");
  need(clip >= 0, "--clip must not be negative (0 turns clipping off)");
  need(patience >= 0 && lr_patience >= 0, "patience values must not be negative");
  need(lr_factor > 0 && lr_factor <= 1, "--lr-factor must be in (0, 1]");
  need(min_lr >= 0, "--min-lr must not be negative");
  need(sparsity.rho > 0 && sparsity.rho < 1, "--sparsity-rho must be in (0, 1)");
  need(sparsity.beta >= 0, "--sparsity-beta must not be negative");
}

// --- Trainer ------------------------------------------------------------------

namespace {

std::vector<float> normalized(std::vector<float> beats, int length, int channels,
                              Normalization n) {
  const std::size_t per_beat = static_cast<std::size_t>(length) * channels;
  for (std::size_t b = 0; b * per_beat < beats.size(); ++b)
    normalize_beat(beats.data() + b * per_beat, length, channels, n);
  return beats;
}

std::size_t beat_count(const std::vector<float>& beats, int length, int channels,
                       const char* what) {
  const std::size_t per_beat = static_cast<std::size_t>(length) * channels;
  if (length < 1 || beats.empty() || beats.size() % per_beat != 0)
    throw Error(std::string("the ") + what + " set holds no whole beats of " +
                std::to_string(length) + " steps x " + std::to_string(channels) + " channels");
  return beats.size() / per_beat;
}

}  // namespace

Trainer::Trainer(const TrainOptions& options, const std::vector<float>& train,
                 const std::vector<float>& validation, int length)
    : options_(options),
      length_(length),
      raw_validation_(validation),
      layout_((options.validate(), options.architecture.tensors())),
      lr_(options.lr),
      best_val_(std::numeric_limits<double>::infinity()),
      plateau_best_(std::numeric_limits<double>::infinity()) {
  const int channels = options_.architecture.input_dim;
  train_count_ = beat_count(train, length, channels, "training");
  validation_count_ = beat_count(validation, length, channels, "validation");
  auto net = make_network<float>(options_.architecture);
  net->initialize(derive_seed(options_.seed, 0));
  best_params_ = net->parameters().values();

  EngineSettings settings;
  settings.architecture = options_.architecture;
  settings.loss = options_.loss;
  settings.batch = options_.batch;
  settings.adam = options_.adam;
  settings.clip = options_.clip;
  settings.sparsity = options_.sparsity;
  const auto normalized_train = normalized(train, length, channels, options_.normalization);
  const auto normalized_validation =
      normalized(validation, length, channels, options_.normalization);
  if (resolve_device(options_.device) == Device::Cuda) {
    engine_ = make_cuda_engine(settings, normalized_train, normalized_validation, length,
                               best_params_);
  } else {
    engine_ = make_cpu_engine(settings, normalized_train, normalized_validation, length,
                              best_params_);
  }
}

bool Trainer::finished() const {
  return stopped_early_ || epochs_done() >= options_.epochs;
}

double Trainer::validation_loss() { return engine_->validation_loss(); }

EpochRecord Trainer::run_epoch() {
  const auto start = std::chrono::steady_clock::now();
  const int epoch = epochs_done() + 1;
  Random random(derive_seed(options_.seed, static_cast<std::uint64_t>(epoch)));
  const auto order = shuffled_indices(train_count_, random);
  const double train_loss = engine_->train_epoch(order, lr_);
  if (!std::isfinite(train_loss))
    throw Error("training diverged at epoch " + std::to_string(epoch) +
                " (the loss is not finite): lower --lr or set --clip");

  EpochRecord record{epoch, train_loss, validation_loss(), lr_, 0.0};
  if (record.val_loss < best_val_) {
    best_val_ = record.val_loss;
    best_epoch_ = epoch;
    best_params_ = engine_->parameters();
    bad_epochs_ = 0;
  } else {
    ++bad_epochs_;
  }
  if (options_.patience > 0 && bad_epochs_ >= options_.patience) stopped_early_ = true;
  // Reduce on plateau (PyTorch's ReduceLROnPlateau, relative threshold 1e-4).
  if (record.val_loss < plateau_best_ * (1 - 1e-4)) {
    plateau_best_ = record.val_loss;
    plateau_bad_epochs_ = 0;
  } else if (++plateau_bad_epochs_ > options_.lr_patience) {
    lr_ = std::max(lr_ * options_.lr_factor, options_.min_lr);
    plateau_bad_epochs_ = 0;
  }
  record.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  history_.push_back(record);
  return record;
}

namespace {
std::string format_seconds(double s) {
  char buf[32];
  if (s < 120) {
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  } else {
    std::snprintf(buf, sizeof buf, "%dm%02ds", int(s) / 60, int(s) % 60);
  }
  return buf;
}
}  // namespace

void Trainer::run(std::ostream* progress, const std::string& checkpoint_path) {
  double seconds = 0;
  int timed = 0;
  while (!finished()) {
    const EpochRecord r = run_epoch();
    seconds += r.seconds;
    ++timed;
    if (!checkpoint_path.empty()) write_weights_atomic(checkpoint(), checkpoint_path);
    if (progress) {
      const double eta = seconds / timed * (options_.epochs - epochs_done());
      char line[256];
      std::snprintf(line, sizeof line, "epoch %d/%d  loss %.6g  val %.6g%s  lr %.3g  %s  ETA %s\n",
                    r.epoch, options_.epochs, r.train_loss, r.val_loss,
                    best_epoch_ == r.epoch ? " (best)" : "", r.lr,
                    format_seconds(r.seconds).c_str(), format_seconds(eta).c_str());
      *progress << line;
      if (stopped_early_)
        *progress << "early stop: no improvement for " << options_.patience
                  << " epochs; keeping epoch " << best_epoch_ << "\n";
      progress->flush();
    }
  }
}

// --- Checkpoints and the model file --------------------------------------------

namespace {
constexpr const char* kStateKey = "training_state";

void add_tensors(std::vector<Tensor>& out, const Parameters<float>& p, const std::string& prefix,
                 const std::vector<float>& values) {
  for (const auto& e : p.entries()) {
    Tensor t{prefix + e.name, e.shape, {}};
    if (values.empty()) {
      t.data.assign(e.size, 0.0f);
    } else {
      t.data.assign(values.begin() + e.offset, values.begin() + e.offset + e.size);
    }
    out.push_back(std::move(t));
  }
}

void read_tensors(const WeightsFile& file, const Parameters<float>& p, const std::string& prefix,
                  std::vector<float>& values) {
  values.assign(p.size(), 0.0f);
  for (const auto& e : p.entries()) {
    const Tensor& t = file.tensor(prefix + e.name);
    if (t.shape != e.shape)
      throw WeightsError(file.source, t.name, "shape " + shape_to_string(t.shape) +
                                                  ", expected " + shape_to_string(e.shape));
    std::copy(t.data.begin(), t.data.end(), values.begin() + e.offset);
  }
}
}  // namespace

WeightsFile Trainer::described_file() const {
  WeightsFile w;
  w.architecture = options_.architecture.to_json();
  w.normalization = {{"per_beat", ecglens::to_string(options_.normalization)}};
  w.loss = ecglens::to_string(options_.loss);
  w.hyperparameters = options_.to_json();
  w.provenance = provenance_;
  return w;
}

WeightsFile Trainer::checkpoint() const {
  WeightsFile w = described_file();
  const auto& p = layout_;
  const AdamState adam = engine_->optimizer_state();
  add_tensors(w.tensors, p, "", engine_->parameters());
  add_tensors(w.tensors, p, "best.", best_params_);
  add_tensors(w.tensors, p, "adam_m.", adam.m);
  add_tensors(w.tensors, p, "adam_v.", adam.v);
  nlohmann::json state;
  state["adam_step"] = adam.step;
  state["lr"] = lr_;
  state["best_val"] = std::isfinite(best_val_) ? nlohmann::json(best_val_) : nlohmann::json();
  state["best_epoch"] = best_epoch_;
  state["bad_epochs"] = bad_epochs_;
  state["plateau_best"] =
      std::isfinite(plateau_best_) ? nlohmann::json(plateau_best_) : nlohmann::json();
  state["plateau_bad_epochs"] = plateau_bad_epochs_;
  state["stopped_early"] = stopped_early_;
  nlohmann::json history = nlohmann::json::array();
  for (const auto& r : history_)
    history.push_back({r.epoch, r.train_loss, r.val_loss, r.lr, r.seconds});
  state["history"] = history;
  w.extra[kStateKey] = state;
  return w;
}

void Trainer::restore(const WeightsFile& file) {
  const Architecture arch = Architecture::from_json(file.architecture, file.source);
  if (arch.to_json() != options_.architecture.to_json())
    throw Error(file.source + ": the checkpoint's architecture " + arch.to_json().dump() +
                " differs from this run's " + options_.architecture.to_json().dump());
  nlohmann::json mine = options_.to_json(), theirs = file.hyperparameters;
  mine.erase("epochs");
  theirs.erase("epochs");
  for (const auto& item : mine.items())
    if (!theirs.contains(item.key()) || theirs[item.key()] != item.value())
      throw Error(file.source + ": the checkpoint was trained with " + item.key() + " = " +
                  (theirs.contains(item.key()) ? theirs[item.key()].dump() : "(unset)") +
                  ", this run asks for " + item.value().dump());
  if (!file.extra.contains(kStateKey))
    throw Error(file.source + ": not a training checkpoint (no '" + kStateKey + "')");
  const auto& p = layout_;
  try {
    const auto& s = file.extra.at(kStateKey);
    std::vector<float> values;
    AdamState adam;
    read_tensors(file, p, "", values);
    read_tensors(file, p, "best.", best_params_);
    read_tensors(file, p, "adam_m.", adam.m);
    read_tensors(file, p, "adam_v.", adam.v);
    adam.step = s.at("adam_step").get<long long>();
    engine_->set_parameters(values);
    engine_->set_optimizer_state(adam);
    lr_ = s.at("lr").get<double>();
    best_val_ = s.at("best_val").is_null() ? std::numeric_limits<double>::infinity()
                                           : s.at("best_val").get<double>();
    best_epoch_ = s.at("best_epoch").get<int>();
    bad_epochs_ = s.at("bad_epochs").get<int>();
    plateau_best_ = s.at("plateau_best").is_null() ? std::numeric_limits<double>::infinity()
                                                   : s.at("plateau_best").get<double>();
    plateau_bad_epochs_ = s.at("plateau_bad_epochs").get<int>();
    stopped_early_ = s.at("stopped_early").get<bool>();
    history_.clear();
    for (const auto& r : s.at("history"))
      history_.push_back({r.at(0).get<int>(), r.at(1).get<double>(), r.at(2).get<double>(),
                          r.at(3).get<double>(), r.at(4).get<double>()});
  } catch (const nlohmann::json::exception& e) {
    throw WeightsError(file.source, "", std::string("training state: ") + e.what());
  }
}

WeightsFile Trainer::model_file() const {
  WeightsFile w = described_file();
  add_tensors(w.tensors, layout_, "", best_params_);

  // Presets from the validation normals, scored exactly as `ecglens score` will.
  Scorer scorer(w);
  std::vector<float> scores(validation_count_);
  scorer.score(raw_validation_.data(), validation_count_, length_, scores.data());
  w.thresholds.default_name = kDefaultThresholdPreset;
  for (const auto& preset : threshold_presets(scores))
    w.thresholds.values.emplace_back(preset.name, preset.value);

  double seconds = 0;
  for (const auto& r : history_) seconds += r.seconds;
  w.provenance["training"] = {{"seed", options_.seed},
                              {"epochs_run", epochs_done()},
                              {"best_epoch", best_epoch_},
                              {"best_val_loss", best_val_},
                              {"stopped_early", stopped_early_},
                              {"train_seconds", seconds},
                              {"device", engine_->device()},
                              {"train_beats", train_count_},
                              {"validation_beats", validation_count_}};
  return w;
}

void Trainer::write_curve_csv(const std::string& path) const {
  std::ostringstream out;
  out.precision(9);
  out << "epoch,train_loss,val_loss,lr,seconds\n";
  for (const auto& r : history_)
    out << r.epoch << ',' << r.train_loss << ',' << r.val_loss << ',' << r.lr << ',' << r.seconds << '\n';
  write_file_atomically(path, out.str(), "the loss curve");
}

}  // namespace ecglens::train
