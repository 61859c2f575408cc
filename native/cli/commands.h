// The ecglens command-line tool: one function per subcommand, each adding
// its options to the parser and returning the action to run.
//
// Exit codes: 0 success; 1 the input, the model or an output file was at
// fault (the message says which and where); 2 the command line itself was
// wrong (CLI11 prints the usage).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace ecglens::cli {

using Action = std::function<int()>;

Action add_info(CLI::App& app);
Action add_train(CLI::App& app);
Action add_score(CLI::App& app);
Action add_eval(CLI::App& app);
Action add_export(CLI::App& app);
Action add_synth(CLI::App& app);
Action add_baseline(CLI::App& app);

}  // namespace ecglens::cli
