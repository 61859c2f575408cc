// ECG5000 in the protocol's merged order and split, and a short training run
// on real beats (skipped when the data set is absent).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <set>

#include "ecglens/train/ecg5000.h"
#include "ecglens/train/trainer.h"
#include "ecglens/util/error.h"
#include "test_paths.h"

namespace ecglens::train {
namespace {

bool have_ecg5000() {
  return std::filesystem::exists(test::ecg5000("ECG5000_TRAIN.txt")) &&
         std::filesystem::exists(test::ecg5000("ECG5000_TEST_binary.csv"));
}

const LabelledBeats& ecg5000() {
  static const LabelledBeats beats = load_ecg5000(test::ecg5000("").string());
  return beats;
}

TEST(Ecg5000Split, FixedSplitFollowsTheProtocol) {
  if (!have_ecg5000()) GTEST_SKIP() << "ECG5000 not found";
  const auto& beats = ecg5000();
  ASSERT_EQ(beats.classes.size(), 5000u);
  const Split s = make_split(beats, "fixed");
  EXPECT_EQ(s.train.size(), 1900u);
  EXPECT_EQ(s.validation.size(), 100u);
  EXPECT_EQ(s.test.size(), 3000u);
  std::size_t normal_test = 0;
  for (auto i : s.test) normal_test += beats.classes[i] == BeatClass::Normal;
  EXPECT_EQ(normal_test, 919u);
  // The first 2,000 normal beats in merged order, train before validation.
  std::size_t seen = 0;
  for (std::size_t i = 0; seen < 2000; ++i) {
    if (beats.classes[i] != BeatClass::Normal) continue;
    EXPECT_EQ(seen < 1900 ? s.train[seen] : s.validation[seen - 1900], i);
    ++seen;
  }
}

TEST(Ecg5000Split, SeededSplitsAreDisjointReproducibleAndDiffer) {
  if (!have_ecg5000()) GTEST_SKIP() << "ECG5000 not found";
  const auto& beats = ecg5000();
  const Split a = make_split(beats, "seeded:3"), b = make_split(beats, "seeded:3"),
              c = make_split(beats, "seeded:4");
  EXPECT_EQ(a.train, b.train);
  EXPECT_NE(a.train, c.train);
  std::set<std::size_t> all(a.train.begin(), a.train.end());
  all.insert(a.validation.begin(), a.validation.end());
  all.insert(a.test.begin(), a.test.end());
  EXPECT_EQ(all.size(), 5000u);
  for (auto i : a.train) EXPECT_EQ(beats.classes[i], BeatClass::Normal);
  EXPECT_THROW(make_split(beats, "seeded:x"), Error);
  EXPECT_THROW(make_split(beats, "random"), Error);
}

TEST(Ecg5000Training, ShortRunOnRealBeatsLowersTheLossAndStaysFinite) {
  if (!have_ecg5000()) GTEST_SKIP() << "ECG5000 not found";
  const auto& beats = ecg5000();
  const Split s = make_split(beats, "fixed");
  std::vector<std::size_t> train(s.train.begin(), s.train.begin() + 400);
  std::vector<std::size_t> val(s.validation.begin(), s.validation.begin() + 50);
  TrainOptions o;
  o.architecture.kind = ModelKind::LstmAe;
  o.architecture.input_dim = 1;
  o.architecture.seq_len = 140;
  o.architecture.encoder_hidden = {16};
  o.architecture.decoder_hidden = {16};
  o.epochs = 3;
  o.batch = 16;
  o.lr = 5e-3;
  o.clip = 1.0;
  o.seed = 0;
  const auto start = std::chrono::steady_clock::now();
  Trainer t(o, select_beats(beats.data, train), select_beats(beats.data, val), 140);
  t.run(nullptr);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(t.epochs_done(), 3);
  EXPECT_LT(t.history().back().train_loss, t.history().front().train_loss);
  EXPECT_LT(t.history().back().val_loss, t.history().front().val_loss);
  for (float v : t.parameters()) ASSERT_TRUE(std::isfinite(v));
  const WeightsFile m = t.model_file();
  for (const auto& [name, value] : m.thresholds.values) EXPECT_TRUE(std::isfinite(value)) << name;
  RecordProperty("seconds", std::to_string(seconds));
}

}  // namespace
}  // namespace ecglens::train
