// How far apart this process's first two CPUs are: the round trip of one cache line between them,
// in nanoseconds. This VM's host moves its two vCPUs, for minutes at a time, between cores that
// share an L3 (a round trip of ~55 ns) and cores on different dies (~300 ns); every two-thread
// result depends on which (Adam's writes to the θ both shards have read cost 3–5× more apart), so
// bench/run_all.sh samples it through the run and the table says which phases ran apart.
// Usage: core_round_trip [SECONDS]   one line "unix-seconds nanoseconds" per sample: once, or
// every SECONDS until killed.
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kBatches = 30;          // the fastest batch counts: a benchmark thread that holds
constexpr int kTripsPerBatch = 200;   // one of the CPUs only delays some batches

void pin_to(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

std::vector<int> allowed_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    sched_getaffinity(0, sizeof set, &set);
    std::vector<int> cpus;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &set)) cpus.push_back(c);
    return cpus;
}

// The partner answers each odd value with the next even one; the caller times whole batches.
double round_trip_ns(int cpu_a, int cpu_b) {
    alignas(64) std::atomic<long> line{0};
    constexpr long last = 2L * kBatches * kTripsPerBatch;
    std::thread partner([&] {
        pin_to(cpu_b);
        for (long v = 1; v < last; v += 2) {
            while (line.load(std::memory_order_acquire) != v) {}
            line.store(v + 1, std::memory_order_release);
        }
    });
    pin_to(cpu_a);
    double best = 1e300;
    long v = 0;
    for (int b = 0; b < kBatches; ++b) {
        const auto start = Clock::now();
        for (int t = 0; t < kTripsPerBatch; ++t, v += 2) {
            line.store(v + 1, std::memory_order_release);
            while (line.load(std::memory_order_acquire) != v + 2) {}
        }
        best = std::min(best, std::chrono::duration<double, std::nano>(Clock::now() - start).count());
    }
    partner.join();
    return best / kTripsPerBatch;
}

}  // namespace

int main(int argc, char** argv) {
    const double every = argc > 1 ? std::atof(argv[1]) : 0.0;
    if (argc > 2 || every < 0) {
        std::fprintf(stderr, "usage: core_round_trip [SECONDS between samples, > 0]\n");
        return 2;
    }
    const std::vector<int> cpus = allowed_cpus();
    if (cpus.size() < 2) {
        std::fprintf(stderr, "core_round_trip: this process may run on %zu CPU(s); it needs two\n",
                     cpus.size());
        return 1;
    }
    do {
        const double ns = round_trip_ns(cpus[0], cpus[1]);
        const double now =
            std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
        std::printf("%.3f %.1f\n", now, ns);
        std::fflush(stdout);
        if (every > 0) std::this_thread::sleep_for(std::chrono::duration<double>(every));
    } while (every > 0);
}
