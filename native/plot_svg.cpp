// A hand-made SVG of test accuracy against d (log axis): every run as a faint dot, the mean per d
// as a line, the baseline and the threshold as dashed lines, d_int90 as a vertical marker.
// Plain SVG 1.1 with inline styles, so it reads the same in a browser, an editor or a paper.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "report.h"

namespace idim::cli {
namespace {

constexpr double kW = 820, kH = 520, kLeft = 78, kRight = 150, kTop = 64, kBottom = 62;
constexpr const char* kBlue = "#1f6fb4";
constexpr const char* kOrange = "#e07b00";
constexpr const char* kGreen = "#23933b";
constexpr const char* kRed = "#d62728";

std::string fmt(const char* f, double x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, x);
    return buf;
}

std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '&') out += "&amp;";
        else if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else out += c;
    }
    return out;
}

std::string d_label(double d) {
    if (d >= 1e6) return fmt("%gM", d / 1e6);
    if (d >= 1e3) return fmt("%gk", d / 1e3);
    return fmt("%g", d);
}

struct Axes {
    double log_lo, log_hi, y_lo, y_hi;
    double x(double d) const {
        return kLeft + (std::log10(d) - log_lo) / (log_hi - log_lo) * (kW - kLeft - kRight);
    }
    double y(double a) const { return kTop + (y_hi - a) / (y_hi - y_lo) * (kH - kTop - kBottom); }
};

Axes make_axes(const PlotSpec& p) {
    double d_lo = INFINITY, d_hi = 0, a_lo = 1, a_hi = 0;
    for (const RunRecord& r : p.runs) {
        d_lo = std::min(d_lo, double(r.d));
        d_hi = std::max(d_hi, double(r.d));
        double a = r.result.diverged() || !std::isfinite(r.score) ? 0 : r.score;
        a_lo = std::min(a_lo, a);
        a_hi = std::max(a_hi, a);
    }
    if (d_hi == 0) d_lo = d_hi = 100;
    for (auto line : {p.baseline, p.threshold})
        if (line) a_lo = std::min(a_lo, *line), a_hi = std::max(a_hi, *line);
    Axes ax;
    ax.log_lo = std::log10(d_lo) - 0.15;
    ax.log_hi = std::log10(d_hi) + 0.15;
    if (ax.log_hi - ax.log_lo < 1) ax.log_lo -= 0.5, ax.log_hi += 0.5;
    ax.y_lo = std::max(0.0, std::floor(a_lo * 10 - 0.5) / 10);
    ax.y_hi = std::min(1.0, std::ceil(a_hi * 10 + 0.2) / 10);
    if (ax.y_hi <= ax.y_lo) ax.y_hi = ax.y_lo + 0.1;
    return ax;
}

void grid_and_ticks(std::ostream& s, const Axes& ax, const std::string& y_label) {
    double x0 = kLeft, x1 = kW - kRight, y0 = kTop, y1 = kH - kBottom;
    double y_step = ax.y_hi - ax.y_lo > 0.35 ? 0.1 : 0.05;
    for (double a = ax.y_lo; a <= ax.y_hi + 1e-9; a += y_step) {
        s << "<line x1='" << x0 << "' x2='" << x1 << "' y1='" << ax.y(a) << "' y2='" << ax.y(a)
          << "' stroke='#e6e6e6'/>\n<text x='" << x0 - 8 << "' y='" << ax.y(a) + 4
          << "' text-anchor='end'>" << fmt("%.2f", a) << "</text>\n";
    }
    bool few_decades = ax.log_hi - ax.log_lo < 2.5;
    for (int k = int(std::floor(ax.log_lo)); k <= int(std::ceil(ax.log_hi)); ++k)
        for (int m : {1, 2, 5}) {
            double d = m * std::pow(10.0, k);
            double lg = std::log10(d);
            if (lg < ax.log_lo || lg > ax.log_hi) continue;
            bool major = m == 1;
            s << "<line x1='" << ax.x(d) << "' x2='" << ax.x(d) << "' y1='" << y0 << "' y2='" << y1
              << "' stroke='" << (major ? "#dcdcdc" : "#f0f0f0") << "'/>\n";
            if (major || few_decades)
                s << "<text x='" << ax.x(d) << "' y='" << y1 + 18 << "' text-anchor='middle'>"
                  << d_label(d) << "</text>\n";
        }
    s << "<rect x='" << x0 << "' y='" << y0 << "' width='" << x1 - x0 << "' height='" << y1 - y0
      << "' fill='none' stroke='#888'/>\n";
    s << "<text x='" << (x0 + x1) / 2 << "' y='" << kH - 18
      << "' text-anchor='middle'>subspace dimension d (log scale)</text>\n";
    s << "<text transform='translate(22," << (y0 + y1) / 2
      << ") rotate(-90)' text-anchor='middle'>" << escape(y_label) << "</text>\n";
}

// label_dy moves the label off another one at the same height.
void horizontal(std::ostream& s, const Axes& ax, double a, const char* colour,
                const std::string& label, double label_dy = 0) {
    double y = ax.y(a);
    s << "<line x1='" << kLeft << "' x2='" << kW - kRight << "' y1='" << y << "' y2='" << y
      << "' stroke='" << colour << "' stroke-width='1.5' stroke-dasharray='6 4'/>\n"
      << "<text x='" << kW - kRight + 6 << "' y='" << y + 4 + label_dy << "' fill='" << colour << "'>"
      << escape(label) << "</text>\n";
}

void runs_and_means(std::ostream& s, const Axes& ax, const PlotSpec& p) {
    for (const RunRecord& r : p.runs) {
        double x = ax.x(double(r.d));
        if (r.result.diverged() || !std::isfinite(r.score)) {
            double y = kH - kBottom - 8;
            s << "<path d='M" << x - 4 << ' ' << y - 4 << " l8 8 m0 -8 l-8 8' stroke='" << kRed
              << "' stroke-width='2'><title>d = " << r.d << ", seed " << r.seed
              << ": diverged</title></path>\n";
            continue;
        }
        s << "<circle cx='" << x << "' cy='" << ax.y(r.score) << "' r='3.5' fill='"
          << kBlue << "' fill-opacity='0.4'><title>d = " << r.d << ", seed " << r.seed << ": "
          << fmt("%.4f", r.score) << "</title></circle>\n";
    }
    std::vector<DSummary> summary = summarise(p.runs);
    s << "<polyline fill='none' stroke='" << kBlue << "' stroke-width='2' points='";
    for (const DSummary& m : summary) s << ax.x(double(m.d)) << ',' << ax.y(m.mean) << ' ';
    s << "'/>\n";
    for (const DSummary& m : summary)
        s << "<circle cx='" << ax.x(double(m.d)) << "' cy='" << ax.y(m.mean) << "' r='4.5' fill='white' stroke='"
          << kBlue << "' stroke-width='2'><title>d = " << m.d << ": mean " << fmt("%.4f", m.mean)
          << "</title></circle>\n";
}

void legend(std::ostream& s, const PlotSpec& p) {
    double x = kW - kRight + 8, y = kH - kBottom - 64;
    s << "<circle cx='" << x + 6 << "' cy='" << y << "' r='3.5' fill='" << kBlue
      << "' fill-opacity='0.4'/><text x='" << x + 18 << "' y='" << y + 4 << "'>one run</text>\n";
    s << "<line x1='" << x << "' x2='" << x + 12 << "' y1='" << y + 18 << "' y2='" << y + 18
      << "' stroke='" << kBlue << "' stroke-width='2'/><text x='" << x + 18 << "' y='" << y + 22
      << "'>mean over seeds</text>\n";
    if (p.d_int)
        s << "<line x1='" << x + 6 << "' x2='" << x + 6 << "' y1='" << y + 30 << "' y2='" << y + 44
          << "' stroke='" << kGreen << "' stroke-width='2'/><text x='" << x + 18 << "' y='"
          << y + 41 << "'>" << escape(p.d_int_label) << "</text>\n";
}

}  // namespace

std::string plot_svg(const PlotSpec& p) {
    Axes ax = make_axes(p);
    std::ostringstream s;
    s << "<svg xmlns='http://www.w3.org/2000/svg' width='" << kW << "' height='" << kH
      << "' viewBox='0 0 " << kW << ' ' << kH << "' font-family='Helvetica, Arial, sans-serif'"
      << " font-size='12' fill='#222'>\n<rect width='100%' height='100%' fill='white'/>\n";
    s << "<text x='" << kLeft << "' y='26' font-size='16' font-weight='bold'>" << escape(p.title)
      << "</text>\n<text x='" << kLeft << "' y='46' fill='#555'>" << escape(p.subtitle) << "</text>\n";
    grid_and_ticks(s, ax, p.y_label);
    if (p.baseline) horizontal(s, ax, *p.baseline, "#444", fmt("baseline %.4f", *p.baseline));
    if (p.threshold) {
        bool crowded = p.baseline && std::abs(ax.y(*p.baseline) - ax.y(*p.threshold)) < 14;
        horizontal(s, ax, *p.threshold, kOrange,
                   fmt("%.0f%%", p.fraction * 100) + fmt(" line %.4f", *p.threshold), crowded ? 15 : 0);
    }
    if (p.d_int) {
        double x = ax.x(double(*p.d_int));
        s << "<line x1='" << x << "' x2='" << x << "' y1='" << kTop << "' y2='" << kH - kBottom
          << "' stroke='" << kGreen << "' stroke-width='2' stroke-dasharray='3 3'/>\n<text x='"
          << x + 5 << "' y='" << kTop + 16 << "' fill='" << kGreen << "' font-weight='bold'>"
          << escape(p.d_int_label) << " = " << *p.d_int << "</text>\n";
    }
    runs_and_means(s, ax, p);
    legend(s, p);
    s << "</svg>\n";
    return s.str();
}

}  // namespace idim::cli
