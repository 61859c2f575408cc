// Internal to the data readers: the formats whose header declares the
// series (ARFF and sktime/UCR .ts). Both are read whole. Not part of the
// public API.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ecglens/data/dataset.h"
#include "ecglens/data/text_input.h"

namespace ecglens::data_detail {

// UCR's univariate ARFF:
//   @relation NAME
//   @attribute att1 numeric          (numeric, real or integer; name may be quoted)
//   ...
//   @attribute target {1,2,3,4,5}    (at most one nominal attribute: the label)
//   @data
//   -0.11,-2.83,...,1
// '%' starts a comment line; keywords and types are case-insensitive. The
// values of each row are the numeric attributes in order; the nominal one,
// wherever it sits, is the label and must be a declared value. Relational
// (multivariate), string and date attributes, sparse rows and '?' are
// rejected with an error saying so.
Dataset parse_arff(LineSource& lines, const ReadOptions& options);

// sktime/UCR .ts:
//   @problemName ECG5000   @timeStamps false   @missing false
//   @univariate true       @dimensions 1       @equalLength true
//   @seriesLength 140      @classLabel true 1 2 3 4 5
//   @data
//   v1,v2,...,v140:1       (multivariate: dim1:dim2:...:label)
// '#' (or '%', as some archive files have) starts a comment line; keywords
// and true/false are case-insensitive.
// Dimension d of a row becomes channel d. Time stamps, regression targets,
// '?' and series of unequal length are rejected with an error saying so.
Dataset parse_ts(LineSource& lines, const ReadOptions& options);

// The declared values as messages list them ("1,2,3,4,5", cut after 200 bytes).
std::string declared_list(const std::vector<std::string>& values);

}  // namespace ecglens::data_detail
