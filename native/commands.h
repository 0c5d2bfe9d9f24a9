// The subcommands: each registers its flags on the root app and returns what to run once
// parsing picked it (one file each: cmd_info.cpp, cmd_train.cpp, cmd_subspace.cpp, cmd_sweep.cpp,
// cmd_dint.cpp, cmd_bound.cpp, cmd_eval.cpp, cmd_msf.cpp). A run returns the process exit code;
// bad input throws idim::Error.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace idim::cli {

struct Command {
    CLI::App* app;
    std::function<int()> run;
};

Command add_info_command(CLI::App& root);
Command add_train_command(CLI::App& root);
Command add_subspace_command(CLI::App& root);
Command add_sweep_command(CLI::App& root);
Command add_dint_command(CLI::App& root);
Command add_bound_command(CLI::App& root);
Command add_eval_command(CLI::App& root);
Command add_msf_command(CLI::App& root);

constexpr int kExitInterrupted = 130;   // as a shell reports SIGINT

}  // namespace idim::cli
