// The CUDA entry points of engine.h in a build without CUDA (ECGLENS_CUDA off
// or no nvcc): there is no GPU engine to make, and the error says how to get one.
#include "ecglens/train/engine.h"
#include "ecglens/util/error.h"

namespace ecglens::train {

namespace {
const char* kNoCuda =
    "this build of ecglens has no CUDA (configure with -DECGLENS_CUDA=ON where nvcc is found)";
}

bool cuda_available(std::string* why) {
  if (why) *why = kNoCuda;
  return false;
}

std::unique_ptr<Engine> make_cuda_engine(const EngineSettings&, const std::vector<float>&,
                                         const std::vector<float>&, int,
                                         const std::vector<float>&) {
  throw Error(std::string("--device cuda: ") + kNoCuda);
}

}  // namespace ecglens::train
