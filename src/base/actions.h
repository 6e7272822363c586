// Building actions: every action names the rule that caused it, and
// carries its due time and its kind's typed detail (action.proto).
#ifndef SHEQUN_SRC_BASE_ACTIONS_H_
#define SHEQUN_SRC_BASE_ACTIONS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

#include "shequn/v1/action.pb.h"

namespace shequn {

// Appends an action of `kind` to `out`, caused by `rule`, acting on `member`.
inline v1::Action& AddAction(v1::Outcome& out, v1::ActionKind kind,
                             absl::string_view rule, absl::string_view member) {
  v1::Action& a = *out.add_actions();
  a.set_kind(kind);
  a.set_rule(std::string(rule));
  a.set_member(std::string(member));
  return a;
}

// Stamps `a` with the time it is due and fills its typed detail from the
// flat fields the parts set (action.proto says which kind carries which),
// so the two can never disagree. The engine calls it once per action. O(1).
void Finish(v1::Action& a, int64_t due_ms);

}  // namespace shequn

#endif  // SHEQUN_SRC_BASE_ACTIONS_H_
