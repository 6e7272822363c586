# Sourced by examples/demo.sh and tests/run.sh: installs what is missing
# from Debian 12's packages (as root), or says exactly what to install.
set -euo pipefail

SHEQUN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHEQUN_JOBS="${SHEQUN_JOBS:-2}"

# shequn_require PKG... : every Debian package named must be installed.
shequn_require() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "shequn needs these Debian packages. Run:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing ${missing[*]} ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
    { apt-get update >&2 && apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
}

# What building the library and its examples needs.
# libicu-dev, libopencc-dev, libopencc-data, unicode-data and bzip2 feed the
# build-time generator of the screening fold tables (the library links none).
# shequn-server (examples/server) alone needs gRPC and SQLite: libgrpc++-dev
# to link the service, protobuf-compiler-grpc for grpc_cpp_plugin and
# grpc_python_plugin (the stubs are generated at build time), libsqlite3-dev
# for the embedded event log and snapshots.
SHEQUN_BUILD_PACKAGES=(g++ cmake make pkg-config libabsl-dev libprotobuf-dev protobuf-compiler zlib1g-dev
                       libicu-dev libopencc-dev libopencc-data unicode-data bzip2
                       libgrpc++-dev protobuf-compiler-grpc libsqlite3-dev)
# What the test suite adds. libclang-rt-14-dev holds the one clang header
# the fuzz replay tests include, <fuzzer/FuzzedDataProvider.h>; no clang.
# fortunes, fortunes-zh and bible-kjv (the King James Bible, read through
# its `bible` program) are the screening false-positive corpus.
# python3-grpcio, python3-protobuf and python3-pytest run the Python client
# suite against a real shequn-server (tests/server), with /usr/bin/python3.
# libbenchmark-dev: the default preset compiles the benchmarks and smoke-runs
# them; libre2-dev, libhyperscan-dev and libsqlite3-dev are the peers they
# compare with (each optional: without it that comparison is left out).
SHEQUN_TEST_PACKAGES=(libgtest-dev libgmock-dev python3 libclang-rt-14-dev fortunes fortunes-zh bible-kjv
                      python3-grpcio python3-protobuf python3-pytest libbenchmark-dev)

# shequn_build DIR [CMAKE_ARGS...] : configure and build into DIR.
shequn_build() {
  local dir="$1"; shift
  cmake -S "$SHEQUN_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j "$SHEQUN_JOBS"
}
