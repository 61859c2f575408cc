// Where a training run's arithmetic happens: on the CPU (one thread, the
// Network classes of this folder) or on an NVIDIA GPU (native/train/cuda).
//
// The Trainer owns what is the same on every device: the order of the
// batches, the learning-rate schedule, early stopping, checkpoints and the
// model file. An engine owns what it trains on: the normalised beats, the
// parameters, their gradients and Adam's moments, which on a GPU stay in the
// device's memory for the whole run. It hands parameters and moments over as
// flat host buffers in Parameters' layout (the weights file's tensor order),
// so checkpoints written on one device resume on the other.
//
// This header exposes no CUDA type: a build without CUDA links
// engine_no_cuda.cpp, whose make_cuda_engine() says so.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ecglens/model/architecture.h"
#include "ecglens/train/objective.h"
#include "ecglens/train/optimizer.h"

namespace ecglens::train {

enum class Device { Cpu, Cuda, Auto };

// "cpu", "cuda" or "auto"; anything else throws ecglens::Error.
Device parse_device(std::string_view name);
const char* to_string(Device device);

// What an engine needs to know of the run (a subset of TrainOptions).
struct EngineSettings {
  Architecture architecture;
  Loss loss = Loss::MSE;
  int batch = 64;
  AdamSettings adam;
  double clip = 0;
  Sparsity sparsity;
};

class Engine {
 public:
  virtual ~Engine() = default;

  // The device in words, for progress and provenance ("cpu, 1 thread",
  // "cuda: NVIDIA H100 80GB HBM3").
  virtual std::string device() const = 0;

  // One pass over the training beats in `order`, in batches of
  // settings.batch taken in that order: for each batch the objective and its
  // gradient, clipping by global norm, one Adam (or AdamW) step at `lr`.
  // Returns the mean objective over the beats (each batch weighted by its
  // size); a value that is not finite when any batch's objective was not.
  virtual double train_epoch(const std::vector<std::size_t>& order, double lr) = 0;

  // Mean per-beat reconstruction loss of the validation beats with the
  // current parameters.
  virtual double validation_loss() = 0;

  // The objective on the training beats `index` (one batch of at most
  // settings.batch) and its gradient (flat, in Parameters' layout), leaving
  // parameters and optimiser untouched: what checks one device against the other.
  virtual double gradient(const std::vector<std::size_t>& index, std::vector<float>& grads) = 0;

  virtual std::vector<float> parameters() const = 0;
  virtual void set_parameters(const std::vector<float>& values) = 0;
  virtual AdamState optimizer_state() const = 0;
  virtual void set_optimizer_state(const AdamState& state) = 0;
};

// The CPU engine. Beats are beat-major ([beat][step][channel]) and already
// normalised; `initial` holds the parameters to start from.
std::unique_ptr<Engine> make_cpu_engine(const EngineSettings& settings,
                                        const std::vector<float>& train,
                                        const std::vector<float>& validation, int length,
                                        const std::vector<float>& initial);

// The CUDA engine, on the first visible GPU: the recurrent kinds (the LSTM
// autoencoder family, lstm_vae and recae; native/train/cuda
// engine_cuda.cpp) and the feed-forward kinds mlp_ae and
// conv1d_ae (engine_cuda_feedforward.cpp). ecglens::Error when this build
// has no CUDA, when no GPU is present, or when the model is one the GPU path
// does not train or cannot build.
std::unique_ptr<Engine> make_cuda_engine(const EngineSettings& settings,
                                         const std::vector<float>& train,
                                         const std::vector<float>& validation, int length,
                                         const std::vector<float>& initial);

// Whether this build has CUDA and a GPU is present; when not, `why` (if
// given) receives the reason.
bool cuda_available(std::string* why = nullptr);

// `auto` resolved: the GPU when cuda_available(), else the CPU.
Device resolve_device(Device requested);

}  // namespace ecglens::train
