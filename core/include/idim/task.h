// What training optimises: a parameter vector θ of length D, its initial value θ0, a mini-batch
// loss with gradient, and an evaluation. A classifier over a data set is one task; the toy task of
// Li et al. (10 groups whose sums must hit targets; intrinsic dimension exactly 10) is another.
#pragma once
#include <cstdint>
#include <memory>
#include <span>

#include "idim/backend.h"
#include "idim/dataset.h"
#include "idim/model.h"

namespace idim {

struct Metrics {
    double loss = 0;
    double accuracy = 0;       // fraction correct; the toy task reports 1 when solved, else 0
};

class Task {
public:
    virtual ~Task() = default;
    virtual size_t dim() const = 0;                            // D
    virtual std::vector<ParamGroup> param_groups() const = 0;  // layers' slices of θ
    virtual size_t train_size() const = 0;                     // examples per epoch
    virtual bool has_accuracy() const { return true; }         // false: success is loss < tolerance
    virtual void init_params(float* theta, uint64_t seed) const = 0;
    // Mean loss over the examples `batch` (indices into the training set); writes dθ (D).
    virtual Metrics loss_and_grad(Backend& be, const float* theta,
                                  std::span<const uint32_t> batch, float* dtheta) = 0;
    // The same over n indices already in the backend's memory (the trainer uploads each epoch's
    // order once, not every batch), the batch's mean loss added onto *loss_sum, a double in
    // backend memory, instead of returned: a step with no host wait. This default brings the
    // indices and the loss across.
    virtual void loss_and_grad_onto(Backend& be, const float* theta, const uint32_t* batch,
                                    size_t n, float* dtheta, double* loss_sum);
    virtual Metrics evaluate_train(Backend& be, const float* theta) = 0;
    virtual Metrics evaluate_test(Backend& be, const float* theta) = 0;

protected:
    static void add_onto(Backend& be, double loss, double* loss_sum);   // *loss_sum += loss
};

// A model trained on data.train and evaluated on data.test (batched evaluation).
std::unique_ptr<Task> classification_task(std::unique_ptr<Model> model, DataSplit data);

// A data set that the tasks of many runs share (a sweep makes a task per run). On a backend that
// cannot read the host's memory the tasks then share one copy of it there, made by the first
// task that needs it and freed with the data, not one upload (and one copy) per run.
class SharedData;
std::shared_ptr<const SharedData> share_data(DataSplit data);
std::unique_ptr<Task> classification_task(std::unique_ptr<Model> model,
                                          std::shared_ptr<const SharedData> data);

// D = 1000 in 10 groups of 100; loss = Σ_g (Σ_{i∈g} θ_i − target_g)² with targets 1..10.
// The solution set has dimension D − 10, so a random subspace through θ0 reaches it iff d ≥ 10.
// evaluate_* report accuracy 1 when the loss is below `solved_tolerance` (the loss starts near
// Σ t² = 385; the best d = 9 subspaces we measured stop above 0.02).
std::unique_ptr<Task> toy_task(double solved_tolerance = 1e-3);

}  // namespace idim
