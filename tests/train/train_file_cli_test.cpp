// `ecglens train --train FILE` run as a user runs it on their own beats: the
// anomalies in the file are left out of training, the model it writes loads
// in the core and scores, a validation file or a held-out fraction sets the
// thresholds, resume works as for ECG5000, bad option combinations exit 2
// and a malformed file gives the reader's file:line:column error (exit 1).
// Needs no external data: the beats are written by the test.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecglens/data/beat_reader.h"
#include "ecglens/io/weights_file.h"
#include "ecglens/model/scorer.h"
#include "run_cli.h"

namespace ecglens {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using test::CliResult;
CliResult run(const std::string& args) { return test::run_cli(args); }

constexpr int kLength = 24;

// Writes `normals` sine beats (label 1) then `anomalies` square beats
// (label 2), label first; without labels when `labelled` is false.
void write_beats(const std::string& path, int normals, int anomalies, bool labelled = true) {
  std::ofstream f(path);
  for (int b = 0; b < normals + anomalies; ++b) {
    const bool normal = b < normals;
    if (labelled) f << (normal ? "1," : "2,");
    for (int t = 0; t < kLength; ++t) {
      const double phase = 2 * M_PI * t / kLength + 0.05 * b;
      const double v = normal ? std::sin(phase) : (std::sin(3 * phase) > 0 ? 1.5 : -1.5);
      f << v << (t + 1 < kLength ? "," : "\n");
    }
  }
}

class TrainFileCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ecglens_train_file_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string small() {
    return "train --encoder 4 --decoder 4 --batch 8 --lr 0.01 --seed 3 --epochs 2";
  }
  fs::path dir_;
};

TEST_F(TrainFileCli, TrainsOnTheNormalBeatsOnlyAndTheModelScoresInTheCore) {
  write_beats(path("beats.csv"), 30, 10);
  const CliResult t = run(small() + " --train " + path("beats.csv") + " --val-fraction 0.1 -o " +
                          path("m.ecgw"));
  ASSERT_EQ(t.code, 0) << t.output;
  EXPECT_THAT(t.output, HasSubstr("27 normal beats of " + path("beats.csv") +
                                  " (10 anomalies left out; 3 validate, held out)"));

  const WeightsFile w = read_weights(path("m.ecgw"));
  EXPECT_EQ(w.provenance["data"]["anomalies_left_out"], 10);
  EXPECT_EQ(w.provenance["data"]["train_file"], path("beats.csv"));
  EXPECT_THAT(w.provenance["command"].get<std::string>(),
              HasSubstr("--train " + path("beats.csv") + " --val-fraction 0.1 --out"));
  // Beats 30..39 are the anomalies: no run of trained or validation indices reaches them.
  for (const char* part : {"train", "validation"})
    for (const auto& run : w.provenance["split_indices"][part]) EXPECT_LT(run[1].get<int>(), 30);
  ASSERT_TRUE(w.thresholds.default_value().has_value());

  Scorer scorer(w);
  const Dataset beats = read_dataset(path("beats.csv"));
  std::vector<float> scores(beats.size());
  scorer.score(beats.values.data(), beats.size(), beats.length, scores.data());
  for (float s : scores) EXPECT_TRUE(std::isfinite(s) && s >= 0);

  const CliResult eval = run("eval -m " + path("m.ecgw") + " -i " + path("beats.csv"));
  EXPECT_EQ(eval.code, 0) << eval.output;
  EXPECT_THAT(eval.output, HasSubstr("40 beats: 30 normal, 10 anomalous"));
}

TEST_F(TrainFileCli, UnlabelledFileTrainsWhollyAndAValidationFileSetsTheThresholds) {
  write_beats(path("train.csv"), 20, 0, false);
  write_beats(path("val.csv"), 6, 4);
  // Read with the same (automatic) options: the train file has no label
  // column, the validation file a first one.
  const CliResult t = run(small() + " --train " + path("train.csv") +
                          " --validation " + path("val.csv") + " -o " + path("m.ecgw"));
  ASSERT_EQ(t.code, 0) << t.output;
  EXPECT_THAT(t.output, HasSubstr("20 normal beats of " + path("train.csv") +
                                  " (0 anomalies left out; 6 validate, from " + path("val.csv")));
  const WeightsFile w = read_weights(path("m.ecgw"));
  EXPECT_EQ(w.provenance["data"]["validation_file"], path("val.csv"));
  EXPECT_EQ(w.provenance["data"]["labelled"], false);
  EXPECT_THAT(w.provenance["command"].get<std::string>(),
              HasSubstr("--train " + path("train.csv") + " --validation " + path("val.csv")));
  // The stored p99 is that of the 6 validation normals' scores.
  Scorer scorer(w);
  const Dataset v = read_dataset(path("val.csv"));
  std::vector<float> scores(v.size());
  scorer.score(v.values.data(), v.size(), v.length, scores.data());
  const float max_normal = *std::max_element(scores.begin(), scores.begin() + 6);
  const float min_normal = *std::min_element(scores.begin(), scores.begin() + 6);
  const double p99 = *w.thresholds.find("p99");
  EXPECT_LE(p99, max_normal * (1 + 1e-5));
  EXPECT_GE(p99, min_normal * (1 - 1e-5));
}

TEST_F(TrainFileCli, ResumeContinuesAFileRunToTheSameWeightsAsOneRun) {
  write_beats(path("beats.csv"), 24, 4);
  const std::string data = " --train " + path("beats.csv") + " -q";
  ASSERT_EQ(run(small() + data + " -o " + path("straight.ecgw")).code, 0);
  const CliResult first = run("train --encoder 4 --decoder 4 --batch 8 --lr 0.01 --seed 3 "
                              "--epochs 1" + data + " -o " + path("half.ecgw") +
                              " --checkpoint " + path("run.ckpt"));
  ASSERT_EQ(first.code, 0) << first.output;
  const CliResult resumed = run("train --epochs 2 --resume " + path("run.ckpt") + data + " -o " +
                                path("resumed.ecgw"));
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  const WeightsFile a = read_weights(path("straight.ecgw"));
  const WeightsFile b = read_weights(path("resumed.ecgw"));
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (std::size_t i = 0; i < a.tensors.size(); ++i)
    EXPECT_EQ(a.tensors[i].data, b.tensors[i].data) << a.tensors[i].name;

  // A checkpoint of another data source is refused.
  write_beats(path("other.csv"), 24, 4);
  const CliResult other = run("train --epochs 2 --resume " + path("run.ckpt") + " --train " +
                              path("other.csv") + " -o " + path("x.ecgw"));
  EXPECT_EQ(other.code, 1);
  EXPECT_THAT(other.output, HasSubstr("the checkpoint was trained on split"));
}

TEST_F(TrainFileCli, BadOptionCombinationsExitTwoWithAMessage) {
  write_beats(path("beats.csv"), 10, 0);
  const std::string train = " --train " + path("beats.csv") + " -o " + path("x.ecgw");
  const std::pair<std::string, std::string> cases[] = {
      {train + " --data-dir " + dir_.string(), "excludes"},
      {train + " --split seeded:1", "excludes"},
      {train + " --export-test " + path("t.csv"), "excludes"},
      {train + " --validation " + path("beats.csv") + " --val-fraction 0.2", "excludes"},
      {" --validation " + path("beats.csv") + " -o " + path("x.ecgw"), "--validation requires --train"},
      {" --val-fraction 0.2 -o " + path("x.ecgw"), "--val-fraction requires --train"},
      {" --label first -o " + path("x.ecgw"), "--label requires --train"},
  };
  for (const auto& [args, message] : cases) {
    const CliResult r = run("train" + args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_THAT(r.output, HasSubstr(message)) << args;
  }
  EXPECT_FALSE(fs::exists(path("x.ecgw")));
}

TEST_F(TrainFileCli, MalformedOrUnusableFilesFailWithTheReadersMessage) {
  {
    std::ofstream f(path("bad.csv"));
    f << "1,0.1,0.2,0.3\n1,0.1,0.2,0.3\n1,0.1,abc,0.3\n";
  }
  const CliResult bad = run(small() + " --train " + path("bad.csv") + " -o " + path("x.ecgw"));
  EXPECT_EQ(bad.code, 1);
  EXPECT_THAT(bad.output, HasSubstr(path("bad.csv") + ":3:3: not a number"));

  write_beats(path("anomalies.csv"), 0, 5);
  const CliResult none = run(small() + " --train " + path("anomalies.csv") +
                             " --normal-label 1 --anomaly-label 2 -o " + path("x.ecgw"));
  EXPECT_EQ(none.code, 1);
  EXPECT_THAT(none.output, HasSubstr("normal beat"));

  write_beats(path("good.csv"), 10, 0);
  const CliResult fraction =
      run(small() + " --train " + path("good.csv") + " --val-fraction 1.5 -o " + path("x.ecgw"));
  EXPECT_EQ(fraction.code, 1);
  EXPECT_THAT(fraction.output, HasSubstr("validation fraction"));
  EXPECT_FALSE(fs::exists(path("x.ecgw")));
}

}  // namespace
}  // namespace ecglens
