// ecglens score: beats in, one CSV row per beat out (index, source line,
// score, flag, label: ecglens/eval/scores_csv.h). Reads the input in
// batches, so files larger than memory stream through; progress goes to
// stderr.
#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <unistd.h>

#include "commands.h"
#include "ecglens/eval/scores_csv.h"
#include "ecglens/model/scorer.h"
#include "ecglens/util/error.h"
#include "options.h"

namespace ecglens::cli {
namespace {

struct ScoreOptions {
  std::string model;
  InputOptions input;
  std::string output = "-";
  std::string threshold;
  size_t batch = 4096;
  bool progress = false;
};

int run_score(const ScoreOptions& o) {
  const WeightsFile weights = read_weights(o.model);
  Scorer scorer(weights);
  const int length = scorer.model().architecture().seq_len;
  const auto threshold = resolve_threshold(o.threshold, scorer.thresholds());
  if (!threshold)
    std::cerr << "ecglens: " << o.model
              << " holds no threshold presets and --threshold was not given: no flag column\n";

  const std::optional<double> flag_above =
      threshold ? std::optional<double>(threshold->value) : std::nullopt;

  std::ofstream file;
  if (o.output != "-") {
    file.open(o.output, std::ios::binary);
    if (!file) throw Error(o.output + ": cannot open for writing");
  }
  std::ostream& out = o.output == "-" ? std::cout : file;
  const bool show_progress = o.progress || isatty(STDERR_FILENO);

  BeatReader reader(o.input.path, o.input.read_options());
  Dataset batch;
  std::vector<float> scores;
  size_t done = 0;
  bool header_written = false;
  const auto start = std::chrono::steady_clock::now();
  auto last_report = start;
  while (reader.next(batch, o.batch)) {
    Dataset beats = fit_length(std::move(batch), length, o.input.resample);
    scores.resize(beats.size());
    scorer.score(beats.values.data(), beats.size(), beats.length, scores.data());
    if (!header_written) {
      out << scores_csv_header(beats, flag_above);
      header_written = true;
    }
    out << scores_csv_rows(beats, scores.data(), beats.size(), flag_above, done);
    done += beats.size();
    batch = std::move(beats);
    const auto now = std::chrono::steady_clock::now();
    if (show_progress && now - last_report > std::chrono::seconds(1)) {
      const double s = std::chrono::duration<double>(now - start).count();
      std::cerr << "\rscored " << done << " beats (" << static_cast<long>(done / s) << " beats/s)"
                << std::flush;
      last_report = now;
    }
  }
  if (show_progress) std::cerr << "\rscored " << done << " beats            \n";
  if (!out.flush()) throw Error(o.output + ": write failed");
  return 0;
}

}  // namespace

Action add_score(CLI::App& app) {
  auto o = std::make_shared<ScoreOptions>();
  app.add_option("-m,--model", o->model, "Weights file (.ecgw)")->required()->check(CLI::ExistingFile);
  o->input.add_to(app, "Beats to score (CSV, UCR .txt/.tsv/.arff/.ts)");
  app.add_option("-o,--output", o->output, "Where to write the scores CSV ('-': stdout)")
      ->capture_default_str();
  app.add_option("-t,--threshold", o->threshold,
                 "Flag beats above this: a preset name of the model (p99, mean+2sd, ...) or a "
                 "number (default: the model's default preset)");
  app.add_option("--batch", o->batch, "Beats read and scored at a time")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  app.add_flag("--progress", o->progress, "Report progress on stderr even when it is not a terminal");
  return [o] { return run_score(*o); };
}

}  // namespace ecglens::cli
