#!/usr/bin/env bash
# Fuzzes for a while or for a number of executions:
#   tests/fuzz.sh SECONDS [TARGET...]
#   tests/fuzz.sh --runs N [TARGET...]     # a campaign: N executions each
# Builds the libFuzzer targets (clang++-14, ASan + UBSan at -O1) in
# build-fuzz/ and runs each TARGET (config, events, snapshot, screening,
# server_requests, with or without _fuzzer; default the first four: the
# server's needs gRPC and SQLite installed, and opens a SQLite file per
# input) for SECONDS (or N executions,
# however long they take), SHEQUN_JOBS (2) at a time, from the committed
# corpus tests/fuzz/corpus/<name>/ plus the generated binary seeds, with a
# fresh random seed unless SHEQUN_FUZZ_SEED is set. On a shared machine run
# it under `nice` with SHEQUN_JOBS=1, and raise SHEQUN_FUZZ_TIMEOUT (10
# seconds per input): a process starved of CPU reports inputs that take
# milliseconds as timeouts. Then, per target:
#   * new coverage is merged into tests/fuzz/corpus/<name>/ (libFuzzer
#     -merge=1: only inputs that add coverage, named by their content hash);
#   * a crash, timeout, leak or out-of-memory input is copied into
#     tests/fuzz/regressions/<name>/, which tests/run.sh replays from then on;
#   * it prints executions, seconds, executions per second, coverage (the
#     last cov: and ft: libFuzzer printed), corpus files before and after,
#     and the start of any crash report.
# Exits non-zero if anything crashed. Commit what it added to tests/fuzz/
# that you mean to keep. Installs clang-14 and libclang-rt-14-dev like
# tests/run.sh installs its packages.
source "$(dirname "${BASH_SOURCE[0]}")/../examples/setup.sh"
shopt -s nullglob

all=(config events snapshot screening)
known=("${all[@]}" server_requests)
usage() {
  echo "usage: $0 SECONDS [${known[*]}]..." >&2
  echo "       $0 --runs N [${known[*]}]..." >&2
  exit 2
}
if [ "${1:-}" = --runs ]; then
  [ $# -ge 2 ] && [[ "$2" =~ ^[1-9][0-9]*$ ]] || usage
  limit=(-runs="$2")
  what="$2 executions"
  shift 2
else
  [ $# -ge 1 ] && [[ "${1:-}" =~ ^[1-9][0-9]*$ ]] || usage
  limit=(-max_total_time="$1")
  what="${1}s"
  shift
fi
[ $# -gt 0 ] || set -- "${all[@]}"
names=()
for arg in "$@"; do
  [[ " ${known[*]} " == *" ${arg%_fuzzer} "* ]] || usage
  [[ " ${names[*]} " == *" ${arg%_fuzzer} "* ]] || names+=("${arg%_fuzzer}")
done
timeout="${SHEQUN_FUZZ_TIMEOUT:-10}"
# ASan keeps freed memory out of use for a while to catch use after free
# (256 MB by default); every allocation then touches fresh pages, and the
# page faults were a quarter of an events input's CPU. With 16 MB a use
# after free is still caught while the block is among the last 16 MB freed.
export ASAN_OPTIONS="detect_leaks=1:quarantine_size_mb=16${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
seed="${SHEQUN_FUZZ_SEED:-$(( $(od -An -N4 -tu4 /dev/urandom) % 2147483647 + 1 ))}"
shequn_require "${SHEQUN_BUILD_PACKAGES[@]}" clang-14 libclang-rt-14-dev

fuzz="$SHEQUN_ROOT/build-fuzz"
committed="$SHEQUN_ROOT/tests/fuzz"
echo "==== building the fuzzers in $fuzz" >&2
(cd "$SHEQUN_ROOT" && cmake --preset fuzz >/dev/null)
if [[ " ${names[*]} " == *" server_requests "* ]] &&
   ! cmake --build "$fuzz" --target help | grep ' server_requests_fuzzer$' >/dev/null; then
  echo "server_requests_fuzzer is not configured: it needs gRPC and SQLite (apt-get install" \
       "libgrpc++-dev protobuf-compiler-grpc libsqlite3-dev)" >&2
  exit 2
fi
cmake --build "$fuzz" -j "$SHEQUN_JOBS" --target "${names[@]/%/_fuzzer}" shequn_fuzz_seeds >&2
rm -rf "$fuzz/seeds"
"$fuzz/tests/fuzz/shequn_fuzz_seeds" "$fuzz/seeds"

files() { find "$1" -type f 2>/dev/null | wc -l; }

# A target's own libFuzzer flags. events_fuzzer's inputs are a 16-byte
# header and up to 64 steps of 12 bytes, grown by its own mutator a whole
# step at a time: no slow ramp of the input length (-len_control). Its runs
# touch tens of thousands of features each, and the entropic scheduler's
# bookkeeping of them took over half the time (-entropic=0 doubled the
# executions per second).
flags() {
  case "$1" in
    events) echo "-max_len=784 -len_control=0 -entropic=0" ;;
    # Room for real configs and for a hostile nesting (10,000 `not{}` is 50 KB).
    config) echo "-max_len=65536" ;;
  esac
}

# Fuzzes one target in build-fuzz/work/<name>/ (afresh each run), then merges
# and saves what it found. Leaves "exit-code seconds" in work/<name>/result.
fuzz_one() {
  local name="$1" work="$fuzz/work/$1" binary="$fuzz/tests/fuzz/$1_fuzzer"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts" "$committed/corpus/$name"
  files "$committed/corpus/$name" >"$work/before"
  # libFuzzer writes new inputs into the first folder only.
  local dirs=("$work/corpus" "$committed/corpus/$name")
  [ -d "$fuzz/seeds/$name" ] && dirs+=("$fuzz/seeds/$name")
  local start rc=0
  start=$(date +%s)
  # shellcheck disable=SC2046 # flags() gives whole words
  "$binary" -seed="$seed" "${limit[@]}" $(flags "$name") \
    -timeout="$timeout" -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    "${dirs[@]}" >"$work/fuzz.log" 2>&1 || rc=$?
  echo "$rc $(( $(date +%s) - start ))" >"$work/result"
  # shellcheck disable=SC2046
  "$binary" -merge=1 $(flags "$name") -timeout="$timeout" -rss_limit_mb=2048 \
    -merge_control_file="$work/merge.control" -artifact_prefix="$work/artifacts/" \
    "$committed/corpus/$name" "$work/corpus" >"$work/merge.log" 2>&1 || echo "merge failed" >"$work/merge.failed"
  local artifact
  for artifact in "$work"/artifacts/{crash,timeout,leak,oom}-*; do
    mkdir -p "$committed/regressions/$name"
    cp "$artifact" "$committed/regressions/$name/"
  done
}

echo "==== fuzzing ${names[*]} for ${what} each, ${SHEQUN_JOBS} at a time, seed $seed" >&2
running=0
for name in "${names[@]}"; do
  if [ "$running" -ge "$SHEQUN_JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  fuzz_one "$name" &
  running=$((running + 1))
done
wait || true

# The summary goes to stdout; progress and logs to stderr.
failed=0
for name in "${names[@]}"; do
  work="$fuzz/work/$name"
  read -r rc took <"$work/result" 2>/dev/null || { rc="?"; took="?"; }
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" 2>/dev/null || true)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/fuzz.log" 2>/dev/null || true)
  coverage=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$work/fuzz.log" 2>/dev/null | tail -n 1 || true)
  echo "${name}_fuzzer: ${runs:-?} executions in ${took}s (${speed:-?}/s), ${coverage:-no coverage printed}, corpus $(cat "$work/before") -> $(files "$committed/corpus/$name") files"
  if [ -e "$work/merge.failed" ]; then
    echo "  merging into the corpus failed: $work/merge.log"
    failed=1
  fi
  saved=("$work"/artifacts/{crash,timeout,leak,oom}-*)
  if [ "${#saved[@]}" -gt 0 ]; then
    for artifact in "${saved[@]}"; do
      echo "  CRASHED: tests/fuzz/regressions/$name/$(basename "$artifact")"
    done
    first=$(grep -n -m1 -E 'invariant broken|runtime error:|ERROR:|ALARM:' "$work/fuzz.log" | cut -d: -f1 || true)
    first="${first:-1}"
    sed -n "${first},$((first + 11))p" "$work/fuzz.log" | sed 's/^/    /'
    echo "  full log: $work/fuzz.log"
    failed=1
  elif [ "$rc" != 0 ]; then
    echo "  FAILED (exit $rc) without saving an input; the end of $work/fuzz.log:"
    tail -n 20 "$work/fuzz.log" 2>/dev/null | sed 's/^/    /'
    failed=1
  fi
done
if [ "$failed" -ne 0 ]; then
  echo "fuzzing found something (seed $seed); tests/run.sh replays tests/fuzz/regressions/ from now on"
  exit 1
fi
echo "no crash (seed $seed)"
