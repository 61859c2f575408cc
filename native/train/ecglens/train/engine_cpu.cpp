// The CPU engine (engine.h): the Network classes, Adam and clipping of this
// folder on one thread, and the parts of engine.h that do not depend on the
// device.
#include <cmath>

#include "ecglens/train/engine.h"
#include "ecglens/train/network.h"
#include "ecglens/train/variational_autoencoder.h"
#include "ecglens/util/error.h"

namespace ecglens::train {

Device parse_device(std::string_view name) {
  if (name == "cpu") return Device::Cpu;
  if (name == "cuda") return Device::Cuda;
  if (name == "auto") return Device::Auto;
  throw Error("unknown device '" + std::string(name) + "' (expected cpu, cuda or auto)");
}

const char* to_string(Device device) {
  switch (device) {
    case Device::Cpu: return "cpu";
    case Device::Cuda: return "cuda";
    case Device::Auto: return "auto";
  }
  return "?";
}

Device resolve_device(Device requested) {
  if (requested != Device::Auto) return requested;
  return cuda_available() ? Device::Cuda : Device::Cpu;
}

namespace {

std::size_t whole_beats(const std::vector<float>& beats, int length, int channels) {
  return beats.size() / (static_cast<std::size_t>(length) * channels);
}

class CpuEngine final : public Engine {
 public:
  CpuEngine(const EngineSettings& settings, const std::vector<float>& train,
            const std::vector<float>& validation, int length, const std::vector<float>& initial)
      : settings_(settings),
        length_(length),
        channels_(settings.architecture.input_dim),
        train_(train),
        validation_(validation),
        net_(make_network<float>(settings.architecture)),
        noise_seed_(vae_noise_seed(initial)) {
    set_parameters(initial);
    net_->reserve(length_, settings_.batch);
    batch_.resize(channels_, static_cast<Eigen::Index>(length_) * settings_.batch);
  }

  std::string device() const override { return "cpu, 1 thread"; }

  double train_epoch(const std::vector<std::size_t>& order, double lr) override {
    const int T = length_;
    auto& params = net_->parameters();
    double total = 0;
    for (std::size_t first = 0; first < order.size(); first += settings_.batch) {
      const int B = static_cast<int>(std::min<std::size_t>(settings_.batch, order.size() - first));
      auto x = batch_.leftCols(Eigen::Index(T) * B);
      gather_time_major<float>(train_.data(), T, channels_, order.data() + first, B, x);
      net_->set_noise_key(vae_noise_key(noise_seed_, adam_.step + 1));
      const double objective =
          net_->loss_and_gradient(x, T, B, settings_.loss, settings_.sparsity);
      if (!std::isfinite(objective)) return objective;
      total += objective * B;
      clip_global_norm(params.grads(), settings_.clip);
      adam_step(params.values(), params.grads(), adam_, lr, settings_.adam);
    }
    return total / double(order.size());
  }

  double validation_loss() override {
    const int C = channels_, T = length_;
    const std::size_t count = whole_beats(validation_, T, C);
    std::vector<std::size_t> index(count);
    for (std::size_t i = 0; i < count; ++i) index[i] = i;
    double total = 0;
    for (std::size_t start = 0; start < count; start += settings_.batch) {
      const int B = static_cast<int>(std::min<std::size_t>(settings_.batch, count - start));
      auto x = batch_.leftCols(Eigen::Index(T) * B);
      gather_time_major<float>(validation_.data(), T, C, index.data() + start, B, x);
      const auto y = net_->forward(x, T, B);
      for (int b = 0; b < B; ++b) {
        double sum = 0;
        for (int t = 0; t < T; ++t)
          for (int c = 0; c < C; ++c) {
            const double d =
                double(y(c, Eigen::Index(t) * B + b)) - x(c, Eigen::Index(t) * B + b);
            sum += settings_.loss == Loss::MSE ? d * d : std::abs(d);
          }
        total += settings_.loss == Loss::SAE ? sum : sum / (double(T) * C);
      }
    }
    return total / double(count);
  }

  double gradient(const std::vector<std::size_t>& index, std::vector<float>& grads) override {
    const int B = static_cast<int>(index.size());
    if (B < 1 || B > settings_.batch) throw Error("a gradient batch holds 1 to --batch beats");
    auto x = batch_.leftCols(Eigen::Index(length_) * B);
    gather_time_major<float>(train_.data(), length_, channels_, index.data(), B, x);
    net_->set_noise_key(vae_noise_key(noise_seed_, adam_.step + 1));
    const double objective =
        net_->loss_and_gradient(x, length_, B, settings_.loss, settings_.sparsity);
    grads = net_->parameters().grads();
    return objective;
  }

  std::vector<float> parameters() const override { return net_->parameters().values(); }
  void set_parameters(const std::vector<float>& values) override {
    if (values.size() != net_->parameters().size())
      throw Error("the engine was given " + std::to_string(values.size()) + " parameters, the " +
                  "model has " + std::to_string(net_->parameters().size()));
    net_->parameters().values() = values;
  }
  AdamState optimizer_state() const override { return adam_; }
  void set_optimizer_state(const AdamState& state) override { adam_ = state; }

 private:
  EngineSettings settings_;
  int length_, channels_;
  std::vector<float> train_, validation_;
  std::unique_ptr<Network<float>> net_;
  std::uint64_t noise_seed_;  // lstm_vae's noise: a batch's key is this and its Adam step
  AdamState adam_;
  Mat<float> batch_;  // C x (T*B) time-major
};

}  // namespace

std::unique_ptr<Engine> make_cpu_engine(const EngineSettings& settings,
                                        const std::vector<float>& train,
                                        const std::vector<float>& validation, int length,
                                        const std::vector<float>& initial) {
  return std::make_unique<CpuEngine>(settings, train, validation, length, initial);
}

}  // namespace ecglens::train
