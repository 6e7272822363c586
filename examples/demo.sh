#!/usr/bin/env bash
# Runs the shequn demo: a seeded community simulated through the real engine.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
shequn_require "${SHEQUN_BUILD_PACKAGES[@]}"
shequn_build "$SHEQUN_ROOT/build" -DSHEQUN_BUILD_TESTS=OFF -DSHEQUN_BUILD_EXAMPLES=ON >/dev/null
exec "$SHEQUN_ROOT/build/examples/demo" "$@"
