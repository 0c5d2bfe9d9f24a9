// Whether this process's first two CPUs share an L3 now (see core_round_trip.h): the round trip
// of a cache line between them, in nanoseconds, once or every SECONDS until killed.
// Usage: core_round_trip [SECONDS]   one line "unix-seconds nanoseconds" per sample
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "core_round_trip.h"

int main(int argc, char** argv) {
    const double every = argc > 1 ? std::atof(argv[1]) : 0.0;
    if (argc > 2 || every < 0) {
        std::fprintf(stderr, "usage: core_round_trip [SECONDS between samples, > 0]\n");
        return 2;
    }
    do {
        const double ns = idim::bench::core_round_trip_ns();
        if (ns == 0) {
            std::fprintf(stderr, "core_round_trip: this process may run on one CPU only\n");
            return 1;
        }
        const std::chrono::duration<double> now = std::chrono::system_clock::now().time_since_epoch();
        std::printf("%.3f %.1f\n", now.count(), ns);
        std::fflush(stdout);
        if (every > 0) std::this_thread::sleep_for(std::chrono::duration<double>(every));
    } while (every > 0);
}
