// Optimiser updates of the "cpu" backend with xsimd (formulas in optimizer.h). Momentum SGD and
// Adam's moment updates perform the reference's float operations in its order (bit-identical);
// Adam's parameter step runs in float where the reference uses double (a few ulp of the step).
#include <cmath>
#include <string>

#include <xsimd/xsimd.hpp>

#include "backends/cpu/kernels_cpu.h"
#include "backends/cpu/parallel_chunks.h"
#include "idim/error.h"

namespace idim::cpu {
namespace {
using batch = xsimd::batch<float>;
constexpr size_t lanes = batch::size;

void sgd_momentum_run(size_t n, float lr, float momentum, const float* grad, float* velocity,
                      float* param) {
    const batch vlr(lr), vmu(momentum);
    size_t i = 0;
    for (; i + lanes <= n; i += lanes) {
        batch v = vmu * batch::load_unaligned(velocity + i) + batch::load_unaligned(grad + i);
        v.store_unaligned(velocity + i);
        (batch::load_unaligned(param + i) - vlr * v).store_unaligned(param + i);
    }
    for (; i < n; ++i) {
        velocity[i] = momentum * velocity[i] + grad[i];
        param[i] -= lr * velocity[i];
    }
}

void adam_run(size_t n, float lr_t, float beta1, float beta2, float epsilon, const float* grad,
              float* m, float* v, float* param) {
    const float one_minus_b1 = 1 - beta1, one_minus_b2 = 1 - beta2;
    const batch vb1(beta1), vb2(beta2), vc1(one_minus_b1), vc2(one_minus_b2), vlr(lr_t),
        veps(epsilon);
    size_t i = 0;
    for (; i + lanes <= n; i += lanes) {
        // θ is loaded before m and v are stored: loaded after them it measured 116 against
        // 105 µs on 2 threads (FC's D), its load held up behind those stores.
        const batch p = batch::load_unaligned(param + i);
        const batch g = batch::load_unaligned(grad + i);
        const batch mi = vb1 * batch::load_unaligned(m + i) + vc1 * g;
        const batch vi = vb2 * batch::load_unaligned(v + i) + vc2 * g * g;
        mi.store_unaligned(m + i);
        vi.store_unaligned(v + i);
        (p - vlr * mi / (xsimd::sqrt(vi) + veps)).store_unaligned(param + i);
    }
    for (; i < n; ++i) {
        m[i] = beta1 * m[i] + one_minus_b1 * grad[i];
        v[i] = beta2 * v[i] + one_minus_b2 * grad[i] * grad[i];
        param[i] -= lr_t * m[i] / (std::sqrt(v[i]) + epsilon);
    }
}

}  // namespace

// v = μ·v + g; p -= lr·v
void sgd_momentum_step(size_t n, float lr, float momentum, const float* grad, float* velocity,
                       float* param) {
    over_chunks(n, [&](size_t begin, size_t count) {
        sgd_momentum_run(count, lr, momentum, grad + begin, velocity + begin, param + begin);
    });
}

// m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g·g; p -= lr_t·m/(√v + ε), lr_t = lr·√(1−β2^t)/(1−β1^t)
void adam_step(size_t n, float lr, float beta1, float beta2, float epsilon, int64_t step,
               const float* grad, float* m, float* v, float* param) {
    require(step >= 1, "adam_step: step counts from 1, got ", step);
    const float lr_t = float(lr * std::sqrt(1.0 - std::pow(double(beta2), double(step))) /
                             (1.0 - std::pow(double(beta1), double(step))));
    over_chunks(n, [&](size_t begin, size_t count) {
        adam_run(count, lr_t, beta1, beta2, epsilon, grad + begin, m + begin, v + begin,
                 param + begin);
    });
}

}  // namespace idim::cpu
