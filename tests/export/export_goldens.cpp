// The setup step of the ONNX parity test (onnx_parity.mjs): for every case
// of tests/fixtures/golden/index.json, exports the case's weights as
// OUT/CASE.onnx (input length = the case's length) and writes the core's
// reconstruction of the case's input as OUT/CASE.core.f32 (float32,
// little-endian, [batch][length][channels]).
//
//   export_goldens FIXTURE_GOLDEN_DIR OUT_DIR
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ecglens/export/onnx_export.h"
#include "ecglens/model/model.h"

namespace {

nlohmann::json load_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return nlohmann::json::parse(in);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: export_goldens FIXTURE_GOLDEN_DIR OUT_DIR\n";
    return 2;
  }
  const std::filesystem::path golden = argv[1], out = argv[2];
  try {
    std::filesystem::create_directories(out);
    const nlohmann::json index = load_json(golden / "index.json");
    for (const auto& c : index.at("cases")) {
      const std::string name = c.at("case");
      const nlohmann::json fixture = load_json(golden / c.at("fixture").get<std::string>());
      const ecglens::WeightsFile weights = ecglens::read_weights((golden / c.at("weights").get<std::string>()).string());
      const int batch = fixture.at("batch"), length = fixture.at("length");
      const auto input = fixture.at("input").get<std::vector<float>>();

      ecglens::OnnxExportOptions options;
      options.seq_len = length;
      ecglens::export_onnx(weights, (out / (name + ".onnx")).string(), options);

      ecglens::Model model(weights);
      std::vector<float> reconstruction(input.size());
      model.reconstruct(input.data(), batch, length, reconstruction.data());
      std::ofstream f(out / (name + ".core.f32"), std::ios::binary);
      f.write(reinterpret_cast<const char*>(reconstruction.data()),
              static_cast<std::streamsize>(reconstruction.size() * sizeof(float)));
      if (!f) throw std::runtime_error("cannot write " + (out / (name + ".core.f32")).string());
      std::cout << "exported " << name << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "export_goldens: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
