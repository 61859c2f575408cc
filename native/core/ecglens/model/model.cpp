#include "ecglens/model/model.h"

#include <algorithm>

#include "ecglens/model/networks.h"
#include "ecglens/util/error.h"

namespace ecglens {

Model::Model(const WeightsFile& weights, int tile)
    : arch_(Architecture::from_json(weights.architecture, weights.source)), tile_(tile) {
  if (tile < 1) throw Error("the batch tile must be at least 1");
  check_tensors(weights, arch_.tensors());
  net_ = detail::make_network(
      arch_, [&weights](const std::string& name) { return weights.tensor(name).data.data(); });
}

Model::~Model() = default;
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;

void Model::check_length(int length) const {
  if (length < 1) throw Error("a beat needs at least one sample");
  if (!arch_.recurrent() && length != arch_.seq_len)
    throw Error(std::string(to_string(arch_.kind)) + " reconstructs beats of exactly " +
                std::to_string(arch_.seq_len) + " samples, not " + std::to_string(length) +
                " (resample the beats to the model's length)");
}

void Model::reserve(int length) {
  check_length(length);
  if (length <= reserved_length_) return;
  net_->reserve(tile_, length);
  reserved_length_ = length;
}

void Model::reconstruct(const float* beats, std::size_t count, int length, float* out,
                        float* latent) {
  reserve(length);
  const std::size_t beat_size = static_cast<std::size_t>(length) * channels();
  for (std::size_t first = 0; first < count; first += tile_) {
    const int batch = static_cast<int>(std::min<std::size_t>(tile_, count - first));
    net_->run(beats + first * beat_size, batch, length, out + first * beat_size,
              latent ? latent + first * latent_size() : nullptr);
  }
}

}  // namespace ecglens
