// The browser app's ImGui panels (see ui.h).
#include "ui.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <utility>

#include "imgui.h"
#include "list_input.h"
#include "plots.h"

namespace ecglens::app {
namespace {

constexpr ImGuiWindowFlags kPanel =
    ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse;

void place(const char* name, ImVec2 pos, ImVec2 size) {
  ImGui::SetNextWindowPos(pos, ImGuiCond_Always);
  ImGui::SetNextWindowSize(size, ImGuiCond_Always);
  ImGui::Begin(name, nullptr, kPanel);
}

// The first thing a visitor sees: one click loads the synthetic demo beats
// and the demo model, and scores them.
void draw_demo_button(UiState& ui, const Hooks& hooks) {
  ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(40, 120, 70, 255));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, IM_COL32(55, 150, 90, 255));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, IM_COL32(70, 170, 105, 255));
  if (ImGui::Button("Demo: score 500 synthetic beats", ImVec2(-1, ImGui::GetFrameHeight() * 1.8f)))
    hooks.load_demo();
  ImGui::PopStyleColor(3);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Loads 500 synthetic ECG beats (400 normal; 20 each of premature ventricular\n"
                      "beats, ST elevation, ST depression, inverted T waves and noise bursts) and\n"
                      "the demo autoencoder, and scores them here in the page");
  if (!ui.demo_note.empty()) ImGui::TextWrapped("%s", ui.demo_note.c_str());
}

// Flagged beats per label (for the demo: which anomaly types the model
// catches at this threshold); only for files with a handful of labels.
void draw_label_counts(const Session& s) {
  const auto counts = s.label_counts();
  if (counts.empty() || counts.size() > 12) return;
  ImGui::Separator();
  ImGui::Text("Flagged per label");
  if (!ImGui::BeginTable("by_label", 3, ImGuiTableFlags_Borders)) return;
  ImGui::TableSetupColumn("label");
  ImGui::TableSetupColumn("beats");
  ImGui::TableSetupColumn("flagged");
  ImGui::TableHeadersRow();
  for (const auto& c : counts) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn(); ImGui::Text("%s", c.label.c_str());
    ImGui::TableNextColumn(); ImGui::Text("%zu", c.beats);
    ImGui::TableNextColumn(); ImGui::Text("%zu (%.0f%%)", c.flagged, 100.0 * c.flagged / c.beats);
  }
  ImGui::EndTable();
}

// What the model in use was trained on (its line of models/index.json), and
// why it was chosen for the file, or the warning that no bundled model fits.
void draw_model_notes(const Session& s, const UiState& ui) {
  for (const auto& m : ui.bundled) {
    if (m.file != s.model_name() || m.description.empty()) continue;
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", m.description.c_str());
    ImGui::PopStyleColor();
  }
  if (ui.model_note.empty()) return;
  if (ui.model_note_warns) ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 190, 80, 255));
  ImGui::TextWrapped("%s", ui.model_note.c_str());
  if (ui.model_note_warns) ImGui::PopStyleColor();
}

void draw_controls(Session& s, UiState& ui, const Hooks& hooks) {
  draw_demo_button(ui, hooks);
  ImGui::Separator();
  ImGui::TextWrapped("Everything runs in this page: files are read locally, nothing is uploaded.");
  ImGui::Separator();
  ImGui::Text("Model");
  if (ImGui::BeginCombo("##bundled", ui.bundled_choice.empty() ? "bundled models..."
                                                               : ui.bundled_choice.c_str())) {
    for (const auto& m : ui.bundled) {
      if (ImGui::Selectable(m.file.c_str(), m.file == ui.bundled_choice)) {
        ui.bundled_choice = m.file;
        hooks.load_bundled_model(m.file);
      }
      if (ImGui::IsItemHovered() && !m.description.empty()) ImGui::SetTooltip("%s", m.description.c_str());
    }
    ImGui::EndCombo();
  }
  if (ImGui::Button("Open weights file (.ecgw)...")) hooks.pick_model_file();
  ImGui::TextWrapped("%s: %s", s.has_model() ? s.model_name().c_str() : "(none)",
                     s.model_summary().c_str());
  draw_model_notes(s, ui);
  ImGui::Separator();
  ImGui::Text("Beats");
  if (ImGui::Button("Open CSV / UCR file...")) hooks.pick_data_file();
  ImGui::SameLine();
  ImGui::TextDisabled("or drop it on the page");
  if (s.has_data())
    ImGui::TextWrapped("%s: %zu beats x %d samples%s", s.data_name().c_str(), s.beat_count(),
                       s.length(), s.labelled() ? ", labelled" : "");

  if (!s.error().empty()) {
    ImGui::Separator();
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 110, 255));
    ImGui::TextWrapped("Error: %s", s.error().c_str());
    ImGui::PopStyleColor();
    if (ImGui::SmallButton("dismiss")) s.clear_error();
  }
  ImGui::Separator();
  if (s.scoring()) {
    char label[64];
    std::snprintf(label, sizeof label, "scoring %.0f%%", s.progress() * 100);
    ImGui::ProgressBar(static_cast<float>(s.progress()), ImVec2(-1, 0), label);
  } else if (s.scored()) {
    ImGui::Text("Scored %zu beats (%.0f beats/s)", s.beat_count(), s.beats_per_second());
  } else {
    ImGui::TextDisabled("Load a model and a file of beats to score them.");
  }
  if (!s.scored()) return;

  ImGui::Separator();
  ImGui::Text("Threshold (flag when score > threshold)");
  const auto [lo, hi] = std::minmax_element(s.scores().begin(), s.scores().end());
  double t = s.threshold();
  const double t_min = *lo, t_max = *hi;
  ImGui::SetNextItemWidth(-1);
  if (ImGui::SliderScalar("##threshold", ImGuiDataType_Double, &t, &t_min, &t_max, "%.6g"))
    s.set_threshold(t);
  for (const auto& p : s.presets()) {
    char label[160];
    std::snprintf(label, sizeof label, "%s = %.4g", p.name.c_str(), p.value);
    if (ImGui::Button(label)) s.set_threshold(p.value);
  }
  ImGui::Text("%zu of %zu beats flagged", s.flagged_count(), s.beat_count());
  if (ImGui::Button("Export scores CSV")) hooks.download_scores(s.scores_csv());
  using Engine = Session::Engine;
  ImGui::Text("Engine");
  ImGui::SameLine();
  if (ImGui::RadioButton("C++ core", s.engine() == Engine::Core) && s.use_engine(Engine::Core))
    ui.order_dirty = true;
  ImGui::SameLine();
  if (ImGui::RadioButton("ONNX Runtime Web", s.engine() == Engine::Ort)) {
    if (s.use_engine(Engine::Ort)) ui.order_dirty = true;
    else hooks.use_ort_engine(s.model_name());
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Runs the model's .onnx export with ONNX Runtime Web (loaded only now) on\n"
                      "the same beats; the list, histogram and metrics then show its scores,\n"
                      "with how far they are from the core's and how fast each engine is");
  if (!s.engine_report.empty()) ImGui::TextWrapped("%s", s.engine_report.c_str());

  if (auto c = s.confusion()) {
    ImGui::Separator();
    ImGui::Text("Confusion (anomaly = positive)");
    if (ImGui::BeginTable("confusion", 3, ImGuiTableFlags_Borders)) {
      ImGui::TableSetupColumn("");
      ImGui::TableSetupColumn("flagged");
      ImGui::TableSetupColumn("not flagged");
      ImGui::TableHeadersRow();
      ImGui::TableNextRow();
      ImGui::TableNextColumn(); ImGui::Text("anomaly");
      ImGui::TableNextColumn(); ImGui::Text("TP %ld", c->tp);
      ImGui::TableNextColumn(); ImGui::Text("FN %ld", c->fn);
      ImGui::TableNextRow();
      ImGui::TableNextColumn(); ImGui::Text("normal");
      ImGui::TableNextColumn(); ImGui::Text("FP %ld", c->fp);
      ImGui::TableNextColumn(); ImGui::Text("TN %ld", c->tn);
      ImGui::EndTable();
    }
    ImGui::Text("accuracy  %.4f", c->accuracy());
    ImGui::Text("precision %.4f", c->precision());
    ImGui::Text("recall    %.4f", c->recall());
    ImGui::Text("F1        %.4f", c->f1());
    ImGui::Text("ROC-AUC %.4f   PR-AUC %.4f", s.roc_auc(), s.pr_auc());
  }
  draw_label_counts(s);
}

// The beat's row in the list order, or -1.
int row_of(const UiState& ui, int beat) {
  const auto at = std::find(ui.order.begin(), ui.order.end(), beat);
  return at == ui.order.end() ? -1 : static_cast<int>(at - ui.order.begin());
}

// Arrows, Page Up / Down, Home and End move the selection through the list
// wherever the pointer is, unless a widget has the keyboard (a slider typed in).
void move_selection_by_keys(UiState& ui, int rows) {
  if (ImGui::GetIO().WantTextInput || ImGui::IsAnyItemActive()) return;
  static constexpr std::pair<ImGuiKey, ListKey> kKeys[] = {
      {ImGuiKey_UpArrow, ListKey::Up},     {ImGuiKey_DownArrow, ListKey::Down},
      {ImGuiKey_PageUp, ListKey::PageUp}, {ImGuiKey_PageDown, ListKey::PageDown},
      {ImGuiKey_Home, ListKey::Home},     {ImGuiKey_End, ListKey::End}};
  for (const auto& [imgui_key, key] : kKeys) {
    if (!ImGui::IsKeyPressed(ImGui::GetKeyIndex(imgui_key))) continue;
    const int row = next_row(key, row_of(ui, ui.selected), rows, ui.list_page_rows);
    if (row < 0) return;
    ui.selected = ui.order[row];
    ui.scroll_to_selected = true;
  }
}

// Scrolls the list so the row just drawn is whole under the header (to the
// middle, when it was not).
void keep_in_view(float row_height) {
  const float top = ImGui::GetWindowPos().y + row_height;  // below the frozen header row
  const float bottom = ImGui::GetWindowPos().y + ImGui::GetWindowHeight();
  if (ImGui::GetItemRectMin().y < top || ImGui::GetItemRectMax().y > bottom) ImGui::SetScrollHereY(0.5f);
}

void draw_beat_list(Session& s, UiState& ui) {
  if (!s.scored()) {
    ImGui::TextDisabled("No scores yet.");
    return;
  }
  if (ui.order.size() != s.beat_count()) ui.order_dirty = true;
  const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersV;
  if (!ImGui::BeginTable("beats", 5, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("#");
  ImGui::TableSetupColumn("line");
  ImGui::TableSetupColumn("score", ImGuiTableColumnFlags_DefaultSort |
                                       ImGuiTableColumnFlags_PreferSortDescending);
  ImGui::TableSetupColumn("flag");
  ImGui::TableSetupColumn("label");
  ImGui::TableHeadersRow();
  if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs()) {
    if (specs->SpecsDirty && specs->SpecsCount > 0) {
      ui.sort_column = specs->Specs[0].ColumnIndex;
      ui.sort_descending = specs->Specs[0].SortDirection == ImGuiSortDirection_Descending;
      ui.order_dirty = true;
      specs->SpecsDirty = false;
    }
  }
  if (ui.order_dirty) sort_beats(s, ui);
  const int rows = static_cast<int>(ui.order.size());
  move_selection_by_keys(ui, rows);
  const int selected_row = ui.scroll_to_selected ? row_of(ui, ui.selected) : -1;
  ImGuiListClipper clipper;
  clipper.Begin(rows);
  if (selected_row >= 0) clipper.ForceDisplayRangeByIndices(selected_row, selected_row + 1);
  while (clipper.Step()) {
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      const int i = ui.order[row];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      char label[32];
      std::snprintf(label, sizeof label, "%d", i);
      if (ImGui::Selectable(label, ui.selected == i, ImGuiSelectableFlags_SpanAllColumns))
        ui.selected = i;
      if (row == selected_row) keep_in_view(clipper.ItemsHeight);
      ImGui::TableNextColumn();
      ImGui::Text("%ld", s.data()->lines[i]);
      ImGui::TableNextColumn();
      ImGui::Text("%.5g", s.scores()[i]);
      ImGui::TableNextColumn();
      if (s.flagged(i)) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "anomaly");
      ImGui::TableNextColumn();
      if (s.labelled()) ImGui::Text("%s", s.label_text(i).c_str());
    }
  }
  ui.scroll_to_selected = false;
  // Under the frozen header row, row r starts at scroll r * row height.
  if (clipper.ItemsHeight > 0) {
    ui.list_first_row = static_cast<int>(std::floor(ImGui::GetScrollY() / clipper.ItemsHeight + 0.01f));
    ui.list_page_rows = std::max(1, static_cast<int>((ImGui::GetWindowHeight() - clipper.ItemsHeight) /
                                                     clipper.ItemsHeight));
  }
  ImGui::EndTable();
}

void draw_beat_view(const Session& s, UiState& ui) {
  if (!s.scored() || s.beat_count() == 0) {
    ImGui::TextDisabled("Select a beat in the list.");
    return;
  }
  if (ui.selected < 0 || ui.selected >= static_cast<int>(s.beat_count())) ui.selected = ui.order.empty() ? 0 : ui.order[0];
  const std::size_t b = static_cast<std::size_t>(ui.selected);
  const int n = s.length(), c = s.channels();
  ImGui::Text("beat %zu (line %ld): score %.5g, %s%s%s", b, s.data()->lines[b], s.scores()[b],
              s.flagged(b) ? "flagged" : "not flagged", s.labelled() ? ", label " : "",
              s.label_text(b).c_str());
  // Channel 0 is drawn; the shaded error averages every channel.
  std::vector<float> x(n), y(n);
  for (int t = 0; t < n; ++t) {
    x[t] = s.normalized(b)[t * c];
    y[t] = s.reconstruction(b)[t * c];
  }
  const std::vector<float> err = s.timestep_error(b);
  float lo = std::min(*std::min_element(x.begin(), x.end()), *std::min_element(y.begin(), y.end()));
  float hi = std::max(*std::max_element(x.begin(), x.end()), *std::max_element(y.begin(), y.end()));
  const float err_max = *std::max_element(err.begin(), err.end());
  PlotArea plot("input, reconstruction and squared error per step", ImVec2(-1, -1), 0, n - 1,
                lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo));
  plot.shade_columns(err.data(), n, err_max, colors::error);
  plot.line(x.data(), n, colors::input);
  plot.line(y.data(), n, colors::reconstruction);
  plot.legend({{"input", colors::input}, {"reconstruction", colors::reconstruction},
               {"error", IM_COL32(255, 90, 90, 255)}});
}

void draw_histogram(Session& s) {
  if (!s.scored()) return;
  constexpr int kBins = 60;
  const auto [lo_it, hi_it] = std::minmax_element(s.scores().begin(), s.scores().end());
  const double lo = *lo_it, hi = *hi_it > *lo_it ? *hi_it : *lo_it + 1;
  std::vector<float> normal(kBins, 0), anomaly(kBins, 0);
  for (std::size_t i = 0; i < s.beat_count(); ++i) {
    int bin = static_cast<int>((s.scores()[i] - lo) / (hi - lo) * kBins);
    bin = std::clamp(bin, 0, kBins - 1);
    (s.labelled() && s.labels()[i] == 1 ? anomaly : normal)[bin] += 1;
  }
  float top = 1;
  for (int i = 0; i < kBins; ++i) top = std::max({top, normal[i], anomaly[i]});
  PlotArea plot("score histogram (drag to move the threshold)", ImVec2(-1, -1), lo, hi, 0, top);
  const double w = (hi - lo) / kBins;
  for (int i = 0; i < kBins; ++i) {
    const double x = lo + i * w;
    plot.draw()->AddRectFilled(plot.to_screen(x, 0), plot.to_screen(x + w, normal[i]),
                               s.labelled() ? colors::normal : colors::unlabelled);
    plot.draw()->AddRectFilled(plot.to_screen(x, 0), plot.to_screen(x + w, anomaly[i]),
                               colors::anomaly);
  }
  plot.vline(s.threshold(), colors::threshold);
  if (s.labelled())
    plot.legend({{"normal", colors::normal}, {"anomaly", colors::anomaly},
                 {"threshold", colors::threshold}});
  if (plot.hovered() && ImGui::IsMouseDown(ImGuiMouseButton_Left))
    s.set_threshold(std::clamp(plot.x_from_screen(ImGui::GetIO().MousePos.x), lo, hi));
}

// The curve point whose threshold is the first at or below the current one
// (points run from high to low thresholds).
template <class Point>
const Point* operating_point(const std::vector<Point>& points, double threshold) {
  for (const Point& p : points)
    if (p.threshold <= threshold) return &p;
  return points.empty() ? nullptr : &points.back();
}

void draw_latent(const Session& s, float width) {
  const LatentPca& pca = s.pca();
  if (pca.x.empty()) return;
  const auto [x0, x1] = std::minmax_element(pca.x.begin(), pca.x.end());
  const auto [y0, y1] = std::minmax_element(pca.y.begin(), pca.y.end());
  char title[96];
  std::snprintf(title, sizeof title, "latent PCA (%.0f%%), by %s", pca.explained * 100,
                s.labelled() ? "label" : "flag");
  PlotArea plot(title, ImVec2(width, -1), *x0, *x1, *y0, *y1);
  plot.draw()->PushClipRect(plot.min(), plot.max(), true);
  // Normal beats first, anomalies on top of them.
  const float size = 1.5f * ImGui::GetIO().FontGlobalScale;
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < pca.x.size(); ++i) {
      const bool anomalous = s.labelled() ? s.labels()[i] == 1 : s.flagged(i);
      if (anomalous != (pass == 1)) continue;
      const ImVec2 p = plot.to_screen(pca.x[i], pca.y[i]);
      plot.draw()->AddRectFilled(ImVec2(p.x - size, p.y - size), ImVec2(p.x + size, p.y + size),
                                 anomalous ? colors::anomaly : colors::normal);
    }
  }
  plot.draw()->PopClipRect();
}

void draw_curves(const Session& s) {
  if (!s.has_curves()) {
    ImGui::TextDisabled("ROC and PR curves need a labelled file with both classes.");
    if (s.scored()) draw_latent(s, -1);
    return;
  }
  const float w = ImGui::GetContentRegionAvail().x / 3.0f - 6;
  std::vector<ImVec2> roc, pr;
  for (const auto& p : s.roc()) roc.emplace_back(static_cast<float>(p.fpr), static_cast<float>(p.tpr));
  for (const auto& p : s.pr()) pr.emplace_back(static_cast<float>(p.recall), static_cast<float>(p.precision));
  char title[64];
  std::snprintf(title, sizeof title, "ROC (AUC %.4f)", s.roc_auc());
  {
    PlotArea plot(title, ImVec2(w, -1), 0, 1, 0, 1);
    plot.polyline(roc, colors::curve);
    if (const auto* p = operating_point(s.roc(), s.threshold())) plot.marker(p->fpr, p->tpr, colors::threshold);
  }
  ImGui::SameLine();
  std::snprintf(title, sizeof title, "precision-recall (AP %.4f)", s.pr_auc());
  {
    PlotArea plot(title, ImVec2(w, -1), 0, 1, 0, 1);
    plot.polyline(pr, colors::curve);
    if (const auto* p = operating_point(s.pr(), s.threshold())) plot.marker(p->recall, p->precision, colors::threshold);
  }
  ImGui::SameLine();
  draw_latent(s, -1);
}

}  // namespace

void sort_beats(const Session& s, UiState& ui) {
  ui.order.resize(s.beat_count());
  std::iota(ui.order.begin(), ui.order.end(), 0);
  auto key = [&](int i) -> double {
    switch (ui.sort_column) {
      case 1: return static_cast<double>(s.data()->lines[i]);
      case 2: return s.scores()[i];
      case 3: return s.flagged(i) ? 1 : 0;
      case 4: return s.labelled() ? s.labels()[i] : 0;
      default: return i;
    }
  };
  std::stable_sort(ui.order.begin(), ui.order.end(), [&](int a, int b) {
    return ui.sort_descending ? key(a) > key(b) : key(a) < key(b);
  });
  ui.order_dirty = false;
  ui.scroll_to_selected = ui.selected >= 0;  // a new order keeps the selected beat in view
}

void draw_ui(Session& s, UiState& ui, const Hooks& hooks) {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float left = std::min(340.0f, display.x * 0.3f);
  const float list = std::min(330.0f, display.x * 0.25f);
  const float right_x = left + list;
  const float right_w = std::max(display.x - right_x, 100.0f);
  const float top_h = display.y * 0.45f;
  const float mid_h = display.y * 0.25f;

  place("ecglens", ImVec2(0, 0), ImVec2(left, display.y));
  draw_controls(s, ui, hooks);
  ImGui::End();
  place("Beats (click a header to sort)", ImVec2(left, 0), ImVec2(list, display.y));
  draw_beat_list(s, ui);
  ImGui::End();
  place("Beat view", ImVec2(right_x, 0), ImVec2(right_w, top_h));
  draw_beat_view(s, ui);
  ImGui::End();
  place("Scores", ImVec2(right_x, top_h), ImVec2(right_w, mid_h));
  draw_histogram(s);
  ImGui::End();
  place("Curves", ImVec2(right_x, top_h + mid_h), ImVec2(right_w, display.y - top_h - mid_h));
  draw_curves(s);
  ImGui::End();
}

}  // namespace ecglens::app
