// Builds FC 784-200-200-10 through the installed library, takes one subspace step, and prints D.
#include <idim/idim.h>

#include <cstdio>

int main() {
    auto model = idim::make_model({idim::ModelKind::fc, {200, 200}}, {28, 28, 1}, 10);
    std::vector<float> theta0(model->dim());
    model->init_params(theta0.data(), 0);
    idim::ProjectionSpec spec;
    spec.dim_full = model->dim();
    spec.dim_sub = 100;
    auto param = idim::subspace_parametrization(
        idim::default_backend(), theta0, idim::make_projection(idim::default_backend(), spec));
    std::vector<float> theta(model->dim()), theta_d(100, 0.0f);
    param->expand(idim::default_backend(), theta_d.data(), theta.data());
    std::printf("consumer: D = %zu, theta equals theta0 at the start: %s\n", model->dim(),
                theta == theta0 ? "yes" : "no");
    return theta == theta0 ? 0 : 1;
}
