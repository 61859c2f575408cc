// ecglens train: train a recurrent (LSTM or GRU) autoencoder on the normal beats of ECG5000
// under the evaluation protocol's split (PROTOCOL.md), and write a weights
// file that `ecglens info|score|eval` read: architecture, normalisation,
// loss, threshold presets from the validation normals (default p99),
// hyper-parameters and provenance (data, split indices, seed, the command
// that rebuilds it, time). Progress goes to stderr, the loss curve to CSV,
// checkpoints are atomic and --resume continues one.
#include <chrono>
#include <ctime>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "ecglens/train/ecg5000.h"
#include "ecglens/train/trainer.h"
#include "ecglens/util/error.h"

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
  train::TrainOptions options;
  std::string optimizer = "adam";
  std::string loss = "mse";
  std::string normalize = "none";
  std::string data_dir = ECGLENS_DEFAULT_DATA_DIR;
  std::string split = "fixed";
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
std::string rebuild_command(const train::TrainOptions& o, const std::string& data_dir,
                            const std::string& split, const std::string& out) {
  const Architecture& a = o.architecture;
  std::ostringstream s;
  s << "ecglens train --arch " << to_string(a.kind) << " --cell " << to_string(a.cell)
    << " --encoder " << join(a.encoder_hidden)
    << " --decoder " << join(a.decoder_hidden) << (a.residual_encoder ? " --residual-encoder" : "")
    << " --epochs " << o.epochs << " --batch " << o.batch << " --lr " << number(o.lr) << " --optimizer "
    << train::to_string(o.adam.kind) << " --weight-decay " << number(o.adam.weight_decay) << " --clip "
    << number(o.clip) << " --patience " << o.patience << " --lr-patience " << o.lr_patience
    << " --lr-factor " << number(o.lr_factor) << " --min-lr " << number(o.min_lr) << " --loss "
    << to_string(o.loss) << " --normalize " << to_string(o.normalization);
  if (a.kind == ModelKind::SparseLstmAe || a.kind == ModelKind::SrlAe)
    s << " --sparsity-rho " << number(o.sparsity.rho) << " --sparsity-beta " << number(o.sparsity.beta);
  s << " --seed " << o.seed << " --data-dir " << data_dir << " --split " << split << " --out "
    << out;
  return s.str();
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
  o.adam.kind = train::parse_optimizer(c.optimizer);
  o.loss = parse_loss(c.loss);
  o.normalization = parse_normalization(c.normalize);
  o.validate();
  return o;
}

int run_train(TrainCommand& c) {
  const train::LabelledBeats beats = train::load_ecg5000(c.data_dir);
  const train::Split split = train::make_split(beats, c.split);

  train::TrainOptions options;
  WeightsFile resumed;
  if (!c.resume.empty()) {
    resumed = read_weights(c.resume);
    options = train::TrainOptions::from_json(
        resumed.hyperparameters, Architecture::from_json(resumed.architecture, resumed.source));
    if (c.epochs_option->count() > 0) options.epochs = c.options.epochs;
    if (resumed.provenance.value("split", "") != c.split)
      throw Error(c.resume + ": the checkpoint was trained on split '" +
                  resumed.provenance.value("split", "") + "', not '" + c.split + "'");
    if (c.checkpoint.empty()) c.checkpoint = c.resume;
  } else {
    options = options_from_command(c);
  }
  options.architecture.seq_len = beats.data.length;
  options.architecture.input_dim = beats.data.channels;

  if (!c.export_test.empty()) {
    train::write_labelled_csv(beats, split.test, c.export_test);
    if (!c.quiet)
      std::cerr << "test split (" << split.test.size() << " beats) written to " << c.export_test
                << "\n";
  }

  train::Trainer trainer(options, train::select_beats(beats.data, split.train),
                         train::select_beats(beats.data, split.validation), beats.data.length);
  if (!c.resume.empty()) {
    trainer.restore(resumed);
    if (!c.quiet)
      std::cerr << "resuming " << c.resume << " after epoch " << trainer.epochs_done() << "\n";
  }
  if (!c.quiet)
    std::cerr << "training " << to_string(options.architecture.kind) << " on "
              << split.train.size() << " normal beats (" << split.validation.size()
              << " validate), split " << c.split << ", " << trainer.network().parameters().size()
              << " parameters\n";

  // Checkpoints carry the split, so that a resume can check it.
  trainer.set_provenance({{"split", c.split}});
  trainer.run(c.quiet ? nullptr : &std::cerr, c.checkpoint);

  WeightsFile model = trainer.model_file();
  nlohmann::json& p = model.provenance;
  p["data"] = {{"dir", c.data_dir},
               {"files", {"ECG5000_TRAIN.txt", "ECG5000_TEST_binary.csv"}},
               {"order", "TRAIN then TEST (merged, file order)"}};
  p["split"] = c.split;
  // Inclusive [first, last] runs of indices into the merged 5,000 beats.
  p["split_indices"] = {{"train", index_runs(split.train)},
                        {"validation", index_runs(split.validation)},
                        {"test", index_runs(split.test)}};
  p["command"] = rebuild_command(options, c.data_dir, c.split, c.out);
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
                 "Model kind: lstm_ae, residual_lstm_ae, sparse_lstm_ae, srl_ae")
      ->capture_default_str();
  app.add_option("--cell", c->cell, "Recurrent cell: lstm or gru")->capture_default_str();
  app.add_option("--encoder", c->encoder, "Encoder LSTM sizes, e.g. --encoder 64 or 128 64 32")
      ->capture_default_str();
  app.add_option("--decoder", c->decoder, "Decoder LSTM sizes")->capture_default_str();
  app.add_flag("--residual-encoder", c->residual_encoder,
               "Residual connections in the encoder too (the decoder's follow --arch)");
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
  app.add_option("--sparsity-beta", o.sparsity.beta, "Weight of the KL penalty (sparse kinds)")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "Seed of the initial weights and the batch order")
      ->capture_default_str();
  app.add_option("--data-dir", c->data_dir,
                 "Folder with ECG5000_TRAIN.txt and ECG5000_TEST_binary.csv")
      ->capture_default_str();
  app.add_option("--split", c->split, "Protocol split: fixed or seeded:S")->capture_default_str();
  app.add_option("-o,--out", c->out, "Weights file to write (.ecgw)")->required();
  app.add_option("--checkpoint", c->checkpoint,
                 "Write a checkpoint here after every epoch (atomic)");
  app.add_option("--resume", c->resume,
                 "Continue the run saved in this checkpoint (its options are used; --epochs "
                 "may raise the total)")
      ->check(CLI::ExistingFile);
  app.add_option("--curve", c->curve, "Loss curve CSV (default: OUT.curve.csv)");
  app.add_option("--export-test", c->export_test,
                 "Also write the split's test beats as CSV (label first) for `ecglens eval`");
  app.add_flag("-q,--quiet", c->quiet, "No progress on stderr");
  return [c] { return run_train(*c); };
}

}  // namespace ecglens::cli
