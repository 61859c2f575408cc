// The synthetic beat generator (synthetic.h says what each beat type is).
#include "ecglens/data/synthetic.h"

#include <cmath>
#include <cstdio>
#include <ostream>
#include <string>

#include "ecglens/util/error.h"

namespace ecglens {
namespace {

constexpr double kPi = 3.14159265358979323846;

// One wave of the sum of Gaussians: amplitude, centre and width in
// normalised time.
struct Wave {
  double amplitude, centre, width;
};

struct BeatShape {
  Wave p{0.15, BeatLandmarks::p, 0.022};
  Wave q{-0.12, BeatLandmarks::q, 0.008};
  Wave r{1.0, BeatLandmarks::r, 0.010};
  Wave s{-0.25, BeatLandmarks::s, 0.010};
  Wave t{0.30, BeatLandmarks::t, 0.045};
  double st_offset = 0;  // level of the ST segment plateau
  double st_begin = 0.35, st_end = 0.55;
  double wander_amplitude = 0, wander_cycles = 0, wander_phase = 0;
  double burst_begin = 0, burst_end = 0, burst_sd = 0;  // noise burst window
};

double gaussian(const Wave& w, double u) {
  const double d = (u - w.centre) / w.width;
  return w.amplitude * std::exp(-0.5 * d * d);
}

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Natural variability: heart rate stretches every wave's distance from R,
// widths and amplitudes scale independently, a slow sinusoid wanders.
void vary(BeatShape& b, SynthRandom& random) {
  const double rate = random.uniform(0.9, 1.1);
  for (Wave* w : {&b.p, &b.q, &b.r, &b.s, &b.t}) {
    w->centre = BeatLandmarks::r + (w->centre - BeatLandmarks::r) * rate;
    w->amplitude *= random.uniform(0.85, 1.15);
    w->width *= random.uniform(0.85, 1.15);
  }
  b.st_begin = BeatLandmarks::r + (b.st_begin - BeatLandmarks::r) * rate;
  b.st_end = BeatLandmarks::r + (b.st_end - BeatLandmarks::r) * rate;
  b.wander_amplitude = random.uniform(0.0, 0.05);
  b.wander_cycles = random.uniform(0.2, 0.8);
  b.wander_phase = random.uniform(0.0, 2 * kPi);
}

void make_anomalous(BeatShape& b, BeatType type, SynthRandom& random) {
  switch (type) {
    case BeatType::Normal: break;
    case BeatType::PrematureVentricular:
      b.p.amplitude = 0;  // no atrial activity before the beat
      b.r.amplitude *= random.uniform(1.4, 1.8);
      b.r.width *= random.uniform(2.6, 3.4);
      b.q.width *= 3;
      b.s.width *= 3;
      b.q.centre = b.r.centre - 0.05;
      b.s.centre = b.r.centre + 0.06;
      b.s.amplitude *= 1.5;
      b.t.amplitude = -random.uniform(0.3, 0.5);
      b.t.width *= 1.4;
      break;
    case BeatType::StElevation: b.st_offset = random.uniform(0.15, 0.30); break;
    case BeatType::StDepression: b.st_offset = -random.uniform(0.15, 0.30); break;
    case BeatType::InvertedT: b.t.amplitude = -random.uniform(0.15, 0.35); break;
    case BeatType::NoiseBurst: {
      const double width = random.uniform(0.15, 0.30);
      b.burst_begin = random.uniform(0.05, 0.95 - width);
      b.burst_end = b.burst_begin + width;
      b.burst_sd = random.uniform(0.10, 0.20);
      break;
    }
  }
}

}  // namespace

double SynthRandom::uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

std::uint64_t SynthRandom::below(std::uint64_t n) {
  // Rejection sampling: draws above the largest multiple of n are redrawn.
  const std::uint64_t limit = std::uint64_t(-1) - std::uint64_t(-1) % n;
  std::uint64_t v;
  do {
    v = engine_();
  } while (v >= limit);
  return v % n;
}

double SynthRandom::normal() {
  double u1;
  do {
    u1 = uniform();
  } while (u1 <= 0.0);
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * kPi * u2);
}

const char* to_string(BeatType type) noexcept {
  switch (type) {
    case BeatType::Normal: return "normal";
    case BeatType::PrematureVentricular: return "pvc";
    case BeatType::StElevation: return "st_elevation";
    case BeatType::StDepression: return "st_depression";
    case BeatType::InvertedT: return "inverted_t";
    case BeatType::NoiseBurst: return "noise_burst";
  }
  return "unknown";
}

std::vector<BeatType> all_anomaly_types() {
  return {BeatType::PrematureVentricular, BeatType::StElevation, BeatType::StDepression,
          BeatType::InvertedT, BeatType::NoiseBurst};
}

BeatType parse_beat_type(std::string_view name) {
  for (const BeatType t : {BeatType::Normal, BeatType::PrematureVentricular, BeatType::StElevation,
                           BeatType::StDepression, BeatType::InvertedT, BeatType::NoiseBurst})
    if (name == to_string(t)) return t;
  throw Error("unknown beat type '" + std::string(name) +
              "' (normal, pvc, st_elevation, st_depression, inverted_t, noise_burst)");
}

void synthesize_beat(BeatType type, int length, double noise, SynthRandom& random, float* out) {
  BeatShape b;
  vary(b, random);
  make_anomalous(b, type, random);
  const double edge = 0.01;  // ST plateau edges, in normalised time
  for (int i = 0; i < length; ++i) {
    const double u = static_cast<double>(i) / length;
    double x = gaussian(b.p, u) + gaussian(b.q, u) + gaussian(b.r, u) + gaussian(b.s, u) + gaussian(b.t, u);
    if (b.st_offset != 0)
      x += b.st_offset * logistic((u - b.st_begin) / edge) * logistic((b.st_end - u) / edge);
    x += b.wander_amplitude * std::sin(2 * kPi * b.wander_cycles * u + b.wander_phase);
    x += noise * random.normal();
    if (u >= b.burst_begin && u < b.burst_end) x += b.burst_sd * random.normal();
    out[i] = static_cast<float>(x);
  }
}

SyntheticBeats generate_beats(const SynthOptions& o) {
  if (o.length < 16) throw Error("synthetic beats need at least 16 samples, not " + std::to_string(o.length));
  if (!(o.anomaly_fraction >= 0.0 && o.anomaly_fraction <= 1.0))
    throw Error("the anomaly fraction must lie in [0, 1], not " + std::to_string(o.anomaly_fraction));
  if (!(o.noise >= 0.0)) throw Error("the noise level must be >= 0");
  const auto anomalies = static_cast<std::size_t>(std::llround(o.anomaly_fraction * static_cast<double>(o.count)));
  if (anomalies > 0 && o.anomaly_types.empty()) throw Error("anomalies were asked for but no anomaly type");

  SynthRandom random(o.seed);
  SyntheticBeats beats;
  beats.length = o.length;
  beats.types.assign(o.count, BeatType::Normal);
  for (std::size_t i = 0; i < anomalies; ++i) beats.types[i] = o.anomaly_types[i % o.anomaly_types.size()];
  for (std::size_t i = o.count; i > 1; --i) std::swap(beats.types[i - 1], beats.types[random.below(i)]);

  beats.values.resize(o.count * static_cast<std::size_t>(o.length));
  for (std::size_t i = 0; i < o.count; ++i)
    synthesize_beat(beats.types[i], o.length, o.noise, random, beats.values.data() + i * o.length);
  return beats;
}

void write_csv(const SyntheticBeats& beats, std::ostream& out) {
  std::string line;
  char cell[32];
  for (std::size_t i = 0; i < beats.size(); ++i) {
    line = std::to_string(static_cast<int>(beats.types[i]));
    const float* x = beats.beat(i);
    for (int t = 0; t < beats.length; ++t) {
      // "%.4f" of the C locale (nothing here calls setlocale).
      std::snprintf(cell, sizeof cell, ",%.4f", static_cast<double>(x[t]));
      line += cell;
    }
    line += '\n';
    out << line;
  }
}

}  // namespace ecglens
