#include "ecglens/eval/scores_csv.h"

#include <sstream>

namespace ecglens {

std::string scores_csv_header(const Dataset& beats, const std::optional<double>& threshold) {
  return std::string("index,line,score") + (threshold ? ",flag" : "") + (beats.labels.empty() ? "" : ",label") +
         "\n";
}

std::string scores_csv_rows(const Dataset& beats, const float* scores, std::size_t count,
                            const std::optional<double>& threshold, std::size_t first_index) {
  const bool labelled = !beats.labels.empty();
  std::ostringstream out;
  out.precision(9);
  for (std::size_t i = 0; i < count; ++i) {
    out << first_index + i << "," << beats.lines[i] << "," << scores[i];
    if (threshold) out << "," << (scores[i] > *threshold ? 1 : 0);
    if (labelled) out << "," << beats.labels[i];
    out << "\n";
  }
  return out.str();
}

}  // namespace ecglens
