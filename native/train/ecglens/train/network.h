// What every trainable model offers the trainer: its parameters in one flat
// buffer (parameters.h), PyTorch's initialisation, a forward pass over a
// time-major batch, and the objective's gradient on a batch. Each kind of the
// model zoo is a class behind this interface; make_network() picks the one
// for an architecture.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "ecglens/eval/loss.h"
#include "ecglens/io/weights_file.h"
#include "ecglens/model/architecture.h"
#include "ecglens/train/objective.h"
#include "ecglens/train/parameters.h"

namespace ecglens::train {

// Whether the trainer can train this architecture (an Error saying why not).
void check_trainable(const Architecture& arch);

template <typename S>
class Network {
 public:
  virtual ~Network() = default;

  virtual const Architecture& architecture() const = 0;
  virtual Parameters<S>& parameters() = 0;
  virtual const Parameters<S>& parameters() const = 0;

  // PyTorch's default initialisation of every tensor, from `seed`.
  virtual void initialize(std::uint64_t seed) = 0;

  // Copies the tensors of a weights file in (WeightsError naming a tensor
  // that is missing or misshapen) / writes them out (float32, core names).
  void load(const WeightsFile& weights);
  std::vector<Tensor> tensors() const;

  // Sizes every workspace for batches of up to `batch` sequences of `steps`.
  virtual void reserve(int steps, int batch) = 0;

  // x: C x (steps*batch), time-major (layers.h). Returns the reconstruction,
  // same shape, valid until the next call.
  virtual Cols<S> forward(const Eigen::Ref<const Mat<S>>& x, int steps, int batch) = 0;

  // Sets the gradients to those of the objective on this batch (they are
  // zeroed first) and returns the objective: the reconstruction loss plus
  // the kind's own terms (the sparsity penalty of the sparse kinds).
  // `reconstruction` (optional) receives the reconstruction loss alone.
  virtual double loss_and_gradient(const Eigen::Ref<const Mat<S>>& x, int steps, int batch,
                                   Loss loss, const Sparsity& sparsity,
                                   double* reconstruction = nullptr) = 0;

  // Kinds whose objective samples noise (lstm_vae) draw it in later
  // objectives from the stream of `key`; the others have none to draw.
  virtual void set_noise_key(std::uint64_t /*key*/) {}
};

// The network for `arch` (Error when it is not trainable).
template <typename S>
std::unique_ptr<Network<S>> make_network(const Architecture& arch);

// Copies beats (beat-major, [beat][step][channel]) picked by `index` into a
// time-major batch: out(c, t*count + k) = beats[index[k]][t][c].
template <typename S>
void gather_time_major(const float* beats, int steps, int channels, const std::size_t* index,
                       int count, Eigen::Ref<Mat<S>> out);

}  // namespace ecglens::train
