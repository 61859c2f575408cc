// The browser app's panels, drawn with Dear ImGui each frame from a Session:
// controls and metrics, the beat list, the beat view, the error histogram
// and the ROC / PR curves. Platform actions (file pickers, downloads,
// fetching a bundled model) go through Hooks, which main.cpp implements
// with the page's JavaScript.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "model_choice.h"
#include "session.h"

namespace ecglens::app {

struct Hooks {
  std::function<void()> pick_data_file;
  std::function<void()> pick_model_file;
  std::function<void(const std::string& name)> load_bundled_model;
  std::function<void(const std::string& csv)> download_scores;
  // Runs the model's .onnx with ONNX Runtime Web on the scored beats and
  // shows its scores (the page passes them in when done).
  std::function<void(const std::string& model_name)> use_ort_engine;
  // Loads the demo beats and the demo model (or the first bundled one).
  std::function<void()> load_demo;
};

// What the panels remember between frames.
struct UiState {
  int selected = -1;                 // beat shown in the beat view
  int sort_column = 2;               // 0 index, 1 line, 2 score, 3 flag, 4 label
  bool sort_descending = true;
  std::vector<int> order;            // beat indices in list order
  bool order_dirty = true;
  bool scroll_to_selected = false;   // scroll the list to the selected beat at the next frame
  int list_first_row = 0;            // the list's first row in view (for the test interface)
  int list_page_rows = 1;            // how many rows the list shows at once
  std::vector<BundledModel> bundled;  // the models the page offers
  std::string bundled_choice;
  std::string demo_note;             // what the Demo button loaded (cleared by any other load)
  std::string model_note;            // which model was chosen for the file, and why
  bool model_note_warns = false;     // the note says no bundled model fits
};

// Sorts state.order by state.sort_column / sort_descending.
void sort_beats(const Session& session, UiState& state);

// Draws every panel over the whole display.
void draw_ui(Session& session, UiState& state, const Hooks& hooks);

}  // namespace ecglens::app
