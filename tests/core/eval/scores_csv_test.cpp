// The scores CSV that `ecglens score` writes and the browser app exports:
// its columns, how rows are numbered across batches, and the flag's rule.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "ecglens/eval/scores_csv.h"

namespace ecglens {
namespace {

Dataset beats(std::vector<std::string> labels) {
  Dataset d;
  d.length = 1;
  d.values = {0.0f, 0.0f, 0.0f};
  d.lines = {2, 3, 5};
  d.labels = std::move(labels);
  return d;
}

TEST(ScoresCsv, HeaderHasAFlagColumnOnlyWithAThresholdAndALabelColumnOnlyWithLabels) {
  EXPECT_EQ(scores_csv_header(beats({}), std::nullopt), "index,line,score\n");
  EXPECT_EQ(scores_csv_header(beats({}), 0.5), "index,line,score,flag\n");
  EXPECT_EQ(scores_csv_header(beats({"N", "N", "V"}), std::nullopt), "index,line,score,label\n");
  EXPECT_EQ(scores_csv_header(beats({"N", "N", "V"}), 0.5), "index,line,score,flag,label\n");
}

TEST(ScoresCsv, RowsGiveIndexSourceLineScoreFlagAndLabel) {
  const float scores[] = {0.25f, 0.5f, 0.75f};
  // Flagged only above the threshold: a score equal to it is not.
  EXPECT_EQ(scores_csv_rows(beats({"N", "N", "V"}), scores, 3, 0.5),
            "0,2,0.25,0,N\n1,3,0.5,0,N\n2,5,0.75,1,V\n");
  EXPECT_EQ(scores_csv_rows(beats({}), scores, 3, std::nullopt), "0,2,0.25\n1,3,0.5\n2,5,0.75\n");
}

TEST(ScoresCsv, RowsOfALaterBatchAreNumberedFromTheBeatsBeforeIt) {
  const float scores[] = {1.0f, 2.0f};
  EXPECT_EQ(scores_csv_rows(beats({}), scores, 2, 1.5, 4096), "4096,2,1,0\n4097,3,2,1\n");
}

TEST(ScoresCsv, ScoresHaveNineSignificantDigitsSoTheFloatReadsBack) {
  const float scores[] = {1.0f / 3.0f, 123456.789f, 1e-7f};
  const std::string rows = scores_csv_rows(beats({}), scores, 3, std::nullopt);
  EXPECT_EQ(rows, "0,2,0.333333343\n1,3,123456.789\n2,5,1.00000001e-07\n");
}

TEST(ScoresCsv, OnlyTheFirstCountBeatsAreWritten) {
  const float scores[] = {0.5f};
  EXPECT_EQ(scores_csv_rows(beats({"N", "V", "V"}), scores, 1, 1.0), "0,2,0.5,0,N\n");
  EXPECT_EQ(scores_csv_rows(beats({"N", "V", "V"}), scores, 0, 1.0), "");
}

}  // namespace
}  // namespace ecglens
