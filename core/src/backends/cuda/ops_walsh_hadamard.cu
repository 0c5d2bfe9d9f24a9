// The Walsh–Hadamard transform: the stages of strides below kTile run inside shared memory, one
// tile of kTile floats per block; the longer strides run up to three stages per kernel. Stages go in
// increasing stride with correctly rounded + and − (walsh_hadamard_body.h): the reference's bits.
#include "backends/cuda/launch.cuh"
#include "backends/cuda/ops.h"
#include "backends/cuda/walsh_hadamard_body.h"
#include "idim/error.h"

namespace idim::cuda {
namespace {

constexpr size_t kTile = 2048;   // floats per block (8 KiB of shared memory)
constexpr unsigned kTileThreads = kTile / 2;   // a thread per butterfly of a stage

// Stages h = 1 … tile/2 of each tile of `tile` floats (a power of two, ≤ kTile).
__global__ void __launch_bounds__(kTileThreads) wht_tile_stages(float* x, size_t tile) {
    __shared__ float s[kTile];
    float* base = x + size_t(blockIdx.x) * tile;
    for (size_t i = threadIdx.x; i < tile; i += blockDim.x) s[i] = base[i];
    __syncthreads();
    for (size_t h = 1; h < tile; h *= 2) {
        for (size_t t = threadIdx.x; t < tile / 2; t += blockDim.x) cuda_body::wht_butterfly(s, h, t);
        __syncthreads();
    }
    for (size_t i = threadIdx.x; i < tile; i += blockDim.x) base[i] = s[i];
}

// Stages 1 … block/2 of every block of `block` floats, block ≤ n.
void blocks_transform(size_t n, size_t block, float* x) {
    if (block < 2) return;
    const size_t tile = block < kTile ? block : kTile;
    wht_tile_stages<<<unsigned(n / tile), unsigned(tile / 2 < kTileThreads ? tile / 2 : kTileThreads),
                      0, context().stream()>>>(x, tile);
    check_launch("walsh_hadamard (tiles)");
    for (size_t h = tile; h < block;) {   // up to three stages a pass
        int k = 1;
        while (k < 3 && (h << (k + 1)) <= block) ++k;
        const char* what = "walsh_hadamard (stages)";
        if (k == 1) for_each(n >> 1, [=] __device__(size_t t) { cuda_body::wht_stages<1>(x, h, t); }, what);
        else if (k == 2) for_each(n >> 2, [=] __device__(size_t t) { cuda_body::wht_stages<2>(x, h, t); }, what);
        else for_each(n >> 3, [=] __device__(size_t t) { cuda_body::wht_stages<3>(x, h, t); }, what);
        h <<= k;
    }
}

bool power_of_two(size_t n) { return n > 0 && (n & (n - 1)) == 0; }

}  // namespace

void walsh_hadamard(size_t n, float* x) {
    require(power_of_two(n), "walsh_hadamard: length ", n, " is not a power of two");
    blocks_transform(n, n, x);
}

void walsh_hadamard_leading(size_t n, size_t block, size_t rows, float* x) {
    require(power_of_two(n) && power_of_two(block) && rows <= block && block <= n,
            "walsh_hadamard_leading: needs n and block powers of two, rows ≤ block ≤ n; got n = ", n,
            ", block = ", block, ", rows = ", rows);
    blocks_transform(n, block, x);
    for (size_t h = block; h < n; h *= 2)
        for_each(n / (2 * h) * rows, [=] __device__(size_t t) {
            cuda_body::wht_leading_add(x, h, rows, t);
        }, "walsh_hadamard_leading (stage)");
}

}  // namespace idim::cuda
