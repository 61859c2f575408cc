// The LSTM kernel's vector operations on Eigen's packets, for every target
// Eigen vectorises (natively SSE, AVX or AVX-512 as the build's flags allow;
// in wasm builds Eigen's SSE path, translated to wasm SIMD). The packet's
// width is also the kernel's layout (kLanes, lstm_kernel.h). lstm_ops.h
// chooses which operations the kernel runs on.
#pragma once

#include <Eigen/Core>

namespace ecglens::detail {

using Packet = Eigen::internal::packet_traits<float>::type;
inline constexpr int kLanes = Eigen::internal::packet_traits<float>::size;

inline Packet sigmoid(const Packet& x) {
  return Eigen::internal::scalar_logistic_op<float>().packetOp(x);
}
inline Packet tanh(const Packet& x) { return Eigen::internal::scalar_tanh_op<float>().packetOp(x); }

// The vector operations of the kernel, on Eigen's packets.
struct EigenOps {
  using V = Packet;
  static V load(const float* p) { return Eigen::internal::ploadu<Packet>(p); }
  static void store(float* p, const V& v) { Eigen::internal::pstoreu(p, v); }
  static V splat(const float* p) { return Eigen::internal::pset1<Packet>(*p); }
  static V zero() { return Eigen::internal::pset1<Packet>(0.0f); }
  static V madd(const V& a, const V& b, const V& c) { return Eigen::internal::pmadd(a, b, c); }
  static V add(const V& a, const V& b) { return Eigen::internal::padd(a, b); }
  static V mul(const V& a, const V& b) { return Eigen::internal::pmul(a, b); }
  static V sigmoid(const V& x) { return detail::sigmoid(x); }
  static V tanh(const V& x) { return detail::tanh(x); }
};

}  // namespace ecglens::detail
