// The beat list's input: browser wheel deltas to ImGui wheel units, and the
// keys that move the selection.
#include "list_input.h"

#include <gtest/gtest.h>

namespace ecglens::app {
namespace {

TEST(WheelUnits, OneNotchIsOneUnitInEveryDeltaModeAndScrollsTheWayThePageWould) {
  // Chromium and Safari: 100 pixels a notch; Firefox: 3 lines; a page as 5 notches.
  EXPECT_FLOAT_EQ(wheel_units(100.0, 0), -1.0f);  // down in the browser: ImGui's negative wheel
  EXPECT_FLOAT_EQ(wheel_units(-100.0, 0), 1.0f);
  EXPECT_FLOAT_EQ(wheel_units(3.0, 1), -1.0f);
  EXPECT_FLOAT_EQ(wheel_units(-3.0, 1), 1.0f);
  EXPECT_FLOAT_EQ(wheel_units(1.0, 2), -5.0f);
  EXPECT_FLOAT_EQ(wheel_units(0.0, 0), 0.0f);
}

TEST(WheelUnits, TrackpadDeltasStayFractionalAndUnknownModesCountAsPixels) {
  EXPECT_FLOAT_EQ(wheel_units(4.0, 0), -0.04f);
  EXPECT_FLOAT_EQ(wheel_units(250.0, 7), -2.5f);
}

TEST(NextRow, ArrowsMoveOneRowAndStopAtTheEnds) {
  EXPECT_EQ(next_row(ListKey::Down, 3, 10, 5), 4);
  EXPECT_EQ(next_row(ListKey::Up, 3, 10, 5), 2);
  EXPECT_EQ(next_row(ListKey::Up, 0, 10, 5), 0);
  EXPECT_EQ(next_row(ListKey::Down, 9, 10, 5), 9);
}

TEST(NextRow, PagesMoveByTheRowsInViewLessOneAndHomeEndJump) {
  EXPECT_EQ(next_row(ListKey::PageDown, 0, 100, 20), 19);
  EXPECT_EQ(next_row(ListKey::PageUp, 50, 100, 20), 31);
  EXPECT_EQ(next_row(ListKey::PageDown, 95, 100, 20), 99);
  EXPECT_EQ(next_row(ListKey::PageUp, 5, 100, 20), 0);
  EXPECT_EQ(next_row(ListKey::PageDown, 0, 100, 1), 1);  // a one-row view still moves
  EXPECT_EQ(next_row(ListKey::Home, 50, 100, 20), 0);
  EXPECT_EQ(next_row(ListKey::End, 50, 100, 20), 99);
}

TEST(NextRow, WithoutASelectionTheArrowsStartAtTheTopAndAnEmptyListHasNoRow) {
  EXPECT_EQ(next_row(ListKey::Down, -1, 10, 5), 0);
  EXPECT_EQ(next_row(ListKey::Up, -1, 10, 5), 0);
  EXPECT_EQ(next_row(ListKey::End, -1, 10, 5), 9);
  EXPECT_EQ(next_row(ListKey::Down, -1, 0, 5), -1);
}

}  // namespace
}  // namespace ecglens::app
