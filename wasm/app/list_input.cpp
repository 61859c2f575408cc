#include "list_input.h"

#include <algorithm>

namespace ecglens::app {

float wheel_units(double delta, int delta_mode) {
  constexpr double kPixelsPerNotch = 100.0, kLinesPerNotch = 3.0, kNotchesPerPage = 5.0;
  const double notches = delta_mode == 1   ? delta / kLinesPerNotch
                         : delta_mode == 2 ? delta * kNotchesPerPage
                                           : delta / kPixelsPerNotch;
  return static_cast<float>(-notches);
}

int next_row(ListKey key, int current, int rows, int page) {
  if (rows <= 0) return -1;
  const int step = std::max(page - 1, 1);  // a page down keeps the last row in view
  int row = current;
  switch (key) {
    case ListKey::Up: row = current - 1; break;
    case ListKey::Down: row = current + 1; break;
    case ListKey::PageUp: row = current - step; break;
    case ListKey::PageDown: row = current + step; break;
    case ListKey::Home: row = 0; break;
    case ListKey::End: row = rows - 1; break;
  }
  if (current < 0 && (key == ListKey::Up || key == ListKey::Down)) row = 0;
  return std::clamp(row, 0, rows - 1);
}

}  // namespace ecglens::app
