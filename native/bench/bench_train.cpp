// Training speed: one epoch of the ECG5000 fixed split's 1,900 normal
// training beats, batch 64, Adam (lr 1e-3), MSE, on the CPU engine (one
// thread) or the CUDA engine (engine.h). Models:
//   lstm: LSTM autoencoder 1→64 encoder / 64→64 decoder / linear 64→1
//   srl:  the bundled SRL-AE, sparse encoder 1→64→32→16, residual decoder
//         16→32→64, linear 64→1, KL weight 1e-3
// bench_train.py runs the same epoch in PyTorch; compare_train.sh (CPU) and
// compare_train_gpu.sh (GPU, cuDNN) print both and the ratio.
//
//   bench_train --data-dir ../shared/data/ecg5000 [--epochs 3] [--device cpu|cuda]
//               [--model lstm|srl]
// prints one line per timed epoch: "ecglens epoch_seconds S loss L".
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "ecglens/train/ecg5000.h"
#include "ecglens/train/engine.h"
#include "ecglens/train/network.h"
#include "ecglens/train/random.h"

using namespace ecglens;
using namespace ecglens::train;

int main(int argc, char** argv) {
  std::string data_dir = "../shared/data/ecg5000", device = "cpu", model = "lstm";
  int epochs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--data-dir")) data_dir = argv[i + 1];
    if (!std::strcmp(argv[i], "--epochs")) epochs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--device")) device = argv[i + 1];
    if (!std::strcmp(argv[i], "--model")) model = argv[i + 1];
  }
  try {
    const LabelledBeats beats = load_ecg5000(data_dir);
    const Split split = make_split(beats, "fixed");
    const std::vector<float> train = select_beats(beats.data, split.train);
    const std::vector<float> validation = select_beats(beats.data, split.validation);
    const int T = beats.data.length, n = static_cast<int>(split.train.size());

    EngineSettings s;
    s.batch = 64;
    s.architecture.seq_len = T;
    if (model == "srl") {
      s.architecture.kind = ModelKind::SrlAe;
      s.architecture.encoder_hidden = {64, 32, 16};
      s.architecture.decoder_hidden = {32, 64};
      s.architecture.residual_decoder = true;
      s.sparsity.beta = 1e-3;
    } else if (model == "lstm") {
      s.architecture.kind = ModelKind::LstmAe;
      s.architecture.encoder_hidden = {64};
      s.architecture.decoder_hidden = {64};
    } else {
      throw std::runtime_error("--model must be lstm or srl");
    }
    auto net = make_network<float>(s.architecture);
    net->initialize(0);
    const auto initial = net->parameters().values();
    auto engine = parse_device(device) == Device::Cuda
                      ? make_cuda_engine(s, train, validation, T, initial)
                      : make_cpu_engine(s, train, validation, T, initial);
    std::fprintf(stderr, "bench_train: %s on %s\n", model.c_str(), engine->device().c_str());

    // One warm-up epoch, then the timed ones. train_epoch returns once the
    // epoch's work is done (on a GPU it waits for the device).
    for (int e = 0; e <= epochs; ++e) {
      Random random(derive_seed(0, e + 1));
      const auto order = shuffled_indices(n, random);
      const auto start = std::chrono::steady_clock::now();
      const double loss = engine->train_epoch(order, 1e-3);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (e > 0) std::printf("ecglens epoch_seconds %.4f loss %.6f\n", seconds, loss);
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_train: %s\n", e.what());
    return 1;
  }
  return 0;
}
