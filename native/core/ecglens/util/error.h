// Errors the core reports. Every failure a user can cause (a malformed file,
// a weights file that does not fit its architecture) is an ecglens::Error
// whose message names where the problem is: file, line and column for text
// inputs; file and tensor for weights. The core never aborts on bad input.
#pragma once

#include <stdexcept>
#include <string>

namespace ecglens {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A problem at a position in a text input. what() reads
// "FILE:LINE:COLUMN: MESSAGE" (1-based line and column; COLUMN is the
// 1-based field index for delimited data, counted as the file shows it).
// line or column 0 means "not applicable" and is left out of the message.
class InputError : public Error {
 public:
  InputError(std::string file, long line, long column, const std::string& message);
  const std::string& file() const noexcept { return file_; }
  long line() const noexcept { return line_; }
  long column() const noexcept { return column_; }
  // The message without the position prefix.
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::string file_;
  long line_;
  long column_;
  std::string reason_;
};

// A problem with a weights file. what() reads
// "FILE: tensor 'NAME': MESSAGE", or "FILE: MESSAGE" when no tensor is at fault.
class WeightsError : public Error {
 public:
  WeightsError(std::string file, std::string tensor, const std::string& message);
  const std::string& file() const noexcept { return file_; }
  const std::string& tensor() const noexcept { return tensor_; }

 private:
  std::string file_;
  std::string tensor_;
};

}  // namespace ecglens
