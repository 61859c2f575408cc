// ecglens synth: synthetic ECG beats with labelled anomalies, as a
// label-first CSV (label 1 normal; 2 premature ventricular beat, 3 ST
// elevation, 4 ST depression, 5 inverted T wave, 6 noise burst). See
// native/core/ecglens/data/synthetic.h for the morphology.
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "commands.h"
#include "ecglens/data/synthetic.h"
#include "ecglens/util/error.h"

namespace ecglens::cli {
namespace {

struct SynthCommand {
  SynthOptions options;
  std::vector<std::string> types;
  std::string output = "-";
};

int run_synth(const SynthCommand& c) {
  SynthOptions o = c.options;
  if (!c.types.empty()) {
    o.anomaly_types.clear();
    for (const auto& t : c.types) {
      const BeatType type = parse_beat_type(t);
      if (type == BeatType::Normal) throw Error("--types lists anomaly types; 'normal' is not one");
      o.anomaly_types.push_back(type);
    }
  }
  const SyntheticBeats beats = generate_beats(o);
  if (c.output == "-") {
    write_csv(beats, std::cout);
  } else {
    // Written whole to a string first, so a failed write is reported.
    std::ostringstream text;
    write_csv(beats, text);
    std::ofstream file(c.output, std::ios::binary);
    if (!file) throw Error(c.output + ": cannot open for writing");
    file << text.str();
    file.close();
    if (!file) throw Error(c.output + ": writing failed");
  }
  std::map<BeatType, std::size_t> counts;
  for (const BeatType t : beats.types) ++counts[t];
  std::cerr << "synth: " << beats.size() << " beats of " << beats.length << " samples (seed "
            << o.seed << "):";
  for (const auto& [type, n] : counts) std::cerr << " " << to_string(type) << "[" << static_cast<int>(type) << "]=" << n;
  std::cerr << "\n";
  return 0;
}

}  // namespace

Action add_synth(CLI::App& app) {
  auto c = std::make_shared<SynthCommand>();
  app.add_option("-n,--count", c->options.count, "Number of beats")->capture_default_str();
  app.add_option("-f,--anomaly-fraction", c->options.anomaly_fraction,
                 "Share of anomalous beats, 0 to 1")->capture_default_str();
  app.add_option("-s,--seed", c->options.seed, "Random seed (same seed, same beats)")->capture_default_str();
  app.add_option("-l,--length", c->options.length, "Samples per beat")->capture_default_str();
  app.add_option("--noise", c->options.noise, "White-noise standard deviation on every beat")
      ->capture_default_str();
  app.add_option("--types", c->types,
                 "Anomaly types to use (default all): pvc st_elevation st_depression inverted_t noise_burst");
  app.add_option("-o,--output", c->output, "CSV file to write ('-': standard output)")->capture_default_str();
  return [c] { return run_synth(*c); };
}

}  // namespace ecglens::cli
