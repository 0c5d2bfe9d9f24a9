// Learned subspaces (learned_subspace.h, msf.h): the decoder and its weight gradients against
// finite differences, IST's gradient ∂v = J_decᵀ·Pᵀ·∇θ against finite differences of a smooth loss
// of θ for both decoders, PCA recovering a family that lies in a d_I-dimensional plane, MSF
// lowering its loss on a tiny family, and learned subspace files: round trip and refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "expect_error.h"
#include "idim/buffer.h"
#include "idim/learned_subspace.h"
#include "idim/model_file.h"
#include "idim/msf.h"
#include "idim/pretrained.h"
#include "idim/subspace.h"
#include "idim/trainer.h"
#include "normal_vector.h"
#include "synthetic_data.h"

namespace idim {
namespace {

using testing::expect_error;
using testing::random_vector;

constexpr size_t kDimFull = 1000;

Decoder random_decoder(DecoderKind kind, int in, int hidden, int out, unsigned seed) {
    Decoder d{kind, in, hidden, out, {}};
    d.weights = random_vector(decoder_weight_count(kind, in, hidden, out), seed);
    for (float& w : d.weights) w *= 0.4f;   // tanh away from saturation
    return d;
}

std::unique_ptr<Projection> fastfood(size_t dim_sub) {
    ProjectionSpec spec;
    spec.dim_full = kDimFull;
    spec.dim_sub = dim_sub;
    spec.seed = 5;
    return make_projection(default_backend(), spec);
}

TEST(Decoder, LinearIsWTimesVPlusB) {
    const Decoder d = random_decoder(DecoderKind::linear, 3, 0, 5, 1);
    const std::vector<float> v = {0.5f, -1.0f, 2.0f};
    std::vector<float> x(5);
    decode(d, v.data(), x.data());
    for (int i = 0; i < 5; ++i) {
        double expect = d.weights[15 + i];
        for (int j = 0; j < 3; ++j) expect += double(d.weights[i * 3 + j]) * v[j];
        EXPECT_NEAR(x[i], expect, 1e-5) << i;
    }
}

// ⟨gx, dec(v)⟩ is smooth in every weight and in v; central differences at h = 1e-2 are exact to
// O(h²) there, which the tolerance covers, while a missing or wrong term (1 − a², a transpose)
// is off by far more.
TEST(Decoder, BackwardMatchesFiniteDifferences) {
    for (DecoderKind kind : {DecoderKind::linear, DecoderKind::mlp}) {
        Decoder d = random_decoder(kind, 4, kind == DecoderKind::mlp ? 6 : 0, 9, 2);
        const auto v = random_vector(4, 3), gx = random_vector(9, 4);
        std::vector<float> gv(4), gw(d.weights.size(), 0.0f), x(9);
        decode_backward(d, v.data(), gx.data(), gv.data(), gw.data());
        auto objective = [&](const Decoder& dd, const std::vector<float>& vv) {
            decode(dd, vv.data(), x.data());
            double s = 0;
            for (int i = 0; i < 9; ++i) s += double(gx[i]) * x[i];
            return s;
        };
        const float h = 1e-2f;
        for (size_t k = 0; k < d.weights.size(); ++k) {
            Decoder up = d, down = d;
            up.weights[k] += h;
            down.weights[k] -= h;
            const double fd = (objective(up, v) - objective(down, v)) / (2 * h);
            EXPECT_NEAR(gw[k], fd, 2e-3 + 1e-3 * std::abs(fd)) << to_string(kind) << " weight " << k;
        }
        for (size_t k = 0; k < v.size(); ++k) {
            auto up = v, down = v;
            up[k] += h;
            down[k] -= h;
            const double fd = (objective(d, up) - objective(d, down)) / (2 * h);
            EXPECT_NEAR(gv[k], fd, 2e-3 + 1e-3 * std::abs(fd)) << to_string(kind) << " v " << k;
        }
    }
}

// L(θ) = ½Σ w_i θ_i² + Σ c_i θ_i through θ = θ0 + P·dec(v): contract() against central
// differences in float64 of L, on the default backend (the remote.* variant checks that the
// parametrization keeps to upload and download).
TEST(LearnedParametrization, GradientMatchesFiniteDifferences) {
    Backend& be = default_backend();
    const auto w = random_vector(kDimFull, 11, 1.0f), c = random_vector(kDimFull, 12);
    const auto theta0 = random_vector(kDimFull, 1);
    for (DecoderKind kind : {DecoderKind::linear, DecoderKind::mlp}) {
        const int d_i = 6, out = 40;
        auto param = learned_parametrization(be, theta0, fastfood(out),
                                             random_decoder(kind, d_i, kind == DecoderKind::mlp ? 8 : 0, out, 3), 7);
        ASSERT_EQ(param->trainable_count(), size_t(d_i));
        auto loss = [&](const std::vector<float>& v) {
            Buffer<float> vb(be, v), theta(be, kDimFull);
            param->expand(be, vb.data(), theta.data());
            const auto t = theta.download();
            double s = 0;
            for (size_t i = 0; i < kDimFull; ++i) s += 0.5 * w[i] * double(t[i]) * t[i] + c[i] * double(t[i]);
            return std::pair{s, t};
        };
        const auto v = random_vector(d_i, 13);
        const auto [value, theta] = loss(v);
        std::vector<float> dtheta(kDimFull);
        for (size_t i = 0; i < kDimFull; ++i) dtheta[i] = float(double(w[i]) * theta[i] + c[i]);
        Buffer<float> vb(be, v), dt(be, dtheta), g(be, size_t(d_i));
        param->contract(be, vb.data(), dt.data(), g.data());
        const auto grad = g.download();
        const float h = 1e-2f;
        for (int k = 0; k < d_i; ++k) {
            auto up = v, down = v;
            up[k] += h;
            down[k] -= h;
            const double fd = (loss(up).first - loss(down).first) / (2 * h);
            EXPECT_NEAR(grad[k], fd, 1e-2 + 2e-3 * std::abs(fd)) << to_string(kind) << " v " << k;
        }
    }
}

TEST(LearnedParametrization, StartsAtDecodedSmallNormalV) {
    Backend& be = default_backend();
    const auto theta0 = random_vector(kDimFull, 1);
    auto param = learned_parametrization(be, theta0, fastfood(30),
                                         random_decoder(DecoderKind::linear, 200, 0, 30, 3), 7);
    Buffer<float> v(be, size_t(200));
    param->init_trainable(be, v.data());
    double sum_sq = 0;
    for (float x : v.download()) sum_sq += double(x) * x;
    EXPECT_NEAR(std::sqrt(sum_sq / 200), default_ist_init_stddev, 0.004);   // σ = 0.02
    EXPECT_EQ(param->name(), "learned-linear/fastfood");
}

TEST(LearnedParametrization, RefusesADecoderThatDoesNotFitP) {
    Backend& be = default_backend();
    const auto theta0 = random_vector(kDimFull, 1);
    expect_error([&] {
        learned_parametrization(be, theta0, fastfood(30), random_decoder(DecoderKind::mlp, 2, 4, 20, 3), 0);
    }, {"D' = 20", "30 columns"});
    Decoder short_weights = random_decoder(DecoderKind::mlp, 2, 4, 30, 3);
    short_weights.weights.pop_back();
    expect_error([&] { learned_parametrization(be, theta0, fastfood(30), short_weights, 0); },
                 {"decoder", "weights"});
}

TEST(Pca, RecoversAFamilyInAPlane) {
    // 6 adaptations μ + A·c_t with A (50 × 2): two principal directions reconstruct them exactly.
    const int out = 50;
    const auto mu = random_vector(out, 1), a = random_vector(out * 2, 2), c = random_vector(12, 3);
    std::vector<std::vector<float>> xs;
    for (int t = 0; t < 6; ++t) {
        std::vector<float> x(out);
        for (int i = 0; i < out; ++i) x[i] = mu[i] + a[i * 2] * c[t * 2] + a[i * 2 + 1] * c[t * 2 + 1];
        xs.push_back(x);
    }
    const Decoder d = pca_decoder(xs, 2);
    for (const auto& x : xs) {
        std::vector<float> v(2, 0.0f), back(out);
        for (int j = 0; j < 2; ++j)   // v = Wᵀ·(x − b): W's columns are orthonormal
            for (int i = 0; i < out; ++i) v[j] += d.weights[i * 2 + j] * (x[i] - d.weights[out * 2 + i]);
        decode(d, v.data(), back.data());
        for (int i = 0; i < out; ++i) EXPECT_NEAR(back[i], x[i], 1e-4);
    }
    const Decoder one = pca_decoder(xs, 1);   // one direction cannot
    double err = 0;
    for (const auto& x : xs) {
        std::vector<float> v(1, 0.0f), back(out);
        for (int i = 0; i < out; ++i) v[0] += one.weights[i] * (x[i] - one.weights[out + i]);
        decode(one, v.data(), back.data());
        for (int i = 0; i < out; ++i) err += std::abs(back[i] - x[i]);
    }
    EXPECT_GT(err, 1.0);
    expect_error([&] { pca_decoder(xs, 6); }, {"d_I = 6", "6 given"});
}

// Four two-class tasks on Gaussian blobs (the classes' order swapped in two), each adapted in a
// 20-dimensional subspace of a small network; MSF with d_I = 2 must lower both parts of its loss.
TEST(Msf, LowersItsLossOnATinyFamily) {
    Backend& be = default_backend();
    std::vector<std::unique_ptr<Task>> tasks;
    for (int t = 0; t < 4; ++t) {
        DataSplit split{testing::gaussian_blobs(120, 2, 6, 10 + t), testing::gaussian_blobs(60, 2, 6, 20 + t), "blobs"};
        if (t % 2) for (auto& l : split.train.labels) l = 1 - l;
        tasks.push_back(classification_task(make_model({ModelKind::fc, {8}}, {1, 1, 6}, 2), split));
    }
    SubspaceSpec spec;
    spec.d = 20;
    spec.seed = 3;
    TrainConfig config = subspace_train_config();
    config.epochs = 4;
    config.batch = 32;
    std::vector<MsfTask> family;
    for (auto& task : tasks) {
        auto param = make_parametrization(be, *task, spec);
        family.push_back({task.get(), train(be, *task, *param, config).trainable});
    }
    const std::vector<float> theta0 = initial_params(*tasks[0], spec);
    auto projection = make_projection(be, projection_spec(spec, tasks[0]->dim(), tasks[0]->param_groups()));
    MsfConfig msf;
    msf.dim_intrinsic = 2;
    msf.hidden = 8;
    msf.epochs = 15;
    msf.batch = 32;
    msf.lr = 1e-2;
    const MsfResult r = train_msf(be, family, *projection, theta0, msf);
    ASSERT_EQ(r.epochs.size(), 15u);
    EXPECT_LT(r.epochs.back().task_loss, 0.8 * r.epochs.front().task_loss);
    EXPECT_LT(r.epochs.back().reconstruction, 0.8 * r.epochs.front().reconstruction);
    EXPECT_EQ(r.decoder.weights.size(), decoder_weight_count(DecoderKind::mlp, 2, 8, 20));

    family[1].adaptation.pop_back();
    expect_error([&] { train_msf(be, family, *projection, theta0, msf); },
                 {"task 1", "19 numbers", "D' = 20"});
}

const Architecture kNet{{ModelKind::fc, {7}}, {1, 1, 6}, 2};

ModelFile learned_file() {
    LearnedSubspace s{random_decoder(DecoderKind::mlp, 3, 4, 20, 5), ProjectionKind::fastfood, 9};
    return learned_file_of(kNet, s, std::string("0badcafe"), false, "blobs", R"({"command":"msf"})");
}

TEST(LearnedFile, RoundTrips) {
    const ModelFile f = learned_file();
    const ModelFile g = parse_model_file(format_model_file(f), "s.idim");
    const LearnedSubspace s = learned_subspace_of(g, "s.idim");
    EXPECT_EQ(s.decoder.kind, DecoderKind::mlp);
    EXPECT_EQ(s.decoder.dim_in, 3);
    EXPECT_EQ(s.decoder.hidden, 4);
    EXPECT_EQ(s.decoder.dim_out, 20);
    EXPECT_EQ(s.seed, 9u);
    EXPECT_EQ(s.projection, ProjectionKind::fastfood);
    ASSERT_EQ(s.decoder.weights.size(), f.values.size());
    EXPECT_EQ(std::memcmp(s.decoder.weights.data(), f.values.data(), f.values.size() * 4), 0);
    EXPECT_EQ(g.learned->start_crc32, std::optional<std::string>("0badcafe"));
    EXPECT_NE(describe_model_file(g).find("\"d_I\": 3"), std::string::npos);
}

TEST(LearnedFile, RefusesCorruptAndMismatchedFiles) {
    std::string bytes = format_model_file(learned_file());
    std::string flipped = bytes;
    flipped[flipped.size() - 3] ^= 0x40;
    expect_error([&] { parse_model_file(flipped, "s.idim"); }, {"s.idim", "checksum mismatch"});
    std::string other_shape = bytes;   // a header claiming h = 5 for the weights of h = 4
    const size_t at = other_shape.find("\"hidden\": 4");
    ASSERT_NE(at, std::string::npos);
    other_shape[at + 10] = '5';
    expect_error([&] { parse_model_file(other_shape, "s.idim"); }, {"s.idim", "decoder has"});
    std::string bad_decoder = bytes;
    const size_t kind_at = bad_decoder.find("\"decoder\": \"mlp\"");
    ASSERT_NE(kind_at, std::string::npos);
    bad_decoder.replace(kind_at + 12, 3, "rnn");
    expect_error([&] { parse_model_file(bad_decoder, "s.idim"); }, {"s.idim", "unknown decoder 'rnn'"});
    const ModelFile model = model_file_of(kNet, std::vector<float>(65), 0, 0, "blobs", "{}");
    expect_error([&] { learned_subspace_of(model, "m.idim"); }, {"m.idim", "no learned subspace"});
}

}  // namespace
}  // namespace idim
