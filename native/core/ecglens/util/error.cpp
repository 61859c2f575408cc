#include "ecglens/util/error.h"

namespace ecglens {
namespace {

std::string position_prefix(const std::string& file, long line, long column) {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out;
}

}  // namespace

InputError::InputError(std::string file, long line, long column, const std::string& message)
    : Error(position_prefix(file, line, column) + ": " + message),
      file_(std::move(file)),
      line_(line),
      column_(column),
      reason_(message) {}

WeightsError::WeightsError(std::string file, std::string tensor, const std::string& message)
    : Error(file + ": " + (tensor.empty() ? "" : "tensor '" + tensor + "': ") + message),
      file_(std::move(file)),
      tensor_(std::move(tensor)) {}

}  // namespace ecglens
