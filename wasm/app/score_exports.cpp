// What the page's scoring workers (web/score_worker.js) call: each worker
// runs its own instance of the app's wasm without starting the app (no
// main(), no UI), and these functions hold one model and score ranges of
// beats with it exactly as the page's own Scorer does.
#include <emscripten.h>

#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "ecglens/io/weights_file.h"
#include "ecglens/model/scorer.h"

namespace {
std::unique_ptr<ecglens::Scorer> g_scorer;
std::string g_error;
}  // namespace

extern "C" {

// Loads a weights file (size bytes at `bytes`); 0 and ecglens_worker_error()
// on a bad file.
EMSCRIPTEN_KEEPALIVE int ecglens_worker_load_model(const char* bytes, int size, const char* name) {
  try {
    g_scorer = std::make_unique<ecglens::Scorer>(ecglens::parse_weights(std::string_view(bytes, size), name));
    g_error.clear();
    return 1;
  } catch (const std::exception& e) {
    g_scorer.reset();
    g_error = e.what();
    return 0;
  }
}

// Floats per beat of the latent output (0 without a model).
EMSCRIPTEN_KEEPALIVE int ecglens_worker_latent_size() {
  return g_scorer ? g_scorer->model().latent_size() : 0;
}

// Scorer::score() on `count` beats of `length` steps; 0 and
// ecglens_worker_error() when it throws or no model is loaded.
EMSCRIPTEN_KEEPALIVE int ecglens_worker_score(const float* beats, int count, int length, float* scores,
                                              float* normalized, float* reconstruction, float* latent) {
  if (!g_scorer) {
    g_error = "no model loaded";
    return 0;
  }
  try {
    g_scorer->score(beats, static_cast<std::size_t>(count), length, scores, normalized, reconstruction, latent);
    return 1;
  } catch (const std::exception& e) {
    g_error = e.what();
    return 0;
  }
}

EMSCRIPTEN_KEEPALIVE const char* ecglens_worker_error() { return g_error.c_str(); }

}  // extern "C"
