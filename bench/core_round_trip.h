// How far apart this process's first two CPUs are: the round trip of one cache line between
// them, in nanoseconds. This VM's host moves its two vCPUs, for minutes at a time, between cores
// that share an L3 (a round trip of 51–79 ns here, idle or busy) and cores on different dies
// (300–420 ns); every two-thread result depends on which (Adam's writes to the θ both shards have
// read cost 3–5× more apart), so the two-thread benchmarks record it beside their times and
// bench/run_all.sh samples it through the run (bench/core_round_trip.cpp).
#pragma once
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace idim::bench {

namespace round_trip_detail {

constexpr int kBatches = 30;         // the fastest batch counts: a thread that holds one of the
constexpr int kTripsPerBatch = 200;  // CPUs (a benchmark's) only delays some batches

inline void pin_to(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

inline std::vector<int> allowed_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    sched_getaffinity(0, sizeof set, &set);
    std::vector<int> cpus;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &set)) cpus.push_back(c);
    return cpus;
}

}  // namespace round_trip_detail

// The round trip between the first two CPUs this process may use, or 0 when it may use only one.
// Both sides run on threads of their own, so the caller's affinity is left as it was.
inline double core_round_trip_ns() {
    using namespace round_trip_detail;
    const std::vector<int> cpus = allowed_cpus();
    if (cpus.size() < 2) return 0;
    alignas(64) std::atomic<long> line{0};
    constexpr long last = 2L * kBatches * kTripsPerBatch;
    std::thread answer([&] {  // answers each odd value with the next even one
        pin_to(cpus[1]);
        for (long v = 1; v < last; v += 2) {
            while (line.load(std::memory_order_acquire) != v) {}
            line.store(v + 1, std::memory_order_release);
        }
    });
    double best = 1e300;
    std::thread ask([&] {  // times whole batches
        pin_to(cpus[0]);
        long v = 0;
        for (int b = 0; b < kBatches; ++b) {
            const auto start = std::chrono::steady_clock::now();
            for (int t = 0; t < kTripsPerBatch; ++t, v += 2) {
                line.store(v + 1, std::memory_order_release);
                while (line.load(std::memory_order_acquire) != v + 2) {}
            }
            const std::chrono::duration<double, std::nano> took =
                std::chrono::steady_clock::now() - start;
            best = std::min(best, took.count());
        }
    });
    ask.join();
    answer.join();
    return best / kTripsPerBatch;
}

}  // namespace idim::bench
