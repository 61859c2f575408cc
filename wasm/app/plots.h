// Small plots drawn with ImGui's ImDrawList (ImPlot is not available):
// a frame with axes ranges, lines, shaded bands, histograms and markers.
// Each plot takes the next free area of the current window.
#pragma once

#include <string>
#include <vector>

#include "imgui.h"

namespace ecglens::app {

// A rectangle of the window mapped to data coordinates [x0,x1] x [y0,y1].
class PlotArea {
 public:
  // Reserves `size` pixels (width -1: the whole available width) and draws
  // the frame, the title and the axis ranges.
  PlotArea(const char* title, ImVec2 size, double x0, double x1, double y0, double y1);

  ImVec2 to_screen(double x, double y) const;
  double x_from_screen(float sx) const;
  ImDrawList* draw() const { return draw_; }
  ImVec2 min() const { return min_; }
  ImVec2 max() const { return max_; }
  bool hovered() const { return hovered_; }

  // y[i] at x = x_start + i * x_step.
  void line(const float* y, int n, ImU32 color, double x_start = 0, double x_step = 1,
            float thickness = 1.5f) const;
  void polyline(const std::vector<ImVec2>& data_points, ImU32 color, float thickness = 1.5f) const;
  // A vertical band from y = 0 up to values[i] of height, per step, scaled to
  // the plot's height (values / max_value), drawn behind the lines.
  void shade_columns(const float* values, int n, float max_value, ImU32 color) const;
  void vline(double x, ImU32 color, float thickness = 2.0f) const;
  void marker(double x, double y, ImU32 color) const;
  void legend(const std::vector<std::pair<std::string, ImU32>>& entries) const;

 private:
  ImDrawList* draw_;
  ImVec2 min_, max_;
  double x0_, x1_, y0_, y1_;
  bool hovered_;
};

// Colours used by every panel.
namespace colors {
inline constexpr ImU32 input = IM_COL32(80, 170, 255, 255);
inline constexpr ImU32 reconstruction = IM_COL32(255, 170, 60, 255);
inline constexpr ImU32 error = IM_COL32(255, 70, 70, 90);
inline constexpr ImU32 normal = IM_COL32(90, 200, 120, 200);
inline constexpr ImU32 anomaly = IM_COL32(240, 90, 90, 200);
inline constexpr ImU32 unlabelled = IM_COL32(160, 160, 220, 200);
inline constexpr ImU32 threshold = IM_COL32(255, 255, 255, 230);
inline constexpr ImU32 curve = IM_COL32(120, 200, 255, 255);
}  // namespace colors

}  // namespace ecglens::app
