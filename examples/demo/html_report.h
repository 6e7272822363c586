// The demo's HTML report: one self-contained page (inline CSS and SVG, no
// scripts, fonts or links) drawn from a simulation Result.
#ifndef SHEQUN_EXAMPLES_DEMO_HTML_REPORT_H_
#define SHEQUN_EXAMPLES_DEMO_HTML_REPORT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "simulation.h"

namespace demo {

// `text` with &, <, >, " and ' escaped for HTML text and attribute values.
std::string EscapeHtml(absl::string_view text);

// The whole page. `summary` is the text summary, shown at the top.
std::string HtmlReport(const Result& r, absl::string_view summary);

}  // namespace demo

#endif  // SHEQUN_EXAMPLES_DEMO_HTML_REPORT_H_
