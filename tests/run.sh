#!/usr/bin/env bash
# Builds shequn and runs every test, in three stages:
#   1. the suite, RelWithDebInfo (g++), in build/;
#   2. the suite again under AddressSanitizer + UndefinedBehaviorSanitizer
#      (g++, -O1, any report fails), in build-sanitize/;
#   3. the libFuzzer targets (clang++-14), each for SHEQUN_FUZZ_SECONDS
#      (default 30 when CI=true, else 10; 0 skips them), in build-fuzz/,
#      from a fixed seed (SHEQUN_FUZZ_SEED, default 1) so a run repeats.
#      A crash, leak, sanitizer report or broken invariant fails the run;
#      the input is saved as build-fuzz/artifacts/<target>-crash-*.
# SHEQUN_STAGES="default sanitize fuzz" picks stages. Installs missing Debian
# packages when run as root; otherwise prints the apt-get line to run.
source "$(dirname "${BASH_SOURCE[0]}")/../examples/setup.sh"
stages="${SHEQUN_STAGES:-default sanitize fuzz}"
if [ "${CI:-}" = "true" ]; then fuzz_default=30; else fuzz_default=10; fi
fuzz_seconds="${SHEQUN_FUZZ_SECONDS:-$fuzz_default}"
packages=("${SHEQUN_BUILD_PACKAGES[@]}" "${SHEQUN_TEST_PACKAGES[@]}")
case " $stages " in *" fuzz "*) [ "$fuzz_seconds" -gt 0 ] && packages+=(clang-14 libclang-rt-14-dev) ;; esac
shequn_require "${packages[@]}"

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

if [[ " $stages " == *" fuzz "* ]] && [ "$fuzz_seconds" -gt 0 ]; then
  stage "fuzzers: clang++-14, ${fuzz_seconds}s each"
  fuzz="$SHEQUN_ROOT/build-fuzz"
  targets=(config_fuzzer events_fuzzer snapshot_fuzzer screening_fuzzer)
  cmake -S "$SHEQUN_ROOT" -B "$fuzz" -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
    "-DCMAKE_CXX_FLAGS=-O1 -fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer -fno-sanitize-recover=all" \
    -DSHEQUN_BUILD_FUZZERS=ON -DSHEQUN_BUILD_TESTS=OFF -DSHEQUN_BUILD_EXAMPLES=OFF \
    -DSHEQUN_BUILD_BENCHMARKS=OFF -DSHEQUN_INSTALL=OFF >/dev/null
  cmake --build "$fuzz" -j "$SHEQUN_JOBS" --target "${targets[@]}" shequn_fuzz_seeds
  # Seeds: committed text inputs plus generated binary ones (snapshots).
  "$fuzz/tests/fuzz/shequn_fuzz_seeds" "$fuzz/seeds"
  mkdir -p "$fuzz/artifacts"
  # One fuzzer per core: SHEQUN_JOBS run side by side.
  run_fuzzer() {
    local target="$1" name="${1%_fuzzer}" seeds=() dir
    mkdir -p "$fuzz/corpus/$name"
    for dir in "$SHEQUN_ROOT/tests/fuzz/corpus/$name" "$fuzz/seeds/$name"; do
      [ -d "$dir" ] && seeds+=("$dir")
    done
    # The first corpus folder is written to; the seed folders only read.
    local rc=0
    ASAN_OPTIONS="detect_leaks=1" "$fuzz/tests/fuzz/$target" \
      -seed="${SHEQUN_FUZZ_SEED:-1}" \
      -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$fuzz/artifacts/$name-" \
      "$fuzz/corpus/$name" "${seeds[@]}" >"$fuzz/$target.log" 2>&1 || rc=$?
    echo "$rc" >"$fuzz/$target.rc"
  }
  rm -f "$fuzz"/*.rc
  pids=()
  for target in "${targets[@]}"; do
    run_fuzzer "$target" &
    pids+=($!)
    if [ "${#pids[@]}" -ge "$SHEQUN_JOBS" ]; then wait "${pids[0]}" || true; pids=("${pids[@]:1}"); fi
  done
  wait || true
  failed=0
  for target in "${targets[@]}"; do
    log="$fuzz/$target.log"
    if [ "$(cat "$fuzz/$target.rc" 2>/dev/null)" = 0 ]; then
      runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
      echo "$target: ${runs:-?} executions in ${fuzz_seconds}s, no crash" >&2
    else
      echo "$target: FAILED; the end of $log:" >&2
      tail -n 40 "$log" >&2
      failed=1
    fi
  done
  [ "$failed" -eq 0 ] || { echo "a fuzzer failed; inputs in $fuzz/artifacts" >&2; exit 1; }
fi
