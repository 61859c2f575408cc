// What every CUDA engine of this folder shares: CUDA and cuBLAS status
// checks that throw ecglens::Error, an owning array in the GPU's memory, and
// the loss names of kernels.h. Internal to native/train/cuda: the trainer's
// public headers never include it.
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

// The feed-forward kinds (mlp_ae, conv1d_ae) on the GPU
// (engine_cuda_feedforward.cpp); make_cuda_engine() hands them over.
std::unique_ptr<Engine> make_feedforward_engine(const EngineSettings& settings,
                                                const std::vector<float>& train,
                                                const std::vector<float>& validation,
                                                int length, const std::vector<float>& initial);

}  // namespace ecglens::train::cuda
