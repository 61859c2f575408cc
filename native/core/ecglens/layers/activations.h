// Element-wise activations used between layers.
#pragma once

#include <string_view>

#include "ecglens/layers/sequence.h"

namespace ecglens {

enum class Activation { Identity, Relu, Tanh, Sigmoid };

// In place on any Eigen dense expression that can be assigned to.
template <typename Derived>
void apply_activation(Eigen::DenseBase<Derived>& x, Activation a) noexcept {
  switch (a) {
    case Activation::Identity: break;
    case Activation::Relu: x = x.derived().array().max(0.0f); break;
    case Activation::Tanh: x = x.derived().array().tanh(); break;
    case Activation::Sigmoid: x = x.derived().array().logistic(); break;
  }
}

}  // namespace ecglens
