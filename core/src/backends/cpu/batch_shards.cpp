// Data parallelism for the "cpu" backend: sub-batches of one training step on OpenMP threads.
// With the kernels threaded instead, FC's step on 2 threads would meet at ~20 joins per step, and
// every layer's output would be half in the other core's cache when the next kernel reads it.
#include <algorithm>
#include <exception>
#include <vector>

#include "backends/cpu/kernels_cpu.h"
#include "backends/cpu/parallel_chunks.h"

namespace idim::cpu {

// One shard per thread; from inside a shard (or a run pool that set one thread) no further split.
int batch_shards() { return in_parallel_region() ? 1 : gemm_thread_count(); }

void run_shards(int shards, const std::function<void(int)>& f) {
    if (shards == 1) return f(0);  // no region: the kernels inside share out their own work
    std::vector<std::exception_ptr> errors(size_t(std::max(shards, 0)));
#pragma omp parallel for num_threads(shards) schedule(static, 1)
    for (int s = 0; s < shards; ++s) {
        try {
            f(s);
        } catch (...) {  // an exception must not leave an OpenMP region
            errors[size_t(s)] = std::current_exception();
        }
    }
    for (const std::exception_ptr& e : errors)
        if (e) std::rethrow_exception(e);
}

}  // namespace idim::cpu
