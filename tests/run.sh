#!/usr/bin/env bash
# Builds shequn and runs every test, in two stages:
#   1. the suite, RelWithDebInfo (g++), in build/;
#   2. the suite again under AddressSanitizer + UndefinedBehaviorSanitizer
#      (g++, -O1, any report fails), in build-sanitize/.
# Each stage's suite includes the fuzz replay tests (ctest -L fuzz): every
# fuzz target runs once on each committed corpus file (tests/fuzz/corpus/),
# each past crash input (tests/fuzz/regressions/) and the generated seeds,
# so the result does not depend on machine speed or on earlier runs.
# Fuzzing for a given time is tests/fuzz.sh, not part of this run.
# SHEQUN_STAGES="default sanitize" picks stages. Installs missing Debian
# packages when run as root; otherwise prints the apt-get line to run.
source "$(dirname "${BASH_SOURCE[0]}")/../examples/setup.sh"
stages="${SHEQUN_STAGES:-default sanitize}"
for s in $stages; do
  case "$s" in
    default | sanitize) ;;
    *) echo "unknown stage '$s': default, sanitize (fuzzing for a time is tests/fuzz.sh)" >&2; exit 2 ;;
  esac
done
shequn_require "${SHEQUN_BUILD_PACKAGES[@]}" "${SHEQUN_TEST_PACKAGES[@]}"

stage() { echo "==== $* ($(date -u +%H:%M:%S))" >&2; }

# Each stage is a preset of CMakePresets.json: configure, build, test.
run_preset() (
  cd "$SHEQUN_ROOT"
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1" -j "$SHEQUN_JOBS"
  ctest --preset "$1" -j "$SHEQUN_JOBS"
)

if [[ " $stages " == *" default "* ]]; then
  stage "tests: RelWithDebInfo (preset default)"
  run_preset default
fi

if [[ " $stages " == *" sanitize "* ]]; then
  stage "tests: ASan + UBSan (preset sanitize)"
  run_preset sanitize
fi
