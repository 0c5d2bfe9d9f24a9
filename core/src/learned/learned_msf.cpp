// MSF and the PCA subspace (msf.h). The auto-encoder is small (D' × h and d_I × D' weights), so
// its forward and backward passes run on the host with Eigen; each task's network runs on the
// backend, reached through P as in any subspace run: θ_t = θ0 + P·dec(z_t), and the task's
// gradient comes back as Pᵀ·∇θ.
#include "idim/msf.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "idim/buffer.h"
#include "idim/error.h"
#include "idim/optimizer.h"
#include "idim/rng.h"

namespace idim {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstVec = Eigen::Map<const Eigen::VectorXf>;

void check_family(std::span<const MsfTask> tasks, const Projection& p,
                  std::span<const float> theta0, const MsfConfig& c) {
    require(!tasks.empty(), "MSF: the task family is empty");
    require(p.dim_full() == theta0.size(), "MSF: P maps to ", p.dim_full(),
            " parameters but θ0 has ", theta0.size());
    require(c.dim_intrinsic >= 1 && size_t(c.dim_intrinsic) <= p.dim_sub(), "MSF: d_I = ",
            c.dim_intrinsic, " must be between 1 and D' = ", p.dim_sub());
    require(c.epochs >= 1 && c.batch >= 1, "MSF: epochs and batch must be at least 1");
    require(std::isfinite(c.alpha) && c.alpha >= 0, "MSF: α must be non-negative, got ", c.alpha);
    require(std::isfinite(c.lr) && c.lr > 0, "MSF: the learning rate must be positive");
    for (size_t t = 0; t < tasks.size(); ++t) {
        require(tasks[t].adaptation.size() == p.dim_sub(), "MSF: task ", t, "'s adaptation has ",
                tasks[t].adaptation.size(), " numbers but P has D' = ", p.dim_sub(), " columns");
        require(tasks[t].task->dim() == theta0.size(), "MSF: task ", t, "'s network has ",
                tasks[t].task->dim(), " parameters, θ0 ", theta0.size());
        require(tasks[t].task->train_size() >= 1, "MSF: task ", t, " has no training data");
    }
}

// The start: fan-in Gaussians for E, W1 and W2, zero biases except b2 = the mean adaptation (the
// decoder starts at the family's centre); W2 is scaled by the adaptations' spread around it.
std::vector<float> initial_weights(std::span<const MsfTask> tasks, const Decoder& shape,
                                   size_t n_encoder, uint64_t seed) {
    const int in = shape.dim_in, h = shape.hidden, out = shape.dim_out;
    Eigen::VectorXf mean = Eigen::VectorXf::Zero(out);
    for (const MsfTask& t : tasks) mean += ConstVec(t.adaptation.data(), out);
    mean /= float(tasks.size());
    double spread = 0;
    for (const MsfTask& t : tasks) spread += (ConstVec(t.adaptation.data(), out) - mean).squaredNorm();
    spread = std::sqrt(spread / (double(tasks.size()) * out));

    std::vector<float> w(n_encoder + shape.weights.size(), 0.0f);
    std::vector<double> normals(w.size());
    CounterRng(seed, Stream::learned).normals(0, normals.size(), normals.data());
    auto fill = [&](size_t at, size_t n, double stddev) {
        for (size_t i = at; i < at + n; ++i) w[i] = float(stddev * normals[i]);
    };
    fill(0, size_t(in) * out, 1 / std::sqrt(double(out)));                 // E (d_I × D')
    const size_t d0 = n_encoder, w2 = d0 + size_t(h) * in + h, b2 = w2 + size_t(out) * h;
    fill(d0, size_t(h) * in, 1 / std::sqrt(double(in)));                    // W1 (h × d_I)
    fill(w2, size_t(out) * h, std::max(spread, 1e-3) / std::sqrt(double(h)));   // W2 (D' × h)
    for (int i = 0; i < out; ++i) w[b2 + i] = mean[i];
    return w;
}

}  // namespace

MsfResult train_msf(Backend& be, std::span<const MsfTask> tasks, Projection& projection,
                    std::span<const float> theta0, const MsfConfig& c) {
    check_family(tasks, projection, theta0, c);
    const int in = c.dim_intrinsic, out = int(projection.dim_sub());
    Decoder dec{DecoderKind::mlp, in, c.hidden, out, {}};
    dec.weights.resize(decoder_weight_count(dec.kind, in, c.hidden, out));
    const size_t n_encoder = size_t(in) * out + in;
    std::vector<float> params = initial_weights(tasks, dec, n_encoder, c.seed);
    std::vector<float> grad(params.size());

    OptimizerConfig adam;
    adam.kind = OptimizerKind::adam;
    adam.lr = c.lr;
    adam.schedule = Schedule::cosine;
    Optimizer optimizer(be, adam, params.size());
    Buffer<float> params_be(be, std::span<const float>(params)), grad_be(be, params.size());
    Buffer<float> theta0_be(be, theta0), theta(be, theta0.size()), dtheta(be, theta0.size());
    Buffer<float> x_be(be, size_t(out));

    size_t mean_size = 0;
    for (const MsfTask& t : tasks) mean_size += t.task->train_size();
    const int64_t steps_per_epoch = std::max<int64_t>(1, int64_t(mean_size / tasks.size()) / c.batch);
    const CounterRng batches(c.seed, Stream::learned);
    uint64_t draw = uint64_t(1) << 40;   // batch draws follow the weights' normals in the stream
    std::vector<float> x_hat(out), gx(out), gz(in);
    std::vector<uint32_t> batch(c.batch);

    MsfResult result;
    for (int epoch = 0; epoch < c.epochs; ++epoch) {
        MsfEpoch record;
        for (int64_t s = 0; s < steps_per_epoch; ++s) {
            std::copy(params.begin() + n_encoder, params.end(), dec.weights.begin());
            std::fill(grad.begin(), grad.end(), 0.0f);
            Eigen::Map<const RowMatrix> E(params.data(), in, out);
            Eigen::Map<RowMatrix> gE(grad.data(), in, out);
            for (const MsfTask& t : tasks) {
                ConstVec x(t.adaptation.data(), out);
                const Eigen::VectorXf z = E * x + ConstVec(params.data() + size_t(in) * out, in);
                decode(dec, z.data(), x_hat.data());
                x_be.upload(x_hat);
                projection.expand_onto(be, x_be.data(), theta0_be.data(), theta.data());
                for (uint32_t& i : batch) i = batches.below(draw++, uint32_t(t.task->train_size()));
                const Metrics m = t.task->loss_and_grad(be, theta.data(), batch, dtheta.data());
                projection.contract(be, dtheta.data(), x_be.data());
                be.download(x_be.data(), size_t(out) * sizeof(float), gx.data());
                // α·‖r‖²/D' with r = x̂ − x adds (2α/D')·r to ∂x̂.
                const Eigen::VectorXf r = Eigen::Map<Eigen::VectorXf>(x_hat.data(), out) - x;
                Eigen::Map<Eigen::VectorXf>(gx.data(), out) += float(2 * c.alpha / out) * r;
                decode_backward(dec, z.data(), gx.data(), gz.data(), grad.data() + n_encoder);
                const ConstVec g(gz.data(), in);
                gE += g * x.transpose();
                Eigen::Map<Eigen::VectorXf>(grad.data() + size_t(in) * out, in) += g;
                record.task_loss += m.loss;
                record.reconstruction += r.squaredNorm() / out;
            }
            require(std::isfinite(record.task_loss) && std::isfinite(record.reconstruction),
                    "MSF: the loss diverged in epoch ", epoch + 1, " (try a lower --msf-lr)");
            grad_be.upload(grad);
            optimizer.step(scheduled_lr(adam, epoch + double(s) / steps_per_epoch, c.epochs),
                           grad_be.data(), params_be.data());
            params = params_be.download();
        }
        const double n = double(steps_per_epoch) * tasks.size();
        record.task_loss /= n;
        record.reconstruction /= n;
        result.epochs.push_back(record);
    }
    std::copy(params.begin() + n_encoder, params.end(), dec.weights.begin());
    result.decoder = std::move(dec);
    return result;
}

Decoder pca_decoder(std::span<const std::vector<float>> adaptations, int dim_intrinsic) {
    require(!adaptations.empty(), "PCA: no adaptations");
    const size_t t = adaptations.size(), out = adaptations[0].size();
    require(dim_intrinsic >= 1 && size_t(dim_intrinsic) < t, "PCA: d_I = ", dim_intrinsic,
            " needs at least d_I + 1 adaptations (", t, " given): T adaptations span T − 1 "
            "directions around their mean");
    Eigen::MatrixXd X(t, out);
    for (size_t i = 0; i < t; ++i) {
        require(adaptations[i].size() == out, "PCA: adaptation ", i, " has ",
                adaptations[i].size(), " numbers, the first ", out);
        X.row(i) = ConstVec(adaptations[i].data(), out).cast<double>().transpose();
    }
    const Eigen::RowVectorXd mean = X.colwise().mean();
    X.rowwise() -= mean;
    Eigen::BDCSVD<Eigen::MatrixXd> svd(X, Eigen::ComputeThinV);   // singular values descending
    Decoder dec{DecoderKind::linear, dim_intrinsic, 0, int(out), {}};
    dec.weights.resize(decoder_weight_count(dec.kind, dim_intrinsic, 0, int(out)));
    Eigen::Map<RowMatrix> W(dec.weights.data(), out, dim_intrinsic);
    W = svd.matrixV().leftCols(dim_intrinsic).cast<float>();
    for (size_t i = 0; i < out; ++i) dec.weights[out * dim_intrinsic + i] = float(mean[i]);
    return dec;
}

}  // namespace idim
