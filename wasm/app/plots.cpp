// ImDrawList plots for the browser app (see plots.h).
#include "plots.h"

#include <algorithm>
#include <cstdio>

namespace ecglens::app {

PlotArea::PlotArea(const char* title, ImVec2 size, double x0, double x1, double y0, double y1)
    : draw_(ImGui::GetWindowDrawList()), x0_(x0), x1_(x1 == x0 ? x0 + 1 : x1), y0_(y0),
      y1_(y1 == y0 ? y0 + 1 : y1) {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (size.x <= 0) size.x = avail.x;
  if (size.y <= 0) size.y = avail.y;
  size.x = std::max(size.x, 40.0f);
  size.y = std::max(size.y, 40.0f);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(title, size);
  hovered_ = ImGui::IsItemHovered();
  const float pad_top = ImGui::GetTextLineHeight() + 4;
  const float pad_bottom = ImGui::GetTextLineHeight() + 2;
  min_ = ImVec2(origin.x + 4, origin.y + pad_top);
  max_ = ImVec2(origin.x + size.x - 4, origin.y + size.y - pad_bottom);
  draw_->AddRectFilled(min_, max_, IM_COL32(25, 28, 34, 255));
  draw_->AddRect(min_, max_, IM_COL32(90, 90, 100, 255));
  draw_->AddText(ImVec2(origin.x + 4, origin.y), IM_COL32(230, 230, 230, 255), title);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g", y1_);
  draw_->AddText(ImVec2(min_.x + 2, min_.y + 1), IM_COL32(150, 150, 160, 255), buf);
  std::snprintf(buf, sizeof buf, "%.3g", y0_);
  draw_->AddText(ImVec2(min_.x + 2, max_.y - ImGui::GetTextLineHeight() - 1),
                 IM_COL32(150, 150, 160, 255), buf);
  std::snprintf(buf, sizeof buf, "%.3g", x0_);
  draw_->AddText(ImVec2(min_.x, max_.y + 1), IM_COL32(150, 150, 160, 255), buf);
  std::snprintf(buf, sizeof buf, "%.3g", x1_);
  const float w = ImGui::CalcTextSize(buf).x;
  draw_->AddText(ImVec2(max_.x - w, max_.y + 1), IM_COL32(150, 150, 160, 255), buf);
}

ImVec2 PlotArea::to_screen(double x, double y) const {
  const double fx = (x - x0_) / (x1_ - x0_);
  const double fy = (y - y0_) / (y1_ - y0_);
  return ImVec2(static_cast<float>(min_.x + fx * (max_.x - min_.x)),
                static_cast<float>(max_.y - fy * (max_.y - min_.y)));
}

double PlotArea::x_from_screen(float sx) const {
  return x0_ + (sx - min_.x) / (max_.x - min_.x) * (x1_ - x0_);
}

void PlotArea::line(const float* y, int n, ImU32 color, double x_start, double x_step,
                    float thickness) const {
  std::vector<ImVec2> points(static_cast<std::size_t>(std::max(n, 0)));
  for (int i = 0; i < n; ++i) points[i] = to_screen(x_start + i * x_step, y[i]);
  draw_->PushClipRect(min_, max_, true);
  draw_->AddPolyline(points.data(), n, color, ImDrawFlags_None, thickness);
  draw_->PopClipRect();
}

void PlotArea::polyline(const std::vector<ImVec2>& data_points, ImU32 color, float thickness) const {
  std::vector<ImVec2> points;
  points.reserve(data_points.size());
  for (const ImVec2& p : data_points) points.push_back(to_screen(p.x, p.y));
  draw_->PushClipRect(min_, max_, true);
  draw_->AddPolyline(points.data(), static_cast<int>(points.size()), color, ImDrawFlags_None,
                     thickness);
  draw_->PopClipRect();
}

void PlotArea::shade_columns(const float* values, int n, float max_value, ImU32 color) const {
  if (n <= 0 || max_value <= 0) return;
  const float width = (max_.x - min_.x) / static_cast<float>(n);
  for (int i = 0; i < n; ++i) {
    const float h = std::min(values[i] / max_value, 1.0f) * (max_.y - min_.y);
    const float x = min_.x + width * static_cast<float>(i);
    draw_->AddRectFilled(ImVec2(x, max_.y - h), ImVec2(x + width, max_.y), color);
  }
}

void PlotArea::vline(double x, ImU32 color, float thickness) const {
  const float sx = to_screen(x, y0_).x;
  if (sx < min_.x || sx > max_.x) return;
  draw_->AddLine(ImVec2(sx, min_.y), ImVec2(sx, max_.y), color, thickness);
}

void PlotArea::marker(double x, double y, ImU32 color) const {
  const ImVec2 p = to_screen(x, y);
  draw_->AddCircleFilled(p, 5.0f, color);
  draw_->AddCircle(p, 6.0f, IM_COL32(0, 0, 0, 255));
}

void PlotArea::legend(const std::vector<std::pair<std::string, ImU32>>& entries) const {
  float x = max_.x;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    x -= ImGui::CalcTextSize(it->first.c_str()).x + 6;
    draw_->AddText(ImVec2(x, min_.y - ImGui::GetTextLineHeight() - 2), it->second, it->first.c_str());
  }
}

}  // namespace ecglens::app
