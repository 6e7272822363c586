#!/usr/bin/env bash
# Usage: replay_test.sh SHEQUN_REPLAY DATA_DIR
set -uo pipefail
replay="$1"; data="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
failures=0
expect() {  # expect DESCRIPTION CONDITION...
  local what="$1"; shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}
config="$data/club.textproto"; events="$data/club-events.jsonl"

"$replay" --config "$config" --events "$events" >"$tmp/out" 2>"$tmp/err"; code=$?
expect "a log with one bad event exits 4" test "$code" -eq 4
expect "the bad event is named by line and field" grep -q "club-events.jsonl:10: event 'e9' rejected: NOT_FOUND: actor: unknown member 'ghost'" "$tmp/err"
expect "the spaced-out advert removes tom" grep -q "REMOVE  member=tom .*rule=rules.categories\[0\].ladder\[0\]" "$tmp/out"
expect "the report follows the actions" grep -q '"communityId": "tea-club"' "$tmp/out"

"$replay" --config "$config" --events "$events" --actions-only --json >"$tmp/json" 2>/dev/null
expect "--json prints one JSON object per action" python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) >= 8, lines
for line in lines: json.loads(line)' "$tmp/json"
expect "--actions-only prints no report" bash -c "! grep -q communityId '$tmp/json'"

"$replay" --config "$config" --events "$events" --report-only >"$tmp/report" 2>/dev/null
expect "--report-only prints only the report" bash -c "head -c1 '$tmp/report' | grep -q '{'"

"$replay" --config "$config" --events "$events" --snapshot-out "$tmp/whole.snap" >/dev/null 2>&1
"$replay" --config "$config" --events "$events" --until 1772356300000 --snapshot-out "$tmp/half.snap" >/dev/null 2>&1
"$replay" --config "$config" --events "$events" --snapshot-in "$tmp/half.snap" --snapshot-out "$tmp/resumed.snap" >/dev/null 2>&1
expect "resuming from a snapshot ends byte-identical to one run" cmp -s "$tmp/whole.snap" "$tmp/resumed.snap"

printf 'id: "x"\n' >"$tmp/bad.textproto"
"$replay" --config "$tmp/bad.textproto" --events "$events" >/dev/null 2>"$tmp/err"; code=$?
expect "an invalid config exits 2" test "$code" -eq 2
expect "and names the field" grep -q "groups: at least one group is required" "$tmp/err"

# A hostile config: a segment predicate nested 10,000 deep once overflowed
# the stack inside protobuf's text parser.
{
  printf 'id: "deep" groups { id: "g" stage: FUNNEL_STAGE_RETENTION }\n'
  printf 'segments { segments { name: "deep" predicate { '
  for _ in $(seq 10000); do printf 'not { '; done
  printf 'tag: "vip" '
  for _ in $(seq 10003); do printf '} '; done
  printf '\n'
} >"$tmp/deep.textproto"
"$replay" --config "$tmp/deep.textproto" --events "$events" >/dev/null 2>"$tmp/err"; code=$?
expect "a config nested 10,000 deep exits 2, no crash" test "$code" -eq 2
expect "and says what was too deep" grep -q "deep.textproto: CommunityConfig: line 2 column .*: field 'not' nests deeper than 100 levels" "$tmp/err"

printf '{"id":"a","timeMs":"1","actor":"x","apply":{}}\n{"id": broken\n' >"$tmp/bad.jsonl"
"$replay" --config "$config" --events "$tmp/bad.jsonl" >/dev/null 2>"$tmp/err"; code=$?
expect "an unreadable log exits 3" test "$code" -eq 3
expect "and names the line" grep -q "bad.jsonl:2:" "$tmp/err"

printf 'garbage' >"$tmp/bad.snap"
"$replay" --config "$config" --snapshot-in "$tmp/bad.snap" >/dev/null 2>&1; code=$?
expect "a broken snapshot exits 5" test "$code" -eq 5
"$replay" --events "$events" >/dev/null 2>&1; code=$?
expect "missing --config exits 1" test "$code" -eq 1

exit $((failures > 0))
