// idim: measure the intrinsic dimension of learning tasks (Li et al. 2018) from the command line.
// Parses with CLI11, runs the chosen subcommand, and turns bad input (CLI11's parse errors and
// every idim::Error) into "idim: error: ..." on stderr with exit code 2, as the README promises.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "commands.h"
#include "idim/error.h"
#include "training_run.h"

namespace {

// CLI11's own exit codes (104, 114, ...) say which of its checks failed; a caller only needs to
// tell bad input (2) from the other failures, so a parse error reads as any other bad input.
int parse_error(const CLI::App& app, const CLI::ParseError& e) {
    std::string help = "idim";
    for (const CLI::App* sub : app.get_subcommands()) help += " " + sub->get_name();
    std::fprintf(stderr, "idim: error: %s\nrun '%s --help' for the options\n", e.what(),
                 help.c_str());
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace idim::cli;
    CLI::App app("idim " IDIM_VERSION ": intrinsic dimension of learning tasks by random-subspace "
                 "training (Li et al. 2018)", "idim");
    app.set_version_flag("--version", "idim " IDIM_VERSION);
    app.require_subcommand(1);
    std::vector<Command> commands = {add_info_command(app), add_train_command(app),
                                     add_subspace_command(app), add_sweep_command(app),
                                     add_dint_command(app), add_bound_command(app),
                                     add_eval_command(app), add_msf_command(app)};
    refuse_negative_unsigned(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version end the parse as "errors" with exit code 0; CLI11 prints them.
        if (e.get_exit_code() == 0) return app.exit(e);
        return parse_error(app, e);
    }
    install_interrupt_handler();
    try {
        for (const Command& c : commands)
            if (c.app->parsed()) return c.run();
    } catch (const idim::Error& e) {
        std::fprintf(stderr, "idim: error: %s\n", e.what());
        return 2;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "idim: error: out of memory\n");
        return 3;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "idim: internal error: %s\n", e.what());
        return 4;
    }
    return 1;
}
