#!/usr/bin/env bash
# Runs the shequn demo: a seeded multi-group community simulated for 90 days
# through the real engine. Prints a short summary and writes a self-contained
# HTML report (demo-report.html in the current directory unless --html PATH).
#   bash examples/demo.sh [--seed N] [--days N] [--html PATH]
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
shequn_require "${SHEQUN_BUILD_PACKAGES[@]}"
shequn_build "$SHEQUN_ROOT/build" -DSHEQUN_BUILD_TESTS=OFF -DSHEQUN_BUILD_EXAMPLES=ON >/dev/null
html="demo-report.html"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = "--html" ] && [ $((i + 1)) -lt ${#args[@]} ] && html="${args[$((i + 1))]}"
done
"$SHEQUN_ROOT/build/examples/demo" "$@"
echo "Open the report: $(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
