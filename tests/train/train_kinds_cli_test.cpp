// `ecglens train --arch KIND` for the kinds beyond the LSTM family (mlp_ae,
// conv1d_ae, lstm_vae, recae), run as a user runs it on their own beats: the
// kind's options reach the architecture, the model card's rebuild command
// carries them (and rebuilds the same weights), the model scores in the
// core, and `ecglens export` writes it as ONNX. Needs no external data.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecglens/io/weights_file.h"
#include "run_cli.h"

namespace ecglens {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using test::CliResult;

constexpr int kLength = 24;

void write_sine_beats(const std::string& path, int count) {
  std::ofstream f(path);
  for (int b = 0; b < count; ++b)
    for (int t = 0; t < kLength; ++t)
      f << std::sin(2 * M_PI * t / kLength + 0.05 * b) << (t + 1 < kLength ? "," : "\n");
}

struct KindCase {
  const char* name;
  const char* options;        // the kind's architecture options
  const char* architecture;   // what the weights file's architecture must hold (JSON)
};

class TrainKindsCli : public ::testing::TestWithParam<KindCase> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ecglens_train_kinds_cli_" + std::string(GetParam().name) + std::to_string(::getpid()));
    fs::create_directories(dir_);
    write_sine_beats(path("beats.csv"), 24);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_P(TrainKindsCli, TrainsTheKindWithItsOptionsAndTheCardRebuildsIt) {
  const KindCase c = GetParam();
  const std::string common = " --epochs 2 --batch 8 --lr 0.01 --seed 5 --train " + path("beats.csv") +
                             " --val-fraction 0.25 -q";
  const CliResult t = test::run_cli(std::string("train --arch ") + c.name + " " + c.options +
                                    common + " -o " + path("m.ecgw"));
  ASSERT_EQ(t.code, 0) << t.output;
  const WeightsFile w = read_weights(path("m.ecgw"));
  const nlohmann::json expected = nlohmann::json::parse(c.architecture);
  for (const auto& [key, value] : expected.items())
    EXPECT_EQ(w.architecture[key], value) << key;
  const std::string command = w.provenance["command"].get<std::string>();
  EXPECT_THAT(command, HasSubstr(std::string("--arch ") + c.name + " " + c.options));

  // The rebuild command, run again to another file, gives the same weights.
  std::string again = command.substr(command.find("train "));
  again = again.substr(0, again.rfind("--out ")) + "--out " + path("again.ecgw") + " -q";
  const CliResult r = test::run_cli(again);
  ASSERT_EQ(r.code, 0) << again << "\n" << r.output;
  const WeightsFile w2 = read_weights(path("again.ecgw"));
  ASSERT_EQ(w.tensors.size(), w2.tensors.size());
  for (std::size_t i = 0; i < w.tensors.size(); ++i)
    EXPECT_EQ(w.tensors[i].data, w2.tensors[i].data) << w.tensors[i].name;

  const CliResult score = test::run_cli("score -m " + path("m.ecgw") + " -i " + path("beats.csv") +
                                        " -o " + path("scores.csv"));
  EXPECT_EQ(score.code, 0) << score.output;
  EXPECT_TRUE(fs::exists(path("scores.csv")));
  const CliResult onnx =
      test::run_cli("export -m " + path("m.ecgw") + " -o " + path("m.onnx"));
  EXPECT_EQ(onnx.code, 0) << onnx.output;
  EXPECT_GT(fs::file_size(path("m.onnx")), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, TrainKindsCli,
    ::testing::Values(
        KindCase{"mlp_ae", "--hidden 8 4", R"({"kind": "mlp_ae", "hidden": [8, 4]})"},
        KindCase{"conv1d_ae", "--channels 4 2 --kernel 3 --stride 2",
                 R"({"kind": "conv1d_ae", "channels": [4, 2], "kernel": 3, "stride": 2})"},
        KindCase{"lstm_vae", "--cell lstm --encoder 6 --decoder 5",
                 R"({"kind": "lstm_vae", "encoder_hidden": [6], "decoder_hidden": [5], "latent_dim": 16})"},
        KindCase{"recae", "--cell gru --hidden 5 4",
                 R"({"kind": "recae", "cell": "gru", "hidden": [5, 4]})"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(TrainKindsCliErrors, AConvolutionThatDoesNotGiveBackTheBeatIsRefused) {
  const fs::path dir = fs::temp_directory_path() / ("ecglens_train_kinds_err" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string beats = (dir / "beats.csv").string();
  write_sine_beats(beats, 12);
  // 24 steps, stride 3 twice: 24 -> 8 -> 3 -> 9 -> 27.
  const CliResult t = test::run_cli("train --arch conv1d_ae --channels 4 4 --kernel 3 --stride 3 "
                                    "--epochs 1 --train " + beats + " -o " + (dir / "m.ecgw").string());
  EXPECT_NE(t.code, 0);
  EXPECT_THAT(t.output, HasSubstr("seq_len"));
  EXPECT_FALSE(fs::exists(dir / "m.ecgw"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ecglens
