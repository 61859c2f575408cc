// A trained model, ready to reconstruct beats: the entry point of the core.
//
//   ecglens::Model model(ecglens::read_weights("models/srl_ae.ecgw"));
//   model.reconstruct(beats, count, 140, reconstruction.data());
//
// The constructor checks the architecture and every tensor against it, so a
// Model that exists is a valid one. reconstruct() works through the beats in
// tiles of tile() beats with preallocated workspaces: once reserve() has
// been called for a length, scoring any number of beats of that length
// allocates nothing.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "ecglens/io/weights_file.h"
#include "ecglens/model/architecture.h"

namespace ecglens {

namespace detail {
class Network;
}

class Model {
 public:
  // Validates the file's architecture and tensors (WeightsError naming the
  // file and the tensor at fault).
  explicit Model(const WeightsFile& weights, int tile = kDefaultTile);
  ~Model();
  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;

  static constexpr int kDefaultTile = 64;

  const Architecture& architecture() const { return arch_; }
  int channels() const { return arch_.input_dim; }
  int latent_size() const { return arch_.latent_size(); }
  int tile() const { return tile_; }

  // An Error unless the model can reconstruct beats of `length` steps:
  // recurrent kinds take any length >= 1, the others exactly seq_len.
  void check_length(int length) const;

  // Sizes the workspaces for beats of up to `length` steps.
  void reserve(int length);

  // beats: count beats of `length` steps, [beat][step][channel]; out: the
  // reconstruction, same shape; latent (optional): [beat][latent_size()].
  // Throws Error only for a length check_length() rejects.
  void reconstruct(const float* beats, std::size_t count, int length, float* out,
                   float* latent = nullptr);

 private:
  Architecture arch_;
  int tile_;
  int reserved_length_ = 0;
  std::unique_ptr<detail::Network> net_;
};

}  // namespace ecglens
