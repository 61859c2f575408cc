// Resampling beats to the length a model expects, by linear interpolation
// with the endpoints aligned: output step j sits at input position
//   p = j * (in_length - 1) / (out_length - 1),
// and out[j] = in[i] + f * (in[i+1] - in[i]) with i = floor(p), f = p - i,
// so out[0] = in[0] and out[out_length-1] = in[in_length-1] exactly. The
// position is computed in integers (j*(in_length-1) divided with remainder),
// so no rounding moves a sample. out_length 1 takes in[0]; in_length 1
// repeats its one value.
#pragma once

#include "ecglens/data/dataset.h"

namespace ecglens {

// in holds in_length*channels values and out out_length*channels, both
// step-major ([t][c]); each channel is resampled on its own. Throws
// ecglens::Error when a size is not positive. Allocation-free.
void resample_beat(const float* in, int in_length, float* out, int out_length, int channels);

// Every beat of data resampled to `length` (labels and lines kept).
Dataset resample(const Dataset& data, int length);

}  // namespace ecglens
