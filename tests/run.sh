#!/usr/bin/env bash
# Builds shequn and runs every test. Installs missing Debian packages when
# run as root; otherwise prints the apt-get line to run.
source "$(dirname "${BASH_SOURCE[0]}")/../examples/setup.sh"
shequn_require "${SHEQUN_BUILD_PACKAGES[@]}" "${SHEQUN_TEST_PACKAGES[@]}"
shequn_build "$SHEQUN_ROOT/build" -DSHEQUN_BUILD_TESTS=ON -DSHEQUN_BUILD_EXAMPLES=ON
ctest --test-dir "$SHEQUN_ROOT/build" --output-on-failure -j "$SHEQUN_JOBS"
