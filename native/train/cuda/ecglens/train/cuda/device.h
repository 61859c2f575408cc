// What every CUDA engine of this folder shares: CUDA and cuBLAS status
// checks that throw ecglens::Error, an owning array in the GPU's memory, the
// loss names of kernels.h, and DeviceEngine, the state and bookkeeping common
// to the engines. Internal to native/train/cuda: the trainer's public
// headers never include it.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include "ecglens/train/cuda/kernels.h"
#include "ecglens/train/engine.h"
#include "ecglens/train/objective.h"
#include "ecglens/train/parameters.h"
#include "ecglens/util/error.h"

namespace ecglens::train::cuda {

inline void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess)
    throw Error(std::string("CUDA: ") + what + ": " + cudaGetErrorString(status));
}

inline void check(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS)
    throw Error(std::string("cuBLAS: ") + what + " failed (status " +
                std::to_string(static_cast<int>(status)) + ")");
}

// An array in the GPU's memory. Everything runs on the legacy default
// stream, so plain cudaMemcpy calls are ordered after the kernels before them.
template <typename T>
class DeviceArray {
 public:
  DeviceArray() = default;
  explicit DeviceArray(std::size_t n) { resize(n); }
  ~DeviceArray() {
    if (data_) cudaFree(data_);
  }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;

  void resize(std::size_t n) {
    if (data_) cudaFree(data_);
    data_ = nullptr;
    size_ = n;
    if (n) check(cudaMalloc(reinterpret_cast<void**>(&data_), n * sizeof(T)), "cudaMalloc");
  }
  T* get() const { return data_; }
  std::size_t size() const { return size_; }
  void upload(const std::vector<T>& host) {
    if (host.size() != size_) resize(host.size());
    if (size_)
      check(cudaMemcpy(data_, host.data(), size_ * sizeof(T), cudaMemcpyHostToDevice),
            "copy to the GPU");
  }
  std::vector<T> download() const {
    std::vector<T> host(size_);
    if (size_)
      check(cudaMemcpy(host.data(), data_, size_ * sizeof(T), cudaMemcpyDeviceToHost),
            "copy from the GPU");
    return host;
  }
  void zero() {
    if (size_) check(cudaMemset(data_, 0, size_ * sizeof(T)), "cudaMemset");
  }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

inline LossKind loss_kind(Loss loss) {
  switch (loss) {
    case Loss::MSE: return LossKind::Mse;
    case Loss::MAE: return LossKind::Mae;
    case Loss::SAE: return LossKind::Sae;
  }
  return LossKind::Mse;
}

// What every CUDA engine holds and does alike: the GPU (the first visible
// one) and a cuBLAS handle; the beats, uploaded once; the parameters, their
// gradients and Adam's two moments as flat arrays in Parameters' layout (the
// weights file's tensor order); the hand-over of those to and from the host;
// and optimizer.cpp's clipping + Adam step on the device. An engine derived
// from it writes its own forward and backward passes.
class DeviceEngine : public Engine {
 public:
  ~DeviceEngine() override;
  DeviceEngine(const DeviceEngine&) = delete;
  DeviceEngine& operator=(const DeviceEngine&) = delete;

  std::string device() const override { return device_; }
  std::vector<float> parameters() const override { return params_.download(); }
  void set_parameters(const std::vector<float>& values) override;
  AdamState optimizer_state() const override;
  void set_optimizer_state(const AdamState& state) override;

 protected:
  // Beats beat-major ([beat][step][channel]), normalised; `initial`: the
  // parameters to start from.
  DeviceEngine(const EngineSettings& settings, const std::vector<float>& train,
               const std::vector<float>& validation, int length,
               const std::vector<float>& initial);

  // C (m x n) = op(A) op(B) + beta C, column-major.
  void gemm(bool ta, bool tb, int m, int n, int k, const float* A, int lda, const float* Bm,
            int ldb, float beta, float* Cm, int ldc);
  // Clips grads_ by global norm (settings_.clip) and takes one Adam (or
  // AdamW) step at `lr`.
  void adam_step(double lr);

  std::size_t offset(const std::string& tensor) const {
    return layout_.entries()[layout_.index(tensor)].offset;
  }
  float* p(std::size_t at) const { return params_.get() + at; }
  float* g(std::size_t at) const { return grads_.get() + at; }

  EngineSettings settings_;
  int T_, C_;
  Parameters<float> layout_;
  std::string device_;
  cublasHandle_t blas_ = nullptr;
  std::size_t validation_count_ = 0;
  DeviceArray<float> train_, validation_;
  DeviceArray<std::uint64_t> order_, validation_order_;  // validation_order_: 0 .. count-1
  DeviceArray<float> params_, grads_, m_, v_;
  long long step_ = 0;
  DeviceArray<double> objectives_, norm_, validation_total_;
};

// The feed-forward kinds (mlp_ae, conv1d_ae) on the GPU
// (engine_cuda_feedforward.cpp); make_cuda_engine() hands them over.
std::unique_ptr<Engine> make_feedforward_engine(const EngineSettings& settings,
                                                const std::vector<float>& train,
                                                const std::vector<float>& validation,
                                                int length, const std::vector<float>& initial);

}  // namespace ecglens::train::cuda
