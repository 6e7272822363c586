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

if [[ " $stages " == *" default "* ]]; then
  stage "tests: RelWithDebInfo"
  shequn_build "$SHEQUN_ROOT/build" -DSHEQUN_BUILD_TESTS=ON -DSHEQUN_BUILD_EXAMPLES=ON
  ctest --test-dir "$SHEQUN_ROOT/build" --output-on-failure -j "$SHEQUN_JOBS"
fi

if [[ " $stages " == *" sanitize "* ]]; then
  # The sanitize preset's settings, minus what slows the build: line tables
  # only, no examples or benchmarks.
  stage "tests: ASan + UBSan"
  shequn_build "$SHEQUN_ROOT/build-sanitize" \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=g++ -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
    "-DCMAKE_CXX_FLAGS=-O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
    -DSHEQUN_BUILD_TESTS=ON -DSHEQUN_BUILD_EXAMPLES=OFF -DSHEQUN_BUILD_BENCHMARKS=OFF
  ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    ctest --test-dir "$SHEQUN_ROOT/build-sanitize" --output-on-failure -j "$SHEQUN_JOBS"
fi
