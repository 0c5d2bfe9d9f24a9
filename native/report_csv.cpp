// CSV files for spreadsheets and scripts: per-epoch curves of one run, or one row per run of a
// sweep or search. Diverged values are left empty.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "report.h"

namespace idim::cli {
namespace {

std::string cell(double x) {
    if (!std::isfinite(x)) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", x);
    return buf;
}

}  // namespace

void write_epochs_csv(const std::string& path, const TrainResult& r) {
    std::ostringstream out;
    out << "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds\n";
    for (const EpochRecord& e : r.epochs)
        out << e.epoch << ',' << cell(e.train_loss) << ',' << cell(e.train_accuracy) << ','
            << cell(e.test_loss) << ',' << cell(e.test_accuracy) << ',' << cell(e.seconds) << '\n';
    write_file_atomically(path, out.str());
}

void write_runs_csv(const std::string& path, const std::vector<RunRecord>& runs) {
    std::ostringstream out;
    out << "d,seed,projection,test_accuracy,train_accuracy,test_loss,diverged,stop,epochs_run,seconds\n";
    for (const RunRecord& r : runs) {
        const TrainResult& t = r.result;
        bool bad = t.diverged();
        out << r.d << ',' << r.seed << ',' << r.projection << ','
            << (bad ? "" : cell(t.test_accuracy)) << ',' << (bad ? "" : cell(t.train_accuracy))
            << ',' << (bad ? "" : cell(t.test_loss)) << ',' << (bad ? "true" : "false") << ','
            << to_string(t.stop) << ',' << epochs_run(t) << ',' << cell(t.seconds) << '\n';
    }
    write_file_atomically(path, out.str());
}

}  // namespace idim::cli
