// ecglens train: train an autoencoder of the model zoo (the LSTM or GRU
// family, lstm_vae, recae, mlp_ae, conv1d_ae) on normal beats,
// either ECG5000's under the evaluation protocol's split (PROTOCOL.md,
// --data-dir/--split) or those of the user's own file (--train FILE, any
// format the readers know; beats labelled as anomalies are left out, and
// validation is --validation FILE's normal beats or a seeded held-out
// --val-fraction of the training normals). Writes a weights file that
// `ecglens info|score|eval` read: architecture, normalisation, loss,
// threshold presets from the validation normals (default p99),
// hyper-parameters and provenance (data, split indices, seed, the command
// that rebuilds it, time). Progress goes to stderr, the loss curve to CSV,
// checkpoints are atomic and --resume continues one.
#include <chrono>
#include <ctime>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "ecglens/train/beat_file_split.h"
#include "ecglens/train/ecg5000.h"
#include "ecglens/train/random.h"
#include "ecglens/train/trainer.h"
#include "ecglens/util/error.h"
#include "options.h"

#ifndef ECGLENS_DEFAULT_DATA_DIR
#define ECGLENS_DEFAULT_DATA_DIR "../shared/data/ecg5000"
#endif

namespace ecglens::cli {
namespace {

struct TrainCommand {
  std::string arch = "lstm_ae";
  std::string cell = "lstm";
  std::vector<int> encoder{64};
  std::vector<int> decoder{64};
  bool residual_encoder = false;
  std::vector<int> hidden;           // mlp_ae, recae (empty: the kind's default)
  int latent = 16;                   // lstm_vae
  std::vector<int> channels{32, 16};  // conv1d_ae
  int kernel = 7;
  int stride = 2;
  train::TrainOptions options;
  std::string optimizer = "adam";
  std::string device = "auto";
  std::string loss = "mse";
  std::string normalize = "none";
  std::string data_dir = ECGLENS_DEFAULT_DATA_DIR;
  std::string split = "fixed";
  std::string train_file;       // --train: the user's own beats instead of ECG5000
  std::string validation_file;  // --validation
  double val_fraction = 0.05;   // --val-fraction
  InputOptions input;           // how to read --train and --validation
  std::string out;
  std::string checkpoint;
  std::string resume;
  std::string curve;
  std::string export_test;
  bool quiet = false;
  CLI::Option* epochs_option = nullptr;
};

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buf;
}

// A number as JSON writes it: the shortest text that reads back exactly.
std::string number(double x) { return nlohmann::json(x).dump(); }

// Sorted indices as inclusive [first, last] runs: [[0, 291], [500, 2107]].
nlohmann::json index_runs(const std::vector<std::size_t>& index) {
  nlohmann::json runs = nlohmann::json::array();
  for (std::size_t i = 0; i < index.size();) {
    std::size_t j = i;
    while (j + 1 < index.size() && index[j + 1] == index[j] + 1) ++j;
    runs.push_back({index[i], index[j]});
    i = j + 1;
  }
  return runs;
}

std::string join(const std::vector<int>& v) {
  std::string s;
  for (int x : v) s += (s.empty() ? "" : " ") + std::to_string(x);
  return s;
}

// The command line that trains this model again from nothing.
// `data_args` are the options that name the data ("--data-dir D --split S").
std::string rebuild_command(const train::TrainOptions& o, const std::string& data_args,
                            const std::string& out) {
  const Architecture& a = o.architecture;
  std::ostringstream s;
  s << "ecglens train --arch " << to_string(a.kind);
  switch (a.kind) {
    case ModelKind::MlpAe: s << " --hidden " << join(a.hidden); break;
    case ModelKind::RecAe:
      s << " --cell " << to_string(a.cell) << " --hidden " << join(a.hidden);
      break;
    case ModelKind::Conv1dAe:
      s << " --channels " << join(a.channels) << " --kernel " << a.kernel << " --stride " << a.stride;
      break;
    default:
      s << " --cell " << to_string(a.cell) << " --encoder " << join(a.encoder_hidden) << " --decoder "
        << join(a.decoder_hidden) << (a.residual_encoder ? " --residual-encoder" : "");
      if (a.kind == ModelKind::LstmVae) s << " --latent " << a.latent_dim;
  }
  s << " --epochs " << o.epochs << " --batch " << o.batch << " --lr " << number(o.lr) << " --optimizer "
    << train::to_string(o.adam.kind) << " --weight-decay " << number(o.adam.weight_decay) << " --clip "
    << number(o.clip) << " --patience " << o.patience << " --lr-patience " << o.lr_patience
    << " --lr-factor " << number(o.lr_factor) << " --min-lr " << number(o.min_lr) << " --loss "
    << to_string(o.loss) << " --normalize " << to_string(o.normalization);
  if (a.kind == ModelKind::LstmVae) s << " --sparsity-beta " << number(o.sparsity.beta);
  if (a.kind == ModelKind::SparseLstmAe || a.kind == ModelKind::SrlAe)
    s << " --sparsity-rho " << number(o.sparsity.rho) << " --sparsity-beta " << number(o.sparsity.beta);
  s << " --seed " << o.seed << " --device " << train::to_string(o.device) << " " << data_args
    << " --out " << out;
  return s.str();
}

// The beats to train and validate on, whichever source they come from.
struct TrainingData {
  int length = 0, channels = 1;
  std::vector<float> train, validation;  // beat-major
  std::size_t train_count = 0, validation_count = 0;
  std::string split;      // recorded in checkpoints; a resume must match it
  std::string data_args;  // for the rebuild command
  nlohmann::json provenance = nlohmann::json::object();  // "data", "split_indices", ...
  std::string summary;    // for the progress line
};

TrainingData ecg5000_data(const TrainCommand& c) {
  const train::LabelledBeats beats = train::load_ecg5000(c.data_dir);
  const train::Split split = train::make_split(beats, c.split);
  if (!c.export_test.empty()) {
    train::write_labelled_csv(beats, split.test, c.export_test);
    if (!c.quiet)
      std::cerr << "test split (" << split.test.size() << " beats) written to " << c.export_test
                << "\n";
  }
  TrainingData d;
  d.length = beats.data.length;
  d.channels = beats.data.channels;
  d.train = train::select_beats(beats.data, split.train);
  d.validation = train::select_beats(beats.data, split.validation);
  d.train_count = split.train.size();
  d.validation_count = split.validation.size();
  d.split = c.split;
  d.data_args = "--data-dir " + c.data_dir + " --split " + c.split;
  d.provenance["data"] = {{"dir", c.data_dir},
                          {"files", {"ECG5000_TRAIN.txt", "ECG5000_TEST_binary.csv"}},
                          {"order", "TRAIN then TEST (merged, file order)"}};
  // Inclusive [first, last] runs of indices into the merged 5,000 beats.
  d.provenance["split_indices"] = {{"train", index_runs(split.train)},
                                   {"validation", index_runs(split.validation)},
                                   {"test", index_runs(split.test)}};
  d.summary = std::to_string(split.train.size()) + " normal beats (" +
              std::to_string(split.validation.size()) + " validate), split " + c.split;
  return d;
}

// The classes of a file's beats as the label options map them; empty when
// the file has no labels (every beat is then taken as normal).
std::vector<BeatClass> classes_of(const Dataset& data, const InputOptions& in) {
  if (data.labels.empty()) return {};
  return map_labels(data, in.label_map(data));
}

// The read options that differ from their defaults, as command-line text.
std::string read_args(const InputOptions& in) {
  std::string s;
  if (in.format != "auto") s += " --format " + in.format;
  if (in.label != "auto") s += " --label " + in.label;
  if (in.header != "auto") s += " --header " + in.header;
  if (in.resample) s += " --resample";
  for (const auto& l : in.normal_labels) s += " --normal-label " + l;
  for (const auto& l : in.anomaly_labels) s += " --anomaly-label " + l;
  return s;
}

// Hold-out draws use their own stream of the run's seed, apart from the
// streams of the initial weights (0) and of each epoch's batch order (e + 1).
constexpr std::uint64_t kHoldOutStream = 0xFFFFFFFFull;

TrainingData file_data(const TrainCommand& c, std::uint64_t seed) {
  const Dataset beats = read_dataset(c.train_file, c.input.read_options());
  if (beats.size() == 0) throw Error(c.train_file + ": no beats to train on");
  const std::vector<BeatClass> classes = classes_of(beats, c.input);
  TrainingData d;
  d.length = beats.length;
  d.channels = beats.channels;
  nlohmann::json data = {{"train_file", c.train_file},
                         {"beats", beats.size()},
                         {"labelled", !beats.labels.empty()}};
  if (!beats.labels.empty()) {
    const LabelMap map = c.input.label_map(beats);
    data["normal_labels"] = map.normal;
    if (!map.anomaly.empty()) data["anomaly_labels"] = map.anomaly;
  }
  train::BeatFileSplit split;
  if (!c.validation_file.empty()) {
    split = train::all_normals(classes, beats.size());
    const Dataset v =
        fit_length(read_dataset(c.validation_file, c.input.read_options()), beats.length,
                   c.input.resample);
    if (v.channels != beats.channels)
      throw Error(c.validation_file + ": beats of " + std::to_string(v.channels) +
                  " channel(s), not " + std::to_string(beats.channels) + " as in " +
                  c.train_file);
    const std::vector<std::size_t> normals = train::normal_indices(classes_of(v, c.input), v.size());
    if (normals.empty()) throw Error(c.validation_file + ": no normal beats to validate on");
    d.validation = train::select_beats(v, normals);
    d.validation_count = normals.size();
    d.split = "file: " + c.train_file + ", validation file " + c.validation_file;
    d.data_args = "--train " + c.train_file + " --validation " + c.validation_file;
    data["validation_file"] = c.validation_file;
    data["validation_beats"] = v.size();
    d.provenance["split_indices"] = {{"train", index_runs(split.train)},
                                     {"validation", index_runs(normals)}};
  } else {
    split = train::hold_out_normals(classes, beats.size(), c.val_fraction,
                                    train::derive_seed(seed, kHoldOutStream));
    d.validation = train::select_beats(beats, split.validation);
    d.validation_count = split.validation.size();
    d.split = "file: " + c.train_file + ", val-fraction " + number(c.val_fraction);
    d.data_args = "--train " + c.train_file + " --val-fraction " + number(c.val_fraction);
    data["validation_fraction"] = c.val_fraction;
    d.provenance["split_indices"] = {{"train", index_runs(split.train)},
                                     {"validation", index_runs(split.validation)}};
  }
  if (split.train.empty())
    throw Error(c.train_file + ": no normal beats to train on (" +
                std::to_string(split.anomalies_left_out) + " beats are labelled as anomalies)");
  d.train = train::select_beats(beats, split.train);
  d.train_count = split.train.size();
  d.data_args += read_args(c.input);
  data["anomalies_left_out"] = split.anomalies_left_out;
  d.provenance["data"] = data;
  // split_indices: inclusive runs of 0-based positions among the file's beats.
  d.summary = std::to_string(d.train_count) + " normal beats of " + c.train_file + " (" +
              std::to_string(split.anomalies_left_out) + " anomalies left out; " +
              std::to_string(d.validation_count) + " validate, " +
              (c.validation_file.empty() ? "held out" : "from " + c.validation_file) + ")";
  return d;
}

train::TrainOptions options_from_command(TrainCommand& c) {
  train::TrainOptions o = c.options;
  Architecture& a = o.architecture;
  a.kind = parse_model_kind(c.arch);
  a.cell = parse_cell_type(c.cell);
  a.input_dim = 1;
  a.seq_len = 140;
  a.encoder_hidden = c.encoder;
  a.decoder_hidden = c.decoder;
  a.residual_encoder = c.residual_encoder;
  a.residual_decoder = a.kind == ModelKind::ResidualLstmAe || a.kind == ModelKind::SrlAe;
  if (a.kind == ModelKind::LstmVae) a.latent_dim = c.latent;
  if (a.kind == ModelKind::MlpAe || a.kind == ModelKind::RecAe) {
    a.hidden = c.hidden;
    if (a.hidden.empty())
      a.hidden = a.kind == ModelKind::MlpAe ? std::vector<int>{128, 32} : std::vector<int>{64};
  }
  if (a.kind == ModelKind::Conv1dAe) {
    a.channels = c.channels;
    a.kernel = c.kernel;
    a.stride = c.stride;
  }
  o.adam.kind = train::parse_optimizer(c.optimizer);
  o.device = train::resolve_device(train::parse_device(c.device));
  o.loss = parse_loss(c.loss);
  o.normalization = parse_normalization(c.normalize);
  o.validate();
  return o;
}

int run_train(TrainCommand& c) {
  train::TrainOptions options;
  WeightsFile resumed;
  if (!c.resume.empty()) {
    resumed = read_weights(c.resume);
    options = train::TrainOptions::from_json(
        resumed.hyperparameters, Architecture::from_json(resumed.architecture, resumed.source));
    if (c.epochs_option->count() > 0) options.epochs = c.options.epochs;
  } else {
    options = options_from_command(c);
  }
  const TrainingData data = c.train_file.empty() ? ecg5000_data(c) : file_data(c, options.seed);
  if (!c.resume.empty()) {
    if (resumed.provenance.value("split", "") != data.split)
      throw Error(c.resume + ": the checkpoint was trained on split '" +
                  resumed.provenance.value("split", "") + "', not '" + data.split + "'");
    if (c.checkpoint.empty()) c.checkpoint = c.resume;
  }
  options.architecture.seq_len = data.length;
  options.architecture.input_dim = data.channels;

  train::Trainer trainer(options, data.train, data.validation, data.length);
  if (!c.resume.empty()) {
    trainer.restore(resumed);
    if (!c.quiet)
      std::cerr << "resuming " << c.resume << " after epoch " << trainer.epochs_done() << "\n";
  }
  if (!c.quiet)
    std::cerr << "training " << to_string(options.architecture.kind) << " on " << data.summary
              << ", " << trainer.parameter_count() << " parameters, on " << trainer.device()
              << "\n";

  // Checkpoints carry the split, so that a resume can check it.
  trainer.set_provenance({{"split", data.split}});
  trainer.run(c.quiet ? nullptr : &std::cerr, c.checkpoint);

  WeightsFile model = trainer.model_file();
  nlohmann::json& p = model.provenance;
  p.update(data.provenance);
  p["split"] = data.split;
  p["command"] = rebuild_command(options, data.data_args, c.out);
  p["created"] = utc_now();
  p["tool"] = "ecglens train";
  write_weights_atomic(model, c.out);

  const std::string curve = c.curve.empty() ? c.out + ".curve.csv" : c.curve;
  trainer.write_curve_csv(curve);
  if (!c.quiet) {
    std::cerr << "best epoch " << trainer.best_epoch() << " of " << trainer.epochs_done()
              << ", validation loss " << trainer.best_val_loss() << "; threshold p99 = "
              << *model.thresholds.default_value() << "\n"
              << "model written to " << c.out << ", loss curve to " << curve << "\n";
  }
  return 0;
}

}  // namespace

Action add_train(CLI::App& app) {
  auto c = std::make_shared<TrainCommand>();
  train::TrainOptions& o = c->options;
  o.sparsity.beta = 1e-3;
  app.add_option("--arch", c->arch,
                 "Model kind: lstm_ae, residual_lstm_ae, sparse_lstm_ae, srl_ae, lstm_vae, "
                 "recae, mlp_ae, conv1d_ae")
      ->capture_default_str();
  app.add_option("--cell", c->cell, "Recurrent cell: lstm or gru")->capture_default_str();
  app.add_option("--encoder", c->encoder, "Encoder LSTM sizes, e.g. --encoder 64 or 128 64 32")
      ->capture_default_str();
  app.add_option("--decoder", c->decoder, "Decoder LSTM sizes")->capture_default_str();
  app.add_flag("--residual-encoder", c->residual_encoder,
               "Residual connections in the encoder too (the decoder's follow --arch)");
  app.add_option("--latent", c->latent, "lstm_vae: size of the latent (mu, logvar)")
      ->capture_default_str();
  app.add_option("--hidden", c->hidden,
                 "mlp_ae: encoder Dense sizes (default 128 32); recae: recurrent sizes of "
                 "encoder and decoder (default 64)");
  app.add_option("--channels", c->channels, "conv1d_ae: encoder Conv1d channels")
      ->capture_default_str();
  app.add_option("--kernel", c->kernel, "conv1d_ae: kernel width (odd)")->capture_default_str();
  app.add_option("--stride", c->stride,
                 "conv1d_ae: stride (the beat's length must divide by stride^layers)")
      ->capture_default_str();
  c->epochs_option = app.add_option("--epochs", o.epochs, "Most epochs to run")->capture_default_str();
  app.add_option("--batch", o.batch, "Beats per mini-batch")->capture_default_str();
  app.add_option("--lr", o.lr, "Learning rate")->capture_default_str();
  app.add_option("--optimizer", c->optimizer, "adam or adamw")->capture_default_str();
  app.add_option("--weight-decay", o.adam.weight_decay,
                 "Weight decay (Adam: L2 in the gradient; AdamW: decoupled)")
      ->capture_default_str();
  app.add_option("--clip", o.clip, "Clip gradients to this global norm (0: off)")
      ->capture_default_str();
  app.add_option("--patience", o.patience,
                 "Stop after this many epochs without a better validation loss (0: never)")
      ->capture_default_str();
  app.add_option("--lr-patience", o.lr_patience,
                 "Reduce the learning rate after this many epochs on a plateau")
      ->capture_default_str();
  app.add_option("--lr-factor", o.lr_factor, "... multiplying it by this")->capture_default_str();
  app.add_option("--min-lr", o.min_lr, "... down to this")->capture_default_str();
  app.add_option("--loss", c->loss, "mse, mae or sae (also the score)")->capture_default_str();
  app.add_option("--normalize", c->normalize, "Per-beat normalisation: none, zscore, minmax")
      ->capture_default_str();
  app.add_option("--sparsity-rho", o.sparsity.rho, "Target latent activation (sparse kinds)")
      ->capture_default_str();
  app.add_option("--sparsity-beta", o.sparsity.beta,
                 "Weight of the KL penalty (sparse kinds; lstm_vae: beta_kl)")
      ->capture_default_str();
  app.add_option("--device", c->device,
                 "cpu, cuda (an NVIDIA GPU) or auto (the GPU when one is present)")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "Seed of the initial weights and the batch order")
      ->capture_default_str();
  CLI::Option* data_dir = app.add_option("--data-dir", c->data_dir,
                                         "Folder with ECG5000_TRAIN.txt and ECG5000_TEST_binary.csv")
                              ->capture_default_str();
  CLI::Option* split = app.add_option("--split", c->split, "Protocol split: fixed or seeded:S")
                           ->capture_default_str();
  CLI::Option* train_file =
      app.add_option("--train", c->train_file,
                     "Train on the normal beats of this file instead of ECG5000 (beats labelled "
                     "as anomalies are left out; an unlabelled file is all normal)")
          ->check(CLI::ExistingFile)
          ->excludes(data_dir)
          ->excludes(split);
  CLI::Option* validation =
      app.add_option("--validation", c->validation_file,
                     "Validate on this file's normal beats (with --train)")
          ->check(CLI::ExistingFile)
          ->needs(train_file);
  app.add_option("--val-fraction", c->val_fraction,
                 "Hold out this seeded fraction of the training normals to validate on "
                 "(with --train, when no --validation)")
      ->capture_default_str()
      ->needs(train_file)
      ->excludes(validation);
  // --format, --label, --header, --resample, --normal-label, --anomaly-label:
  // how --train and --validation are read (the same options for both).
  c->input.add_read_options(app);
  for (const char* name :
       {"--format", "--label", "--header", "--resample", "--normal-label", "--anomaly-label"})
    app.get_option(name)->needs(train_file);
  app.add_option("-o,--out", c->out, "Weights file to write (.ecgw)")->required();
  app.add_option("--checkpoint", c->checkpoint,
                 "Write a checkpoint here after every epoch (atomic)");
  app.add_option("--resume", c->resume,
                 "Continue the run saved in this checkpoint (its options are used; --epochs "
                 "may raise the total)")
      ->check(CLI::ExistingFile);
  app.add_option("--curve", c->curve, "Loss curve CSV (default: OUT.curve.csv)");
  app.add_option("--export-test", c->export_test,
                 "Also write the split's test beats as CSV (label first) for `ecglens eval`")
      ->excludes(train_file);
  app.add_flag("-q,--quiet", c->quiet, "No progress on stderr");
  return [c] { return run_train(*c); };
}

}  // namespace ecglens::cli
