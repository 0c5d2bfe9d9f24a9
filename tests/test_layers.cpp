// Every layer's backward pass against float64 central finite differences, on both backends.
// Each layer sits in the smallest model that exercises it (a dense head turns it into a loss).
#include <gtest/gtest.h>

#include "gradient_check.h"
#include "idim/error.h"

using namespace idim;
using idim::testing::expect_gradient_matches;
using idim::testing::random_batch;

class Layers : public ::testing::TestWithParam<std::string> {
protected:
    Backend& be() { return backend_by_name(GetParam()); }
    static void add_head(Model& m) {
        m.add(flatten_layer(m.output_shape()));
        m.add(dense_layer(m.output_shape(), m.classes()));
    }
};

TEST_P(Layers, DenseGradientMatchesFiniteDifferences) {
    Model m({1, 1, 7}, 3);
    m.add(dense_layer(m.output_shape(), 5));
    m.add(dense_layer(m.output_shape(), 3));
    expect_gradient_matches(be(), m, random_batch(m, 4, 1), 11);
}

TEST_P(Layers, ReluGradientMatchesFiniteDifferences) {
    Model m({1, 1, 6}, 3);
    m.add(dense_layer(m.output_shape(), 8));
    m.add(relu_layer(m.output_shape()));
    m.add(dense_layer(m.output_shape(), 3));
    expect_gradient_matches(be(), m, random_batch(m, 5, 2), 12);
}

TEST_P(Layers, ConvValidGradientMatchesFiniteDifferences) {
    Model m({6, 7, 2}, 3);
    m.add(conv2d_layer(m.output_shape(), 3, 3, Padding::valid));
    add_head(m);
    EXPECT_EQ(m.layers()[0]->output_shape().height, 4);
    EXPECT_EQ(m.layers()[0]->output_shape().width, 5);
    expect_gradient_matches(be(), m, random_batch(m, 3, 3), 13);
}

TEST_P(Layers, ConvSameGradientMatchesFiniteDifferences) {
    Model m({5, 5, 2}, 4);
    m.add(conv2d_layer(m.output_shape(), 3, 3, Padding::same));
    m.add(relu_layer(m.output_shape()));
    m.add(conv2d_layer(m.output_shape(), 2, 3, Padding::same));   // checks dx through col2im
    add_head(m);
    EXPECT_EQ(m.layers()[0]->output_shape().height, 5);
    expect_gradient_matches(be(), m, random_batch(m, 3, 4), 14);
}

TEST_P(Layers, MaxPoolGradientMatchesFiniteDifferences) {
    Model m({6, 6, 2}, 3);
    m.add(conv2d_layer(m.output_shape(), 3, 3, Padding::same));
    m.add(maxpool2d_layer(m.output_shape(), 2));
    add_head(m);
    EXPECT_EQ(m.layers()[1]->output_shape().height, 3);
    expect_gradient_matches(be(), m, random_batch(m, 3, 5), 15);
}

INSTANTIATE_TEST_SUITE_P(Backends, Layers, ::testing::Values("reference", "cpu"));

TEST(Layers, ImpossibleShapesAreRefused) {
    EXPECT_THROW(conv2d_layer({4, 4, 1}, 2, 5, Padding::valid), Error);
    EXPECT_THROW(conv2d_layer({8, 8, 1}, 2, 4, Padding::same), Error);
    EXPECT_THROW(maxpool2d_layer({1, 1, 3}, 2), Error);
    EXPECT_THROW(dense_layer({1, 1, 3}, 0), Error);
}

TEST(Layers, BackendsAgreeOnAForwardPass) {
    Model m({8, 8, 1}, 4);
    m.add(conv2d_layer(m.output_shape(), 3, 3, Padding::valid));
    m.add(relu_layer(m.output_shape()));
    m.add(maxpool2d_layer(m.output_shape(), 2));
    m.add(flatten_layer(m.output_shape()));
    m.add(dense_layer(m.output_shape(), 4));
    std::vector<float> theta(m.dim());
    m.init_params(theta.data(), 3);
    auto batch = random_batch(m, 6, 9);
    double ref = m.evaluate(backend_by_name("reference"), theta.data(), 6, batch.x.data(),
                            batch.labels.data()).loss_sum;
    double cpu = m.evaluate(backend_by_name("cpu"), theta.data(), 6, batch.x.data(),
                            batch.labels.data()).loss_sum;
    EXPECT_NEAR(cpu, ref, 1e-5 * std::abs(ref));   // float32 sums in a different order
}
