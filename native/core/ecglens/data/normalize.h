// Per-beat normalisation, applied to every beat before the model sees it
// (the choice is stored with the model, so scoring repeats training's).
//
// For each channel c of a beat, over its `length` values x_t:
//   ZScore: x_t <- (x_t - mean) / std, std the population standard deviation
//           sqrt((1/length) * sum (x_t - mean)^2); a flat channel (all values
//           equal) is only centred, i.e. becomes all zeros.
//   MinMax: x_t <- (x_t - min) / (max - min), into [0, 1]; a flat channel
//           becomes all zeros.
//   None:   unchanged.
// Statistics are accumulated in double. Nothing here allocates.
#pragma once

#include <string_view>

namespace ecglens {

enum class Normalization { None, ZScore, MinMax };

// "none", "zscore" or "minmax" (exactly); anything else throws ecglens::Error.
Normalization parse_normalization(std::string_view name);
const char* to_string(Normalization normalization) noexcept;

// Normalises one beat in place. beat holds length*channels values, step-major
// ([t][c], the Dataset layout). Throws ecglens::Error when length or channels
// is not positive. Non-finite input gives non-finite output.
void normalize_beat(float* beat, int length, int channels, Normalization normalization);

}  // namespace ecglens
