// Per-beat reconstruction losses: the anomaly score of a beat is how far the
// autoencoder's reconstruction y is from the input x.
//
// A beat is `length` steps of `channels` values, stored step-major
// ([step][channel], the layout of the data readers), n = length * channels
// values in all. With d_i = x_i - y_i:
//   MSE = (1/n) * sum_i d_i^2
//   MAE = (1/n) * sum_i |d_i|
//   SAE =         sum_i |d_i|    (sum of absolute errors: SRL-AE's loss, so
//                                 its "Normal Loss Mean" is on this scale)
// Sums are accumulated in double and the result rounded to float once.
// Nothing here allocates, so these run inside scoring loops.
#pragma once

#include <cstddef>
#include <string_view>

namespace ecglens {

enum class Loss { MSE, MAE, SAE };

// "mse", "mae" or "sae" (exactly, lower case); anything else throws
// ecglens::Error naming the accepted names.
Loss parse_loss(std::string_view name);

// The name parse_loss() accepts for `loss`.
const char* to_string(Loss loss) noexcept;

// The loss between x and y, n values each (n = length * channels).
// Throws ecglens::Error when n is 0 (a mean over nothing is not a number).
// A non-finite input gives a non-finite loss; the metrics reject it later,
// naming the beat.
float beat_loss(const float* x, const float* y, std::size_t n, Loss loss);

// Squared error per step, averaged over the channels:
//   out[t] = (1/channels) * sum_c (x[t*channels + c] - y[t*channels + c])^2
// for t in [0, length). `out` holds `length` floats. This is the curve the
// beat view shades. Throws ecglens::Error when length or channels is not
// positive.
void timestep_error(const float* x, const float* y, int length, int channels, float* out);

}  // namespace ecglens
