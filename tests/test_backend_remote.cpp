// The remote test backend: its memory cannot be read by the host (a stray access dies at once),
// moves through upload and download intact, and its kernels over that memory give exactly the
// reference backend's bits.
#include <gtest/gtest.h>

#include "backend_ops_helpers.h"
#include "idim/buffer.h"

namespace idim {
namespace {

using testing::random_vector;

Backend& remote() { return backend_by_name("remote"); }
Backend& reference() { return testing::ref(); }

TEST(BackendRemote, IsListedAndNotHostAddressable) {
    EXPECT_FALSE(remote().host_addressable());
    EXPECT_TRUE(reference().host_addressable());
    EXPECT_EQ(remote().name(), "remote");
}

TEST(BackendRemote, RoundTripsAndStartsZeroed) {
    std::vector<float> host = random_vector(1000, 1);
    Buffer<float> b(remote(), host);
    EXPECT_EQ(b.download(), host);
    Buffer<int32_t> zeros(remote(), 77);
    EXPECT_EQ(zeros.download(), std::vector<int32_t>(77, 0));
    Buffer<float> moved = std::move(b);
    EXPECT_EQ(moved.download(), host);
    EXPECT_TRUE(b.empty());
}

TEST(BackendRemoteDeathTest, HostAccessFaults) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    Buffer<float> b(remote(), 16);
    volatile float* p = b.data();
    EXPECT_DEATH({ p[3] = 1.0f; }, "");
    EXPECT_DEATH({ float x = p[0]; (void)x; }, "");
}

TEST(BackendRemote, KernelsOverItsMemoryGiveTheReferenceBits) {
    const int m = 19, n = 13, k = 23;
    std::vector<float> a = random_vector(m * k, 2), bm = random_vector(k * n, 3),
                       c = random_vector(m * n, 4);
    Buffer<float> ra(remote(), a), rb(remote(), bm), rc(remote(), c);
    reference().gemm(Transpose::no, Transpose::yes, m, n, k, 0.5f, a.data(), k, bm.data(), k, 1.5f,
                     c.data(), n);
    remote().gemm(Transpose::no, Transpose::yes, m, n, k, 0.5f, ra.data(), k, rb.data(), k, 1.5f,
                  rc.data(), n);
    EXPECT_EQ(rc.download(), c);

    std::vector<float> x = random_vector(1024, 5);
    Buffer<float> rx(remote(), x);
    reference().walsh_hadamard(x.size(), x.data());
    remote().walsh_hadamard(x.size(), rx.data());
    EXPECT_EQ(rx.download(), x);

    std::vector<float> g = random_vector(300, 6), mom(300, 0.1f), v(300, 0.2f), p = random_vector(300, 7);
    Buffer<float> rg(remote(), g), rm(remote(), mom), rv(remote(), v), rp(remote(), p);
    reference().adam_step(300, 1e-3f, 0.9f, 0.999f, 1e-7f, 4, g.data(), mom.data(), v.data(), p.data());
    remote().adam_step(300, 1e-3f, 0.9f, 0.999f, 1e-7f, 4, rg.data(), rm.data(), rv.data(), rp.data());
    EXPECT_EQ(rp.download(), p);
    EXPECT_EQ(rv.download(), v);

    std::vector<float> logits = random_vector(8 * 10, 8), dl(80), rdl_host(80);
    std::vector<int32_t> labels = {0, 1, 2, 3, 4, 5, 6, 7};
    Buffer<float> rl(remote(), logits), rdl(remote(), 80);
    Buffer<int32_t> rlab(remote(), labels);
    int hits = 0, rhits = 0;
    double loss = reference().softmax_cross_entropy(8, 10, logits.data(), labels.data(), dl.data(), &hits);
    double rloss = remote().softmax_cross_entropy(8, 10, rl.data(), rlab.data(), rdl.data(), &rhits);
    EXPECT_EQ(loss, rloss);
    EXPECT_EQ(hits, rhits);
    EXPECT_EQ(rdl.download(), dl);
    EXPECT_EQ(remote().dot(300, rg.data(), rp.data()), reference().dot(300, g.data(), p.data()));
}

}  // namespace
}  // namespace idim
