// The training loop: Adam/AdamW over shuffled mini-batches of normal beats,
// gradient clipping by global norm, learning rate reduced on a validation
// plateau, early stopping that keeps the weights of the best validation
// epoch, atomic checkpoints after every epoch, and resume from them.
//
//   ecglens::train::Trainer t(options, train_beats, validation_beats, 140);
//   t.run(&std::cerr, "run.ckpt.ecgw");          // progress on stderr
//   ecglens::write_weights_atomic(t.model_file(), "model.ecgw");
//
// Determinism: initial weights come from derive_seed(seed, 0), the order of
// epoch e's batches from derive_seed(seed, e + 1), and everything runs on
// one thread, so the same options give bit-identical weights on the CPU (on a
// GPU, the same within float rounding: engine.h); a checkpoint
// holds the weights, the best weights, Adam's moments and the schedule's
// state, so resuming reproduces an uninterrupted run exactly.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ecglens/data/normalize.h"
#include "ecglens/train/engine.h"
#include "ecglens/train/network.h"
#include "ecglens/train/optimizer.h"

namespace ecglens::train {

struct TrainOptions {
  Architecture architecture;
  Loss loss = Loss::MSE;
  Normalization normalization = Normalization::None;
  int epochs = 50;
  int batch = 64;
  double lr = 1e-3;
  AdamSettings adam;
  double clip = 0;          // max global gradient norm; 0: no clipping
  int patience = 10;        // early stopping after this many epochs without improvement; 0: never
  int lr_patience = 4;      // reduce the learning rate after this many epochs on a plateau
  double lr_factor = 0.5;   // ... multiplying it by this
  double min_lr = 1e-5;     // ... down to this
  Sparsity sparsity;        // used by sparse_lstm_ae and srl_ae only
  std::uint64_t seed = 0;
  // Where the arithmetic runs (engine.h). Not a hyper-parameter: a
  // checkpoint written on one device resumes on the other.
  Device device = Device::Cpu;

  // The "hyperparameters" object of the weights file, and back (ecglens::Error
  // naming the key at fault).
  nlohmann::json to_json() const;
  static TrainOptions from_json(const nlohmann::json& hyperparameters,
                                const Architecture& architecture);
  // ecglens::Error when an option is out of range.
  void validate() const;
};

struct EpochRecord {
  int epoch;          // 1-based
  double train_loss;  // mean objective over the epoch's batches (weighted by batch size)
  double val_loss;    // mean per-beat loss of the validation beats
  double lr;          // learning rate used during the epoch
  double seconds;     // wall time of the epoch
};

class Trainer {
 public:
  // Beats beat-major ([beat][step][channel]) as read; they are normalised
  // here as options.normalization says. channels = architecture.input_dim.
  Trainer(const TrainOptions& options, const std::vector<float>& train,
          const std::vector<float>& validation, int length);

  const TrainOptions& options() const { return options_; }
  // The device the run trains on, in words (Engine::device()).
  std::string device() const { return engine_->device(); }

  // The current parameters (flat, in the weights file's tensor order), and
  // their replacement.
  std::size_t parameter_count() const { return layout_.size(); }
  std::vector<float> parameters() const { return engine_->parameters(); }
  void set_parameters(const std::vector<float>& values) { engine_->set_parameters(values); }

  // Continues from a checkpoint() of a run with the same options (epochs
  // aside); ecglens::Error naming what differs otherwise.
  void restore(const WeightsFile& checkpoint);

  // Runs epochs until options.epochs have run or early stopping ends the
  // run. Progress lines go to `progress` when given; after every epoch the
  // checkpoint is written atomically to `checkpoint_path` when given.
  void run(std::ostream* progress, const std::string& checkpoint_path = "");
  // One epoch of training and validation.
  EpochRecord run_epoch();

  bool finished() const;
  bool stopped_early() const { return stopped_early_; }
  int epochs_done() const { return static_cast<int>(history_.size()); }
  int best_epoch() const { return best_epoch_; }
  double best_val_loss() const { return best_val_; }
  const std::vector<EpochRecord>& history() const { return history_; }

  // Mean per-beat loss of the validation beats with the current weights.
  double validation_loss();

  // Entries added to the provenance of checkpoints and of the model file.
  void set_provenance(const nlohmann::json& entries) { provenance_ = entries; }

  // Everything needed to resume.
  WeightsFile checkpoint() const;
  // The best epoch's weights as a model: architecture, normalisation, loss,
  // threshold presets from the validation beats' scores (computed by the
  // core's Scorer, default p99), hyper-parameters and a "training"
  // provenance entry. The caller adds the rest of the provenance.
  WeightsFile model_file() const;
  // epoch,train_loss,val_loss,lr,seconds
  void write_curve_csv(const std::string& path) const;

 private:
  // A weights file with the header both checkpoint() and model_file() carry:
  // architecture, normalisation, loss, options and provenance; no tensors.
  WeightsFile described_file() const;

  TrainOptions options_;
  int length_;
  std::vector<float> raw_validation_;              // as given, for the Scorer
  std::size_t train_count_, validation_count_;
  Parameters<float> layout_;                       // tensor names and offsets
  std::unique_ptr<Engine> engine_;
  double lr_;
  std::vector<float> best_params_;
  double best_val_;
  int best_epoch_ = 0;
  int bad_epochs_ = 0;           // since the best validation loss
  double plateau_best_;
  int plateau_bad_epochs_ = 0;   // for the learning rate schedule
  bool stopped_early_ = false;
  std::vector<EpochRecord> history_;
  nlohmann::json provenance_ = nlohmann::json::object();
};

}  // namespace ecglens::train
