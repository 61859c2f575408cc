// ecglens: score ECG beats with a trained autoencoder, evaluate it, and see
// what a weights file holds. `ecglens --help` and `ecglens COMMAND --help`
// list the options.
#include <iostream>
#include <map>
#include <string>

#include "commands.h"
#include "ecglens/util/error.h"

int main(int argc, char** argv) {
  CLI::App app{"ecglens: find abnormal heartbeats with recurrent autoencoders"};
  app.require_subcommand(1);
  std::map<CLI::App*, ecglens::cli::Action> actions;
  auto add = [&](const char* name, const char* about, auto adder) {
    CLI::App* sub = app.add_subcommand(name, about);
    actions[sub] = adder(*sub);
  };
  add("info", "Show what a weights file holds", ecglens::cli::add_info);
  add("train",
      "Train an autoencoder on normal beats (ECG5000's protocol split, or --train FILE) "
      "into a weights file",
      ecglens::cli::add_train);
  add("score", "Score beats: CSV of score, flag and label per beat (streams large files)",
      ecglens::cli::add_score);
  add("eval", "Evaluate a model on labelled beats: metrics table and JSON",
      ecglens::cli::add_eval);
#ifdef ECGLENS_HAVE_ONNX
  add("export", "Write a weights file as an ONNX model (same outputs as the core)",
      ecglens::cli::add_export);
#else
  add("export", "(not in this build: it was configured with ECGLENS_ONNX=OFF)",
      [](CLI::App& sub) -> ecglens::cli::Action {
        sub.allow_extras();
        return []() -> int {
          throw ecglens::Error(
              "this build has no ONNX export: configure with -DECGLENS_ONNX=ON where "
              "libonnx-dev and protobuf are installed");
        };
      });
#endif
  add("synth", "Write synthetic ECG beats with labelled anomaly types as CSV",
      ecglens::cli::add_synth);
  add("baseline", "The protocol's simple baselines (mean, PCA, nearest neighbours) on ECG5000",
      ecglens::cli::add_baseline);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    for (auto& [sub, action] : actions)
      if (sub->parsed()) return action();
  } catch (const ecglens::Error& e) {
    std::cerr << "ecglens: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "ecglens: unexpected error: " << e.what() << "\n";
    return 1;
  }
  return 2;
}
