// What the CUDA engine's tests share: the skip where no GPU is usable, the
// relative error of one tensor against another, and the short ECG5000 run
// that checks a GPU run against a CPU run and the core.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "ecglens/model/scorer.h"
#include "ecglens/train/ecg5000.h"
#include "ecglens/train/engine.h"
#include "ecglens/train/trainer.h"
#include "test_paths.h"

// Skips the test, saying why, where cuda_available() finds no GPU.
#define REQUIRE_GPU()                                                   \
  do {                                                                  \
    std::string why;                                                    \
    if (!::ecglens::train::cuda_available(&why)) GTEST_SKIP() << why;   \
  } while (0)

namespace ecglens::train::cuda_checks {

// max |a - b| / max(max |b|, tiny): the error relative to the tensor's scale.
template <typename T>
double relative_error(const std::vector<float>& a, const std::vector<T>& b) {
  double diff = 0, scale = 1e-12;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::abs(double(a[i]) - b[i]));
    scale = std::max(scale, std::abs(double(b[i])));
  }
  return diff / scale;
}

inline bool have_ecg5000() {
  return std::filesystem::exists(test::ecg5000("ECG5000_TRAIN.txt")) &&
         std::filesystem::exists(test::ecg5000("ECG5000_TEST_binary.csv"));
}

// A short ECG5000 run of `o` (fixed split) on the CPU and on the GPU: the GPU
// reaches the CPU's validation loss within 1%, and its model file, scored by
// the CPU core, gives the validation beats the mean score the GPU validated.
inline void expect_gpu_run_matches_cpu_on_ecg5000(TrainOptions o) {
  const LabelledBeats beats = load_ecg5000(test::ecg5000("").string());
  const Split split = make_split(beats, "fixed");
  const auto train = select_beats(beats.data, split.train);
  const auto val = select_beats(beats.data, split.validation);
  o.architecture.seq_len = 140;
  o.patience = 0;
  o.clip = 1.0;
  o.device = Device::Cpu;
  Trainer cpu(o, train, val, 140);
  cpu.run(nullptr);
  o.device = Device::Cuda;
  Trainer gpu(o, train, val, 140);
  gpu.run(nullptr);
  EXPECT_NEAR(gpu.best_val_loss(), cpu.best_val_loss(), 0.01 * cpu.best_val_loss());

  const WeightsFile model = gpu.model_file();
  Scorer scorer(model);
  const std::size_t n = split.validation.size();
  std::vector<float> scores(n);
  scorer.score(val.data(), n, 140, scores.data());
  double mean = 0;
  for (float s : scores) mean += s;
  mean /= double(n);
  EXPECT_NEAR(mean, gpu.best_val_loss(), 1e-5 * gpu.best_val_loss());
}

}  // namespace ecglens::train::cuda_checks
