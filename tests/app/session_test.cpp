// The browser app's session logic (wasm/app/session.h), compiled natively
// and as wasm without any UI: loading models and beats (and keeping the old
// state on bad input), scoring in per-frame chunks with the same results as
// the core's Scorer, threshold presets, flags, the confusion matrix and the
// curves, the ONNX Runtime Web engine switch, and the exported CSV text.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ecglens/data/dataset.h"
#include "ecglens/eval/metrics.h"
#include "ecglens/io/weights_file.h"
#include "ecglens/model/scorer.h"
#include "session.h"
#include "test_paths.h"

namespace ecglens::app {
namespace {

using test::read_bytes;

// The bundled demo model (LSTM-AE, 32 units, presets, default p99) and its
// 500 labelled synthetic beats: the Demo button's inputs.
std::string demo_model() { return read_bytes(std::filesystem::path(ECGLENS_MODELS_DIR) / "demo_synthetic_lstm_ae.ecgw"); }
std::string demo_beats() { return read_bytes(std::filesystem::path(ECGLENS_MODELS_DIR) / "demo_synthetic_test.csv"); }
constexpr const char* kDemoModel = "demo_synthetic_lstm_ae.ecgw";
constexpr const char* kDemoBeats = "demo_synthetic_test.csv";
constexpr std::size_t kDemoBeatCount = 500;

// The first n lines of a text.
std::string first_lines(const std::string& text, int n) {
  std::size_t end = 0;
  for (int i = 0; i < n && end != std::string::npos; ++i) end = text.find('\n', end + 1);
  return text.substr(0, end == std::string::npos ? text.size() : end + 1);
}

void score_all(Session& s) {
  for (int frame = 0; s.scoring() && frame < 100000; ++frame) s.score_some(1000.0);
}

// The Demo button's loads, scored to the end.
void load_demo(Session& s) {
  EXPECT_TRUE(s.load_model(demo_model(), kDemoModel)) << s.error();
  EXPECT_TRUE(s.load_data(demo_beats(), kDemoBeats)) << s.error();
  score_all(s);
}

TEST(AppSession, StartsEmptyAndScoresNothingWithoutModelAndBeats) {
  Session s;
  EXPECT_FALSE(s.has_model());
  EXPECT_FALSE(s.has_data());
  EXPECT_FALSE(s.scoring());
  EXPECT_FALSE(s.scored());
  s.score_some(10.0);
  EXPECT_EQ(s.progress(), 0.0);
  ASSERT_TRUE(s.load_data(demo_beats(), kDemoBeats));
  EXPECT_FALSE(s.scoring()) << "beats without a model wait for one";
  EXPECT_EQ(s.beat_count(), kDemoBeatCount);
  EXPECT_EQ(s.loads(), 1);
}

TEST(AppSession, ScoresInChunksOfOneTileWhenTheBudgetIsZero) {
  Session s;
  ASSERT_TRUE(s.load_model(demo_model(), kDemoModel));
  ASSERT_TRUE(s.load_data(demo_beats(), kDemoBeats));
  std::vector<double> progress;
  while (s.scoring()) {
    s.score_some(0.0);  // at least one tile per call, then the budget is spent
    progress.push_back(s.progress());
  }
  // One 64-beat tile per call: 500 beats take 8 calls, progress rising.
  ASSERT_EQ(progress.size(), (kDemoBeatCount + Model::kDefaultTile - 1) / Model::kDefaultTile);
  EXPECT_DOUBLE_EQ(progress.front(), static_cast<double>(Model::kDefaultTile) / kDemoBeatCount);
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  EXPECT_EQ(progress.back(), 1.0);
  EXPECT_TRUE(s.scored());
  EXPECT_GT(s.beats_per_second(), 0.0);
}

TEST(AppSession, ChunkedScoresEqualTheCoreScorersInOneCall) {
  Session s;
  load_demo(s);
  ASSERT_TRUE(s.scored());
  const Dataset data = parse_dataset(demo_beats(), kDemoBeats);
  Scorer scorer(parse_weights(demo_model(), kDemoModel));
  std::vector<float> scores(data.size());
  std::vector<float> reconstruction(data.values.size());
  scorer.score(data.values.data(), data.size(), data.length, scores.data(), nullptr,
               reconstruction.data());
  ASSERT_EQ(s.scores().size(), scores.size());
  for (std::size_t i = 0; i < scores.size(); ++i) ASSERT_EQ(s.scores()[i], scores[i]) << "beat " << i;
  ASSERT_EQ(s.reconstruction_all().size(), reconstruction.size());
  for (std::size_t i = 0; i < reconstruction.size(); ++i)
    ASSERT_EQ(s.reconstruction_all()[i], reconstruction[i]) << "value " << i;
  EXPECT_EQ(s.scores(), s.core_scores());
}

// What the page's scoring workers do: the core's Scorer on ranges of the
// session's beats (as they arrive: out of order), handed in by accept_scored.
struct RangeResults {
  std::vector<float> scores, normalized, reconstruction, latent;
};
RangeResults score_range(const Session& s, Scorer& scorer, std::size_t begin, std::size_t count) {
  const std::size_t per = static_cast<std::size_t>(s.length()) * s.channels();
  RangeResults r{std::vector<float>(count), std::vector<float>(count * per), std::vector<float>(count * per),
                 std::vector<float>(count * scorer.model().latent_size())};
  scorer.score(s.data()->beat(begin), count, s.length(), r.scores.data(), r.normalized.data(),
               r.reconstruction.data(), r.latent.data());
  return r;
}
bool accept(Session& s, Scorer& scorer, std::size_t begin, std::size_t count) {
  const RangeResults r = score_range(s, scorer, begin, count);
  return s.accept_scored(begin, count, r.scores.data(), r.normalized.data(), r.reconstruction.data(),
                         r.latent.data());
}

TEST(AppSession, RangesScoredElsewhereInAnyOrderGiveTheStateOfScoringHere) {
  Session here;
  load_demo(here);
  Session elsewhere;
  ASSERT_TRUE(elsewhere.load_model(demo_model(), kDemoModel));
  ASSERT_TRUE(elsewhere.load_data(demo_beats(), kDemoBeats));
  ASSERT_TRUE(elsewhere.score_elsewhere());
  elsewhere.score_some(1000.0);  // does nothing: the beats are scored elsewhere
  EXPECT_FALSE(elsewhere.scored());
  EXPECT_TRUE(elsewhere.scoring_elsewhere());
  Scorer scorer(parse_weights(demo_model(), kDemoModel));
  for (std::size_t begin : {300, 0, 400, 100, 200}) {
    EXPECT_FALSE(elsewhere.scored());
    ASSERT_TRUE(accept(elsewhere, scorer, begin, 100));
  }
  ASSERT_TRUE(elsewhere.scored());
  EXPECT_EQ(elsewhere.scores(), here.scores());
  EXPECT_EQ(elsewhere.normalized_all(), here.normalized_all());
  EXPECT_EQ(elsewhere.reconstruction_all(), here.reconstruction_all());
  EXPECT_EQ(elsewhere.pca().x, here.pca().x);
  EXPECT_EQ(elsewhere.threshold(), here.threshold());
  EXPECT_EQ(elsewhere.roc_auc(), here.roc_auc());
  EXPECT_TRUE(elsewhere.state().at("scored_elsewhere").get<bool>());
}

TEST(AppSession, RefusesRangesGivenTwiceOutsideTheBeatsOrWhenNotScoringElsewhere) {
  Session s;
  ASSERT_TRUE(s.load_model(demo_model(), kDemoModel));
  ASSERT_TRUE(s.load_data(demo_beats(), kDemoBeats));
  Scorer scorer(parse_weights(demo_model(), kDemoModel));
  EXPECT_FALSE(accept(s, scorer, 0, 10));  // score_elsewhere() not called
  ASSERT_TRUE(s.score_elsewhere());
  EXPECT_TRUE(accept(s, scorer, 0, 10));
  EXPECT_FALSE(accept(s, scorer, 5, 10));  // overlaps a range already given
  EXPECT_FALSE(accept(s, scorer, kDemoBeatCount - 5, 10));
  const RangeResults r = score_range(s, scorer, 0, 1);
  EXPECT_FALSE(s.accept_scored(kDemoBeatCount + 1, 0, r.scores.data(), r.normalized.data(),
                               r.reconstruction.data(), r.latent.data()));
  EXPECT_DOUBLE_EQ(s.progress(), 10.0 / kDemoBeatCount);
}

TEST(AppSession, ALoadOrAFailureElsewhereBringsScoringBackHere) {
  Session s;
  ASSERT_TRUE(s.load_model(demo_model(), kDemoModel));
  ASSERT_TRUE(s.load_data(demo_beats(), kDemoBeats));
  Scorer scorer(parse_weights(demo_model(), kDemoModel));
  ASSERT_TRUE(s.score_elsewhere());
  ASSERT_TRUE(accept(s, scorer, 0, 100));
  EXPECT_FALSE(s.score_elsewhere());  // results already arrived: not started again
  s.score_here();
  EXPECT_FALSE(s.scoring_elsewhere());
  EXPECT_DOUBLE_EQ(s.progress(), 0.0);
  score_all(s);
  EXPECT_TRUE(s.scored());
  ASSERT_TRUE(s.load_data(demo_beats(), kDemoBeats));
  ASSERT_TRUE(s.score_elsewhere());
  ASSERT_TRUE(s.load_model(demo_model(), kDemoModel));  // a load ends it
  EXPECT_FALSE(s.scoring_elsewhere());
  EXPECT_FALSE(accept(s, scorer, 0, 100));
  score_all(s);
  EXPECT_TRUE(s.scored());
}

TEST(AppSession, StartsAtTheModelsDefaultPresetAndFlagsAboveIt) {
  Session s;
  load_demo(s);
  const Thresholds thresholds = parse_weights(demo_model(), kDemoModel).thresholds;
  ASSERT_FALSE(s.presets().empty());
  ASSERT_EQ(s.presets().size(), thresholds.values.size());
  double expected = 0;
  for (const auto& [name, value] : thresholds.values)
    if (name == thresholds.default_name) expected = value;
  EXPECT_EQ(s.threshold(), expected);

  for (const double t : {expected, 0.0, 1e9}) {
    s.set_threshold(t);
    const auto flagged = static_cast<std::size_t>(
        std::count_if(s.scores().begin(), s.scores().end(), [&](float x) { return x > t; }));
    EXPECT_EQ(s.flagged_count(), flagged) << "threshold " << t;
  }
  s.set_threshold(0.0);
  EXPECT_EQ(s.flagged_count(), kDemoBeatCount) << "every score is above 0";
  s.set_threshold(1e9);
  EXPECT_EQ(s.flagged_count(), 0u);
}

TEST(AppSession, ConfusionAndCurvesFollowTheThresholdAndTheLabels) {
  Session s;
  load_demo(s);
  ASSERT_TRUE(s.labelled());
  ASSERT_TRUE(s.has_curves());
  EXPECT_EQ(s.roc_auc(), roc_auc(s.scores(), s.labels()));
  EXPECT_EQ(s.pr_auc(), pr_auc(s.scores(), s.labels()));
  EXPECT_GT(s.roc_auc(), 0.5) << "the demo model ranks its anomalies above its normal beats";
  for (const double t : {s.threshold(), 0.0005, 0.01}) {
    s.set_threshold(t);
    const auto c = s.confusion();
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(*c, confusion_at(s.scores(), s.labels(), t));
    EXPECT_EQ(static_cast<std::size_t>(c->tp + c->fp), s.flagged_count());
    EXPECT_EQ(c->positives(), 100);  // 20 beats of each of the 5 anomaly types
    EXPECT_EQ(c->negatives(), 400);
  }
}

TEST(AppSession, CountsLabelsByNameWithTheDemoAnomalyTypes) {
  Session s;
  load_demo(s);
  EXPECT_EQ(s.label_text(0).substr(0, 1), "1");
  const auto counts = s.label_counts();
  ASSERT_EQ(counts.size(), 6u);
  const std::vector<std::string> names = {"1 normal", "2 pvc", "3 st_elevation", "4 st_depression",
                                          "5 inverted_t", "6 noise_burst"};
  std::size_t flagged = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    EXPECT_EQ(counts[i].label, names[i]);
    EXPECT_EQ(counts[i].beats, i == 0 ? 400u : 20u);
    flagged += counts[i].flagged;
  }
  EXPECT_EQ(flagged, s.flagged_count());
}

TEST(AppSession, ExportsOneCsvRowPerBeatWithScoreFlagAndLabel) {
  Session s;
  load_demo(s);
  const std::string csv = s.scores_csv();
  std::istringstream in(csv);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line, "index,line,score,flag,label");
  const Dataset data = parse_dataset(demo_beats(), kDemoBeats);
  std::size_t i = 0;
  for (; std::getline(in, line); ++i) {
    ASSERT_LT(i, kDemoBeatCount);
    std::istringstream row(line);
    std::string index, file_line, score, flag, label;
    std::getline(row, index, ',');
    std::getline(row, file_line, ',');
    std::getline(row, score, ',');
    std::getline(row, flag, ',');
    std::getline(row, label, ',');
    EXPECT_EQ(index, std::to_string(i));
    EXPECT_EQ(file_line, std::to_string(data.lines[i]));
    // 9 significant digits: the float comes back exactly.
    EXPECT_EQ(std::stof(score), s.scores()[i]) << line;
    EXPECT_EQ(flag, s.flagged(i) ? "1" : "0");
    EXPECT_EQ(label, data.labels[i]);
  }
  EXPECT_EQ(i, kDemoBeatCount);
}

TEST(AppSession, AMalformedBeatsFileKeepsTheOldBeatsAndNamesLineAndColumn) {
  Session s;
  load_demo(s);
  const std::vector<float> before = s.scores();
  EXPECT_FALSE(s.load_data(read_bytes(test::fixture("data/bad/not_a_number.csv")), "not_a_number.csv"));
  EXPECT_NE(s.error().find("not_a_number.csv:2:"), std::string::npos) << s.error();
  EXPECT_EQ(s.data_name(), kDemoBeats);
  EXPECT_TRUE(s.scored());
  EXPECT_EQ(s.scores(), before);
  // The next good load clears the message.
  EXPECT_TRUE(s.load_data(demo_beats(), kDemoBeats));
  EXPECT_EQ(s.error(), "");
}

TEST(AppSession, ABrokenWeightsFileKeepsTheOldModel) {
  Session s;
  load_demo(s);
  std::string bytes = demo_model();
  bytes.resize(bytes.size() / 2);
  EXPECT_FALSE(s.load_model(bytes, "cut.ecgw"));
  EXPECT_NE(s.error().find("cut.ecgw"), std::string::npos) << s.error();
  EXPECT_EQ(s.model_name(), kDemoModel);
  EXPECT_TRUE(s.scored());
  EXPECT_FALSE(s.load_model("not a weights file", "text.ecgw"));
  EXPECT_EQ(s.model_name(), kDemoModel);
  EXPECT_EQ(s.loads(), 4);
}

TEST(AppSession, BeatsWithTheWrongChannelCountAreRefused) {
  Session s;
  ASSERT_TRUE(s.load_model(read_bytes(test::fixture("golden/lstm_ae_multivariate.ecgw")), "multi.ecgw"));
  EXPECT_FALSE(s.load_data(demo_beats(), kDemoBeats));
  EXPECT_NE(s.error().find("channel"), std::string::npos) << s.error();
  EXPECT_FALSE(s.has_data());

  // Beats first, then a model with other channels: nothing is scored.
  Session t;
  ASSERT_TRUE(t.load_data(demo_beats(), kDemoBeats));
  ASSERT_TRUE(t.load_model(read_bytes(test::fixture("golden/lstm_ae_multivariate.ecgw")), "multi.ecgw"));
  EXPECT_NE(t.error().find("channel"), std::string::npos) << t.error();
  EXPECT_FALSE(t.scoring());
  t.score_some(10.0);
  EXPECT_FALSE(t.scored()) << "no zero scores are shown as results";
  EXPECT_FALSE(t.confusion().has_value());
  EXPECT_EQ(t.state().at("scored"), false);
  // A fitting model scores them.
  ASSERT_TRUE(t.load_model(demo_model(), kDemoModel));
  EXPECT_EQ(t.error(), "");
  score_all(t);
  EXPECT_TRUE(t.scored());
}

TEST(AppSession, BeatsOfAnotherLengthAreResampledToTheModels) {
  Session s;
  // lstm_ae_small_T30 was made for 24 steps; the demo beats have 140.
  ASSERT_TRUE(s.load_model(read_bytes(test::fixture("golden/lstm_ae_small_T30.ecgw")), "t30.ecgw"));
  const int steps = 24;
  ASSERT_TRUE(s.load_data(first_lines(demo_beats(), 10), kDemoBeats)) << s.error();
  EXPECT_EQ(s.length(), steps);
  EXPECT_NE(s.model_summary().find("resampled from 140 to 24"), std::string::npos) << s.model_summary();
  score_all(s);
  EXPECT_TRUE(s.scored());
  for (float x : s.scores()) EXPECT_TRUE(std::isfinite(x));
}

TEST(AppSession, AModelWithoutPresetsStartsAtThe95thPercentileOfTheScores) {
  Session s;
  ASSERT_TRUE(s.load_model(read_bytes(test::fixture("golden/bench_lstm_ae.ecgw")), "bench.ecgw"));
  ASSERT_TRUE(s.load_data(first_lines(demo_beats(), 40), kDemoBeats));
  score_all(s);
  ASSERT_EQ(s.presets().size(), 1u);
  EXPECT_NE(s.presets()[0].name.find("model has no presets"), std::string::npos);
  std::vector<double> scores(s.scores().begin(), s.scores().end());
  std::sort(scores.begin(), scores.end());
  // numpy's linear percentile: h = 39 * 0.95 = 37.05.
  const double expected = scores[37] + 0.05 * (scores[38] - scores[37]);
  EXPECT_NEAR(s.threshold(), expected, 1e-12);
  EXPECT_EQ(s.flagged_count(), 2u);
}

TEST(AppSession, OrtReconstructionsAreScoredWithTheModelsLossAndShownOnRequest) {
  Session s;
  load_demo(s);
  const std::vector<float> core = s.scores();
  // Wrong size: refused, nothing changes.
  std::vector<float> short_values(s.normalized_all().size() - 1, 0.0f);
  EXPECT_FALSE(s.set_ort_reconstruction(short_values.data(), short_values.size()));
  EXPECT_NE(s.error().find("reconstructed values"), std::string::npos) << s.error();
  EXPECT_FALSE(s.has_ort());
  EXPECT_FALSE(s.use_engine(Session::Engine::Ort));

  // The core's own reconstructions give the core's scores exactly.
  std::vector<float> same = s.reconstruction_all();
  ASSERT_TRUE(s.set_ort_reconstruction(same.data(), same.size()));
  ASSERT_TRUE(s.use_engine(Session::Engine::Ort));
  EXPECT_EQ(s.engine(), Session::Engine::Ort);
  EXPECT_EQ(s.scores(), core);

  // Reconstructions of all zeros: MSE = mean of the squared normalised beat.
  std::vector<float> zeros(s.normalized_all().size(), 0.0f);
  ASSERT_TRUE(s.set_ort_reconstruction(zeros.data(), zeros.size()));
  const std::size_t per = static_cast<std::size_t>(s.length()) * s.channels();
  for (std::size_t i = 0; i < s.beat_count(); i += 97) {
    double sum = 0;
    for (std::size_t j = 0; j < per; ++j) sum += double(s.normalized(i)[j]) * s.normalized(i)[j];
    EXPECT_NEAR(s.scores()[i], sum / per, 1e-6 * (1 + sum / per)) << "beat " << i;
    EXPECT_EQ(s.reconstruction(i)[0], 0.0f) << "the beat view shows ORT's reconstruction";
  }
  EXPECT_EQ(s.core_scores(), core);
  EXPECT_EQ(*s.confusion(), confusion_at(s.scores(), s.labels(), s.threshold()));

  ASSERT_TRUE(s.use_engine(Session::Engine::Core));
  EXPECT_EQ(s.scores(), core);
  // A new load goes back to the core and forgets ORT's results.
  ASSERT_TRUE(s.use_engine(Session::Engine::Ort));
  ASSERT_TRUE(s.load_data(demo_beats(), kDemoBeats));
  EXPECT_EQ(s.engine(), Session::Engine::Core);
  EXPECT_FALSE(s.has_ort());
}

TEST(AppSession, LatentViewHasOnePointPerBeatOnceScored) {
  Session s;
  load_demo(s);
  EXPECT_EQ(s.pca().x.size(), kDemoBeatCount);
  EXPECT_EQ(s.pca().y.size(), kDemoBeatCount);
  EXPECT_GE(s.pca().variance[0], s.pca().variance[1]);
  EXPECT_GT(s.pca().explained, 0.0);
  EXPECT_LE(s.pca().explained, 1.0 + 1e-12);
}

TEST(AppSession, StateJsonCarriesWhatThePageShows) {
  Session s;
  load_demo(s);
  const nlohmann::json j = s.state();
  EXPECT_EQ(j.at("model"), kDemoModel);
  EXPECT_EQ(j.at("beats"), kDemoBeatCount);
  EXPECT_EQ(j.at("scored"), true);
  EXPECT_EQ(j.at("flagged"), s.flagged_count());
  EXPECT_EQ(j.at("threshold").get<double>(), s.threshold());
  EXPECT_EQ(j.at("confusion").at("tp").get<long>() + j.at("confusion").at("fp").get<long>(),
            static_cast<long>(s.flagged_count()));
  EXPECT_EQ(j.at("loss"), "mse");
}

}  // namespace
}  // namespace ecglens::app
