// The one factory of parametrizations: its checks (the only place a d is refused), its seed
// convention (θ0 and P both from the spec's seed) and the names the reports show.
#include <gtest/gtest.h>

#include "expect_error.h"
#include "idim/subspace.h"

namespace idim {
namespace {

using testing::expect_error;

SubspaceSpec spec(Method method, const std::string& projection, uint64_t d, uint64_t seed = 3) {
    SubspaceSpec s;
    s.method = method;
    if (!projection.empty()) s.projection = parse_projection(projection);
    s.d = d;
    s.seed = seed;
    return s;
}

std::vector<float> expand_zero(Parametrization& param, size_t dim) {
    std::vector<float> trainable(param.trainable_count()), theta(dim);
    param.init_trainable(default_backend(), trainable.data());
    param.expand(default_backend(), trainable.data(), theta.data());
    return theta;
}

TEST(Subspace, ChecksEveryRequestInOnePlace) {
    auto check = [](SubspaceSpec s) { return [s] { check_subspace(s, 1000, 10); }; };
    expect_error(check(spec(Method::subspace, "dense", 0)), {"d = 0: ", "at least 1"});
    expect_error(check(spec(Method::subspace, "sparse", 1001)),
                 {"d = 1001: ", "cannot exceed the number of parameters D = 1000"});
    expect_error(check(spec(Method::said, "fastfood", 10)), {"d = 10: ", "(m = 10)", "exceed m"});
    expect_error([] { parse_projection("gaussian"); }, {"unknown projection 'gaussian'"});
    SubspaceSpec capped = spec(Method::subspace, "dense", 500);
    capped.max_projection_mb = 1;
    capped.allow_tiling = false;
    expect_error(check(capped), {"d = 500: ", "a dense P needs 1 MB", "tiling is refused"});
    EXPECT_NO_THROW(check(spec(Method::said, "dense", 11))());
    EXPECT_NO_THROW(check(spec(Method::full, "", 0))());   // full training has no d
    expect_error([] { parse_method("ia3"); }, {"unknown method 'ia3'", "full, subspace, said, lora"});
    SubspaceSpec lora = spec(Method::lora, "", 0);   // LoRA's size is its rank; d is not read
    expect_error(check(lora), {"LoRA: the rank must be at least 1, got 0"});
    lora.lora_rank = 2;
    EXPECT_NO_THROW(check(lora)());
    EXPECT_EQ(parse_method("lora"), Method::lora);
    EXPECT_EQ(parse_method(to_string(Method::said)), Method::said);
}

TEST(Subspace, Theta0AndPComeFromTheSpecsSeed) {
    auto task = toy_task();
    std::vector<float> theta0(task->dim());
    task->init_params(theta0.data(), 3);
    for (Method m : {Method::full, Method::subspace, Method::said}) {
        auto param = make_parametrization(default_backend(), *task, spec(m, "dense", 20));
        EXPECT_EQ(expand_zero(*param, task->dim()), theta0) << to_string(m);
    }
    // Same seed, same P; another seed, another P.
    auto p1 = make_parametrization(default_backend(), *task, spec(Method::subspace, "fastfood", 20));
    auto p2 = make_parametrization(default_backend(), *task, spec(Method::subspace, "fastfood", 20));
    auto p3 = make_parametrization(default_backend(), *task, spec(Method::subspace, "fastfood", 20, 4));
    std::vector<float> x(20, 0.5f), t1(1000), t2(1000), t3(1000);
    p1->expand(default_backend(), x.data(), t1.data());
    p2->expand(default_backend(), x.data(), t2.data());
    p3->expand(default_backend(), x.data(), t3.data());
    EXPECT_EQ(t1, t2);
    EXPECT_NE(t1, t3);
}

TEST(Subspace, CountsAndNames) {
    auto task = toy_task();   // one parameter tensor
    auto said = make_parametrization(default_backend(), *task, spec(Method::said, "sparse", 25));
    EXPECT_EQ(said->trainable_count(), 25u);   // d counts SAID's scale
    EXPECT_EQ(said->name(), "said/sparse");
    SubspaceSpec tiled = spec(Method::subspace, "dense", 30);
    tiled.max_projection_mb = 0;
    EXPECT_EQ(make_parametrization(default_backend(), *task, tiled)->name(), "dense-tiled");
    EXPECT_EQ(make_parametrization(default_backend(), *task, spec(Method::full, "", 0))->name(), "full");
    expect_error([&] { make_parametrization(default_backend(), *task, spec(Method::said, "dense", 1)); },
                 {"d = 1: ", "(m = 1)"});
}

}  // namespace
}  // namespace idim
