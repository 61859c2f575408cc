// The browser app's entry point: a GLFW window on the page's canvas, Dear
// ImGui on WebGL2, and one frame per browser animation frame in which the
// session scores a chunk of beats and the panels are drawn. The C functions
// the page's JavaScript calls (loading files, the test interface) are at
// the bottom; web/ecglens.js is their only caller.
#include <emscripten.h>
#include <emscripten/html5.h>

#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "imgui.h"
#include "backends/imgui_impl_glfw.h"
#include "backends/imgui_impl_opengl3.h"
#include "list_input.h"
#include "model_choice.h"
#include "session.h"
#include "ui.h"

// The page's side of the hooks (web/ecglens.js defines window.ecglensShell).
EM_JS(void, js_pick_file, (int model), { window.ecglensShell.pickFile(model ? 'model' : 'data'); });
EM_JS(void, js_load_bundled_model, (const char* name),
      { window.ecglensShell.loadBundledModel(UTF8ToString(name)); });
EM_JS(void, js_download, (const char* filename, const char* text),
      { window.ecglensShell.download(UTF8ToString(filename), UTF8ToString(text)); });
EM_JS(void, js_shell_ready, (), { window.ecglensShell.ready(); });
EM_JS(void, js_scored, (), { window.ecglensShell.scored(); });
EM_JS(void, js_load_demo, (), { window.ecglensShell.loadDemo(); });
EM_JS(void, js_use_ort_engine, (const char* model),
      { window.ecglensShell.useOrtEngine(UTF8ToString(model)); });

namespace {

// While beats are being scored, each animation frame scores for about
// kScoringBudgetMs and only every kDrawWhileScoringMs is a frame drawn (the
// progress bar moves at 4 frames per second). Drawing a frame (ImGui on
// WebGL, on the CPU where the browser has no GPU) can take as long as a
// slice of scoring: drawing every frame left scoring half the time or less.
// Input that arrives meanwhile is handled at the next drawn frame.
constexpr double kScoringBudgetMs = 40.0;
constexpr double kDrawWhileScoringMs = 250.0;

struct App {
  GLFWwindow* window = nullptr;
  ecglens::app::Session session;
  ecglens::app::UiState ui;
  ecglens::app::Hooks hooks;
  ecglens::app::ModelChooser chooser;  // the bundled models, for files opened later
  std::string reply;  // the last string handed to JavaScript
  double drawn_at = 0;  // when the last frame was drawn (emscripten_get_now)
  float pixel_ratio = 1.0f;
  int width = 0, height = 0;  // canvas pixels
};
App* g_app = nullptr;

// Keeps the canvas's backing store at CSS size x devicePixelRatio, and ImGui
// drawing 1:1 on it with sizes scaled by the ratio, so the page is sharp on
// any screen. The canvas is sized directly: Emscripten's glfwSetWindowSize
// turns a screen-sized window into a fullscreen + pointer-lock request.
void fit_canvas(App& app) {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  const float ratio = static_cast<float>(emscripten_get_device_pixel_ratio());
  const int w = static_cast<int>(css_w * ratio), h = static_cast<int>(css_h * ratio);
  int cur_w = 0, cur_h = 0;
  emscripten_get_canvas_element_size("#canvas", &cur_w, &cur_h);
  if (w > 0 && h > 0 && (w != cur_w || h != cur_h)) emscripten_set_canvas_element_size("#canvas", w, h);
  app.width = w > 0 ? w : cur_w;
  app.height = h > 0 ? h : cur_h;
  if (ratio != app.pixel_ratio) {
    app.pixel_ratio = ratio;
    ImGui::GetStyle() = ImGuiStyle();
    ImGui::StyleColorsDark();
    ImGui::GetStyle().ScaleAllSizes(ratio);
    ImGui::GetIO().FontGlobalScale = ratio;
  }
}

void frame() {
  App& app = *g_app;
  const bool was_scoring = app.session.scoring();
  app.session.score_some(kScoringBudgetMs);
  if (was_scoring && app.session.scored()) js_scored();
  const double now = emscripten_get_now();
  if (app.session.scoring() && now - app.drawn_at < kDrawWhileScoringMs) return;
  app.drawn_at = now;
  fit_canvas(app);
  if (app.session.scored() && app.ui.order.size() != app.session.beat_count()) app.ui.order_dirty = true;

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  // The GLFW backend reads the window size GLFW was created with.
  ImGui::GetIO().DisplaySize = ImVec2(static_cast<float>(app.width), static_cast<float>(app.height));
  ImGui::GetIO().DisplayFramebufferScale = ImVec2(1, 1);
  ImGui::NewFrame();
  ecglens::app::draw_ui(app.session, app.ui, app.hooks);
  ImGui::Render();
  glViewport(0, 0, app.width, app.height);
  glClearColor(0.08f, 0.09f, 0.11f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

// The wheel, read from the browser's event: Emscripten's GLFW passes the
// raw deltaX / deltaY to ImGui's backend, which takes them as notches with
// the opposite sign (one 100-pixel notch scrolled ~380 rows the wrong way).
EM_BOOL on_wheel(int, const EmscriptenWheelEvent* event, void*) {
  ImGuiIO& io = ImGui::GetIO();
  io.MouseWheel += ecglens::app::wheel_units(event->deltaY, static_cast<int>(event->deltaMode));
  io.MouseWheelH += ecglens::app::wheel_units(event->deltaX, static_cast<int>(event->deltaMode));
  return EM_TRUE;  // the page itself does not scroll
}

}  // namespace

int main() {
  if (!glfwInit()) return 1;
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  g_app = new App;
  g_app->window = glfwCreateWindow(1280, 800, "ecglens", nullptr, nullptr);
  if (!g_app->window) return 1;
  glfwMakeContextCurrent(g_app->window);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // no layout file: the page has no disk
  // Emscripten's GLFW maps cursor-mode changes to pointer-lock requests,
  // which browsers refuse outside a click: keep the page's own cursor.
  ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
  ImGui::StyleColorsDark();
  ImGui_ImplGlfw_InitForOpenGL(g_app->window, true);
  glfwSetScrollCallback(g_app->window, nullptr);  // on_wheel instead
  emscripten_set_wheel_callback("#canvas", nullptr, EM_TRUE, on_wheel);
  ImGui_ImplOpenGL3_Init("#version 300 es");

  App& app = *g_app;
  app.hooks.pick_data_file = [] { js_pick_file(0); };
  app.hooks.pick_model_file = [] { js_pick_file(1); };
  app.hooks.load_bundled_model = [](const std::string& name) { js_load_bundled_model(name.c_str()); };
  app.hooks.download_scores = [](const std::string& csv) { js_download("scores.csv", csv.c_str()); };
  app.hooks.use_ort_engine = [](const std::string& model) { js_use_ort_engine(model.c_str()); };
  app.hooks.load_demo = [] { js_load_demo(); };
  emscripten_set_main_loop(frame, 0, false);
  js_shell_ready();
  return 0;
}

// ---- Called from web/ecglens.js ---------------------------------------------
// Bytes come from the page's FileReader or fetch() of a bundled model, copied
// into wasm memory by the caller, which frees them after the call.
extern "C" {

EMSCRIPTEN_KEEPALIVE int ecglens_load_data(const char* bytes, int size, const char* name) {
  const bool ok = g_app->session.load_data(std::string_view(bytes, size), name);
  g_app->ui.selected = -1;
  g_app->ui.order_dirty = true;
  g_app->ui.demo_note.clear();
  g_app->ui.model_note.clear();
  return ok ? 1 : 0;
}

EMSCRIPTEN_KEEPALIVE int ecglens_load_model(const char* bytes, int size, const char* name) {
  const bool ok = g_app->session.load_model(std::string_view(bytes, size), name);
  if (ok) g_app->ui.bundled_choice = name;
  g_app->ui.order_dirty = true;
  g_app->ui.demo_note.clear();
  g_app->ui.model_note.clear();
  return ok ? 1 : 0;
}

// A bundled model (and its line of models/index.json) that files opened
// later are matched against; 0 when it does not load (printed).
EMSCRIPTEN_KEEPALIVE int ecglens_add_bundled_model(const char* bytes, int size, const char* name,
                                                   const char* description) {
  try {
    g_app->chooser.add({name, description}, std::string_view(bytes, size));
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bundled model %s left out of the choice: %s\n", name, e.what());
    return 0;
  }
}

// Which bundled model fits a file of beats about to be loaded (ModelChooser):
// JSON {file, fits, note}. file is empty when the model in use is the user's
// own (kept), or when the file does not parse (its load says why).
EMSCRIPTEN_KEEPALIVE const char* ecglens_choose_model(const char* bytes, int size, const char* name) {
  App& app = *g_app;
  nlohmann::json result = {{"file", ""}, {"fits", false}, {"note", ""}};
  const auto& s = app.session;
  if (!s.has_model() || app.chooser.offers(s.model_name())) {
    try {
      const auto choice = app.chooser.choose(ecglens::parse_dataset(std::string_view(bytes, size), name));
      result = {{"file", choice.file}, {"fits", choice.fits}, {"note", choice.note}};
    } catch (const std::exception&) {
      // Malformed beats: ecglens_load_data reports them.
    }
  }
  app.reply = result.dump();
  return app.reply.c_str();
}

// The line under the model saying why it was chosen for the file, or that
// none fits (warn), set after the loads.
EMSCRIPTEN_KEEPALIVE void ecglens_set_model_note(const char* text, int warn) {
  g_app->ui.model_note = text;
  g_app->ui.model_note_warns = warn != 0;
}

// The scored beats as the model saw them, their reconstructions and scores,
// for the page's second engine (valid until the next load).
EMSCRIPTEN_KEEPALIVE const float* ecglens_normalized() { return g_app->session.normalized_all().data(); }
EMSCRIPTEN_KEEPALIVE const float* ecglens_reconstruction() {
  return g_app->session.reconstruction_all().data();
}
EMSCRIPTEN_KEEPALIVE const float* ecglens_scores() { return g_app->session.scores().data(); }
EMSCRIPTEN_KEEPALIVE double ecglens_time_scoring() { return g_app->session.time_scoring(); }
EMSCRIPTEN_KEEPALIVE void ecglens_set_engine_report(const char* text) {
  g_app->session.engine_report = text;
}
// ONNX Runtime Web's reconstructions of the scored beats (count floats,
// the layout of ecglens_normalized); the caller frees them after the call.
EMSCRIPTEN_KEEPALIVE int ecglens_set_ort_reconstruction(const float* values, int count) {
  return g_app->session.set_ort_reconstruction(values, static_cast<std::size_t>(count)) ? 1 : 0;
}
// 0: the core's scores are shown, 1: ORT's (once passed in).
EMSCRIPTEN_KEEPALIVE int ecglens_use_engine(int ort) {
  using Engine = ecglens::app::Session::Engine;
  g_app->ui.order_dirty = true;
  return g_app->session.use_engine(ort ? Engine::Ort : Engine::Core) ? 1 : 0;
}

// The beats as the session holds them ([beat][step][channel], resampled to
// the model's length), for the page's scoring workers (valid until the next
// load), and the session's side of that scoring (Session::score_elsewhere,
// accept_scored; the buffers are the caller's, freed after the call).
EMSCRIPTEN_KEEPALIVE const float* ecglens_beats() {
  return g_app->session.has_data() ? g_app->session.data()->beat(0) : nullptr;
}
EMSCRIPTEN_KEEPALIVE int ecglens_score_elsewhere() { return g_app->session.score_elsewhere() ? 1 : 0; }
EMSCRIPTEN_KEEPALIVE void ecglens_score_here() { g_app->session.score_here(); }
EMSCRIPTEN_KEEPALIVE int ecglens_accept_scored(int begin, int count, const float* scores, const float* normalized,
                                               const float* reconstruction, const float* latent) {
  auto& s = g_app->session;
  if (!s.accept_scored(static_cast<std::size_t>(begin), static_cast<std::size_t>(count), scores, normalized,
                       reconstruction, latent))
    return 0;
  if (s.scored()) js_scored();
  return 1;
}

// The line under the Demo button saying what it loaded (set after the loads).
EMSCRIPTEN_KEEPALIVE void ecglens_set_demo_note(const char* text) { g_app->ui.demo_note = text; }

// models/index.json: [{file, description}], the models the page offers.
EMSCRIPTEN_KEEPALIVE void ecglens_set_bundled_models(const char* json) {
  g_app->ui.bundled.clear();
  for (const auto& m : nlohmann::json::parse(json))
    g_app->ui.bundled.push_back({m.at("file").get<std::string>(), m.value("description", "")});
}

EMSCRIPTEN_KEEPALIVE const char* ecglens_state() {
  nlohmann::json j = g_app->session.state();
  j["selected"] = g_app->ui.selected;
  j["demo_note"] = g_app->ui.demo_note;
  j["model_note"] = g_app->ui.model_note;
  j["model_note_warns"] = g_app->ui.model_note_warns;
  j["sort"] = {{"column", g_app->ui.sort_column}, {"descending", g_app->ui.sort_descending}};
  j["list"] = {{"first_row", g_app->ui.list_first_row}, {"page_rows", g_app->ui.list_page_rows}};
  g_app->reply = j.dump();
  return g_app->reply.c_str();
}

// The test interface's actions; args is a JSON object. Returns JSON:
//   threshold {value}        set the threshold
//   preset {name}            set it to a preset
//   select {beat}            show a beat in the beat view
//   sort {column, descending} order the beat list (column 0-4)
//   order {}                 {"order": [beat indices as listed]}
//   scores {}                {"scores": [...]} every beat's score
//   pca {}                   {"x": [...], "y": [...]} the latent view's points
//   export {}                {"csv": "..."} what the export button downloads
//   engine {name}            "core" or "ort": the engine whose scores are
//                            shown (ort runs ONNX Runtime Web first when it
//                            has not run on these beats: asynchronously)
//   demo {}                  what the Demo button does: loads the demo beats
//                            and model (asynchronously: two loads follow)
EMSCRIPTEN_KEEPALIVE const char* ecglens_act(const char* name_c, const char* args_c) {
  App& app = *g_app;
  const std::string name = name_c;
  nlohmann::json result = {{"ok", true}};
  try {
    const nlohmann::json args = nlohmann::json::parse(args_c);
    auto& s = app.session;
    if (name == "threshold") {
      s.set_threshold(args.at("value").get<double>());
    } else if (name == "preset") {
      bool found = false;
      for (const auto& p : s.presets())
        if (p.name == args.at("name").get<std::string>()) { s.set_threshold(p.value); found = true; }
      if (!found) throw std::runtime_error("no preset named " + args.at("name").dump());
    } else if (name == "select") {
      app.ui.selected = args.at("beat").get<int>();
      app.ui.scroll_to_selected = true;
    } else if (name == "sort") {
      app.ui.sort_column = args.at("column").get<int>();
      app.ui.sort_descending = args.value("descending", true);
      ecglens::app::sort_beats(s, app.ui);
    } else if (name == "order") {
      if (app.ui.order_dirty) ecglens::app::sort_beats(s, app.ui);
      result["order"] = app.ui.order;
    } else if (name == "scores") {
      result["scores"] = s.scores();
    } else if (name == "pca") {
      result["x"] = s.pca().x;
      result["y"] = s.pca().y;
    } else if (name == "export") {
      result["csv"] = s.scores_csv();
    } else if (name == "engine") {
      using Engine = ecglens::app::Session::Engine;
      const std::string engine = args.at("name").get<std::string>();
      if (engine != "core" && engine != "ort") throw std::runtime_error("no engine named '" + engine + "'");
      app.ui.order_dirty = true;
      if (engine == "core") s.use_engine(Engine::Core);
      else if (!s.use_engine(Engine::Ort)) app.hooks.use_ort_engine(s.model_name());
    } else if (name == "demo") {
      app.hooks.load_demo();
    } else {
      throw std::runtime_error("unknown action '" + name + "'");
    }
  } catch (const std::exception& e) {
    result = {{"ok", false}, {"error", e.what()}};
  }
  app.reply = result.dump();
  return app.reply.c_str();
}

}  // extern "C"
