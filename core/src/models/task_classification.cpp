// A model trained on a labelled data set: mini-batches run as the backend's shards (data parallel,
// one model replica per extra shard, each gathering its own samples), and evaluation in chunks,
// so memory stays bounded whatever the data set size.
#include <algorithm>
#include <map>
#include <mutex>
#include <vector>

#include "idim/buffer.h"
#include "idim/error.h"
#include "idim/task.h"

namespace idim {
namespace {

constexpr size_t kEvalChunk = 1000;   // samples per evaluation pass: ~6 MB of activations for FC
constexpr int kMinShardSamples = 32;  // smaller sub-batches leave the products too short to pay

}  // namespace

class SharedData {
public:
    explicit SharedData(DataSplit data) : split(std::move(data)) {}
    const DataSplit split;

    // split's train (0) and test (1) sets in the memory of `be`, uploaded by the first caller.
    struct OnBackend {
        Buffer<float> images[2];
        Buffer<int32_t> labels[2];
    };
    const OnBackend& on(Backend& run_backend) const {
        Backend& be = run_backend.memory_owner();   // the copy outlives a run's wrapper
        std::lock_guard<std::mutex> lock(mutex_);
        std::unique_ptr<OnBackend>& copy = copies_[&be];
        if (!copy) {
            auto made = std::make_unique<OnBackend>();
            for (int s = 0; s < 2; ++s) {
                const Dataset& set = s == 0 ? split.train : split.test;
                made->images[s] = Buffer<float>(be, set.images);
                made->labels[s] = Buffer<int32_t>(be, set.labels);
            }
            copy = std::move(made);
        }
        return *copy;
    }

private:
    mutable std::mutex mutex_;   // runs on several threads make their tasks' first batches at once
    mutable std::map<const Backend*, std::unique_ptr<OnBackend>> copies_;
};

namespace {

class ClassificationTask final : public Task {
public:
    ClassificationTask(std::unique_ptr<Model> model, std::shared_ptr<const SharedData> data)
        : model_(std::move(model)), shared_(std::move(data)), data_(shared_->split) {
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
        return run_batch(be, theta, batch.data(), batch.size(), false, dtheta, nullptr);
    }
    void loss_and_grad_onto(Backend& be, const float* theta, const uint32_t* batch, size_t n,
                            float* dtheta, double* loss_sum) override {
        run_batch(be, theta, batch, n, true, dtheta, loss_sum);
    }

    Metrics evaluate_train(Backend& be, const float* theta) override { return evaluate(be, theta, data_.train); }
    Metrics evaluate_test(Backend& be, const float* theta) override { return evaluate(be, theta, data_.test); }

private:
    // The batch's indices are where the backend reads them (host memory on a host-addressable
    // backend) when `resident`; else on the host. With loss_sum the shards leave their loss sums
    // in backend memory and the batch mean is added onto *loss_sum there (the result is empty).
    Metrics run_batch(Backend& be, const float* theta, const uint32_t* batch, size_t batch_size,
                      bool resident, float* dtheta, double* loss_sum) {
        const int n = int(batch_size);
        const int shards = std::clamp(be.batch_shards(), 1, std::max(1, n / kMinShardSamples));
        Scratch scratch = make_shards(be, shards, batch, batch_size, resident);
        auto first = [&](int s) { return int(int64_t(n) * s / shards); };
        std::vector<BatchResult> results(static_cast<size_t>(shards));
        // Shards 1, 2, … read θ from copies of their own, made by all threads: if every shard
        // read θ itself, the optimiser's next write of θ would take about 87 µs instead of 34
        // (lines both cores have read), while the copy costs 11 (FC on 2 threads).
        for (int s = 1; s < shards; ++s) be.copy(dim(), theta, scratch.thetas[size_t(s)]);
        be.run_shards(shards, [&](int s) {
            float* grad = s == 0 ? dtheta : scratch.grads[size_t(s)];
            const float* shard_theta = s == 0 ? theta : scratch.thetas[size_t(s)];
            Model& model = s == 0 ? *model_ : *replicas_[size_t(s - 1)];
            results[size_t(s)] = train_on(be, model, shard_theta, scratch, size_t(first(s)),
                                          size_t(first(s + 1) - first(s)), grad,
                                          loss_sum ? scratch.losses + s : nullptr);
        });
        auto share = [&](int s) { return float(first(s + 1) - first(s)) / float(n); };
        for (int s = 1; s < shards; ++s)   // dθ = share₀·dθ₀ + Σ share_s·dθ_s
            be.axpby(dim(), share(s), scratch.grads[size_t(s)], s == 1 ? share(0) : 1.0f, dtheta);
        if (loss_sum) {   // the host's sum below, on the backend
            be.add_mean(size_t(shards), scratch.losses, double(n), loss_sum);
            return {};
        }
        BatchResult total;
        for (const BatchResult& r : results) {
            total.loss_sum += r.loss_sum;
            total.n_correct += r.n_correct;
        }
        return {total.loss_sum / n, double(total.n_correct) / n};
    }

    std::unique_ptr<Model> model_;
    std::shared_ptr<const SharedData> shared_;
    const DataSplit& data_;   // shared_'s
    std::vector<std::unique_ptr<Model>> replicas_;   // shards 1, 2, …; shard 0 runs model_
    Workspace<uint32_t> index_;                       // the batch's sample indices
    Workspace<float> images_;                         // the batch's samples
    Workspace<int32_t> labels_;
    Workspace<double> losses_;                        // per shard, its loss sum
    std::vector<Workspace<float>> shard_grads_;      // shards 1, 2, …: their dθ, before the sum
    std::vector<Workspace<float>> shard_thetas_;     // and their copies of θ

    struct Split {
        const float* images;
        const int32_t* labels;
    };
    Split split_on(Backend& be, const Dataset& d) {
        if (be.host_addressable()) return {d.images.data(), d.labels.data()};
        // The data set in the memory of a backend that cannot read the host's: one copy for
        // every task sharing it. The others read data_ in place.
        const SharedData::OnBackend& on = shared_->on(be);
        const int k = &d == &data_.train ? 0 : 1;
        return {on.images[k].data(), on.labels[k].data()};
    }

    // Where a batch's shards work, every buffer in the backend's memory; per shard s ≥ 1 a θ and
    // a dθ of its own (entries 0 unused). Made before the shards start: their threads only read it.
    struct Scratch {
        Split train;
        const uint32_t* index;
        float* images;
        int32_t* labels;
        double* losses;
        std::vector<float*> grads, thetas;
    };
    Scratch make_shards(Backend& be, int shards, const uint32_t* batch, size_t n, bool resident) {
        Scratch s{split_on(be, data_.train), batch,
                  images_.get(be, n * data_.train.sample_size()), labels_.get(be, n),
                  losses_.get(be, size_t(shards)), {nullptr}, {nullptr}};
        if (!resident && !be.host_addressable()) {
            uint32_t* index = index_.get(be, n);
            be.upload(batch, n * sizeof(uint32_t), index);
            s.index = index;
        }
        while (replicas_.size() < size_t(shards - 1)) replicas_.push_back(model_->clone());
        shard_grads_.resize(size_t(shards - 1));
        shard_thetas_.resize(size_t(shards - 1));
        for (int k = 1; k < shards; ++k) {
            s.grads.push_back(shard_grads_[size_t(k - 1)].get(be, dim()));
            s.thetas.push_back(shard_thetas_[size_t(k - 1)].get(be, dim()));
        }
        return s;
    }

    // Gathers the samples [at, at + n) of the batch where they sit in it (on the thread that
    // trains on them, so they are in its core's cache) and runs forward and backward.
    BatchResult train_on(Backend& be, Model& model, const float* theta, const Scratch& s, size_t at,
                         size_t n, float* grad, double* loss_sum) {
        const size_t sample = data_.train.sample_size();
        float* images = s.images + at * sample;
        int32_t* labels = s.labels + at;
        be.gather_rows(n, s.index + at, sample, s.train.images, images);
        be.gather_ints(n, s.index + at, s.train.labels, labels);
        return model.forward_backward(be, theta, int(n), images, labels, grad, loss_sum);
    }

    Metrics evaluate(Backend& be, const float* theta, const Dataset& d) {
        const Split on = split_on(be, d);
        double loss = 0;
        long correct = 0;
        for (size_t start = 0; start < d.size(); start += kEvalChunk) {
            int n = int(std::min(kEvalChunk, d.size() - start));
            BatchResult r = model_->evaluate(be, theta, n, on.images + start * d.sample_size(),
                                             on.labels + start);
            loss += r.loss_sum;
            correct += r.n_correct;
        }
        return {loss / d.size(), double(correct) / d.size()};
    }
};

}  // namespace

void Task::add_onto(Backend& be, double loss, double* loss_sum) {
    double sum;
    be.download(loss_sum, sizeof sum, &sum);
    sum += loss;
    be.upload(&sum, sizeof sum, loss_sum);
}

void Task::loss_and_grad_onto(Backend& be, const float* theta, const uint32_t* batch, size_t n,
                              float* dtheta, double* loss_sum) {
    std::vector<uint32_t> host(batch, batch + (be.host_addressable() ? n : 0));
    if (!be.host_addressable()) {
        host.resize(n);
        be.download(batch, n * sizeof(uint32_t), host.data());
    }
    add_onto(be, loss_and_grad(be, theta, host, dtheta).loss, loss_sum);
}

std::shared_ptr<const SharedData> share_data(DataSplit data) {
    return std::make_shared<const SharedData>(std::move(data));
}

std::unique_ptr<Task> classification_task(std::unique_ptr<Model> model,
                                          std::shared_ptr<const SharedData> data) {
    require(model != nullptr, "task: no model");
    require(data != nullptr, "task: no data");
    return std::make_unique<ClassificationTask>(std::move(model), std::move(data));
}

std::unique_ptr<Task> classification_task(std::unique_ptr<Model> model, DataSplit data) {
    return classification_task(std::move(model), share_data(std::move(data)));
}

}  // namespace idim
