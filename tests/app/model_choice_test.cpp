// Which bundled model the page picks for a file of beats: the one whose own
// threshold flags the fewest of a sample of the file's beats, with a note
// that says which and why, or that none fits.
#include "model_choice.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ecglens/data/dataset.h"
#include "ecglens/data/resample.h"
#include "test_paths.h"

namespace ecglens::app {
namespace {

using test::read_bytes;
const std::filesystem::path kModels = ECGLENS_MODELS_DIR;

// Every model of models/bundled.json, the list the page offers, in its order.
ModelChooser bundled_chooser() {
  ModelChooser chooser;
  for (const auto& m : nlohmann::json::parse(read_bytes(kModels / "bundled.json"))) {
    const BundledModel model{m.at("file").get<std::string>(), m.at("description").get<std::string>()};
    chooser.add(model, read_bytes(kModels / model.file));
  }
  return chooser;
}

Dataset demo_beats() {
  return parse_dataset(read_bytes(kModels / "demo_synthetic_test.csv"), "demo_synthetic_test.csv");
}

const ModelFit& fit_of(const ModelChoice& c, const std::string& file) {
  for (const auto& f : c.fits_all)
    if (f.file == file) return f;
  throw std::runtime_error("no fit for " + file);
}

TEST(ModelChoice, TheBundledListHasADescriptionForEachModelAndLeavesTheBenchmarkFixtureOut) {
  const ModelChooser chooser = bundled_chooser();
  EXPECT_GE(chooser.size(), 3u);
  EXPECT_FALSE(chooser.offers("bench_lstm_ae.ecgw"));
  ASSERT_TRUE(chooser.offers("demo_synthetic_lstm_ae.ecgw"));
  EXPECT_NE(chooser.find("demo_synthetic_lstm_ae.ecgw")->description.find("synthetic"), std::string::npos);
}

TEST(ModelChoice, TheSyntheticDemoBeatsGetTheDemoModel) {
  ModelChooser chooser = bundled_chooser();
  const ModelChoice c = chooser.choose(demo_beats());
  EXPECT_EQ(c.file, "demo_synthetic_lstm_ae.ecgw");
  EXPECT_TRUE(c.fits);
  const ModelFit& demo = fit_of(c, c.file);
  EXPECT_EQ(demo.sampled, 200u);
  EXPECT_TRUE(demo.same_length);
  // 100 of the 500 demo beats are anomalies: the demo model flags about that share.
  EXPECT_LT(demo.flagged_fraction(), 0.35);
  EXPECT_GT(fit_of(c, "ecg5000_srl_ae.ecgw").flagged_fraction(), demo.flagged_fraction() + 0.3);
  EXPECT_EQ(c.note.rfind("demo_synthetic_lstm_ae.ecgw chosen for this file: it flags ", 0), 0u) << c.note;
  EXPECT_NE(c.note.find("at its p99 threshold"), std::string::npos) << c.note;
}

TEST(ModelChoice, EcgFiveThousandsTestFileGetsTheFirstEcgFiveThousandModel) {
  const auto path = test::ecg5000("ECG5000_TEST_binary.csv");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  ModelChooser chooser = bundled_chooser();
  const ModelChoice c = chooser.choose(parse_dataset(read_bytes(path), path.string()));
  EXPECT_EQ(c.file, "ecg5000_srl_ae.ecgw") << c.note;
  EXPECT_TRUE(c.fits);
  // 42% of the file's beats are anomalies; the synthetic model flags nearly all.
  EXPECT_LT(fit_of(c, c.file).flagged_fraction(), 0.6);
  EXPECT_GT(fit_of(c, "demo_synthetic_lstm_ae.ecgw").flagged_fraction(), 0.9);
}

TEST(ModelChoice, BeatsOfAnotherLengthAreNeverSaidToFitAndTheNoteSaysTheyAreResampled) {
  ModelChooser chooser = bundled_chooser();
  const ModelChoice c = chooser.choose(resample(demo_beats(), 96));
  EXPECT_EQ(c.file, "demo_synthetic_lstm_ae.ecgw");  // still the closest
  EXPECT_FALSE(c.fits);
  EXPECT_FALSE(fit_of(c, c.file).same_length);
  EXPECT_EQ(c.note.rfind("No bundled model fits this file. The closest, demo_synthetic_lstm_ae.ecgw, flags ", 0), 0u)
      << c.note;
  EXPECT_NE(c.note.find("trained on beats of 140 samples, not 96 (they are resampled)"), std::string::npos) << c.note;
}

TEST(ModelChoice, BeatsWithAnotherChannelCountGetNoModelAndANoteNamingWhatEachExpects) {
  ModelChooser chooser = bundled_chooser();
  Dataset two = demo_beats();
  two.channels = 2;
  two.length = 70;
  const ModelChoice c = chooser.choose(two);
  EXPECT_EQ(c.file, "");
  EXPECT_FALSE(c.fits);
  EXPECT_EQ(c.note.rfind("No bundled model can score this file: ecg5000_srl_ae.ecgw expects 1 channel(s), "
                         "the file has 2",
                         0),
            0u)
      << c.note;
}

TEST(ModelChoice, ABrokenModelIsRefusedWithItsFileNameAndAnEmptyChooserChoosesNothing) {
  ModelChooser chooser;
  try {
    chooser.add({"broken.ecgw", "x"}, "not a weights file");
    FAIL() << "no error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("broken.ecgw"), std::string::npos) << e.what();
  }
  EXPECT_EQ(chooser.size(), 0u);
  const ModelChoice c = chooser.choose(demo_beats());
  EXPECT_EQ(c.file, "");
  EXPECT_EQ(c.note, "No bundled models to choose from.");
}

}  // namespace
}  // namespace ecglens::app
