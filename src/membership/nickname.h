// Nickname formats: "姓名|公司或职业|所在城市" checked field by
// field in UTF-8 characters.
#ifndef SHEQUN_SRC_MEMBERSHIP_NICKNAME_H_
#define SHEQUN_SRC_MEMBERSHIP_NICKNAME_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "shequn/v1/config.pb.h"

namespace shequn::membership {

// Validates a format from the config; errors name `path`'s sub-field.
absl::Status ValidateNicknameFormat(const v1::NicknameFormat& format,
                                    absl::string_view path);

// True when `format` asks for nothing.
bool IsEmptyFormat(const v1::NicknameFormat& format);

// Empty when `nickname` (valid UTF-8) matches `format`; otherwise a short
// human-readable reason naming the field, such as "所在城市 missing (format
// 姓名|公司或职业|所在城市)" or "field 2 (公司或职业) has 0 characters, at
// least 1 needed". O(|nickname|).
std::string NicknameMismatch(absl::string_view nickname,
                             const v1::NicknameFormat& format);

// A readable template of the format, e.g. "姓名|公司或职业|所在城市".
std::string DescribeFormat(const v1::NicknameFormat& format);

}  // namespace shequn::membership

#endif  // SHEQUN_SRC_MEMBERSHIP_NICKNAME_H_
