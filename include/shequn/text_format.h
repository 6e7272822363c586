// shequn/text_format.h — reading protobuf text format (a config, a preset, an
// event log) with its nesting bounded.
//
// Protobuf's binary and JSON parsers refuse a message nested deeper than 100
// levels. Protobuf 3.21's text parser has no such default: it recurses once
// per level, so a config whose segment predicate nests 10,000 `not { }` deep
// overflows the stack before the engine sees it. ParseTextFormat sets the
// text parser's recursion limit to limits::kMaxNesting, the bound every
// other path already holds, and says which field went too deep.
//
// For hosts and tools, header-only: the library reads no text (it does no
// I/O and takes configs as messages), so libshequn compiles none of
// protobuf's text format, and tests/layering keeps src/ from including this
// header. A host that includes it uses the TextFormat of the libprotobuf it
// already links through shequn::proto. Every text parse in this project's
// examples, tests and benchmarks goes through it.
//
// Thread-safe (no shared state). Cost: O(size of the text).
#ifndef SHEQUN_TEXT_FORMAT_H_
#define SHEQUN_TEXT_FORMAT_H_

#include <algorithm>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"
#include "shequn/limits.h"

namespace shequn {

namespace text_format_internal {

// Keeps the first error, with its 1-based line and column.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (found_) return;
    found_ = true;
    line_ = line + 1;
    column_ = column + 1;
    message_ = message;
  }
  void AddWarning(int, int, const std::string&) override {}

  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& message() const { return message_; }

 private:
  bool found_ = false;
  int line_ = 0;
  int column_ = 0;
  std::string message_;
};

// The name of the last field opened (`name {`, `name: {`, `name <`) at or
// before 1-based `line`:`column` of `text`; empty when there is none.
inline std::string FieldOpenedBefore(absl::string_view text, int line, int column) {
  size_t at = 0;
  for (int l = 1; l < line && at < text.size(); ++l) {
    const size_t newline = text.find('\n', at);
    at = newline == absl::string_view::npos ? text.size() : newline + 1;
  }
  at = std::min(text.size(), at + static_cast<size_t>(column));
  const size_t brace = text.substr(0, at).find_last_of("{<");
  if (brace == absl::string_view::npos) return "";
  size_t end = brace;
  while (end > 0 && (absl::ascii_isspace(text[end - 1]) || text[end - 1] == ':')) --end;
  size_t begin = end;
  while (begin > 0 && (absl::ascii_isalnum(text[begin - 1]) || text[begin - 1] == '_')) --begin;
  return std::string(text.substr(begin, end - begin));
}

}  // namespace text_format_internal

// ParseTextFormat
//
// Parses protobuf text format into *message, nesting at most
// limits::kMaxNesting messages deep. On success *message holds exactly what
// the text says (it is replaced, not merged into). On failure *message is
// unchanged and the InvalidArgument status names the message type and the
// place, e.g.
//   "CommunityConfig: line 3 column 9: Expected identifier, got: }"
//   "CommunityConfig: line 1 column 601: field 'not' nests deeper than 100
//    levels (limits::kMaxNesting)"
// Nothing is logged. `message` is borrowed for the call.
inline absl::Status ParseTextFormat(absl::string_view text, google::protobuf::Message* message) {
  text_format_internal::FirstError error;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&error);
  parser.SetRecursionLimit(limits::kMaxNesting);
  std::unique_ptr<google::protobuf::Message> parsed(message->New());
  if (parser.ParseFromString(std::string(text), parsed.get())) {
    message->GetReflection()->Swap(message, parsed.get());
    return absl::OkStatus();
  }
  const std::string where = absl::StrCat(message->GetDescriptor()->name(), ": line ",
                                         error.line(), " column ", error.column(), ": ");
  if (!absl::StrContains(error.message(), "too deep")) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, error.message().empty() ? "does not parse" : error.message()));
  }
  const std::string field =
      text_format_internal::FieldOpenedBefore(text, error.line(), error.column());
  return absl::InvalidArgumentError(
      absl::StrCat(where, field.empty() ? "a message" : absl::StrCat("field '", field, "'"),
                   " nests deeper than ", limits::kMaxNesting,
                   " levels (limits::kMaxNesting)"));
}

}  // namespace shequn

#endif  // SHEQUN_TEXT_FORMAT_H_
