// Synthetic ECG beats: demo and test data the project makes itself, with
// labelled anomaly types, so the page and the tests need no download.
//
//   ecglens::SynthOptions o;            // 140 samples per beat, like ECG5000
//   o.count = 500; o.anomaly_fraction = 0.2; o.seed = 7;
//   ecglens::SyntheticBeats beats = ecglens::generate_beats(o);
//   ecglens::write_csv(beats, std::cout);   // label-first CSV, label 1 = normal
//
// Morphology: a sum of Gaussians, one per wave (P, Q, R, S, T), over the
// beat's normalised time u in [0, 1) with the R peak at u = 0.3:
//   x(u) = sum_w a_w exp(-(u - m_w)^2 / (2 s_w^2)) + ST(u) + wander(u) + noise,
// in millivolt-like units (R about 1). Every beat varies naturally: heart
// rate (wave positions stretched around R by 0.9-1.1), wave widths and
// amplitudes (x0.85-1.15 each), baseline wander (a slow sinusoid up to 0.05)
// and white noise (standard deviation SynthOptions::noise).
//
// Anomaly types (the CSV label in brackets; 1 is normal, as ECG5000's class 1):
//   [2] premature ventricular beat: no P wave, wide and tall QRS (R width
//       about x3, amplitude x1.4-1.8), T wave inverted and wide;
//   [3] ST elevation and [4] ST depression: the ST segment (between the S
//       wave and the T wave) raised or lowered by 0.15-0.30;
//   [5] inverted T wave: T amplitude -0.15 to -0.35;
//   [6] noise burst: white noise of standard deviation 0.10-0.20 over a
//       window of 15-30% of the beat.
//
// Deterministic for a seed: std::mt19937_64 with this file's own uniform and
// normal draws (std:: distributions differ between standard libraries). The
// same seed gives the same beats on every platform up to the last bits of
// the C library's exp and sin.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <random>
#include <string_view>
#include <vector>

namespace ecglens {

// The value is the CSV label.
enum class BeatType : int {
  Normal = 1,
  PrematureVentricular = 2,
  StElevation = 3,
  StDepression = 4,
  InvertedT = 5,
  NoiseBurst = 6,
};

// "normal", "pvc", "st_elevation", "st_depression", "inverted_t", "noise_burst".
const char* to_string(BeatType type) noexcept;
// The names above; anything else throws ecglens::Error.
BeatType parse_beat_type(std::string_view name);
// Every anomaly type, in label order.
std::vector<BeatType> all_anomaly_types();

// Where the waves of a beat sit before heart-rate jitter, in normalised time
// (tests measure the waveform there).
struct BeatLandmarks {
  static constexpr double p = 0.15, q = 0.27, r = 0.30, s = 0.33, t = 0.58;
  static constexpr double st_begin = 0.37, st_end = 0.48;  // the ST segment
};

struct SynthOptions {
  int length = 140;              // samples per beat (>= 16)
  std::size_t count = 1000;      // beats
  double anomaly_fraction = 0;   // share of anomalous beats, in [0, 1]
  std::uint64_t seed = 0;
  // Anomaly types used, spread evenly over the anomalous beats.
  std::vector<BeatType> anomaly_types = all_anomaly_types();
  double noise = 0.01;           // white-noise standard deviation on every beat
};

struct SyntheticBeats {
  int length = 0;
  std::vector<float> values;     // beat-major: beat b, sample t at b*length + t
  std::vector<BeatType> types;   // one per beat

  std::size_t size() const { return types.size(); }
  const float* beat(std::size_t i) const { return values.data() + i * static_cast<std::size_t>(length); }
};

// The random source of the generator: mt19937_64 and portable draws.
class SynthRandom {
 public:
  explicit SynthRandom(std::uint64_t seed) : engine_(seed) {}
  // Uniform in [0, 1), 53 random bits.
  double uniform();
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n), n > 0, without modulo bias.
  std::uint64_t below(std::uint64_t n);
  // Standard normal (Box-Muller).
  double normal();

 private:
  std::mt19937_64 engine_;
};

// One beat of `type` with fresh natural variability, `length` samples into out.
void synthesize_beat(BeatType type, int length, double noise, SynthRandom& random, float* out);

// options.count beats, round(count * anomaly_fraction) of them anomalous,
// the anomaly types taking turns, all in a seeded random order. Throws
// ecglens::Error for a length below 16, a fraction outside [0, 1], an empty
// anomaly type list with anomalies asked for, or a negative noise level.
SyntheticBeats generate_beats(const SynthOptions& options);

// Label-first CSV without a header, one beat per line: the label (the
// BeatType's value) then `length` samples with 4 decimals. read_dataset()
// reads it back with the label column first and default_label_map() maps
// label 1 to normal, as for ECG5000.
void write_csv(const SyntheticBeats& beats, std::ostream& out);

}  // namespace ecglens
