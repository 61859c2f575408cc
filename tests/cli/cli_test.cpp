// The ecglens command line, run as a user runs it: exit codes, messages, and
// scores that agree with the core called in-process.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ecglens/data/dataset.h"
#include "ecglens/data/labels.h"
#include "ecglens/eval/evaluation.h"
#include "ecglens/model/scorer.h"
#include "run_cli.h"
#include "test_paths.h"

namespace ecglens {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using test::CliResult;
CliResult run(const std::string& args) { return test::run_cli(args); }

std::string model_path() { return test::fixture("golden/bench_lstm_ae.ecgw").string(); }

fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() / ("ecglens_cli_" + std::to_string(::getpid()) + "_" + name);
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A small labelled CSV of 140-sample beats taken from a golden fixture's
// inputs, so these tests need no downloaded data.
fs::path small_csv(int length = 140) {
  const fs::path p = temp_file("beats_" + std::to_string(length) + ".csv");
  std::ofstream out(p);
  for (int b = 0; b < 6; ++b) {
    out << (b % 3 == 0 ? 1 : 0);
    for (int t = 0; t < length; ++t) out << "," << std::sin(0.07 * t * (b + 1)) * (b % 3 == 0 ? 2.0 : 1.0);
    out << "\n";
  }
  return p;
}

TEST(CliInfo, DescribesAWeightsFile) {
  const CliResult r = run("info " + model_path());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("lstm_ae"));
  EXPECT_THAT(r.output, HasSubstr("encoder.0.weight_hh"));
  EXPECT_THAT(r.output, HasSubstr("[256, 64]"));
}

TEST(CliInfo, RejectsACorruptFileWithExitCodeOneNamingIt) {
  const fs::path bad = temp_file("corrupt.ecgw");
  std::ofstream(bad) << "not a weights file at all";
  const CliResult r = run("info " + bad.string());
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.output, HasSubstr(bad.string()));
  EXPECT_THAT(r.output, HasSubstr("not an ecglens weights file"));
  fs::remove(bad);
}

TEST(Cli, UsageErrorsExitWithTwo) {
  EXPECT_EQ(run("").code, 2);
  EXPECT_EQ(run("score --model " + model_path()).code, 2);  // no --input
  EXPECT_EQ(run("frobnicate").code, 2);
}

TEST(CliScore, MatchesTheCoreInProcessAndFlagsAboveTheThreshold) {
  const fs::path csv = small_csv();
  const fs::path out = temp_file("scores.csv");
  const CliResult r = run("score -m " + model_path() + " -i " + csv.string() + " -t 0.5 -o " + out.string());
  ASSERT_EQ(r.code, 0) << r.output;

  Scorer scorer(read_weights(model_path()));
  const Dataset data = read_dataset(csv.string());
  std::vector<float> expected(data.size());
  scorer.score(data.values.data(), data.size(), data.length, expected.data());

  std::istringstream rows(read_text(out));
  std::string line;
  std::getline(rows, line);
  EXPECT_EQ(line, "index,line,score,flag,label");
  size_t i = 0;
  while (std::getline(rows, line)) {
    long index, source_line;
    double score;
    int flag;
    char c;
    std::istringstream f(line);
    f >> index >> c >> source_line >> c >> score >> c >> flag;
    ASSERT_LT(i, expected.size());
    EXPECT_EQ(index, static_cast<long>(i));
    EXPECT_EQ(source_line, static_cast<long>(i + 1));
    EXPECT_NEAR(score, expected[i], 1e-6 * std::max(1.0f, expected[i]));
    EXPECT_EQ(flag, expected[i] > 0.5f ? 1 : 0);
    ++i;
  }
  EXPECT_EQ(i, expected.size());
  fs::remove(csv);
  fs::remove(out);
}

TEST(CliScore, StreamingInSmallBatchesGivesTheSameOutput) {
  const fs::path csv = small_csv();
  const CliResult whole = run("score -m " + model_path() + " -i " + csv.string() + " -t 0.5");
  const CliResult streamed = run("score -m " + model_path() + " -i " + csv.string() + " -t 0.5 --batch 4");
  ASSERT_EQ(whole.code, 0) << whole.output;
  EXPECT_EQ(whole.output, streamed.output);
  fs::remove(csv);
}

TEST(CliScore, RefusesBeatsOfAnotherLengthUnlessAskedToResample) {
  const fs::path csv = small_csv(120);
  const CliResult refused = run("score -m " + model_path() + " -i " + csv.string());
  EXPECT_EQ(refused.code, 1);
  EXPECT_THAT(refused.output, HasSubstr(csv.string() + ":1"));
  EXPECT_THAT(refused.output, HasSubstr("--resample"));
  const CliResult resampled = run("score -m " + model_path() + " -i " + csv.string() + " --resample -t 1");
  EXPECT_EQ(resampled.code, 0) << resampled.output;
  fs::remove(csv);
}

TEST(CliScore, ReportsAMalformedRowWithFileLineAndColumn) {
  const fs::path csv = small_csv();
  {
    std::ofstream out(csv, std::ios::app);
    out << "0";
    for (int t = 0; t < 140; ++t) out << "," << (t == 9 ? "abc" : "0.5");
    out << "\n";
  }
  const CliResult r = run("score -m " + model_path() + " -i " + csv.string() + " -t 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.output, HasSubstr(csv.string() + ":7:11"));
  fs::remove(csv);
}

TEST(CliEval, ThresholdFromValidationNormalsAndMetricsAgreeWithTheCore) {
  const fs::path csv = small_csv();
  const fs::path json = temp_file("metrics.json");
  const CliResult r = run("eval -m " + model_path() + " -i " + csv.string() + " --validation " +
                    csv.string() + " -t p95 --json " + json.string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("tuned on test labels"));
  const auto j = nlohmann::json::parse(read_text(json));

  Scorer scorer(read_weights(model_path()));
  const Dataset data = read_dataset(csv.string());
  Scores scores(data.size());
  scorer.score(data.values.data(), data.size(), data.length, scores.data());
  Labels labels;
  for (BeatClass c : map_labels(data, default_label_map(data))) labels.push_back(static_cast<int8_t>(c));
  EXPECT_NEAR(j["evaluation"]["roc_auc"].get<double>(), roc_auc(scores, labels), 1e-12);
  EXPECT_EQ(j["evaluation"]["n"].get<long>(), 6);
  fs::remove(csv);
  fs::remove(json);
}

TEST(CliEval, AsksForAThresholdWhenTheModelHasNone) {
  const fs::path csv = small_csv();
  const CliResult r = run("eval -m " + model_path() + " -i " + csv.string());
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.output, HasSubstr("--validation"));
  fs::remove(csv);
}

TEST(CliScore, ScoresAllOfTheEcg5000TestSplit) {
  const auto file = test::ecg5000("ECG5000_TEST_binary.csv");
  if (!fs::exists(file)) GTEST_SKIP() << "ECG5000 not found at " << file;
  const fs::path out = temp_file("ecg5000_scores.csv");
  const CliResult r = run("score -m " + model_path() + " -i " + file.string() + " -t 1 -o " + out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string text = read_text(out);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4501);  // header + 4,500 beats
  fs::remove(out);
}

}  // namespace
}  // namespace ecglens
