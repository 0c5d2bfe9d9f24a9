// A small labelled data set with a known easy answer (Gaussian blobs, one per class), so training
// tests run in milliseconds without files.
#pragma once
#include "idim/dataset.h"
#include "idim/rng.h"

namespace idim::testing {

inline Dataset gaussian_blobs(size_t n, int classes, int features, uint64_t seed) {
    CounterRng rng(seed, Stream::train_subset);
    Dataset d;
    d.height = 1;
    d.width = 1;
    d.channels = features;
    d.classes = classes;
    for (size_t i = 0; i < n; ++i) {
        int label = int(i % classes);
        d.labels.push_back(label);
        for (int f = 0; f < features; ++f)
            d.images.push_back(float((f % classes == label ? 2.0 : 0.0) +
                                     0.5 * rng.normal(i * features + f)));
    }
    return d;
}

inline DataSplit blob_split(uint64_t seed = 1) {
    return {gaussian_blobs(600, 3, 6, seed), gaussian_blobs(300, 3, 6, seed + 100), "blobs"};
}

}  // namespace idim::testing
