// Softmax cross-entropy of the "cpu" backend: per row, the first maximum (argmax and the shift
// that keeps exp from overflowing), exp with xsimd, the loss in double, and the gradient
// (softmax − onehot) / batch. The same first-maximum rule as the reference decides ties.
#include <cmath>
#include <string>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "backends/cpu/kernels_cpu.h"
#include "idim/error.h"

namespace idim::cpu {
namespace {

using batch = xsimd::batch<float>;
constexpr int lanes = int(batch::size);

int first_max_index(int classes, const float* z) {
    int best = 0;
    for (int c = 1; c < classes; ++c)
        if (z[c] > z[best]) best = c;
    return best;
}

// e(classes) = exp(z - shift); returns Σ e in double.
double shifted_exp(int classes, const float* z, float shift, float* e) {
    const batch vs(shift);
    batch acc(0.0f);
    int c = 0;
    for (; c + lanes <= classes; c += lanes) {
        batch v = xsimd::exp(batch::load_unaligned(z + c) - vs);
        v.store_unaligned(e + c);
        acc += v;
    }
    double sum = xsimd::hadd(acc);
    for (; c < classes; ++c) sum += e[c] = std::exp(z[c] - shift);
    return sum;
}

}  // namespace

double softmax_cross_entropy(int batch_size, int classes, const float* logits,
                             const int32_t* labels, float* dlogits, int* n_correct) {
    require(batch_size >= 0 && classes >= 1,
            "softmax_cross_entropy: need batch >= 0 and classes >= 1, got batch=", batch_size,
            " classes=", classes);
    std::vector<float> scratch(dlogits ? 0 : size_t(classes));
    double loss = 0;
    int correct = 0;
    for (int b = 0; b < batch_size; ++b) {
        const int label = labels[b];
        require(label >= 0 && label < classes, "softmax_cross_entropy: label ", label, " of row ", b,
                " is outside [0, ", classes, ")");
        const float* z = logits + size_t(b) * classes;
        float* e = dlogits ? dlogits + size_t(b) * classes : scratch.data();
        const int best = first_max_index(classes, z);
        const double sum = shifted_exp(classes, z, z[best], e);
        loss += std::log(sum) + z[best] - z[label];
        correct += best == label;
        if (!dlogits) continue;
        const double to_grad = 1.0 / (sum * batch_size);  // e / Σe / batch
        const double label_p = e[label] / sum;
        const batch vg(static_cast<float>(to_grad));
        int c = 0;
        for (; c + lanes <= classes; c += lanes) (batch::load_unaligned(e + c) * vg).store_unaligned(e + c);
        for (; c < classes; ++c) e[c] = float(e[c] * to_grad);
        e[label] = float((label_p - 1.0) / batch_size);  // p − 1 in double: no cancellation loss
    }
    if (n_correct) *n_correct = correct;
    return loss;
}

}  // namespace idim::cpu
