// Inference speed of the core on one thread: beats per second reconstructing
// ECG beats with a model, at a given batch size. Prints one JSON object per
// batch size; compare_inference.mjs runs this and ONNX Runtime side by side.
//
//   bench_inference MODEL.ecgw BEATS_FILE [BATCH ...]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "ecglens/data/dataset.h"
#include "ecglens/model/model.h"

namespace {

using Clock = std::chrono::steady_clock;

// Best-of-`repeats` throughput, each repeat scoring every beat at least once
// and running for at least min_seconds.
double beats_per_second(ecglens::Model& model, const ecglens::Dataset& beats, int batch,
                        std::vector<float>& out, int repeats = 3, double min_seconds = 1.0) {
  const int length = beats.length;
  const size_t beat_size = static_cast<size_t>(length) * beats.channels;
  double best = 0;
  for (int r = 0; r < repeats; ++r) {
    size_t done = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    do {
      for (size_t first = 0; first < beats.size(); first += batch) {
        const size_t n = std::min<size_t>(batch, beats.size() - first);
        model.reconstruct(beats.values.data() + first * beat_size, n, length,
                          out.data() + first * beat_size);
        done += n;
      }
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < min_seconds);
    best = std::max(best, done / elapsed);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench_inference MODEL.ecgw BEATS_FILE [BATCH ...]\n";
    return 2;
  }
  try {
    const auto weights = ecglens::read_weights(argv[1]);
    const ecglens::Dataset beats = ecglens::read_dataset(argv[2]);
    std::vector<int> batches;
    for (int i = 3; i < argc; ++i) batches.push_back(std::stoi(argv[i]));
    if (batches.empty()) batches = {1, 256};
    std::vector<float> out(beats.values.size());
    for (int batch : batches) {
      // Each call hands the model `batch` beats; it works through them in
      // tiles of at most its default size (cache-sized workspaces).
      ecglens::Model model(weights, std::min(batch, ecglens::Model::kDefaultTile));
      model.reserve(beats.length);
      const double bps = beats_per_second(model, beats, batch, out);
      std::printf("{\"engine\": \"ecglens\", \"batch\": %d, \"beats\": %zu, \"beats_per_s\": %.1f}\n",
                  batch, beats.size(), bps);
    }
  } catch (const std::exception& e) {
    std::cerr << "bench_inference: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
