// The training loop: optimiser updates against their closed forms, gradient
// clipping, bit-identical runs for one seed, resume from a checkpoint equal
// to an uninterrupted run, early stopping, and a model file the core reads.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ecglens/eval/thresholds.h"
#include "ecglens/model/scorer.h"
#include "ecglens/train/random.h"
#include "ecglens/train/trainer.h"
#include "ecglens/util/error.h"
#include "kind_test_support.h"

namespace ecglens::train {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("ecglens_train_test_" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

// Noisy sine beats, one channel (kind_test_support.h).
std::vector<float> sine_beats(int count, int length, std::uint64_t seed) {
  return checks::sine_beats(count, length, 1, seed);
}

TrainOptions small_options() {
  TrainOptions o;
  o.architecture.kind = ModelKind::LstmAe;
  o.architecture.input_dim = 1;
  o.architecture.seq_len = 24;
  o.architecture.encoder_hidden = {8};
  o.architecture.decoder_hidden = {8};
  o.epochs = 4;
  o.batch = 16;
  o.lr = 5e-3;
  o.clip = 1.0;
  o.seed = 42;
  return o;
}

TEST(Adam, FirstStepMovesEachParameterByTheLearningRateAgainstItsGradient) {
  std::vector<float> p{1.0f, -2.0f, 0.5f}, g{0.3f, -4.0f, 1e-3f};
  AdamState state;
  adam_step(p, g, state, 0.01, {});
  // Step 1: m_hat = g, v_hat = g^2, so the update is lr * g / (|g| + eps).
  EXPECT_NEAR(p[0], 1.0f - 0.01f, 1e-6);
  EXPECT_NEAR(p[1], -2.0f + 0.01f, 1e-6);
  EXPECT_NEAR(p[2], 0.5f - 0.01f * 1e-3f / (1e-3f + 1e-8f), 1e-6);
  EXPECT_EQ(state.step, 1);
}

TEST(Adam, AdamWDecaysWeightsApartFromTheGradient) {
  std::vector<float> p{2.0f}, g{0.0f};
  AdamState state;
  AdamSettings s;
  s.kind = OptimizerKind::AdamW;
  s.weight_decay = 0.1;
  adam_step(p, g, state, 0.5, s);
  EXPECT_FLOAT_EQ(p[0], 2.0f * (1 - 0.5f * 0.1f));
  // Adam with weight decay adds wd * p to the gradient instead: one step
  // then moves by lr * sign(p).
  std::vector<float> q{2.0f};
  AdamState state2;
  s.kind = OptimizerKind::Adam;
  adam_step(q, g, state2, 0.5, s);
  EXPECT_NEAR(q[0], 1.5f, 1e-6);
}

TEST(Clipping, ScalesTheGradientToTheMaximumGlobalNorm) {
  std::vector<float> g{3.0f, 4.0f};
  EXPECT_DOUBLE_EQ(clip_global_norm(g, 1.0), 5.0);
  EXPECT_NEAR(std::hypot(g[0], g[1]), 1.0, 1e-6);
  EXPECT_NEAR(g[0] / g[1], 0.75, 1e-6);
  std::vector<float> small{0.3f, 0.4f};
  clip_global_norm(small, 1.0);
  EXPECT_EQ(small[1], 0.4f);
}

TEST(Trainer, LossFallsOnLearnableBeats) {
  TrainOptions o = small_options();
  o.epochs = 6;
  o.batch = 8;
  o.lr = 1e-2;
  Trainer t(o, sine_beats(96, 24, 1), sine_beats(16, 24, 2), 24);
  t.run(nullptr);
  ASSERT_EQ(t.epochs_done(), 6);
  EXPECT_LT(t.history().back().train_loss, 0.5 * t.history().front().train_loss);
  EXPECT_LT(t.best_val_loss(), t.history().front().val_loss);
}

TEST(Trainer, SameSeedGivesBitIdenticalWeights) {
  const TrainOptions o = small_options();
  const auto train = sine_beats(80, 24, 1), val = sine_beats(16, 24, 2);
  Trainer a(o, train, val, 24), b(o, train, val, 24);
  a.run(nullptr);
  b.run(nullptr);
  EXPECT_EQ(a.parameters(), b.parameters());
  TrainOptions other = o;
  other.seed = 43;
  Trainer c(other, train, val, 24);
  c.run(nullptr);
  EXPECT_NE(a.parameters(), c.parameters());
}

TEST(Trainer, ResumingFromACheckpointMatchesAnUninterruptedRun) {
  TrainOptions o = small_options();
  o.adam.kind = OptimizerKind::AdamW;
  o.adam.weight_decay = 1e-3;
  o.lr_patience = 0;  // the schedule changes the learning rate along the way
  const auto train = sine_beats(80, 24, 1), val = sine_beats(16, 24, 2);
  const fs::path dir = temp_dir("resume");
  const std::string ckpt = (dir / "run.ckpt.ecgw").string();

  Trainer straight(o, train, val, 24);
  straight.run(nullptr);

  TrainOptions first_half = o;
  first_half.epochs = 2;
  Trainer part(first_half, train, val, 24);
  part.run(nullptr, ckpt);
  Trainer resumed(o, train, val, 24);
  resumed.restore(read_weights(ckpt));
  EXPECT_EQ(resumed.epochs_done(), 2);
  resumed.run(nullptr, ckpt);

  EXPECT_EQ(resumed.parameters(), straight.parameters());
  ASSERT_EQ(resumed.history().size(), straight.history().size());
  for (std::size_t i = 0; i < straight.history().size(); ++i) {
    EXPECT_EQ(resumed.history()[i].val_loss, straight.history()[i].val_loss);
    EXPECT_EQ(resumed.history()[i].lr, straight.history()[i].lr);
  }
  EXPECT_LT(straight.history().back().lr, o.lr) << "the schedule should have reduced the rate";
  // The model files agree too, thresholds included.
  EXPECT_EQ(serialize_weights(resumed.model_file()).size(),
            serialize_weights(straight.model_file()).size());
  EXPECT_EQ(resumed.model_file().thresholds.values, straight.model_file().thresholds.values);
}

TEST(Trainer, ResumeRefusesACheckpointOfADifferentRun) {
  const TrainOptions o = small_options();
  const auto train = sine_beats(32, 24, 1), val = sine_beats(8, 24, 2);
  TrainOptions one = o;
  one.epochs = 1;
  Trainer a(one, train, val, 24);
  a.run(nullptr);
  TrainOptions other = o;
  other.lr = 1e-2;
  Trainer b(other, train, val, 24);
  try {
    b.restore(a.checkpoint());
    FAIL() << "a different learning rate should be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("lr"), std::string::npos) << e.what();
  }
}

TEST(Trainer, EarlyStoppingKeepsTheBestEpochsWeights) {
  TrainOptions o = small_options();
  o.epochs = 40;
  o.patience = 1;
  o.lr = 0.2;  // a rate too high to keep improving
  o.clip = 0;
  const auto train = sine_beats(32, 24, 1), val = sine_beats(8, 24, 2);
  Trainer t(o, train, val, 24);
  t.run(nullptr);
  ASSERT_TRUE(t.stopped_early());
  EXPECT_LT(t.epochs_done(), 40);
  // The model file holds the best epoch's weights: its validation loss is
  // the best one, not the last one.
  const WeightsFile model = t.model_file();
  auto best = make_network<float>(o.architecture);
  best->load(model);
  t.set_parameters(best->parameters().values());
  EXPECT_DOUBLE_EQ(t.validation_loss(), t.best_val_loss());
}

TEST(Trainer, ModelFileIsReadByTheCoreWithP99OfValidationAsDefault) {
  TrainOptions o = small_options();
  o.loss = Loss::SAE;
  o.normalization = Normalization::ZScore;
  o.epochs = 2;
  const auto train = sine_beats(48, 24, 1), val = sine_beats(20, 24, 2);
  Trainer t(o, train, val, 24);
  std::ostringstream progress;
  t.run(&progress);
  EXPECT_NE(progress.str().find("epoch 2/2"), std::string::npos);
  EXPECT_NE(progress.str().find("ETA"), std::string::npos);

  const fs::path dir = temp_dir("model");
  const std::string path = (dir / "m.ecgw").string();
  write_weights_atomic(t.model_file(), path);
  const WeightsFile read = read_weights(path);
  Scorer scorer(read);
  EXPECT_EQ(scorer.loss(), Loss::SAE);
  EXPECT_EQ(scorer.normalization(), Normalization::ZScore);
  std::vector<float> scores(20);
  scorer.score(val.data(), 20, 24, scores.data());
  const double p99 = percentile(std::vector<double>(scores.begin(), scores.end()), 99);
  EXPECT_EQ(read.thresholds.default_name, "p99");
  EXPECT_NEAR(*read.thresholds.default_value(), p99, 1e-6 * p99);
  EXPECT_EQ(read.provenance["training"]["epochs_run"], 2);

  t.write_curve_csv((dir / "curve.csv").string());
  std::ifstream curve(dir / "curve.csv");
  std::string header, line;
  std::getline(curve, header);
  EXPECT_EQ(header, "epoch,train_loss,val_loss,lr,seconds");
  int rows = 0;
  while (std::getline(curve, line)) ++rows;
  EXPECT_EQ(rows, 2);
}

TEST(Trainer, BadOptionsAreRefusedWithTheirName) {
  TrainOptions o = small_options();
  o.batch = 0;
  EXPECT_THROW(Trainer(o, sine_beats(8, 24, 1), sine_beats(8, 24, 2), 24), Error);
  o = small_options();
  try {
    Trainer(o, sine_beats(8, 24, 1), std::vector<float>(7), 24);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("validation"), std::string::npos);
  }
}

}  // namespace
}  // namespace ecglens::train
