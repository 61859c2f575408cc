// ecglens eval: score labelled beats and report the protocol's metrics
// (PROTOCOL.md): ROC-AUC, PR-AUC, separation, and the confusion matrix with
// its metrics at a leak-free threshold; label-tuned rows kept apart.
#include <iostream>

#include "commands.h"
#include "ecglens/eval/evaluation.h"
#include "ecglens/eval/thresholds.h"
#include "ecglens/model/scorer.h"
#include "ecglens/util/error.h"
#include "options.h"

namespace ecglens::cli {
namespace {

struct EvalOptions {
  std::string model;
  InputOptions input;
  std::string validation;
  std::string threshold;
  std::string json;
};

struct Scored {
  Dataset data;
  std::vector<float> scores;
  Labels labels;  // empty when the file has none
};

Scored score_file(Scorer& scorer, const InputOptions& in, const std::string& path) {
  Scored s;
  s.data = fit_length(read_dataset(path, in.read_options()),
                      scorer.model().architecture().seq_len, in.resample);
  s.scores.resize(s.data.size());
  scorer.score(s.data.values.data(), s.data.size(), s.data.length, s.scores.data());
  if (!s.data.labels.empty()) {
    for (BeatClass c : map_labels(s.data, in.label_map(s.data)))
      s.labels.push_back(static_cast<std::int8_t>(c));
  }
  return s;
}

// Presets from the normal beats of a validation file (all its beats when it
// has no labels): the leak-free way to pick a threshold for a new model.
Thresholds presets_from_validation(Scorer& scorer, const InputOptions& in, const std::string& path) {
  const Scored v = score_file(scorer, in, path);
  std::vector<float> normals;
  for (size_t i = 0; i < v.scores.size(); ++i)
    if (v.labels.empty() || v.labels[i] == 0) normals.push_back(v.scores[i]);
  if (normals.empty()) throw Error(path + ": no normal beats to choose a threshold from");
  Thresholds t;
  t.default_name = kDefaultThresholdPreset;
  for (const auto& p : threshold_presets(normals)) t.values.emplace_back(p.name, p.value);
  return t;
}

int run_eval(const EvalOptions& o) {
  Scorer scorer(read_weights(o.model));
  const Thresholds presets = o.validation.empty()
                                 ? scorer.thresholds()
                                 : presets_from_validation(scorer, o.input, o.validation);
  const auto threshold = resolve_threshold(o.threshold, presets);
  if (!threshold)
    throw Error(o.model + " holds no threshold presets: pass --validation FILE (normal beats "
                "the model was not tested on) or --threshold VALUE");

  const Scored test = score_file(scorer, o.input, o.input.path);
  if (test.labels.empty())
    throw Error(o.input.path + ": has no labels to evaluate against (use `ecglens score`)");
  const Evaluation e = evaluate(test.scores, test.labels, threshold->value, threshold->name);

  std::cout << format_table(e);
  if (!o.json.empty()) {
    nlohmann::json j;
    j["model"] = o.model;
    j["input"] = o.input.path;
    j["loss"] = to_string(scorer.loss());
    j["threshold_source"] = o.validation.empty() ? "weights file presets" : o.validation;
    j["thresholds"] = nlohmann::json::object();
    for (const auto& [name, value] : presets.values) j["thresholds"][name] = value;
    j["evaluation"] = to_json(e);
    write_json(j, o.json);
  }
  return 0;
}

}  // namespace

Action add_eval(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  app.add_option("-m,--model", o->model, "Weights file (.ecgw)")->required()->check(CLI::ExistingFile);
  o->input.add_to(app, "Labelled test beats");
  app.add_option("--validation", o->validation,
                 "Choose the threshold presets from this file's normal beats instead of the "
                 "presets stored in the model")
      ->check(CLI::ExistingFile);
  app.add_option("-t,--threshold", o->threshold,
                 "Preset name (p99, p95, max, mean+1sd, mean+2sd, mean+3sd) or a number "
                 "(default: the default preset)");
  app.add_option("--json", o->json, "Also write the metrics as JSON to this file ('-': stdout)");
  return [o] { return run_eval(*o); };
}

}  // namespace ecglens::cli
