// Proves that scoring allocates nothing once the workspaces are reserved:
// Eigen's EIGEN_RUNTIME_NO_MALLOC check catches its own heap allocations,
// and a replaced global operator new catches everyone else's. This binary
// compiles the layers and the model itself with assertions on (no NDEBUG),
// since Eigen's check is an assertion.
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ecglens/model/model.h"
#include "test_paths.h"

#ifndef EIGEN_RUNTIME_NO_MALLOC
#error "this test must be built with EIGEN_RUNTIME_NO_MALLOC"
#endif
#ifdef NDEBUG
#error "this test must be built without NDEBUG, or Eigen's malloc check is off"
#endif

namespace {
std::atomic<bool> g_forbid_new{false};
std::atomic<long> g_forbidden_news{0};
}  // namespace

// A replacement of the global allocation functions, every form of them: new
// takes its memory from malloc, so delete gives it back with free. Replacing
// only some forms would pair, say, the library's nothrow new (which the
// standard library's temporary buffers use) with our free, a mismatch that
// AddressSanitizer rightly reports. GCC's mismatch warning does not know the
// set is replaced as a whole.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
namespace {
void* counted_malloc(std::size_t size) noexcept {
  if (g_forbid_new.load()) g_forbidden_news.fetch_add(1);
  return std::malloc(size == 0 ? 1 : size);
}
void* counted_aligned(std::size_t size, std::align_val_t align) noexcept {
  if (g_forbid_new.load()) g_forbidden_news.fetch_add(1);
  const auto a = static_cast<std::size_t>(align);
  return std::aligned_alloc(a, (size + a - 1) / a * a);
}
}  // namespace
void* operator new(std::size_t size) {
  if (void* p = counted_malloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  if (void* p = counted_malloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_malloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted_malloc(size); }
void* operator new(std::size_t size, std::align_val_t align) {
  if (void* p = counted_aligned(size, align)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t align) {
  if (void* p = counted_aligned(size, align)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return counted_aligned(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return counted_aligned(size, align);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

namespace ecglens {
namespace {

// Forbids every heap allocation between construction and destruction.
class NoAllocations {
 public:
  NoAllocations() {
    g_forbidden_news = 0;
    Eigen::internal::set_is_malloc_allowed(false);
    g_forbid_new = true;
  }
  ~NoAllocations() {
    g_forbid_new = false;
    Eigen::internal::set_is_malloc_allowed(true);
  }
};

class ScoringHotLoop : public ::testing::TestWithParam<std::string> {};

TEST_P(ScoringHotLoop, AllocatesNothingAfterReserve) {
  const std::string name = GetParam();
  Model model(read_weights(test::fixture("golden/" + name + ".ecgw").string()));
  const int length = model.architecture().seq_len;
  // Three tiles, the last one partial.
  const size_t count = 2 * model.tile() + 5;
  std::vector<float> beats(count * length * model.channels());
  for (size_t i = 0; i < beats.size(); ++i) beats[i] = std::sin(0.1f * static_cast<float>(i));
  std::vector<float> out(beats.size());
  std::vector<float> latent(count * model.latent_size());
  model.reserve(length);
  {
    NoAllocations guard;
    model.reconstruct(beats.data(), count, length, out.data(), latent.data());
  }
  EXPECT_EQ(g_forbidden_news.load(), 0);
  for (float v : out) ASSERT_TRUE(std::isfinite(v));
}

INSTANTIATE_TEST_SUITE_P(EveryNetwork, ScoringHotLoop,
                         ::testing::Values("bench_lstm_ae", "srl_ae", "residual_lstm_ae_both",
                                           "lstm_ae_gru", "recae_stacked", "recae_gru",
                                           "lstm_vae", "mlp_ae", "conv1d_ae"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ecglens
