#!/bin/sh
# Installs a shequn build tree into a temporary prefix and consumes it:
#   1. conan/test_package configured and built by plain CMake
#      (find_package(shequn CONFIG) via CMAKE_PREFIX_PATH), then run;
#   2. tests/packaging/pkg_config_consumer.cc compiled with
#      `pkg-config --cflags --libs shequn`, then run;
#   3. conan/conanfile.py and conan/test_package/conanfile.py byte-compiled.
# Registered in CTest by tests/packaging/CMakeLists.txt (label: packaging).
# Set SHEQUN_KEEP_PACKAGING_TMP=1 to keep the temporary folder for a look.
set -eu

source_dir= build_dir= config= cmake=cmake cxx=c++ cxx_flags= libdir=lib
pkg_config=pkg-config python3=python3
while [ $# -gt 0 ]; do
  case $1 in
    --source-dir) source_dir=$2 ;;
    --build-dir) build_dir=$2 ;;
    --config) config=$2 ;;
    --cmake) cmake=$2 ;;
    --cxx) cxx=$2 ;;
    --cxx-flags) cxx_flags=$2 ;;
    --libdir) libdir=$2 ;;
    --pkg-config) pkg_config=$2 ;;
    --python3) python3=$2 ;;
    *) echo "install_and_consume.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift 2
done
[ -n "$source_dir" ] && [ -n "$build_dir" ] || {
  echo "usage: install_and_consume.sh --source-dir DIR --build-dir DIR [...]" >&2
  exit 2
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/shequn-packaging.XXXXXX")
if [ "${SHEQUN_KEEP_PACKAGING_TMP:-0}" = 1 ]; then
  echo "== keeping $tmp"
else
  trap 'rm -rf "$tmp"' EXIT
fi
prefix=$tmp/prefix

step() { echo; echo "== $*"; }

step "install $build_dir into $prefix"
if [ -n "$config" ]; then
  "$cmake" --install "$build_dir" --prefix "$prefix" --config "$config"
else
  "$cmake" --install "$build_dir" --prefix "$prefix"
fi
for f in "$prefix/include/shequn/version.h" \
         "$prefix/include/shequn/authority.h" \
         "$prefix/include/shequn/v1/config.pb.h" \
         "$prefix/include/shequn/v1/config.proto" \
         "$prefix/$libdir/cmake/shequn/shequnConfig.cmake" \
         "$prefix/$libdir/cmake/shequn/shequnConfigVersion.cmake" \
         "$prefix/$libdir/pkgconfig/shequn.pc"; do
  [ -f "$f" ] || { echo "missing from the install: $f" >&2; exit 1; }
done

step "find_package(shequn CONFIG): build conan/test_package with plain CMake"
"$cmake" -S "$source_dir/conan/test_package" -B "$tmp/test_package" \
  -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS="$cxx_flags" \
  -DCMAKE_BUILD_TYPE="${config:-RelWithDebInfo}"
"$cmake" --build "$tmp/test_package" -j 2
"$tmp/test_package/test_package"

step "find_package(shequn 999 CONFIG) is refused; shequn_PROTO_DIR is set"
mkdir -p "$tmp/version_check"
cat > "$tmp/version_check/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.22)
project(version_check LANGUAGES CXX)
find_package(shequn 999 CONFIG QUIET)
if(shequn_FOUND)
  message(FATAL_ERROR "shequn 999 should not be satisfied by this install")
endif()
find_package(shequn CONFIG REQUIRED)
message(STATUS "shequn ${shequn_VERSION}; protos in ${shequn_PROTO_DIR}")
if(NOT EXISTS "${shequn_PROTO_DIR}/shequn/v1/config.proto")
  message(FATAL_ERROR "shequn_PROTO_DIR has no shequn/v1/config.proto")
endif()
CMAKE
"$cmake" -S "$tmp/version_check" -B "$tmp/version_check/build" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx"

if [ -n "$pkg_config" ] && command -v "$pkg_config" >/dev/null 2>&1; then
  step "pkg-config --cflags --libs shequn"
  PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
  export PKG_CONFIG_PATH
  "$pkg_config" --print-requires shequn
  pc_flags=$("$pkg_config" --cflags --libs shequn)
  echo "$pc_flags"
  # shellcheck disable=SC2086  # the flags are meant to split into words
  "$cxx" -std=c++20 $cxx_flags \
    "$source_dir/tests/packaging/pkg_config_consumer.cc" \
    -o "$tmp/pkg_config_consumer" $pc_flags
  # pkg-config gives no rpath: a shared build is found through the loader.
  LD_LIBRARY_PATH=$prefix/$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
    "$tmp/pkg_config_consumer"
else
  echo "pkg-config not found: the pkg-config consumer is NOT checked" >&2
  exit 1
fi

step "python3 -m py_compile conan recipes"
# The cache prefix keeps __pycache__ out of the source tree.
PYTHONPYCACHEPREFIX=$tmp/pycache "$python3" -m py_compile \
  "$source_dir/conan/conanfile.py" "$source_dir/conan/test_package/conanfile.py"

step "packaging: all consumers built and ran"
