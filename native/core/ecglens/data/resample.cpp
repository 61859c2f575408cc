#include "ecglens/data/resample.h"

#include <string>

#include "ecglens/util/error.h"

namespace ecglens {

void resample_beat(const float* in, int in_length, float* out, int out_length, int channels) {
  if (in_length <= 0 || out_length <= 0 || channels <= 0) {
    throw Error("resample_beat: lengths and channels must be positive, got " + std::to_string(in_length) +
                ", " + std::to_string(out_length) + " and " + std::to_string(channels));
  }
  const long long span = in_length - 1;    // input steps covered
  const long long steps = out_length - 1;  // output steps covering them
  for (int j = 0; j < out_length; ++j) {
    // p = j*span/steps = i + rem/steps.
    const long long scaled = steps == 0 ? 0 : static_cast<long long>(j) * span;
    const long long i = steps == 0 ? 0 : scaled / steps;
    const long long rem = steps == 0 ? 0 : scaled % steps;
    for (int c = 0; c < channels; ++c) {
      const double a = in[i * channels + c];
      if (rem == 0) {  // on an input sample (always so at both ends)
        out[static_cast<long long>(j) * channels + c] = static_cast<float>(a);
        continue;
      }
      const double b = in[(i + 1) * channels + c];
      const double f = static_cast<double>(rem) / static_cast<double>(steps);
      out[static_cast<long long>(j) * channels + c] = static_cast<float>(a + f * (b - a));
    }
  }
}

Dataset resample(const Dataset& data, int length) {
  if (length <= 0) throw Error(data.source + ": resample length must be positive, got " + std::to_string(length));
  Dataset out;
  out.source = data.source;
  out.length = length;
  out.channels = data.channels;
  out.labels = data.labels;
  out.lines = data.lines;
  out.label_column = data.label_column;
  const std::size_t beats = data.size();
  if (beats == 0) return out;
  if (data.length <= 0 || data.channels <= 0) {
    throw Error(data.source + ": cannot resample beats of length " + std::to_string(data.length) +
                " with " + std::to_string(data.channels) + " channels");
  }
  const std::size_t per_beat = static_cast<std::size_t>(length) * static_cast<std::size_t>(data.channels);
  out.values.resize(beats * per_beat);
  for (std::size_t b = 0; b < beats; ++b) {
    resample_beat(data.beat(b), data.length, out.values.data() + b * per_beat, length, data.channels);
  }
  return out;
}

}  // namespace ecglens
