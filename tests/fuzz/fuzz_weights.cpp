// libFuzzer target for the weights file reader. Any input must either parse
// or raise ecglens::Error; anything else (a crash, a sanitizer report, another
// exception type, a hang) is a bug. A file that parses must also survive the
// writer and read back to the same tensors.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ecglens/io/weights_file.h"
#include "ecglens/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ecglens::WeightsFile file;
  try {
    file = ecglens::parse_weights(bytes, "fuzz.ecgw");
  } catch (const ecglens::Error&) {
    return 0;  // refused with a message: the expected outcome for most inputs
  }
  // Accepted: the writer must accept it too, and the result must read back.
  const ecglens::WeightsFile again = ecglens::parse_weights(ecglens::serialize_weights(file), "again.ecgw");
  if (again.tensors.size() != file.tensors.size()) std::abort();
  for (std::size_t i = 0; i < file.tensors.size(); ++i) {
    if (again.tensors[i].name != file.tensors[i].name || again.tensors[i].shape != file.tensors[i].shape ||
        again.tensors[i].data != file.tensors[i].data) {
      std::abort();
    }
  }
  return 0;
}
