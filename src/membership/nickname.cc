#include "membership/nickname.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "shequn/limits.h"
#include "base/utf8.h"

namespace shequn::membership {

absl::Status ValidateNicknameFormat(const v1::NicknameFormat& format,
                                    absl::string_view path) {
  if (format.fields_size() > limits::kMaxConfigEntries) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".fields: ", format.fields_size(),
                                                   " entries, limit ", limits::kMaxConfigEntries));
  }
  for (const auto& [name, value] : {std::pair<absl::string_view, absl::string_view>{
                                        "separator", format.separator()},
                                    {"prefix", format.prefix()}}) {
    if (value.size() > limits::kMaxNameBytes) {
      return absl::InvalidArgumentError(absl::StrCat(path, ".", name, ": ", value.size(),
                                                     " bytes, limit ", limits::kMaxNameBytes));
    }
  }
  if (format.fields_size() > 0 && format.separator().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ".separator: required when fields are set"));
  }
  for (int i = 0; i < format.fields_size(); ++i) {
    const v1::NicknameField& f = format.fields(i);
    const std::string at = absl::StrCat(path, ".fields[", i, "]");
    if (f.name().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".name: required"));
    }
    if (f.max_chars() != 0 && f.max_chars() < f.min_chars()) {
      return absl::InvalidArgumentError(absl::StrCat(
          at, ".max_chars: ", f.max_chars(), " is below min_chars ",
          f.min_chars()));
    }
  }
  return absl::OkStatus();
}

bool IsEmptyFormat(const v1::NicknameFormat& format) {
  return format.fields_size() == 0 && format.prefix().empty();
}

std::string NicknameMismatch(absl::string_view nickname,
                             const v1::NicknameFormat& format) {
  if (!format.prefix().empty()) {
    if (!absl::StartsWith(nickname, format.prefix())) {
      return absl::StrCat("must start with '", format.prefix(), "'");
    }
    nickname.remove_prefix(format.prefix().size());
  }
  if (format.fields_size() == 0) return "";
  std::vector<absl::string_view> parts =
      absl::StrSplit(nickname, format.separator());
  // A member who leaves out a field is told which one, not a count.
  if (static_cast<int>(parts.size()) < format.fields_size()) {
    std::vector<absl::string_view> missing;
    for (int i = static_cast<int>(parts.size()); i < format.fields_size(); ++i) {
      missing.push_back(format.fields(i).name());
    }
    return absl::StrCat(absl::StrJoin(missing, ", "), " missing (format ",
                        DescribeFormat(format), ")");
  }
  if (static_cast<int>(parts.size()) > format.fields_size()) {
    return absl::StrCat("has ", parts.size() - format.fields_size(),
                        " field(s) too many (format ", DescribeFormat(format), ")");
  }
  for (int i = 0; i < format.fields_size(); ++i) {
    const v1::NicknameField& f = format.fields(i);
    const size_t chars = text::CountCodePoints({parts[i].data(), parts[i].size()});
    const size_t min_chars = f.min_chars() == 0 ? 1 : f.min_chars();
    if (chars < min_chars) {
      return absl::StrCat("field ", i + 1, " (", f.name(), ") has ", chars,
                          " characters, at least ", min_chars, " needed");
    }
    if (f.max_chars() != 0 && chars > f.max_chars()) {
      return absl::StrCat("field ", i + 1, " (", f.name(), ") has ", chars,
                          " characters, at most ", f.max_chars(), " allowed");
    }
  }
  return "";
}

std::string DescribeFormat(const v1::NicknameFormat& format) {
  std::vector<absl::string_view> names;
  for (const v1::NicknameField& f : format.fields()) names.push_back(f.name());
  return absl::StrCat(format.prefix(),
                      absl::StrJoin(names, format.separator()));
}

}  // namespace shequn::membership
