#!/usr/bin/env bash
# Usage: demo_test.sh DEMO CHECK_REPORT_PY
# Runs the demo twice with the default seed and once with another, each in
# its own directory, and checks determinism and the report's contents.
set -uo pipefail
demo="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; check="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
failures=0
expect() {  # expect DESCRIPTION CONDITION...
  local what="$1"; shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}
run() {  # run DIR ARGS...: the demo inside DIR, stdout to DIR/out
  local dir="$tmp/$1"; shift
  mkdir -p "$dir"
  (cd "$dir" && "$demo" "$@" >out 2>err); echo $? >"$dir/code"
}

run a
run b --seed 42 --days 90
run c --seed 7

expect "the demo exits 0" test "$(cat "$tmp/a/code")" -eq 0
expect "it writes demo-report.html in the current directory by default" test -s "$tmp/a/demo-report.html"
expect "the same seed gives byte-identical HTML" cmp -s "$tmp/a/demo-report.html" "$tmp/b/demo-report.html"
expect "the same seed gives byte-identical stdout" cmp -s "$tmp/a/out" "$tmp/b/out"
expect "another seed gives another report" bash -c "! cmp -s '$tmp/a/demo-report.html' '$tmp/c/demo-report.html'"
expect "another seed gives another summary" bash -c "! cmp -s '$tmp/a/out' '$tmp/c/out'"
expect "nothing on stderr" test ! -s "$tmp/a/err"
expect "the seed-42 report parses and adds up" python3 "$check" "$tmp/a/demo-report.html" "$tmp/a/out" 42 90
expect "the seed-7 report parses and adds up" python3 "$check" "$tmp/c/demo-report.html" "$tmp/c/out" 7 90

mkdir -p "$tmp/d"
(cd "$tmp/d" && "$demo" --days 5 --html short.html >out 2>/dev/null); code=$?
expect "--days and --html are honoured" bash -c "test $code -eq 0 && test -s '$tmp/d/short.html' && grep -q '^html: short.html$' '$tmp/d/out'"
"$demo" --bogus >/dev/null 2>"$tmp/usage"; code=$?
expect "an unknown flag exits 1 with the usage" bash -c "test $code -eq 1 && grep -q usage '$tmp/usage'"

if [ "$failures" -ne 0 ]; then
  echo "--- stdout of the seed-42 run"; cat "$tmp/a/out"
  exit 1
fi
