// idim: measure the intrinsic dimension of learning tasks (Li et al. 2018) from the command line.
// Parses with CLI11, runs the chosen subcommand, and turns every idim::Error into
// "idim: error: ..." on stderr with exit code 2 (CLI11's own parse errors keep its messages).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <new>
#include <vector>

#include "commands.h"
#include "idim/error.h"
#include "training_run.h"

int main(int argc, char** argv) {
    using namespace idim::cli;
    CLI::App app("idim " IDIM_VERSION ": intrinsic dimension of learning tasks by random-subspace "
                 "training (Li et al. 2018)", "idim");
    app.set_version_flag("--version", "idim " IDIM_VERSION);
    app.require_subcommand(1);
    std::vector<Command> commands = {add_info_command(app), add_train_command(app),
                                     add_subspace_command(app), add_sweep_command(app),
                                     add_dint_command(app)};
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
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
