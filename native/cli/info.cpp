// ecglens info MODEL: what a weights file holds, checked as the scorer
// would check it.
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "ecglens/model/scorer.h"

namespace ecglens::cli {

Action add_info(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  app.add_option("model", *path, "Weights file (.ecgw)")->required()->check(CLI::ExistingFile);
  app.add_flag("--json", *as_json, "Print the file's header as JSON");
  return [path, as_json] {
    const WeightsFile w = read_weights(*path);
    const Scorer scorer(w);  // validates architecture, tensors, normalisation, loss
    const Architecture& a = scorer.model().architecture();
    int64_t parameters = 0;
    for (const auto& t : w.tensors) parameters += t.numel();

    if (*as_json) {
      nlohmann::json j;
      j["architecture"] = a.to_json();
      j["normalization"] = w.normalization;
      j["loss"] = w.loss;
      j["thresholds"] = nlohmann::json::object();
      for (const auto& [name, value] : w.thresholds.values) j["thresholds"][name] = value;
      j["default_threshold"] = w.thresholds.default_name;
      j["hyperparameters"] = w.hyperparameters;
      j["provenance"] = w.provenance;
      j["parameters"] = parameters;
      for (const auto& t : w.tensors) j["tensors"].push_back({{"name", t.name}, {"shape", t.shape}});
      std::cout << j.dump(2) << "\n";
      return 0;
    }
    std::cout << "model          " << *path << "\n"
              << "kind           " << to_string(a.kind) << "\n"
              << "architecture   " << a.to_json().dump() << "\n"
              << "input          " << a.seq_len << " samples x " << a.input_dim << " channel(s)"
              << (a.recurrent() ? " (any length accepted)" : "") << "\n"
              << "latent         " << a.latent_size() << " values\n"
              << "parameters     " << parameters << " in " << w.tensors.size() << " tensors\n"
              << "normalization  " << w.per_beat() << "\n"
              << "loss           " << w.loss << "\n";
    std::cout << "thresholds    ";
    if (w.thresholds.empty()) std::cout << " none";
    for (const auto& [name, value] : w.thresholds.values)
      std::cout << " " << name << "=" << std::setprecision(6) << value
                << (name == w.thresholds.default_name ? " (default)" : "");
    std::cout << "\n";
    if (!w.hyperparameters.empty()) std::cout << "training       " << w.hyperparameters.dump() << "\n";
    if (!w.provenance.empty()) std::cout << "provenance     " << w.provenance.dump() << "\n";
    std::cout << "tensors\n";
    for (const auto& t : w.tensors)
      std::cout << "  " << std::left << std::setw(32) << t.name << shape_to_string(t.shape) << "\n";
    return 0;
  };
}

}  // namespace ecglens::cli
