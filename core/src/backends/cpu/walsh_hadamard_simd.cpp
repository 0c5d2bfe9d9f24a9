// Cache-blocked Walsh–Hadamard transform (unnormalised, in place) with xsimd. It runs the
// textbook radix-2 butterfly network — the same additions on the same pairs as the reference, so
// the result is bit-identical — in a cache-friendly order: (1) each block of 16 or 32 KiB does its
// stages while in L1 (the strides below one SIMD width inside registers); (2) the longer strides
// follow in place, up to three per sweep: first those that stay inside a 512 KiB block, while it is
// in L2, then the rest over all of x (in L3); (3) above 16 MiB, each 16 MiB block is transformed so
// first, and only the last strides sweep over DRAM.
#include <algorithm>
#include <bit>
#include <string>
#include <utility>

#include <xsimd/xsimd.hpp>

#include "backends/cpu/kernels_cpu.h"
#include "backends/cpu/simd_fma.h"
#include "idim/error.h"

namespace idim::cpu {
namespace {

using batch = xsimd::batch<float>;
constexpr size_t lanes = batch::size;
constexpr size_t l1_floats = size_t(1) << 13;       // 32 KiB: a block's stages stay in L1
constexpr size_t l2_floats = size_t(1) << 17;       // 512 KiB: half of L2, for the first strides
constexpr size_t l3_floats = size_t(1) << 22;       // 16 MiB: longer strides go to DRAM
constexpr size_t parallel_from = size_t(1) << 17;   // see walsh_hadamard
constexpr size_t pass_width = 1024;                 // floats of each row per share of a sweep

template <size_t H>
struct PartnerLane {  // lane i exchanges with lane i ^ H
    static constexpr uint32_t get(size_t i, size_t) { return uint32_t(i ^ H); }
};

// The vector with each lane i replaced by lane i ^ H. xsimd's swizzle is a general cross-lane
// permute (vpermps), which is slow on Zen; partners within a 128-bit quarter (H = 1, 2) need only
// an in-lane vpermilps and larger H a swap of 128- or 256-bit blocks. SSE and WebAssembly's
// swizzle already is one cheap shuffle. (The AVX-512 forms are the masked ones with a full mask:
// GCC 12 warns that the unmasked ones' undefined pass-through is used uninitialised.)
template <size_t H>
batch partner(batch x) {
#if XSIMD_WITH_AVX512F
    if constexpr (lanes == 16) {
        const __m512 r = x;
        if constexpr (H == 1) return _mm512_mask_permute_ps(r, 0xFFFF, r, 0xB1);
        if constexpr (H == 2) return _mm512_mask_permute_ps(r, 0xFFFF, r, 0x4E);
        if constexpr (H == 4) return _mm512_mask_shuffle_f32x4(r, 0xFFFF, r, r, 0xB1);
        if constexpr (H == 8) return _mm512_mask_shuffle_f32x4(r, 0xFFFF, r, r, 0x4E);
    }
#elif XSIMD_WITH_AVX
    if constexpr (lanes == 8) {
        const __m256 r = x;
        if constexpr (H == 1) return _mm256_permute_ps(r, 0xB1);
        if constexpr (H == 2) return _mm256_permute_ps(r, 0x4E);
        if constexpr (H == 4) return _mm256_permute2f128_ps(r, r, 0x01);
    }
#endif
    return xsimd::swizzle(x, xsimd::make_batch_constant<xsimd::batch<uint32_t>, PartnerLane<H>>());
}

// One stage with stride H < lanes inside a register. sign is +1 where lane bit H is clear and −1
// where it is set, so fma gives a + b in the lower and a − b in the upper lane of each pair
// (x·±1 is exact: the same rounding as the reference's add and subtract).
template <size_t H>
batch lane_stage(batch x, batch sign) {
    return fused_multiply_add(x, sign, partner<H>(x));
}

struct LaneSigns {
    batch sign[5];  // for H = 1, 2, 4, 8, 16 (up to AVX-512's 16 lanes)
    LaneSigns() {
        for (size_t s = 0; (size_t(1) << s) < lanes; ++s) {
            alignas(64) float v[lanes];
            for (size_t i = 0; i < lanes; ++i) v[i] = (i >> s) & 1 ? -1.0f : 1.0f;
            sign[s] = batch::load_unaligned(v);
        }
    }
};

template <size_t H = 1>
batch lane_stages(batch x, const LaneSigns& signs) {
    if constexpr (H < lanes) {
        constexpr int s = H == 1 ? 0 : H == 2 ? 1 : H == 4 ? 2 : H == 8 ? 3 : 4;
        return lane_stages<2 * H>(lane_stage<H>(x, signs.sign[s]), signs);
    } else {
        return x;
    }
}

// R stages between the 2^R registers v (stage s pairs v[t] with v[t + 2^s]). The sums go to the
// adders; the differences to the FMA pipes as −b·1 + a (the same rounding as a − b), except in
// the first `on_adders` stages, for sweeps whose FMA pipes are busier. Fully unrolled, or v lives
// on the stack: GCC stops unrolling by itself at R = 4.
template <int R, int on_adders = 0>
inline void register_butterflies(batch* v) {
    const batch one(1.0f);
#pragma GCC unroll 4
    for (int s = 0; s < R; ++s)
#pragma GCC unroll 16
        for (int t = 0; t < (1 << R); ++t)
            if (!(t & (1 << s))) {
                const batch a = v[t], b = v[t | (1 << s)];
                v[t] = a + b;
                v[t | (1 << s)] = s < on_adders ? a - b : fused_negated_multiply_add(b, one, a);
            }
}

void scalar_transform(size_t n, float* x) {  // n below one SIMD width
    for (size_t h = 1; h < n; h *= 2)
        for (size_t i = 0; i < n; i += 2 * h)
            for (size_t j = i; j < i + h; ++j) {
                const float a = x[j], b = x[j + h];
                x[j] = a + b;
                x[j + h] = a - b;
            }
}

// A sweep loads each vector once, does up to max_stages stages between vectors in registers and
// stores it: the stores bound it, so fewer sweeps is what counts. Inside an L1 block a sweep holds
// 16 vectors in AVX-512's 32 registers, 8 in the 16 of AVX2, SSE and WebAssembly; the stages of
// `left` spread evenly over the fewest sweeps (four go as two and two, not three and one).
constexpr int max_l1_stages = lanes >= 16 ? 4 : 3;
constexpr int sweeps_for(int stages, int max_stages) {
    return (stages + max_stages - 1) / max_stages;
}
constexpr int stages_per_sweep(int left) {
    const int sweeps = sweeps_for(left, max_l1_stages);
    return left == 0 ? 0 : (left + sweeps - 1) / sweeps;
}
// Longer strides, 4 KiB or more apart, put all rows of a butterfly in one L1 set, which has eight
// ways: sixteen rows thrashed it and ran three times slower than eight.
constexpr int max_stride_stages = 3;
constexpr int log2_of(size_t n) { return int(std::bit_width(n)) - 1; }

// The L1 sweeps' first stage takes its differences on the adders: there the lane stages' FMAs
// already keep the FMA pipes busy (2^20 on two threads 168.6–172.1 µs, against 175.5–178.5 with
// every difference on the FMA pipes and 172.3–179.7 with two stages' differences on the adders;
// the stride sweeps are slower so).
constexpr int l1_differences_on_adders = 1;

// One sweep of R row stages over a block of Rows vectors, the row stride HR a compile-time
// constant: the 2^R rows of a butterfly are one pointer plus constant offsets, where the general
// row_pass kept eight computed addresses and spilled them to the stack in every iteration.
template <size_t Rows, int R, size_t HR>
void fixed_sweep(float* x, const LaneSigns& signs) {
    constexpr int count = 1 << R;
    for (size_t i = 0; i < Rows; i += HR * count)
        for (size_t q = i; q < i + HR; ++q) {
            float* p = x + q * lanes;
            batch v[count];
            for (int t = 0; t < count; ++t) v[t] = batch::load_unaligned(p + t * HR * lanes);
            if constexpr (HR == 1)
                for (int t = 0; t < count; ++t) v[t] = lane_stages(v[t], signs);
            register_butterflies<R, l1_differences_on_adders>(v);
            for (int t = 0; t < count; ++t) v[t].store_unaligned(p + t * HR * lanes);
        }
}

// All stages of Rows vectors in place, the strides inside a vector in the first sweep.
template <size_t Rows, size_t HR = 1>
void fixed_stages(float* x, const LaneSigns& signs) {
    constexpr int r = stages_per_sweep(log2_of(Rows / HR));
    fixed_sweep<Rows, r, HR>(x, signs);
    if constexpr ((HR << r) < Rows) fixed_stages<Rows, (HR << r)>(x, signs);
}

template <size_t... Log2Rows>
void l1_dispatch(float* x, size_t rows, const LaneSigns& signs, std::index_sequence<Log2Rows...>) {
    ((rows == (size_t(1) << Log2Rows) ? fixed_stages<(size_t(1) << Log2Rows)>(x, signs) : void()), ...);
}

// All stages of one block of lanes ≤ n ≤ l1_floats, in L1: the strides below one vector inside
// registers.
void l1_transform(float* x, size_t n, const LaneSigns& signs) {
    constexpr size_t max_log2_rows = std::bit_width(l1_floats / lanes) - 1;
    l1_dispatch(x, n / lanes, signs, std::make_index_sequence<max_log2_rows + 1>());
}

// R stages of strides h … 2^(R−1)·h in place on one share: a group of 2^R rows h floats apart,
// pass_width floats of each. The row pointers are local: through x's stores GCC would reload h.
template <int R>
void stride_share(float* x, size_t h, size_t share) {
    constexpr size_t count = size_t(1) << R;
    const size_t width = std::min(h, pass_width), shares_per_group = h / width;
    float* p = x + share / shares_per_group * count * h + share % shares_per_group * width;
    float* row[count];
    for (size_t t = 0; t < count; ++t) row[t] = p + t * h;
    for (size_t j = 0; j < width; j += lanes) {
        batch v[count];
        for (size_t t = 0; t < count; ++t) v[t] = batch::load_unaligned(row[t] + j);
        register_butterflies<R>(v);
        for (size_t t = 0; t < count; ++t) v[t].store_unaligned(row[t] + j);
    }
}

// One sweep over x; shares are independent: one per thread. No parallel region when serial: the
// L2 blocks call it from inside one, where a nested region cost about half a microsecond a sweep.
template <int R>
void stride_sweep(float* x, size_t n, size_t h, bool parallel) {
    const long shares = long(n / std::min(h, pass_width)) >> R;
    if (!parallel) {
        for (long share = 0; share < shares; ++share) stride_share<R>(x, h, size_t(share));
        return;
    }
#pragma omp parallel for schedule(static)
    for (long share = 0; share < shares; ++share) stride_share<R>(x, h, size_t(share));
}

// The first of the sweeps over `stages` longer strides takes the remainder, the others three, so
// that the strides inside an L2 block are whole sweeps of the same plan.
constexpr int first_stride_sweep(int stages) {
    return stages - max_stride_stages * ((stages - 1) / max_stride_stages);
}

// The stages of strides h … n/2.
void stride_stages(float* x, size_t n, size_t h, bool parallel) {
    for (int r = first_stride_sweep(log2_of(n / h)); h < n; h <<= r, r = max_stride_stages) {
        if (r == 3) stride_sweep<3>(x, n, h, parallel);
        if (r == 2) stride_sweep<2>(x, n, h, parallel);
        if (r == 1) stride_sweep<1>(x, n, h, parallel);
    }
}

// How many of `stages` longer strides are done inside each L2 block: whole sweeps, as many as fit
// l2_floats, and when the blocks are what the threads share, at least one sweep left over all x.
int l2_block_stages(int stages, int fit, bool parallel) {
    int done = 0;
    for (int r = first_stride_sweep(stages); done < stages && done + r <= fit;
         r = max_stride_stages) {
        if (parallel && done + r == stages) break;
        done += r;
    }
    return done;
}

// The L1 block, l1_floats or half of it, whichever needs fewer sweeps in all (a tie takes the
// larger: more of the work in L1). At 2^20 halving saves a sweep: 6 → 5.
size_t l1_block_for(size_t n) {
    const auto sweeps = [n](size_t block) {
        return sweeps_for(log2_of(block / lanes), max_l1_stages) +
               sweeps_for(log2_of(n / block), max_stride_stages);
    };
    return sweeps(l1_floats / 2) < sweeps(l1_floats) ? l1_floats / 2 : l1_floats;
}

// All stages of l1_floats < n ≤ l3_floats: per L2 block its L1 blocks and the strides inside it,
// while it is in L2 (one L3 pass fewer at 2^20: 177 µs on 2 threads against 185 without the L2
// step), then the rest over x.
void cached_transform(float* x, size_t n, bool parallel, const LaneSigns& signs) {
    const size_t block = l1_block_for(n);
    const int stages = log2_of(n / block);
    const size_t l2_block = block << l2_block_stages(stages, log2_of(l2_floats / block), parallel);
    const long n_l2_blocks = long(n / l2_block);
#pragma omp parallel for schedule(static) if (parallel)
    for (long b = 0; b < n_l2_blocks; ++b) {
        float* y = x + b * l2_block;
        for (size_t o = 0; o < l2_block; o += block) l1_transform(y + o, block, signs);
        stride_stages(y, l2_block, block, false);
    }
    stride_stages(x, n, l2_block, parallel);
}

}  // namespace

void walsh_hadamard(size_t n, float* x) {
    if (n == 0 || (n & (n - 1)) != 0)  // the message is built only on failure: Fastfood calls
        throw Error("walsh_hadamard: length " + std::to_string(n) + " is not a power of two");
    if (n < lanes) return scalar_transform(n, x);
    static const LaneSigns signs;
    if (n <= l1_floats) return l1_transform(x, n, signs);
    // No parallel region below parallel_from: Fastfood calls short transforms by the hundred.
    // Above it, blocks and column shares are independent: the same operations on every element
    // whatever the thread count.
    if (n <= l3_floats) return cached_transform(x, n, n >= parallel_from, signs);
    for (size_t b = 0; b < n; b += l3_floats) cached_transform(x + b, l3_floats, true, signs);
    stride_stages(x, n, l3_floats, true);
}

// Fastfood's contract: below kLeadingParallel a fork/join costs more than it saves. Each loop
// writes every element once from the same inputs, so the result does not depend on the threads.
constexpr size_t kLeadingParallel = size_t(1) << 16;

void walsh_hadamard_leading(size_t n, size_t block, size_t rows, float* x) {
    const bool parallel = n >= kLeadingParallel;
#pragma omp parallel for schedule(static) if (parallel)
    for (size_t b = 0; b < n; b += block) walsh_hadamard(block, x + b);
    for (size_t h = block; h < n; h *= 2)
#pragma omp parallel for schedule(static) if (parallel && n / (2 * h) >= 8)
        for (size_t i = 0; i < n; i += 2 * h) {
            float* row = x + i;
            const float* partner = row + h;
            for (size_t k = 0; k < rows; ++k) row[k] = row[k] + partner[k];
        }
}

}  // namespace idim::cpu
