// --classes: the list's syntax, and the transform that keeps the listed classes of train and test
// and relabels them 0..k−1 in the list's order.
#include <gtest/gtest.h>

#include "expect_error.h"
#include "idim/dataset.h"

namespace idim {
namespace {

using testing::expect_error;

// n samples of one 2-pixel image each; sample i has label i % classes and pixels (i, −i).
Dataset labelled(size_t n, int classes) {
    Dataset d;
    d.height = 1;
    d.width = 2;
    d.channels = 1;
    d.classes = classes;
    for (size_t i = 0; i < n; ++i) {
        d.labels.push_back(int32_t(i % classes));
        d.images.push_back(float(i));
        d.images.push_back(-float(i));
    }
    return d;
}

TEST(ClassList, ParsesRangesAndLists) {
    EXPECT_EQ(parse_class_list("0-4"), (std::vector<int>{0, 1, 2, 3, 4}));
    EXPECT_EQ(parse_class_list("5,6,7,8,9"), (std::vector<int>{5, 6, 7, 8, 9}));
    EXPECT_EQ(parse_class_list("7,0-2"), (std::vector<int>{7, 0, 1, 2}));
    EXPECT_EQ(parse_class_list("3"), (std::vector<int>{3}));
}

TEST(ClassList, RefusesBadLists) {
    expect_error([] { parse_class_list(""); }, {"empty"});
    expect_error([] { parse_class_list("1,1"); }, {"'1,1'", "class 1 is listed twice"});
    expect_error([] { parse_class_list("0-4,3"); }, {"class 3 is listed twice"});
    expect_error([] { parse_class_list("4-2"); }, {"range 4-2 is reversed"});
    expect_error([] { parse_class_list("1,,2"); }, {"'' is not a class number"});
    expect_error([] { parse_class_list("0-4,"); }, {"'' is not a class number"});
    expect_error([] { parse_class_list("a"); }, {"'a' is not a class number"});
    expect_error([] { parse_class_list("-1"); }, {"not a class number"});
    expect_error([] { parse_class_list("0-99999999"); }, {"more than 4096 classes"});
}

TEST(KeepClasses, KeepsTheListedClassesAndRelabelsThemInOrder) {
    Dataset d = labelled(30, 10);
    keep_classes(d, {7, 2, 5});
    EXPECT_EQ(d.classes, 3);
    ASSERT_EQ(d.size(), 9u);   // 3 samples of each kept class
    ASSERT_EQ(d.images.size(), 18u);
    for (size_t k = 0; k < d.size(); ++k) {
        const int original = int(d.images[2 * k]) % 10;   // pixel 0 is the sample's index
        const int expected = original == 7 ? 0 : original == 2 ? 1 : original == 5 ? 2 : -1;
        EXPECT_EQ(d.labels[k], expected) << k;
        EXPECT_EQ(d.images[2 * k + 1], -d.images[2 * k]);   // the image moved whole
    }
    // the original order is kept: indices 2, 5, 7, 12, ...
    EXPECT_EQ(d.images[0], 2.0f);
    EXPECT_EQ(d.images[2], 5.0f);
    EXPECT_EQ(d.images[4], 7.0f);
}

TEST(KeepClasses, RefusesClassesTheDataLacks) {
    Dataset d = labelled(30, 10);
    expect_error([&] { keep_classes(d, {5, 10}); }, {"class 10 is out of range", "0..9"});
    expect_error([&] { keep_classes(d, {5}); }, {"at least 2"});
    expect_error([&] { keep_classes(d, {5, 5}); }, {"class 5 is listed twice"});
}

TEST(ApplyDataOptions, KeepsClassesInTrainAndTestAlike) {
    DataSplit split{labelled(100, 10), labelled(40, 10), "fixture"};
    DataOptions options;
    options.classes = {5, 6, 7, 8, 9};
    apply_data_options(split, options);
    EXPECT_EQ(split.train.classes, 5);
    EXPECT_EQ(split.test.classes, 5);
    EXPECT_EQ(split.train.size(), 50u);
    EXPECT_EQ(split.test.size(), 20u);
    for (int32_t label : split.test.labels) EXPECT_TRUE(label >= 0 && label < 5);
    EXPECT_NE(split.description.find("classes 5,6,7,8,9 as 0..4"), std::string::npos);
}

}  // namespace
}  // namespace idim
