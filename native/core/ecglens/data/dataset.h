// Reading beats from the files people have: the UCR archive's own formats
// (.txt, .tsv, .arff, .ts) and CSVs with or without a header and a label
// column.
//
// Usage:
//   ecglens::Dataset d = ecglens::read_dataset("ECG5000_TRAIN.txt");
//   const float* first = d.beat(0);   // d.length * d.channels values
//
// Every malformed input throws ecglens::InputError whose what() reads
// "FILE:LINE:COLUMN: MESSAGE". COLUMN is the 1-based field index as the file
// shows it, the label column included (for .ts rows, fields are counted across
// the ':'-separated dimensions, so the label is field dims*length+1).
//
// Auto-detection (ReadOptions left at their defaults)
// ---------------------------------------------------
// Format: by extension (.csv .tsv .txt .arff .ts, any case); a .txt whose
// first data line holds a comma is read as CSV. Other names are recognised
// by content, from the first line that is neither blank nor a comment ('%'
// or '#'): "@relation" or "@attribute" -> ARFF; another '@' keyword -> .ts;
// a comma or semicolon -> CSV; a tab -> TSV; else whitespace-separated
// (UCR .txt).
//
// Header (CSV/TSV/.txt): the first non-blank line is a header when, among its
// "inner" cells (all cells but the label column; when the label column is
// not known yet, all but the first and the last cell), more than half are not
// numbers, or the inner cells are consecutive integers starting at 0, 1 or
// 2 (the numbered header pandas writes). With one or two columns it is a
// header when one of its cells is text above a number in the second row.
// A data row with one typo therefore stays a data row and is reported,
// rather than skipped as a header.
//
// Label column: .tsv and .txt have the label first (the UCR convention).
// For CSV it is guessed from the header and the first rows (up to 256 rows
// or 4 MiB):
//   1. a header whose first (else last) cell is label, class, target or y
//      (any case) -> that column;
//   2. otherwise First when, in every sampled row, the first cell is an
//      integer-valued number or a non-number (a text label such as "N"), and
//      either some cell is text or (with 3 or more columns) some other cell
//      is a non-integer number; else Last by the same test on the last cell;
//   3. otherwise no label column.
// A guessed label column must keep holding such cells in later rows, or
// reading stops with an error asking for the label option. When the guess is
// wrong (integer-valued samples, a numeric index column), pass
// LabelColumn::First / Last / None (the CLI's --label first|last|none) and
// header 0/1 (--header no|yes).
//
// ARFF and .ts carry their label in the header (the one nominal attribute,
// @classLabel); LabelColumn::None drops it, First/Last do not apply there.
//
// Numbers are parsed strictly and independently of the locale: an optional
// sign, digits with an optional '.', an optional exponent; nothing else in the
// cell but surrounding spaces. Values are parsed as double and stored as
// float; a value beyond the float range (or below the double range) is an
// error, as are nan and inf.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ecglens/util/error.h"  // the Error and InputError these functions throw

namespace ecglens {

// Beats of equal length. values is beat-major: beat b, time step t, channel c
// is values[(b*length + t)*channels + c].
struct Dataset {
  std::string source;            // file name, used in messages
  int length = 0;                // time steps per beat
  int channels = 1;              // values per time step (leads, .ts dimensions)
  std::vector<float> values;
  std::vector<std::string> labels;  // empty when the file has no labels, else one per beat
  std::vector<long> lines;          // 1-based source line of each beat
  long label_column = 0;            // field index of the label in the rows, 0 when none

  // Number of beats.
  std::size_t size() const {
    const std::size_t per_beat = static_cast<std::size_t>(length) * static_cast<std::size_t>(channels);
    return per_beat == 0 ? 0 : values.size() / per_beat;
  }
  // The first of the length*channels values of beat i (i < size()).
  const float* beat(std::size_t i) const {
    return values.data() + i * static_cast<std::size_t>(length) * static_cast<std::size_t>(channels);
  }
};

enum class Format { Auto, Csv, Tsv, UcrTxt, Arff, Ts };
enum class LabelColumn { Auto, First, Last, None };

struct ReadOptions {
  Format format = Format::Auto;
  LabelColumn label = LabelColumn::Auto;
  int header = -1;          // -1 auto, 0 no header row, 1 the first non-blank line is a header
  int expected_length = 0;  // 0: any length, but all beats equal; else every beat must have it
};

// Longest line any reader accepts (a guard against binary or runaway input).
constexpr std::size_t kMaxLineBytes = std::size_t{16} << 20;

// Reads a whole file. A file that cannot be opened or read throws
// ecglens::Error naming the path; malformed content throws InputError.
Dataset read_dataset(const std::string& path, const ReadOptions& options = {});

// The same from bytes in memory (the browser build has no file system).
// source_name appears in messages and, with Format::Auto, its extension
// chooses the format.
Dataset parse_dataset(std::string_view bytes, const std::string& source_name,
                      const ReadOptions& options = {});

// The format Format::Auto resolves to for a file named source_name whose
// content starts with head (a few KiB are plenty).
Format detect_format(const std::string& source_name, std::string_view head);

// Names as the CLI spells them: "auto", "csv", "tsv", "txt", "arff", "ts" and
// "auto", "first", "last", "none". parse_* throw ecglens::Error for anything else.
Format parse_format(std::string_view name);
const char* to_string(Format format) noexcept;
LabelColumn parse_label_column(std::string_view name);
const char* to_string(LabelColumn label) noexcept;

}  // namespace ecglens
