// Class selection for transfer experiments (pretrain on digits 0–4, adapt to 5–9): a list of
// classes parsed from the command line's form, and the transform that keeps those classes and
// numbers them 0..k−1, so the model's output layer has k units.
#include <algorithm>
#include <charconv>
#include <string>

#include "idim/dataset.h"
#include "idim/error.h"

namespace idim {
namespace {

// Far above any data set's classes (CIFAR-100 has 100); a longer list is a typing mistake.
constexpr int kMostClasses = 4096;

int class_number(std::string_view text, const std::string& list) {
    int value = -1;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), value);
    require(!text.empty() && r.ec == std::errc() && r.ptr == text.data() + text.size() && value >= 0,
            "class list '", list, "': '", std::string(text), "' is not a class number");
    return value;
}

}  // namespace

std::vector<int> parse_class_list(const std::string& text) {
    require(!text.empty(), "the class list is empty");
    std::vector<int> classes;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t end = std::min(text.find(',', start), text.size());
        const std::string_view item = std::string_view(text).substr(start, end - start);
        const size_t dash = item.find('-');
        const int first = class_number(item.substr(0, dash), text);
        const int last = dash == std::string_view::npos ? first : class_number(item.substr(dash + 1), text);
        require(first <= last, "class list '", text, "': the range ", first, "-", last, " is reversed");
        require(last - first < kMostClasses && classes.size() < size_t(kMostClasses),
                "class list '", text, "': more than ", kMostClasses, " classes");
        for (int c = first; c <= last; ++c) {
            require(std::find(classes.begin(), classes.end(), c) == classes.end(), "class list '",
                    text, "': class ", c, " is listed twice");
            classes.push_back(c);
        }
        start = end + 1;
    }
    return classes;
}

void keep_classes(Dataset& d, const std::vector<int>& classes) {
    require(classes.size() >= 2, "keeping classes: at least 2 are needed, got ", classes.size());
    std::vector<int32_t> new_label(size_t(std::max(d.classes, 0)), -1);
    for (size_t i = 0; i < classes.size(); ++i) {
        const int c = classes[i];
        require(c >= 0 && c < d.classes, "class ", c, " is out of range: the data has classes 0..",
                d.classes - 1);
        require(new_label[size_t(c)] < 0, "class ", c, " is listed twice");
        new_label[size_t(c)] = int32_t(i);
    }
    const size_t sample = d.sample_size();
    size_t kept = 0;
    for (size_t i = 0; i < d.size(); ++i) {   // kept ≤ i, so moving forward in place is safe
        const int32_t label = new_label[size_t(d.labels[i])];
        if (label < 0) continue;
        d.labels[kept] = label;
        std::copy_n(d.images.begin() + i * sample, sample, d.images.begin() + kept * sample);
        ++kept;
    }
    d.labels.resize(kept);
    d.images.resize(kept * sample);
    d.classes = int(classes.size());
}

}  // namespace idim
