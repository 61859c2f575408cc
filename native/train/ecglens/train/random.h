// Seeded random numbers whose sequence is fixed by this code alone (not by
// the standard library's distributions, which differ between
// implementations), so a seed gives the same weights and the same batch
// order on every machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

namespace ecglens::train {

// SplitMix64 (Steele, Lea, Flood 2014): 64-bit state, one add and a mix per draw.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Integer in [0, n), n > 0 (modulo; the bias is below n / 2^64).
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

// The seed for stream `stream` of a run seeded with `seed` (e.g. one per epoch).
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  Random r(seed ^ (0xD1B54A32D192ED03ull * (stream + 1)));
  return r.next();
}

// 0 .. n-1 shuffled by Fisher-Yates with `random`.
inline std::vector<std::size_t> shuffled_indices(std::size_t n, Random& random) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[random.below(i)]);
  return order;
}

}  // namespace ecglens::train
