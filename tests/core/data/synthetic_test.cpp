// The synthetic beat generator: deterministic for a seed, finite, the
// requested mix of types, each anomaly type measurably different from normal
// beats in the way synthetic.h claims (measured on the waveform), and a CSV
// that the core's reader and default label map read back.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include <gtest/gtest.h>

#include "ecglens/data/dataset.h"
#include "ecglens/data/labels.h"
#include "ecglens/data/synthetic.h"
#include "ecglens/util/error.h"

namespace ecglens {
namespace {

constexpr int kLength = 140;

// `count` beats of one type.
SyntheticBeats beats_of(BeatType type, std::size_t count = 200, std::uint64_t seed = 11) {
  SynthOptions o;
  o.count = count;
  o.seed = seed;
  o.anomaly_fraction = type == BeatType::Normal ? 0.0 : 1.0;
  o.anomaly_types = {type};
  return generate_beats(o);
}

int sample_at(double u) { return static_cast<int>(std::lround(u * kLength)); }

double mean_over(const float* x, double from, double to) {
  const int a = sample_at(from), b = sample_at(to);
  return std::accumulate(x + a, x + b, 0.0) / (b - a);
}

// Samples around the tallest point near R that stay above half its height.
int r_wave_width(const float* x) {
  const int lo = sample_at(0.2), hi = sample_at(0.4);
  const int peak = static_cast<int>(std::max_element(x + lo, x + hi) - x);
  const float half = x[peak] / 2;
  int a = peak, b = peak;
  while (a > 0 && x[a - 1] > half) --a;
  while (b + 1 < kLength && x[b + 1] > half) ++b;
  return b - a + 1;
}

// The largest sum of squared first differences over any 10-sample window
// outside the QRS complex (whose upstroke is steep in every beat).
double roughest_window(const float* x) {
  double worst = 0;
  for (int a = 1; a + 10 <= kLength; ++a) {
    if (a + 10 > sample_at(0.22) && a < sample_at(0.40)) continue;
    double s = 0;
    for (int t = a; t < a + 10; ++t) s += double(x[t] - x[t - 1]) * (x[t] - x[t - 1]);
    worst = std::max(worst, s);
  }
  return worst;
}

template <typename F>
double average(const SyntheticBeats& beats, F measure) {
  double sum = 0;
  for (std::size_t i = 0; i < beats.size(); ++i) sum += measure(beats.beat(i));
  return sum / beats.size();
}

TEST(SyntheticBeats, SameSeedGivesTheSameBeatsAndAnotherSeedOthers) {
  SynthOptions o;
  o.count = 50;
  o.anomaly_fraction = 0.3;
  o.seed = 42;
  const SyntheticBeats a = generate_beats(o), b = generate_beats(o);
  EXPECT_EQ(a.values, b.values);
  EXPECT_EQ(a.types, b.types);
  o.seed = 43;
  const SyntheticBeats c = generate_beats(o);
  EXPECT_NE(a.values, c.values);
}

TEST(SyntheticBeats, HaveTheRequestedCountLengthAndAnomalyMixAndAreFinite) {
  SynthOptions o;
  o.count = 500;
  o.anomaly_fraction = 0.2;
  o.length = 96;
  const SyntheticBeats beats = generate_beats(o);
  ASSERT_EQ(beats.size(), 500u);
  EXPECT_EQ(beats.values.size(), 500u * 96u);
  for (const float v : beats.values) ASSERT_TRUE(std::isfinite(v));
  // 100 anomalies, the five types taking turns: 20 each.
  EXPECT_EQ(std::count(beats.types.begin(), beats.types.end(), BeatType::Normal), 400);
  for (const BeatType t : all_anomaly_types())
    EXPECT_EQ(std::count(beats.types.begin(), beats.types.end(), t), 20) << to_string(t);
  // Shuffled: the anomalies are not all at the front.
  EXPECT_LT(std::count(beats.types.begin(), beats.types.begin() + 100, BeatType::Normal), 100);
  EXPECT_GT(std::count(beats.types.begin(), beats.types.begin() + 100, BeatType::Normal), 50);
}

TEST(SyntheticBeats, NormalBeatsVaryButKeepTheirShape) {
  const SyntheticBeats normal = beats_of(BeatType::Normal);
  EXPECT_NE(std::vector<float>(normal.beat(0), normal.beat(1)),
            std::vector<float>(normal.beat(1), normal.beat(2)));
  for (std::size_t i = 0; i < normal.size(); ++i) {
    const float* x = normal.beat(i);
    const float r = *std::max_element(x, x + kLength);
    EXPECT_GT(r, 0.7f) << "beat " << i;  // the R peak dominates
    EXPECT_LT(r, 1.4f) << "beat " << i;
    EXPECT_GT(mean_over(x, 0.55, 0.61), 0.1) << "beat " << i;  // upright T wave
  }
}

TEST(SyntheticBeats, PrematureVentricularBeatsHaveWiderTallerQrsAndNoPWave) {
  const SyntheticBeats normal = beats_of(BeatType::Normal), pvc = beats_of(BeatType::PrematureVentricular);
  const double normal_width = average(normal, r_wave_width), pvc_width = average(pvc, r_wave_width);
  EXPECT_GT(pvc_width, 2.0 * normal_width) << normal_width << " vs " << pvc_width;
  auto peak = [](const float* x) { return double(*std::max_element(x, x + kLength)); };
  EXPECT_GT(average(pvc, peak), 1.25 * average(normal, peak));
  auto p_wave = [](const float* x) { return mean_over(x, 0.13, 0.17); };
  EXPECT_GT(average(normal, p_wave), 0.1);
  EXPECT_LT(std::abs(average(pvc, p_wave)), 0.05);
  auto t_wave = [](const float* x) { return mean_over(x, 0.55, 0.61); };
  EXPECT_LT(average(pvc, t_wave), -0.15);
}

TEST(SyntheticBeats, StElevationAndDepressionShiftTheStSegment) {
  auto st = [](const float* x) { return mean_over(x, BeatLandmarks::st_begin, BeatLandmarks::st_end); };
  const double normal = average(beats_of(BeatType::Normal), st);
  const SyntheticBeats up = beats_of(BeatType::StElevation), down = beats_of(BeatType::StDepression);
  EXPECT_GT(average(up, st) - normal, 0.12);
  EXPECT_LT(average(down, st) - normal, -0.12);
  // Beat by beat, not only on average.
  for (std::size_t i = 0; i < up.size(); ++i) EXPECT_GT(st(up.beat(i)), normal) << "beat " << i;
  for (std::size_t i = 0; i < down.size(); ++i) EXPECT_LT(st(down.beat(i)), normal) << "beat " << i;
}

TEST(SyntheticBeats, InvertedTWavesPointDown) {
  auto t_wave = [](const float* x) { return mean_over(x, 0.55, 0.61); };
  const SyntheticBeats normal = beats_of(BeatType::Normal), inverted = beats_of(BeatType::InvertedT);
  for (std::size_t i = 0; i < normal.size(); ++i) EXPECT_GT(t_wave(normal.beat(i)), 0.0) << "beat " << i;
  for (std::size_t i = 0; i < inverted.size(); ++i) EXPECT_LT(t_wave(inverted.beat(i)), 0.0) << "beat " << i;
}

TEST(SyntheticBeats, NoiseBurstsAreFarRougherThanAnyNormalBeat) {
  const SyntheticBeats normal = beats_of(BeatType::Normal), burst = beats_of(BeatType::NoiseBurst);
  double roughest_normal = 0;
  for (std::size_t i = 0; i < normal.size(); ++i)
    roughest_normal = std::max(roughest_normal, roughest_window(normal.beat(i)));
  // A burst lies wholly inside the QRS complex now and then; most do not.
  int rougher = 0;
  for (std::size_t i = 0; i < burst.size(); ++i)
    rougher += roughest_window(burst.beat(i)) > 5 * roughest_normal;
  EXPECT_GE(rougher, static_cast<int>(burst.size() * 85 / 100)) << rougher << " of " << burst.size();
}

TEST(SyntheticBeats, CsvRoundTripsThroughTheReaderWithLabelOneNormal) {
  SynthOptions o;
  o.count = 60;
  o.anomaly_fraction = 0.25;
  o.seed = 5;
  const SyntheticBeats beats = generate_beats(o);
  std::ostringstream csv;
  write_csv(beats, csv);
  const Dataset d = parse_dataset(csv.str(), "synthetic.csv");
  ASSERT_EQ(d.size(), beats.size());
  ASSERT_EQ(d.length, kLength);
  EXPECT_EQ(d.label_column, 1);
  for (std::size_t i = 0; i < d.values.size(); ++i)
    ASSERT_NEAR(d.values[i], beats.values[i], 5.1e-5) << "value " << i;
  const std::vector<BeatClass> classes = map_labels(d, default_label_map(d));
  for (std::size_t i = 0; i < beats.size(); ++i) {
    EXPECT_EQ(d.labels[i], std::to_string(static_cast<int>(beats.types[i])));
    EXPECT_EQ(classes[i], beats.types[i] == BeatType::Normal ? BeatClass::Normal : BeatClass::Anomaly);
  }
}

TEST(SyntheticBeats, NormalOnlyCsvReadsAsAllNormal) {
  SynthOptions o;
  o.count = 20;
  std::ostringstream csv;
  write_csv(generate_beats(o), csv);
  const Dataset d = parse_dataset(csv.str(), "train.csv");
  const std::vector<BeatClass> classes = map_labels(d, default_label_map(d));
  EXPECT_EQ(std::count(classes.begin(), classes.end(), BeatClass::Normal), 20);
}

TEST(SyntheticBeats, RejectsImpossibleOptions) {
  SynthOptions o;
  o.length = 8;
  EXPECT_THROW(generate_beats(o), Error);
  o = {};
  o.anomaly_fraction = 1.5;
  EXPECT_THROW(generate_beats(o), Error);
  o = {};
  o.anomaly_fraction = 0.5;
  o.anomaly_types.clear();
  EXPECT_THROW(generate_beats(o), Error);
  EXPECT_THROW(parse_beat_type("wobbly"), Error);
  EXPECT_EQ(parse_beat_type("pvc"), BeatType::PrematureVentricular);
}

}  // namespace
}  // namespace ecglens
