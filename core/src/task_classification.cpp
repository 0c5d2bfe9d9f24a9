// A model trained on a labelled data set: mini-batches run as the backend's shards (data parallel,
// one model replica per extra shard, each gathering its own samples), and evaluation in chunks,
// so memory stays bounded whatever the data set size.
#include <algorithm>
#include <vector>

#include "idim/error.h"
#include "idim/task.h"

namespace idim {
namespace {

constexpr size_t kEvalChunk = 1000;   // samples per evaluation pass: ~6 MB of activations for FC
constexpr int kMinShardSamples = 32;  // smaller sub-batches leave the products too short to pay

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

    // The batch runs as the backend's shards: shard s gathers and trains samples [first(s),
    // first(s + 1)) on model s, into dθ (shard 0) or a gradient of its own, each the mean over its
    // own samples; the batch mean weighs them by their share (½ and ½ for an even split: exact).
    Metrics loss_and_grad(Backend& be, const float* theta, std::span<const uint32_t> batch,
                          float* dtheta) override {
        const int n = int(batch.size());
        const int shards = std::clamp(be.batch_shards(), 1, std::max(1, n / kMinShardSamples));
        make_shards(shards, batch.size());
        auto first = [&](int s) { return int(int64_t(n) * s / shards); };
        std::vector<BatchResult> results(static_cast<size_t>(shards));
        // Shards 1, 2, … read θ from copies of their own, made by all threads: if every shard
        // read θ itself, the optimiser's next write of θ would take about 87 µs instead of 34
        // (lines both cores have read), while the copy costs 11 (FC on 2 threads).
        for (int s = 1; s < shards; ++s) be.copy(dim(), theta, shard_thetas_[size_t(s - 1)].data());
        be.run_shards(shards, [&](int s) {
            float* grad = s == 0 ? dtheta : shard_grads_[size_t(s - 1)].data();
            const float* shard_theta = s == 0 ? theta : shard_thetas_[size_t(s - 1)].data();
            Model& model = s == 0 ? *model_ : *replicas_[size_t(s - 1)];
            results[size_t(s)] = train_on(be, model, shard_theta,
                                          batch.subspan(first(s), first(s + 1) - first(s)),
                                          size_t(first(s)), grad);
        });
        auto share = [&](int s) { return float(first(s + 1) - first(s)) / float(n); };
        for (int s = 1; s < shards; ++s)   // dθ = share₀·dθ₀ + Σ share_s·dθ_s
            be.axpby(dim(), share(s), shard_grads_[size_t(s - 1)].data(), s == 1 ? share(0) : 1.0f,
                     dtheta);
        BatchResult total;
        for (const BatchResult& r : results) {
            total.loss_sum += r.loss_sum;
            total.n_correct += r.n_correct;
        }
        return {total.loss_sum / n, double(total.n_correct) / n};
    }

    Metrics evaluate_train(Backend& be, const float* theta) override { return evaluate(be, theta, data_.train); }
    Metrics evaluate_test(Backend& be, const float* theta) override { return evaluate(be, theta, data_.test); }

private:
    std::unique_ptr<Model> model_;
    DataSplit data_;
    AlignedFloats images_;
    std::vector<int32_t> labels_;
    std::vector<std::unique_ptr<Model>> replicas_;   // shards 1, 2, …; shard 0 runs model_
    std::vector<AlignedFloats> shard_grads_;          // their dθ, before the sum
    std::vector<AlignedFloats> shard_thetas_;         // their copies of θ

    void make_shards(int shards, size_t batch_size) {
        images_.resize(batch_size * data_.train.sample_size());
        labels_.resize(batch_size);
        while (replicas_.size() < size_t(shards - 1)) replicas_.push_back(model_->clone());
        shard_grads_.resize(size_t(shards - 1));
        shard_thetas_.resize(size_t(shards - 1));
        for (AlignedFloats& g : shard_grads_) g.resize(dim());
        for (AlignedFloats& t : shard_thetas_) t.resize(dim());
    }

    // Gathers the samples where they sit in the batch (on the thread that trains on them, so
    // they are in its core's cache) and runs forward and backward.
    BatchResult train_on(Backend& be, Model& model, const float* theta,
                         std::span<const uint32_t> samples, size_t at, float* grad) {
        const Dataset& d = data_.train;
        const size_t sample = d.sample_size();
        float* images = images_.data() + at * sample;
        int32_t* labels = labels_.data() + at;
        be.gather_rows(samples.size(), samples.data(), sample, d.images.data(), images);
        for (size_t i = 0; i < samples.size(); ++i) labels[i] = d.labels[samples[i]];
        return model.forward_backward(be, theta, int(samples.size()), images, labels, grad);
    }

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
