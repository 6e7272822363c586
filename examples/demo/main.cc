// demo: 90 days of a multi-group reading community, simulated from a seed
// through the real shequn::Engine. Prints a short summary and writes a
// self-contained HTML report (inline SVG charts, no scripts or links).
//
//   demo [--seed N] [--days N] [--html PATH]
//
// Defaults: seed 42, 90 days, demo-report.html in the current directory.
// The same arguments give the same output, byte for byte.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/strings/numbers.h"
#include "html_report.h"
#include "simulation.h"

int main(int argc, char** argv) {
  uint32_t seed = 42;
  int days = 90;
  std::string html = "demo-report.html";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--seed" && has_value && absl::SimpleAtoi(argv[i + 1], &seed)) {
      ++i;
    } else if (arg == "--days" && has_value && absl::SimpleAtoi(argv[i + 1], &days) && days >= 1 &&
               days <= 366) {
      ++i;
    } else if (arg == "--html" && has_value) {
      html = argv[++i];
    } else {
      std::cerr << "usage: demo [--seed N] [--days 1..366] [--html PATH]\n";
      return 1;
    }
  }
  const demo::Result result = demo::Simulate(seed, days);
  const std::string summary = demo::TextSummary(result, html);
  std::ofstream out(html, std::ios::binary);
  out << demo::HtmlReport(result, summary);
  out.close();
  if (!out) {
    std::cerr << html << ": cannot write\n";
    return 2;
  }
  std::cout << summary;
  return 0;
}
