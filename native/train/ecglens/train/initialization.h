// PyTorch's default initialisation of a model's tensors, for the kinds that
// mix dense, convolutional and recurrent layers. Every tensor is drawn from
// U(-1/sqrt(fan), 1/sqrt(fan)) in the Parameters' order with one seeded
// Random, where fan is
//   recurrent tensors (weight_ih, weight_hh, bias_ih, bias_hh): the hidden
//     size (rows / gates), as nn.LSTM and nn.GRU do;
//   a weight of shape [a, b] or [a, b, k]: b * k, PyTorch's fan-in (for
//     nn.ConvTranspose1d's [in, out, k] that is out * k, as PyTorch computes it);
//   a bias: the fan of the weight before it.
// (kaiming_uniform with a = sqrt(5) gives exactly the bound 1/sqrt(fan_in).)
#pragma once

#include <cstdint>

#include "ecglens/train/parameters.h"

namespace ecglens::train {

template <typename S>
void initialize_like_pytorch(Parameters<S>& params, int gates, std::uint64_t seed);

}  // namespace ecglens::train
