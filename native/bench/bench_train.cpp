// Training speed: one epoch of the ECG5000 fixed split's 1,900 normal
// training beats, batch 64, Adam (lr 1e-3), MSE, LSTM autoencoder 1→64
// encoder / 64→64 decoder / linear 64→1, one thread. bench_train.py runs the
// same epoch in PyTorch and compare_train.sh prints both and the ratio.
//
//   bench_train --data-dir ../shared/data/ecg5000 [--epochs 3]
// prints one line per timed epoch: "ecglens epoch_seconds S loss L".
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ecglens/train/autoencoder.h"
#include "ecglens/train/ecg5000.h"
#include "ecglens/train/optimizer.h"
#include "ecglens/train/random.h"

using namespace ecglens;
using namespace ecglens::train;

int main(int argc, char** argv) {
  std::string data_dir = "../shared/data/ecg5000";
  int epochs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--data-dir")) data_dir = argv[i + 1];
    if (!std::strcmp(argv[i], "--epochs")) epochs = std::atoi(argv[i + 1]);
  }
  try {
    const LabelledBeats beats = load_ecg5000(data_dir);
    const Split split = make_split(beats, "fixed");
    const std::vector<float> train = select_beats(beats.data, split.train);
    const int T = beats.data.length, batch = 64, n = static_cast<int>(split.train.size());

    Architecture arch;
    arch.kind = ModelKind::LstmAe;
    arch.seq_len = T;
    arch.encoder_hidden = {64};
    arch.decoder_hidden = {64};
    LstmAutoencoder<float> net(arch);
    net.initialize(0);
    net.reserve(T, batch);
    AdamState adam;
    Mat<float> x(1, static_cast<Eigen::Index>(T) * batch);

    // One warm-up epoch, then the timed ones.
    for (int e = 0; e <= epochs; ++e) {
      Random random(derive_seed(0, e + 1));
      const auto order = shuffled_indices(n, random);
      const auto start = std::chrono::steady_clock::now();
      double total = 0;
      for (int first = 0; first < n; first += batch) {
        const int B = std::min(batch, n - first);
        auto xb = x.leftCols(static_cast<Eigen::Index>(T) * B);
        gather_time_major<float>(train.data(), T, 1, order.data() + first, B, xb);
        total += B * net.loss_and_gradient(xb, T, B, Loss::MSE, {});
        adam_step(net.parameters().values(), net.parameters().grads(), adam, 1e-3, {});
      }
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (e > 0) std::printf("ecglens epoch_seconds %.4f loss %.6f\n", s, total / n);
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_train: %s\n", e.what());
    return 1;
  }
  return 0;
}
