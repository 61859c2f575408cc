// How the core's layers see a batch of sequences.
//
// A batch of B sequences of T steps with F features each is one column-major
// matrix of F rows and B*T columns, column b*T + t holding step t of
// sequence b. In memory that is exactly the beat-major layout of the data
// readers ([beat][step][feature]), so a batch of beats is mapped, never copied.
//
// One time step across the batch (the B columns t, T+t, 2T+t, ...) is a view
// with an outer stride of T*F floats: step_view() returns it. Recurrent layers
// run one matrix product per step on such views.
#pragma once

#include <Eigen/Core>

namespace ecglens {

using MatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
using VectorF = Eigen::Matrix<float, Eigen::Dynamic, 1>;
using RowMajorMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

using StepView = Eigen::Map<MatrixF, Eigen::Unaligned, Eigen::OuterStride<>>;
using ConstStepView = Eigen::Map<const MatrixF, Eigen::Unaligned, Eigen::OuterStride<>>;

// Step t of a [batch][steps][features] buffer, as a features x batch matrix.
inline StepView step_view(float* seq, int features, int steps, int batch, int t) {
  return StepView(seq + static_cast<Eigen::Index>(t) * features, features, batch,
                  Eigen::OuterStride<>(static_cast<Eigen::Index>(steps) * features));
}
inline ConstStepView step_view(const float* seq, int features, int steps, int batch, int t) {
  return ConstStepView(seq + static_cast<Eigen::Index>(t) * features, features, batch,
                       Eigen::OuterStride<>(static_cast<Eigen::Index>(steps) * features));
}

// Copies a row-major [rows][cols] array (PyTorch's layout) into a matrix.
inline MatrixF from_row_major(const float* data, Eigen::Index rows, Eigen::Index cols) {
  return Eigen::Map<const RowMajorMatrixF>(data, rows, cols);
}

}  // namespace ecglens
