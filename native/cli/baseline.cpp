// ecglens baseline: the protocol's simple baselines (mean beat, PCA, nearest
// neighbours; PROTOCOL.md) on ECG5000's split, evaluated with the same code
// as `ecglens eval`, so their rows stand beside the models'.
#include <cstdio>
#include <iostream>

#include "commands.h"
#include "ecglens/eval/evaluation.h"
#include "ecglens/train/baselines.h"
#include "ecglens/train/ecg5000.h"
#include "ecglens/util/error.h"
#include "options.h"

#ifndef ECGLENS_DEFAULT_DATA_DIR
#define ECGLENS_DEFAULT_DATA_DIR "../shared/data/ecg5000"
#endif

namespace ecglens::cli {
namespace {

struct BaselineOptions {
  std::string method = "all";
  int k = 5;
  int components = 4;
  std::string data_dir = ECGLENS_DEFAULT_DATA_DIR;
  std::string split = "fixed";
  std::string json;
};

std::string format_row(const train::BaselineResult& r) {
  char line[160];
  std::snprintf(line, sizeof line, "%-32s %8.4f %8.4f %14.4f %16.4f\n", r.spec.label().c_str(),
                r.evaluation.roc_auc, r.evaluation.pr_auc,
                r.evaluation.at_threshold.confusion.accuracy(),
                r.evaluation.tuned_accuracy.confusion.accuracy());
  return line;
}

int run_baseline(const BaselineOptions& o) {
  std::vector<train::BaselineSpec> specs;
  if (o.method == "all") {
    specs = train::all_baselines();
    for (auto& s : specs) {
      s.k = o.k;
      s.components = o.components;
    }
  } else {
    specs.push_back({o.method, o.k, o.components});
  }
  const train::LabelledBeats beats = train::load_ecg5000(o.data_dir);
  const train::Split split = train::make_split(beats, o.split);

  std::vector<train::BaselineResult> results;  // all computed first, so an error prints no table
  for (const auto& spec : specs) results.push_back(train::evaluate_baseline(beats, split, spec));

  std::cout << "ECG5000, split " << split.name << ": " << split.train.size() << " train, "
            << split.validation.size() << " validation, " << split.test.size()
            << " test beats; scores are squared Euclidean distances\n";
  std::printf("%-32s %8s %8s %14s %16s\n", "method", "ROC-AUC", "PR-AUC", "leak-free acc",
              "acc (tuned)*");
  std::fflush(stdout);  // printf and cout share the terminal: keep their order
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : results) {
    std::cout << format_row(r);
    rows.push_back({{"method", r.spec.method},
                    {"label", r.spec.label()},
                    {"k", r.spec.k},
                    {"components", r.spec.components},
                    {"evaluation", to_json(r.evaluation)}});
  }
  std::cout << "leak-free acc: threshold at the 99th percentile of the validation normals' "
               "scores\n* tuned on test labels: for comparison only, not a result\n";

  if (!o.json.empty()) {
    nlohmann::json j;
    j["data_dir"] = o.data_dir;
    j["split"] = split.name;
    j["split_indices"] = {{"train", split.train}, {"validation", split.validation},
                          {"test", split.test}};
    j["score"] = "squared Euclidean distance";
    j["baselines"] = rows;
    write_json(j, o.json);
  }
  return 0;
}

}  // namespace

Action add_baseline(CLI::App& app) {
  auto o = std::make_shared<BaselineOptions>();
  app.add_option("--method", o->method, "mean, pca, 1nn, knn or all (default: all)")
      ->check(CLI::IsMember({"mean", "pca", "1nn", "knn", "all"}));
  app.add_option("--k", o->k, "Neighbours averaged by knn (default: 5)")
      ->check(CLI::PositiveNumber);
  app.add_option("--components", o->components, "Principal components for pca (default: 4)")
      ->check(CLI::PositiveNumber);
  app.add_option("--data-dir", o->data_dir,
                 "Folder holding ECG5000_TRAIN.txt and ECG5000_TEST_binary.csv")
      ->capture_default_str();
  app.add_option("--split", o->split, "fixed or seeded:S (default: fixed)");
  app.add_option("--json", o->json, "Also write the metrics as JSON to this file ('-': stdout)");
  return [o] { return run_baseline(*o); };
}

}  // namespace ecglens::cli
