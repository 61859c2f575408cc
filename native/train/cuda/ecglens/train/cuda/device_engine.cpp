// DeviceEngine (device.h): the set-up, parameter hand-over and Adam step that
// every CUDA engine shares.
#include <cmath>
#include <string>
#include <vector>

#include "ecglens/train/cuda/device.h"

namespace ecglens::train::cuda {

DeviceEngine::DeviceEngine(const EngineSettings& settings, const std::vector<float>& train,
                           const std::vector<float>& validation, int length,
                           const std::vector<float>& initial)
    : settings_(settings),
      T_(length),
      C_(settings.architecture.input_dim),
      layout_(settings.architecture.tensors()) {
  if (initial.size() != layout_.size())
    throw Error("the engine was given " + std::to_string(initial.size()) + " parameters, the " +
                "model has " + std::to_string(layout_.size()));
  check(cudaSetDevice(0), "cudaSetDevice");
  cudaDeviceProp prop{};
  check(cudaGetDeviceProperties(&prop, 0), "cudaGetDeviceProperties");
  device_ = std::string("cuda: ") + prop.name;
  check(cublasCreate(&blas_), "cublasCreate");
  check(cublasSetMathMode(blas_, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");

  const std::size_t per_beat = std::size_t(T_) * C_;
  validation_count_ = validation.size() / per_beat;
  train_.upload(train);
  validation_.upload(validation);
  std::vector<std::uint64_t> identity(validation_count_);
  for (std::size_t i = 0; i < identity.size(); ++i) identity[i] = i;
  validation_order_.upload(identity);

  const std::size_t n = layout_.size();
  params_.resize(n);
  grads_.resize(n);
  m_.resize(n);
  v_.resize(n);
  m_.zero();
  v_.zero();
  params_.upload(initial);
  norm_.resize(1);
  validation_total_.resize(1);
}

DeviceEngine::~DeviceEngine() {
  if (blas_) cublasDestroy(blas_);
}

void DeviceEngine::set_parameters(const std::vector<float>& values) {
  if (values.size() != layout_.size())
    throw Error("the engine was given " + std::to_string(values.size()) + " parameters, the " +
                "model has " + std::to_string(layout_.size()));
  params_.upload(values);
}

AdamState DeviceEngine::optimizer_state() const {
  AdamState s;
  s.step = step_;
  if (step_ > 0) {
    s.m = m_.download();
    s.v = v_.download();
  }
  return s;
}

void DeviceEngine::set_optimizer_state(const AdamState& state) {
  step_ = state.step;
  if (state.m.empty()) {
    m_.zero();
    v_.zero();
    return;
  }
  if (state.m.size() != layout_.size() || state.v.size() != layout_.size())
    throw Error("the optimiser state does not match the model's " +
                std::to_string(layout_.size()) + " parameters");
  m_.upload(state.m);
  v_.upload(state.v);
}

void DeviceEngine::gemm(bool ta, bool tb, int m, int n, int k, const float* A, int lda,
                        const float* Bm, int ldb, float beta, float* Cm, int ldc) {
  const float alpha = 1.0f;
  check(cublasSgemm(blas_, ta ? CUBLAS_OP_T : CUBLAS_OP_N, tb ? CUBLAS_OP_T : CUBLAS_OP_N, m, n,
                    k, &alpha, A, lda, Bm, ldb, &beta, Cm, ldc),
        "sgemm");
}

// optimizer.cpp's adam_step and clip_global_norm, on the device.
void DeviceEngine::adam_step(double lr) {
  const AdamSettings& s = settings_.adam;
  ++step_;
  AdamStep k;
  k.beta1 = static_cast<float>(s.beta1);
  k.beta2 = static_cast<float>(s.beta2);
  k.one_minus_beta1 = static_cast<float>(1.0 - s.beta1);
  k.one_minus_beta2 = static_cast<float>(1.0 - s.beta2);
  k.c1 = static_cast<float>(1.0 / (1.0 - std::pow(s.beta1, double(step_))));
  k.c2 = static_cast<float>(1.0 / (1.0 - std::pow(s.beta2, double(step_))));
  k.lr = static_cast<float>(lr);
  k.eps = static_cast<float>(s.eps);
  k.weight_decay = static_cast<float>(s.weight_decay);
  k.decoupled = s.kind == OptimizerKind::AdamW;
  k.max_norm = settings_.clip;
  clip_and_adam(params_.get(), grads_.get(), m_.get(), v_.get(), layout_.size(), k, norm_.get(),
                nullptr);
}

}  // namespace ecglens::train::cuda
