// `ecglens train` run as a user runs it: a model that `info` and `eval` read,
// --resume that continues a checkpoint to the same weights as one run, and
// clear errors for bad options. Needs ECG5000 (skips without it).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecglens/io/weights_file.h"
#include "run_cli.h"
#include "test_paths.h"

namespace ecglens {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using test::CliResult;
CliResult run(const std::string& args) { return test::run_cli(args); }

class TrainCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(test::ecg5000("ECG5000_TRAIN.txt"))) GTEST_SKIP() << "ECG5000 not found";
    dir_ = fs::temp_directory_path() / ("ecglens_train_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string common() const {
    return "train --encoder 8 --decoder 8 --batch 128 --lr 0.005 --seed 3 -q --data-dir " +
           test::ecg5000("").string();
  }
  fs::path dir_;
};

TEST_F(TrainCli, WritesAModelThatInfoAndEvalReadWithTheTestSplit) {
  const CliResult t = run(common() + " --epochs 1 --out " + path("m.ecgw") + " --export-test " +
                          path("test.csv"));
  ASSERT_EQ(t.code, 0) << t.output;
  const CliResult info = run("info " + path("m.ecgw"));
  EXPECT_EQ(info.code, 0) << info.output;
  EXPECT_THAT(info.output, HasSubstr("p99"));
  EXPECT_THAT(info.output, HasSubstr("ecglens train --arch lstm_ae --cell lstm --encoder 8"));
  const CliResult eval = run("eval -m " + path("m.ecgw") + " -i " + path("test.csv"));
  EXPECT_EQ(eval.code, 0) << eval.output;
  EXPECT_THAT(eval.output, HasSubstr("3000 beats: 919 normal, 2081 anomalous"));
  EXPECT_TRUE(fs::exists(path("m.ecgw.curve.csv")));
}

TEST_F(TrainCli, ResumeContinuesACheckpointToTheSameWeightsAsOneRun) {
  ASSERT_EQ(run(common() + " --epochs 2 --out " + path("straight.ecgw")).code, 0);
  const CliResult first = run(common() + " --epochs 1 --out " + path("half.ecgw") +
                              " --checkpoint " + path("run.ckpt"));
  ASSERT_EQ(first.code, 0) << first.output;
  const CliResult resumed = run("train --epochs 2 -q --data-dir " + test::ecg5000("").string() +
                                " --resume " + path("run.ckpt") + " --out " + path("resumed.ecgw"));
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  const WeightsFile a = read_weights(path("straight.ecgw"));
  const WeightsFile b = read_weights(path("resumed.ecgw"));
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (std::size_t i = 0; i < a.tensors.size(); ++i)
    EXPECT_EQ(a.tensors[i].data, b.tensors[i].data) << a.tensors[i].name;
  EXPECT_EQ(a.thresholds.values, b.thresholds.values);
}

TEST_F(TrainCli, BadOptionsAndUnknownKindsFailWithAReason) {
  const CliResult kind = run(common() + " --arch lstm_ea --out " + path("x.ecgw"));
  EXPECT_EQ(kind.code, 1);
  EXPECT_THAT(kind.output, HasSubstr("unknown model kind 'lstm_ea'"));
  const CliResult split = run(common() + " --split seeded:abc --out " + path("x.ecgw"));
  EXPECT_EQ(split.code, 1);
  EXPECT_THAT(split.output, HasSubstr("seed must be a non-negative integer"));
  const CliResult loss = run(common() + " --loss l3 --out " + path("x.ecgw"));
  EXPECT_EQ(loss.code, 1);
  EXPECT_THAT(loss.output, HasSubstr("l3"));
  EXPECT_FALSE(fs::exists(path("x.ecgw")));
}

}  // namespace
}  // namespace ecglens
