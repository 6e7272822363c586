// Small, dependency-free SVG charts and the page around them. Every number
// is printed with a fixed format so equal Results give equal bytes.
#include "html_report.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace demo {
namespace {

constexpr int kWidth = 820, kHeight = 280;
constexpr int kLeft = 52, kRight = 150, kTop = 16, kBottom = 34;
constexpr int kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;

const char* const kPalette[] = {"#2b8a3e", "#74b816", "#f59f00", "#adb5bd", "#1c7ed6",
                                "#ae3ec9", "#e8590c", "#0ca678", "#c92a2a", "#5c7cfa"};

struct Series {
  std::string name;
  std::string color;
  std::vector<std::optional<double>> values;  // nullopt = no value that day
};

std::string F(double x) { return absl::StrFormat("%.1f", x); }

// A round upper bound for an axis with four grid steps: 4 × (1, 2 or 5 times
// a power of ten), so the tick labels are round too.
double NiceMax(double v) {
  if (v <= 0) return 4;
  const double quarter = v / 4;
  const double p = std::pow(10.0, std::floor(std::log10(quarter)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * p >= quarter) return 4 * std::max(m * p, 1.0);
  }
  return 40 * p;
}

// Axes, grid lines, x labels (every 7th day) and a legend.
std::string Frame(const std::vector<std::string>& x_labels, double y_max,
                  const std::vector<Series>& series, absl::string_view y_label) {
  std::string s;
  for (int k = 0; k <= 4; ++k) {
    const double y = kTop + kPlotH - kPlotH * k / 4.0;
    absl::StrAppend(&s, "<line x1=\"", kLeft, "\" y1=\"", F(y), "\" x2=\"", kLeft + kPlotW, "\" y2=\"", F(y),
                    "\" stroke=\"#e9ecef\"/>");
    absl::StrAppend(&s, "<text x=\"", kLeft - 6, "\" y=\"", F(y + 4), "\" text-anchor=\"end\">",
                    absl::StrFormat("%g", y_max * k / 4), "</text>");
  }
  const size_t n = x_labels.size();
  for (size_t i = 0; i < n; i += 7) {
    const double x = kLeft + (n <= 1 ? 0.0 : kPlotW * static_cast<double>(i) / (n - 1));
    absl::StrAppend(&s, "<text x=\"", F(x), "\" y=\"", kTop + kPlotH + 18, "\" text-anchor=\"middle\">",
                    EscapeHtml(x_labels[i].size() > 5 ? x_labels[i].substr(5) : x_labels[i]), "</text>");
  }
  absl::StrAppend(&s, "<line x1=\"", kLeft, "\" y1=\"", kTop + kPlotH, "\" x2=\"", kLeft + kPlotW, "\" y2=\"",
                  kTop + kPlotH, "\" stroke=\"#495057\"/>");
  absl::StrAppend(&s, "<text x=\"12\" y=\"", kTop + kPlotH / 2, "\" transform=\"rotate(-90 12 ",
                  kTop + kPlotH / 2, ")\" text-anchor=\"middle\">", EscapeHtml(y_label), "</text>");
  for (size_t k = 0; k < series.size(); ++k) {
    const int y = kTop + 8 + static_cast<int>(k) * 18;
    absl::StrAppend(&s, "<rect x=\"", kLeft + kPlotW + 14, "\" y=\"", y - 9, "\" width=\"12\" height=\"12\" fill=\"",
                    series[k].color, "\"/><text x=\"", kLeft + kPlotW + 32, "\" y=\"", y + 1, "\">",
                    EscapeHtml(series[k].name), "</text>");
  }
  return s;
}

std::string OpenSvg(absl::string_view label) {
  return absl::StrCat("<svg viewBox=\"0 0 ", kWidth, " ", kHeight,
                      "\" width=\"", kWidth, "\" height=\"", kHeight, "\" role=\"img\" aria-label=\"",
                      EscapeHtml(label), "\">");
}

double X(size_t i, size_t n) {
  return kLeft + (n <= 1 ? 0.0 : kPlotW * static_cast<double>(i) / (n - 1));
}
double Y(double v, double y_max) { return kTop + kPlotH - kPlotH * v / y_max; }

// Lines, one per series; a missing value breaks the line.
std::string LineChart(absl::string_view label, const std::vector<std::string>& x_labels,
                      const std::vector<Series>& series, absl::string_view y_label,
                      std::optional<double> fixed_max = std::nullopt) {
  double top = 0;
  for (const Series& se : series) {
    for (const auto& v : se.values) top = std::max(top, v.value_or(0));
  }
  const double y_max = fixed_max.value_or(NiceMax(top));
  std::string s = OpenSvg(label);
  absl::StrAppend(&s, Frame(x_labels, y_max, series, y_label));
  for (const Series& se : series) {
    std::string points;
    auto flush = [&] {
      if (!points.empty()) {
        absl::StrAppend(&s, "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"", se.color, "\" points=\"",
                        points, "\"/>");
      }
      points.clear();
    };
    for (size_t i = 0; i < se.values.size(); ++i) {
      if (!se.values[i].has_value()) {
        flush();
        continue;
      }
      absl::StrAppend(&points, points.empty() ? "" : " ", F(X(i, x_labels.size())), ",",
                      F(Y(*se.values[i], y_max)));
    }
    flush();
  }
  absl::StrAppend(&s, "</svg>");
  return s;
}

// Areas stacked bottom-up in series order.
std::string StackedArea(absl::string_view label, const std::vector<std::string>& x_labels,
                        const std::vector<Series>& series, absl::string_view y_label) {
  const size_t n = x_labels.size();
  std::vector<double> total(n, 0);
  for (const Series& se : series) {
    for (size_t i = 0; i < n; ++i) total[i] += se.values[i].value_or(0);
  }
  const double y_max = NiceMax(n == 0 ? 0 : *std::max_element(total.begin(), total.end()));
  std::string s = OpenSvg(label);
  absl::StrAppend(&s, Frame(x_labels, y_max, series, y_label));
  std::vector<double> base(n, 0);
  for (const Series& se : series) {
    std::vector<double> upper(n);
    for (size_t i = 0; i < n; ++i) upper[i] = base[i] + se.values[i].value_or(0);
    std::string points;
    for (size_t i = 0; i < n; ++i) absl::StrAppend(&points, F(X(i, n)), ",", F(Y(upper[i], y_max)), " ");
    for (size_t i = n; i-- > 0;) absl::StrAppend(&points, F(X(i, n)), ",", F(Y(base[i], y_max)), i ? " " : "");
    absl::StrAppend(&s, "<polygon fill=\"", se.color, "\" fill-opacity=\"0.85\" points=\"", points, "\"/>");
    base = std::move(upper);
  }
  absl::StrAppend(&s, "</svg>");
  return s;
}

// One bar per day, stacked by series.
std::string StackedBars(absl::string_view label, const std::vector<std::string>& x_labels,
                        const std::vector<Series>& series, absl::string_view y_label) {
  const size_t n = x_labels.size();
  std::vector<double> total(n, 0);
  for (const Series& se : series) {
    for (size_t i = 0; i < n; ++i) total[i] += se.values[i].value_or(0);
  }
  const double y_max = NiceMax(n == 0 ? 0 : *std::max_element(total.begin(), total.end()));
  std::string s = OpenSvg(label);
  absl::StrAppend(&s, Frame(x_labels, y_max, series, y_label));
  const double slot = n == 0 ? 0 : static_cast<double>(kPlotW) / n;
  std::vector<double> base(n, 0);
  for (const Series& se : series) {
    for (size_t i = 0; i < n; ++i) {
      const double v = se.values[i].value_or(0);
      if (v <= 0) continue;
      const double y0 = Y(base[i], y_max), y1 = Y(base[i] + v, y_max);
      absl::StrAppend(&s, "<rect x=\"", F(kLeft + slot * i + slot * 0.15), "\" y=\"", F(y1), "\" width=\"",
                      F(slot * 0.7), "\" height=\"", F(y0 - y1), "\" fill=\"", se.color, "\"><title>",
                      EscapeHtml(absl::StrCat(x_labels[i], " ", se.name, ": ", v)), "</title></rect>");
      base[i] += v;
    }
  }
  absl::StrAppend(&s, "</svg>");
  return s;
}

// Horizontal bars with their labels and values.
std::string HBars(absl::string_view label, const std::vector<std::string>& names,
                  const std::vector<double>& values, const std::string& color) {
  const int row = 24, left = 300, width = 460;
  const int height = 10 + row * static_cast<int>(names.size());
  double top = 0;
  for (double v : values) top = std::max(top, v);
  const double x_max = NiceMax(top);
  std::string s = absl::StrCat("<svg viewBox=\"0 0 ", kWidth, " ", height,
                               "\" width=\"", kWidth, "\" height=\"", height, "\" role=\"img\" aria-label=\"",
                               EscapeHtml(label), "\">");
  for (size_t i = 0; i < names.size(); ++i) {
    const int y = 5 + row * static_cast<int>(i);
    const double w = width * values[i] / x_max;
    absl::StrAppend(&s, "<text x=\"", left - 8, "\" y=\"", y + 15, "\" text-anchor=\"end\">", EscapeHtml(names[i]),
                    "</text><rect x=\"", left, "\" y=\"", y + 2, "\" width=\"", F(w), "\" height=\"", row - 6,
                    "\" fill=\"", color, "\"/><text x=\"", F(left + w + 6), "\" y=\"", y + 15, "\">",
                    absl::StrFormat("%g", values[i]), "</text>");
  }
  absl::StrAppend(&s, "</svg>");
  return s;
}

Series Daily(const Result& r, absl::string_view name, int color, double (*get)(const DaySample&)) {
  Series se{std::string(name), kPalette[color], {}};
  for (const DaySample& d : r.samples) se.values.push_back(get(d));
  return se;
}

}  // namespace

std::string EscapeHtml(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string HtmlReport(const Result& r, absl::string_view summary) {
  std::vector<std::string> dates;
  for (const DaySample& d : r.samples) dates.push_back(d.date);
  const std::string title = absl::StrCat(r.community, " — shequn demo report (seed ", r.seed, ")");
  std::string h;
  absl::StrAppend(&h, "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
                  EscapeHtml(title), "</title>\n<style>\n",
                  "body{font-family:system-ui,sans-serif;max-width:880px;margin:24px auto;padding:0 16px;color:#212529}\n"
                  "h1{font-size:1.5em}h2{margin-top:2em;border-bottom:1px solid #dee2e6}\n"
                  "pre{background:#f8f9fa;padding:12px;white-space:pre-wrap;font-size:.85em}\n"
                  "svg{font-size:11px;display:block;margin:8px 0}svg text{fill:#495057}\n"
                  "table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #dee2e6;padding:4px 8px;text-align:left}\n"
                  "td.n{text-align:right}tr.dying td{background:#fff5f5;color:#c92a2a}\n"
                  "p.note{color:#868e96;font-size:.85em}\n",
                  "</style>\n</head>\n<body>\n");
  absl::StrAppend(&h, "<h1>", EscapeHtml(title), "</h1>\n");
  absl::StrAppend(&h, "<p>A community of reading-app users simulated for ", r.days,
                  " days from seed ", r.seed,
                  ", every event fed through <code>shequn::Engine</code> (Step: the timers due, then the event) "
                  "and every chart drawn from what the engine decided and reported.</p>\n");

  absl::StrAppend(&h, "<h2 id=\"summary\">Summary</h2>\n<pre id=\"summary-text\">", EscapeHtml(summary),
                  "</pre>\n");

  // Admissions.
  {
    std::vector<std::string> names = {"admitted", "waitlisted"};
    std::vector<double> values = {static_cast<double>(r.admitted), static_cast<double>(r.waitlisted)};
    for (const auto& [why, n] : r.refused_by_reason) {
      names.push_back(absl::StrCat("refused: ", why));
      values.push_back(n);
    }
    names.push_back("rejected by the engine");
    values.push_back(r.rejected_applications);
    names.push_back("ritual completed");
    values.push_back(r.ritual_completed);
    names.push_back("removed: ritual unfinished");
    values.push_back(r.ritual_removed);
    absl::StrAppend(&h, "<h2 id=\"admissions\">Admissions</h2>\n",
                    "<p>What became of ", r.applications, " applications, and of the onboarding ritual. Groups opened by overflow: ",
                    EscapeHtml(r.groups_opened.empty() ? "none" : absl::StrJoin(r.groups_opened, ", ")), ".</p>\n",
                    HBars("admissions", names, values, kPalette[4]), "\n");
  }

  absl::StrAppend(&h, "<h2 id=\"tiers\">Members per tier</h2>\n",
                  "<p>Community headcount by activity tier (D-8.1), sampled from <code>Engine::Report</code> "
                  "at the end of each day.</p>\n",
                  StackedArea("members per tier", dates,
                              {Daily(r, "active", 0, [](const DaySample& d) { return double(d.active); }),
                               Daily(r, "moderate", 1, [](const DaySample& d) { return double(d.moderate); }),
                               Daily(r, "lurker", 2, [](const DaySample& d) { return double(d.lurker); }),
                               Daily(r, "inactive", 3, [](const DaySample& d) { return double(d.inactive); })},
                              "members"),
                  "\n");

  absl::StrAppend(&h, "<h2 id=\"activity\">Daily activity</h2>\n",
                  "<p>Messages and check-ins the engine accepted each day.</p>\n",
                  LineChart("daily activity", dates,
                            {Daily(r, "messages", 4, [](const DaySample& d) { return double(d.messages); }),
                             Daily(r, "check-ins", 7, [](const DaySample& d) { return double(d.check_ins); })},
                            "per day"),
                  "\n");

  absl::StrAppend(&h, "<h2 id=\"sanctions\">Sanctions</h2>\n",
                  "<p>What the strike ladder and the advertising override did each day (D-5.4).</p>\n",
                  StackedBars("sanctions per day", dates,
                              {Daily(r, "warn", 2, [](const DaySample& d) { return double(d.warn); }),
                               Daily(r, "mute", 6, [](const DaySample& d) { return double(d.mute); }),
                               Daily(r, "remove", 8, [](const DaySample& d) { return double(d.remove); }),
                               Daily(r, "ban", 5, [](const DaySample& d) { return double(d.ban); })},
                              "sanctions"),
                  "\n");

  // Leaderboard.
  {
    std::vector<std::string> names;
    std::vector<double> values;
    std::string table =
        "<table id=\"leaderboard\">\n<tr><th>rank</th><th>member</th><th>name</th><th>personality</th><th>points</th></tr>\n";
    for (const BoardEntry& b : r.leaderboard) {
      names.push_back(absl::StrCat(b.rank, ". ", b.member, " ", b.name));
      values.push_back(static_cast<double>(b.score));
      absl::StrAppend(&table, "<tr><td class=\"n\">", b.rank, "</td><td>", EscapeHtml(b.member), "</td><td>",
                      EscapeHtml(b.name), "</td><td>", EscapeHtml(b.persona), "</td><td class=\"n\">", b.score,
                      "</td></tr>\n");
    }
    absl::StrAppend(&table, "</table>\n");
    absl::StrAppend(&h, "<h2 id=\"leaderboard-section\">Leaderboard</h2>\n",
                    "<p>All-time points, top 10, from <code>Engine::Leaderboard</code>.</p>\n",
                    HBars("leaderboard top 10", names, values, kPalette[0]), "\n", table);
    if (!r.awards.empty()) {
      absl::StrAppend(&h, "<p>Monthly awards:</p>\n<ul>\n");
      for (const std::string& a : r.awards) absl::StrAppend(&h, "<li>", EscapeHtml(a), "</li>\n");
      absl::StrAppend(&h, "</ul>\n");
    }
  }

  // Group health.
  {
    std::vector<Series> series;
    for (size_t k = 0; k < r.group_ids.size(); ++k) {
      Series se{r.group_ids[k], kPalette[k % 10], {}};
      for (const DaySample& d : r.samples) {
        auto it = d.health.find(r.group_ids[k]);
        se.values.push_back(it == d.health.end() ? std::nullopt : std::optional<double>(it->second));
      }
      series.push_back(std::move(se));
    }
    absl::StrAppend(&h, "<h2 id=\"health\">Group health</h2>\n",
                    "<p>Health score (0–100) of each group against its declared standard (D-1.5), day by day.</p>\n",
                    LineChart("group health", dates, series, "health score", 100.0), "\n");
    absl::StrAppend(&h, "<table id=\"groups\">\n<tr><th>group</th><th>stage</th><th>members</th>"
                        "<th>participation (7 d)</th><th>health</th><th>status</th><th>dying alerts</th></tr>\n");
    for (const GroupRow& g : r.groups) {
      std::vector<std::string> alerts;
      for (const std::string& a : r.dying_alerts) {
        const size_t space = a.find(' ');
        if (space != std::string::npos && a.substr(space + 1) == g.id) alerts.push_back(a.substr(0, space));
      }
      absl::StrAppend(&h, "<tr", g.dying ? " class=\"dying\"" : "", "><td>", EscapeHtml(g.id),
                      g.opened_from.empty() ? "" : absl::StrCat(" (overflow of ", EscapeHtml(g.opened_from), ")"),
                      "</td><td>", EscapeHtml(g.stage), "</td><td class=\"n\">", g.headcount, " / ", g.capacity,
                      "</td><td class=\"n\">", absl::StrFormat("%.1f%%", 100 * g.participation),
                      "</td><td class=\"n\">", F(g.health), "</td><td>", g.dying ? "DYING — migrate its members" : "ok",
                      "</td><td>", alerts.empty() ? "none" : EscapeHtml(absl::StrJoin(alerts, ", ")), "</td></tr>\n");
    }
    absl::StrAppend(&h, "</table>\n");
    if (!r.dying_alerts.empty()) {
      absl::StrAppend(&h, "<p>Dying-group alerts (D-9.2): ", EscapeHtml(absl::StrJoin(r.dying_alerts, "; ")),
                      "</p>\n");
    }
    if (!r.segments.empty()) {
      std::vector<std::string> parts;
      for (const auto& [name, n] : r.segments) parts.push_back(absl::StrCat(name, " ", n));
      absl::StrAppend(&h, "<p>Operator segments at the end: ", EscapeHtml(absl::StrJoin(parts, ", ")),
                      "; core users: ", r.core_users, ".</p>\n");
    }
  }
  absl::StrAppend(&h, "<p class=\"note\">Generated by examples/demo; the same seed gives the same page, byte for byte.</p>\n",
                  "</body>\n</html>\n");
  return h;
}

}  // namespace demo
