// Writing a file so that a reader sees either its old contents or the new
// ones in full, never a mix or a truncated file, even when the program or
// the machine stops half way.
//
// Layout on disk while a write runs: the bytes go to a temporary file beside
// the target, named "PATH.tmp-PID-N" (same folder, so the final rename stays
// on one file system and is atomic; the pid and a per-process counter keep
// two writers from sharing it). The temporary file is flushed to the disk,
// renamed over PATH, and the folder is flushed so that the rename lasts.
//
// The portable declaration lives here; CMake picks the platform's source
// (atomic_file_posix.cpp for Linux, macOS and Emscripten's emulated POSIX).
#pragma once

#include <string>
#include <string_view>

#include "ecglens/util/error.h"  // the Error it throws

namespace ecglens {

// Replaces the file at `path` with `bytes`. `kind` names the file in
// messages ("the weights file"). On failure it throws ecglens::Error reading
// "PATH: cannot write KIND: STEP (REASON)", where STEP says what failed
// ("renaming PATH.tmp-12-0 over it failed") and REASON is the system's
// wording ("No such file or directory"); the temporary file is removed and
// whatever was at `path` before is left as it was.
void write_file_atomically(const std::string& path, std::string_view bytes,
                           const std::string& kind = "the file");

}  // namespace ecglens
