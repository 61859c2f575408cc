// One LSTM or GRU layer advanced one step at a time from a given initial
// state, with the backward pass of each step: what recae needs, whose
// decoder starts from the encoder's final (h, c) and feeds back its own
// output. (layers.h's sequences run a whole sequence from a zero state.)
//
//   LSTM (gates i, f, g, o): G = W_ih x + b_ih + W_hh h + b_hh,
//        c' = σ(f) c + σ(i) tanh(g),  h' = σ(o) tanh(c')
//   GRU (gates r, z, n):     r = σ(.), z = σ(.), n = tanh(W_in x + b_in + r (W_hn h + b_hn)),
//        h' = (1 - z) n + z h
//
// Columns: a step's input, h and c are F x B blocks. The state after k
// steps is kept for every k (k = 0: the initial state), so backward_step()
// can run any step again in reverse order. Gradients ACCUMULATE into the
// Parameters' gradient buffer.
#pragma once

#include <string>

#include "ecglens/layers/recurrent.h"
#include "ecglens/train/parameters.h"

namespace ecglens::train {

template <typename S>
class RecurrentCell {
 public:
  RecurrentCell(CellType cell, Parameters<S>& params, const std::string& prefix);

  int input_size() const { return in_; }
  int hidden_size() const { return hidden_; }

  // Room for `steps` steps of `batch` columns.
  void reserve(int steps, int batch);
  // Zero initial state / the final state of `other` (same sizes), for `batch` columns.
  void start(int batch);
  void start_from(const RecurrentCell& other);
  // Advances one step on x (in x B).
  void step(const Eigen::Ref<const Mat<S>>& x);
  int steps_taken() const { return steps_; }

  // State after k steps (k = 0: the initial state), hidden x B.
  auto h(int k) const { return h_.middleCols(Eigen::Index(k) * batch_, batch_); }
  auto c(int k) const { return c_.middleCols(Eigen::Index(k) * batch_, batch_); }

  // Backward of step k (state k-1 -> state k, 1 <= k <= steps_taken()) on
  // its input x: dh, dc hold the gradients w.r.t. state k and are replaced
  // by those w.r.t. state k-1 (dc unused by GRU); dx (in x B) written when given.
  void backward_step(int k, const Eigen::Ref<const Mat<S>>& x, Mat<S>& dh, Mat<S>& dc, Mat<S>* dx);

 private:
  CellType cell_;
  Parameters<S>* params_;
  int w_ih_, w_hh_, b_ih_, b_hh_;
  int in_, hidden_, gates_;
  int batch_ = 0, steps_ = 0;
  Mat<S> h_, c_;        // H x ((steps+1)*B)
  Mat<S> act_;          // G*H x (steps*B): activated gates of every step
  Mat<S> hidden_proj_;  // H x (steps*B): GRU's W_hn h + b_hn
  Mat<S> pre_, d_in_, d_hid_;  // G*H x B workspaces
  Vec<S> d_bias_;       // G*H
  Mat<S> tanh_c_, dc_total_;  // H x B workspaces of backward_step()
  Vec<S> bias_sum_;     // G*H: b_ih + b_hh (LSTM), summed each step into a sized buffer
};

}  // namespace ecglens::train
