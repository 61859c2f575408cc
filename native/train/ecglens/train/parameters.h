// The trainable parameters of a network: named tensors (PyTorch names,
// shapes and row-major layout, exactly as the weights file stores them) held
// in one flat buffer, with a gradient buffer of the same layout.
//
// One flat buffer lets the optimiser, gradient clipping and checkpoints treat
// every parameter alike; layers look their tensors up by name once and view
// them as Eigen maps (row-major for matrices, as PyTorch lays them out).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "ecglens/io/weights_file.h"

namespace ecglens::train {

template <typename S>
using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
template <typename S>
using Vec = Eigen::Matrix<S, Eigen::Dynamic, 1>;
template <typename S>
using RowMajorMap = Eigen::Map<Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
template <typename S>
using VecMap = Eigen::Map<Vec<S>>;
// The first columns of a matrix (a batch's worth of a workspace).
template <typename S>
using Cols = Eigen::Block<Mat<S>, Eigen::Dynamic, Eigen::Dynamic, true>;

template <typename S>
class Parameters {
 public:
  struct Entry {
    std::string name;
    std::vector<std::int64_t> shape;
    std::size_t offset;
    std::size_t size;
  };

  // One tensor per spec, in the order given, all zero.
  explicit Parameters(const std::vector<TensorSpec>& specs);

  std::size_t size() const { return values_.size(); }
  const std::vector<Entry>& entries() const { return entries_; }

  // Index of the tensor `name`; ecglens::Error when there is none.
  int index(const std::string& name) const;
  bool contains(const std::string& name) const;

  S* value(int i) { return values_.data() + entries_[i].offset; }
  S* grad(int i) { return grads_.data() + entries_[i].offset; }
  const S* value(int i) const { return values_.data() + entries_[i].offset; }

  // A 2-D tensor [rows, cols] as a row-major matrix map; a 1-D one as a vector.
  RowMajorMap<S> matrix(int i) { return {value(i), rows(i), cols(i)}; }
  RowMajorMap<S> grad_matrix(int i) { return {grad(i), rows(i), cols(i)}; }
  VecMap<S> vector(int i) { return {value(i), static_cast<Eigen::Index>(entries_[i].size)}; }
  VecMap<S> grad_vector(int i) { return {grad(i), static_cast<Eigen::Index>(entries_[i].size)}; }

  std::vector<S>& values() { return values_; }
  const std::vector<S>& values() const { return values_; }
  std::vector<S>& grads() { return grads_; }
  const std::vector<S>& grads() const { return grads_; }
  void zero_grads() { std::fill(grads_.begin(), grads_.end(), S(0)); }

 private:
  Eigen::Index rows(int i) const { return entries_[i].shape[0]; }
  Eigen::Index cols(int i) const {
    return entries_[i].shape.size() > 1 ? static_cast<Eigen::Index>(entries_[i].shape[1]) : 1;
  }

  std::vector<Entry> entries_;
  std::vector<S> values_;
  std::vector<S> grads_;
};

}  // namespace ecglens::train
