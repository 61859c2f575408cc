#include "ecglens/util/error.h"

#include <gtest/gtest.h>

namespace ecglens {
namespace {

TEST(InputError, MessageStartsWithFileLineAndColumn) {
  InputError e("beats.csv", 12, 3, "not a number: 'x'");
  EXPECT_STREQ(e.what(), "beats.csv:12:3: not a number: 'x'");
  EXPECT_EQ(e.line(), 12);
  EXPECT_EQ(e.column(), 3);
  EXPECT_EQ(e.reason(), "not a number: 'x'");
}

TEST(InputError, LeavesOutPositionsThatDoNotApply) {
  EXPECT_STREQ(InputError("a.csv", 0, 0, "empty file").what(), "a.csv: empty file");
  EXPECT_STREQ(InputError("a.csv", 4, 0, "too short").what(), "a.csv:4: too short");
}

TEST(WeightsError, NamesTheTensorWhenOneIsAtFault) {
  EXPECT_STREQ(WeightsError("m.ecgw", "output.bias", "expected shape [1], got [2]").what(),
               "m.ecgw: tensor 'output.bias': expected shape [1], got [2]");
  EXPECT_STREQ(WeightsError("m.ecgw", "", "bad magic").what(), "m.ecgw: bad magic");
}

}  // namespace
}  // namespace ecglens
