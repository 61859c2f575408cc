// The models trained by `ecglens train` and bundled in models/ load in the
// core, their stored default threshold is the p99 preset, and the demo model
// still ranks the demo test file's anomalies above its normal beats as its
// card reports (a regression check on the file, not on training).
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "ecglens/data/beat_reader.h"
#include "ecglens/data/labels.h"
#include "ecglens/eval/metrics.h"
#include "ecglens/io/weights_file.h"
#include "ecglens/model/scorer.h"

namespace ecglens {
namespace {

std::string model_path(const std::string& name) {
  return (std::filesystem::path(ECGLENS_MODELS_DIR) / name).string();
}

TEST(BundledModels, LoadInTheCoreWithAP99DefaultThreshold) {
  for (const char* name :
       {"demo_synthetic_lstm_ae.ecgw", "ecg5000_lstm_ae.ecgw", "ecg5000_srl_ae.ecgw"}) {
    const WeightsFile w = read_weights(model_path(name));
    EXPECT_EQ(w.thresholds.default_name, "p99") << name;
    EXPECT_TRUE(w.thresholds.default_value().has_value()) << name;
    EXPECT_EQ(w.provenance.value("tool", ""), "ecglens train") << name;
    Scorer scorer(w);  // throws on a tensor that does not fit the architecture
  }
}

TEST(BundledModels, DemoModelRanksEveryDemoAnomalyAboveTheNormalBeats) {
  Scorer scorer(read_weights(model_path("demo_synthetic_lstm_ae.ecgw")));
  const Dataset test = read_dataset(model_path("demo_synthetic_test.csv"));
  Scores scores(test.size());
  scorer.score(test.values.data(), test.size(), test.length, scores.data());
  Labels labels;
  for (BeatClass c : map_labels(test, default_label_map(test)))
    labels.push_back(static_cast<std::int8_t>(c));
  EXPECT_EQ(roc_auc(scores, labels), 1.0);  // the card's ROC-AUC, 1.0000
}

}  // namespace
}  // namespace ecglens
