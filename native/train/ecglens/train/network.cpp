// The parts of every trainable network that do not depend on its kind, and
// the choice of class for an architecture (network.h).
#include "ecglens/train/network.h"

#include "ecglens/train/autoencoder.h"
#include "ecglens/train/conv_autoencoder.h"
#include "ecglens/train/dense_autoencoder.h"
#include "ecglens/train/reverse_autoencoder.h"
#include "ecglens/train/variational_autoencoder.h"
#include "ecglens/util/error.h"

namespace ecglens::train {

void check_trainable(const Architecture& arch) {
  const bool family = arch.kind == ModelKind::LstmAe || arch.kind == ModelKind::ResidualLstmAe ||
                      arch.kind == ModelKind::SparseLstmAe || arch.kind == ModelKind::SrlAe;
  const bool other = arch.kind == ModelKind::MlpAe || arch.kind == ModelKind::Conv1dAe ||
                     arch.kind == ModelKind::LstmVae || arch.kind == ModelKind::RecAe;
  if (!family && !other)
    throw Error(std::string("the trainer does not train '") + to_string(arch.kind) +
                "' (trainable: lstm_ae, residual_lstm_ae, sparse_lstm_ae, srl_ae, lstm_vae, recae, "
                "mlp_ae, conv1d_ae)");
  // The other kinds' sizes are checked as a weights file's would be (empty
  // lists, an even kernel, a decoder that does not give back seq_len steps).
  if (other) Architecture::from_json(arch.to_json(), "architecture");
}

template <typename S>
std::unique_ptr<Network<S>> make_network(const Architecture& arch) {
  check_trainable(arch);
  switch (arch.kind) {
    case ModelKind::MlpAe: return std::make_unique<DenseAutoencoder<S>>(arch);
    case ModelKind::Conv1dAe: return std::make_unique<ConvAutoencoder<S>>(arch);
    case ModelKind::LstmVae: return std::make_unique<VariationalAutoencoder<S>>(arch);
    case ModelKind::RecAe: return std::make_unique<ReverseAutoencoder<S>>(arch);
    default: return std::make_unique<LstmAutoencoder<S>>(arch);
  }
}

template <typename S>
void Network<S>::load(const WeightsFile& weights) {
  check_tensors(weights, architecture().tensors());
  Parameters<S>& params = parameters();
  for (std::size_t i = 0; i < params.entries().size(); ++i) {
    const Tensor& t = weights.tensor(params.entries()[i].name);
    S* v = params.value(static_cast<int>(i));
    for (std::size_t k = 0; k < t.data.size(); ++k) v[k] = static_cast<S>(t.data[k]);
  }
}

template <typename S>
std::vector<Tensor> Network<S>::tensors() const {
  const Parameters<S>& params = parameters();
  std::vector<Tensor> out;
  for (std::size_t i = 0; i < params.entries().size(); ++i) {
    const auto& e = params.entries()[i];
    Tensor t{e.name, e.shape, {}};
    const S* v = params.value(static_cast<int>(i));
    t.data.assign(v, v + e.size);
    out.push_back(std::move(t));
  }
  return out;
}

template <typename S>
void gather_time_major(const float* beats, int steps, int channels, const std::size_t* index,
                       int count, Eigen::Ref<Mat<S>> out) {
  const std::size_t per_beat = static_cast<std::size_t>(steps) * channels;
  for (int k = 0; k < count; ++k) {
    const float* beat = beats + index[k] * per_beat;
    for (int t = 0; t < steps; ++t)
      for (int c = 0; c < channels; ++c)
        out(c, Eigen::Index(t) * count + k) = static_cast<S>(beat[t * channels + c]);
  }
}

template class Network<float>;
template class Network<double>;
template std::unique_ptr<Network<float>> make_network<float>(const Architecture&);
template std::unique_ptr<Network<double>> make_network<double>(const Architecture&);
template void gather_time_major<float>(const float*, int, int, const std::size_t*, int,
                                       Eigen::Ref<Mat<float>>);
template void gather_time_major<double>(const float*, int, int, const std::size_t*, int,
                                        Eigen::Ref<Mat<double>>);

}  // namespace ecglens::train
