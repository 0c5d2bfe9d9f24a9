// A model trained on a labelled data set: gathers mini-batches into one contiguous buffer and
// evaluates in chunks, so memory stays bounded whatever the data set size.
#include <algorithm>

#include "idim/error.h"
#include "idim/task.h"

namespace idim {
namespace {

constexpr size_t kEvalChunk = 1000;   // samples per evaluation pass: ~6 MB of activations for FC

class ClassificationTask final : public Task {
public:
    ClassificationTask(std::unique_ptr<Model> model, DataSplit data)
        : model_(std::move(model)), data_(std::move(data)) {
        Shape in = model_->input_shape();
        for (const Dataset* d : {&data_.train, &data_.test}) {
            require(d->size() > 0, "task: the data set has an empty split");
            require(d->sample_size() == in.size() && d->channels == in.channels,
                    "task: images are " + std::to_string(d->height) + "x" +
                        std::to_string(d->width) + "x" + std::to_string(d->channels) +
                        " but the model expects " + std::to_string(in.height) + "x" +
                        std::to_string(in.width) + "x" + std::to_string(in.channels));
            require(d->classes <= model_->classes(), "task: the data has more classes than the model");
        }
    }

    size_t dim() const override { return model_->dim(); }
    std::vector<ParamGroup> param_groups() const override { return model_->param_groups(); }
    size_t train_size() const override { return data_.train.size(); }
    void init_params(float* theta, uint64_t seed) const override { model_->init_params(theta, seed); }

    Metrics loss_and_grad(Backend& be, const float* theta, std::span<const uint32_t> batch,
                          float* dtheta) override {
        const Dataset& d = data_.train;
        size_t sample = d.sample_size();
        images_.resize(batch.size() * sample);
        labels_.resize(batch.size());
        be.gather_rows(batch.size(), batch.data(), sample, d.images.data(), images_.data());
        for (size_t i = 0; i < batch.size(); ++i) labels_[i] = d.labels[batch[i]];
        int n = int(batch.size());
        BatchResult r = model_->forward_backward(be, theta, n, images_.data(), labels_.data(), dtheta);
        return {r.loss_sum / n, double(r.n_correct) / n};
    }

    Metrics evaluate_train(Backend& be, const float* theta) override { return evaluate(be, theta, data_.train); }
    Metrics evaluate_test(Backend& be, const float* theta) override { return evaluate(be, theta, data_.test); }

private:
    std::unique_ptr<Model> model_;
    DataSplit data_;
    std::vector<float> images_;
    std::vector<int32_t> labels_;

    Metrics evaluate(Backend& be, const float* theta, const Dataset& d) {
        double loss = 0;
        long correct = 0;
        for (size_t start = 0; start < d.size(); start += kEvalChunk) {
            int n = int(std::min(kEvalChunk, d.size() - start));
            BatchResult r = model_->evaluate(be, theta, n, d.image(start), d.labels.data() + start);
            loss += r.loss_sum;
            correct += r.n_correct;
        }
        return {loss / d.size(), double(correct) / d.size()};
    }
};

}  // namespace

std::unique_ptr<Task> classification_task(std::unique_ptr<Model> model, DataSplit data) {
    require(model != nullptr, "task: no model");
    return std::make_unique<ClassificationTask>(std::move(model), std::move(data));
}

}  // namespace idim
