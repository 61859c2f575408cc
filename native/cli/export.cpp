// ecglens export: a weights file as an ONNX model that ONNX Runtime runs
// with the core's outputs (native/export/README.md).
#include <iostream>
#include <memory>

#include "commands.h"
#include "ecglens/export/onnx_export.h"

namespace ecglens::cli {

Action add_export(CLI::App& app) {
  auto model = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  auto seq_len = std::make_shared<int>(0);
  app.add_option("-m,--model", *model, "Weights file (.ecgw)")->required()->check(CLI::ExistingFile);
  app.add_option("-o,--output", *output, "ONNX file to write (written atomically)")->required();
  app.add_option("--seq-len", *seq_len,
                 "Time steps of the exported input (default: the model's seq_len; "
                 "recurrent kinds only may choose another)")
      ->check(CLI::PositiveNumber);
  return [model, output, seq_len] {
    const WeightsFile w = read_weights(*model);
    OnnxExportOptions options;
    options.seq_len = *seq_len;
    export_onnx(w, *output, options);
    std::cout << "wrote " << *output << " (" << w.kind() << ", opset " << kOnnxOpset
              << "; input 'beats' [batch, "
              << (*seq_len ? *seq_len : w.architecture.value("seq_len", 0)) << ", "
              << w.architecture.value("input_dim", 1) << "], output 'reconstruction'; per-beat "
              << "normalisation '" << w.per_beat() << "' is applied outside the graph)\n";
    return 0;
  };
}

}  // namespace ecglens::cli
