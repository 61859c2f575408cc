// The setup step of the ONNX parity test (onnx_parity.mjs): for every case
// of tests/fixtures/golden/index.json, exports the case's weights as
// OUT/CASE.onnx (input length = the case's length) and writes the core's
// reconstruction of the case's input as OUT/CASE.core.f32 (float32,
// little-endian, [batch][length][channels]).
//
// With an ECG5000 file, also real beats: its first kRealBeats beats
// (OUT/real_input.f32) through every single-channel case that takes 140
// samples, exported at that length (OUT/real_CASE.onnx, OUT/real_CASE.core.f32),
// listed in OUT/real.json. A missing file only skips this part.
//
//   export_goldens FIXTURE_GOLDEN_DIR OUT_DIR [ECG5000_TEST_binary.csv]
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ecglens/data/dataset.h"
#include "ecglens/export/onnx_export.h"
#include "ecglens/model/model.h"

namespace {

constexpr std::size_t kRealBeats = 500;

void write_floats(const std::filesystem::path& path, const std::vector<float>& values) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(float)));
  if (!f) throw std::runtime_error("cannot write " + path.string());
}

nlohmann::json load_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return nlohmann::json::parse(in);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::cerr << "usage: export_goldens FIXTURE_GOLDEN_DIR OUT_DIR [ECG5000_TEST_binary.csv]\n";
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
      write_floats(out / (name + ".core.f32"), reconstruction);
      std::cout << "exported " << name << "\n";
    }

    std::filesystem::remove(out / "real.json");
    if (argc == 4 && std::filesystem::exists(argv[3])) {
      const ecglens::Dataset data = ecglens::read_dataset(argv[3]);
      const std::size_t count = std::min(kRealBeats, data.size());
      const int length = data.length;
      std::vector<float> input(data.values.begin(), data.values.begin() + count * length);
      write_floats(out / "real_input.f32", input);
      nlohmann::json manifest{{"source", argv[3]}, {"batch", count}, {"length", length}, {"channels", 1}};
      manifest["cases"] = nlohmann::json::array();
      for (const auto& c : index.at("cases")) {
        const std::string name = c.at("case");
        const ecglens::WeightsFile weights = ecglens::read_weights((golden / c.at("weights").get<std::string>()).string());
        ecglens::Model model(weights);
        if (model.channels() != 1) continue;
        if (!model.architecture().recurrent() && model.architecture().seq_len != length) continue;
        ecglens::OnnxExportOptions options;
        options.seq_len = length;
        ecglens::export_onnx(weights, (out / ("real_" + name + ".onnx")).string(), options);
        std::vector<float> reconstruction(input.size());
        model.reconstruct(input.data(), count, length, reconstruction.data());
        write_floats(out / ("real_" + name + ".core.f32"), reconstruction);
        manifest["cases"].push_back({{"case", name}, {"kind", c.at("kind")}});
      }
      std::ofstream(out / "real.json") << manifest.dump(1);
      std::cout << "exported " << manifest["cases"].size() << " models for " << count << " beats of " << argv[3] << "\n";
    } else if (argc == 4) {
      std::cout << "no " << argv[3] << ": the real-beat comparison is skipped\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "export_goldens: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
