# Conan 2 recipe for shequn, kept in the repository beside the sources.
#
#   conan create conan/ --build=missing          # build, package, test_package
#
# Modelled on conan-center-index recipes/libphonenumber (abseil + protobuf,
# protoc as a tool requirement). The version is read from the top-level
# CMakeLists.txt's project(VERSION), the only place it is written.
import os
import re

from conan import ConanFile
from conan.errors import ConanException
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load, rmdir

required_conan_version = ">=2.0.6"


class ShequnConan(ConanFile):
    name = "shequn"
    description = ("Embeddable community operations engine: membership, "
                   "rules and screening, points and leaderboards; data as "
                   "protobuf (shequn.v1)")
    license = "Apache-2.0"
    topics = ("community", "moderation", "protobuf", "abseil")

    package_type = "library"
    settings = "os", "arch", "compiler", "build_type"
    options = {
        "shared": [True, False],
        "fPIC": [True, False],
    }
    default_options = {
        "shared": False,
        "fPIC": True,
    }

    # The top-level folders a library-only build reads (tests, benchmarks,
    # examples and fuzzers are switched off in generate()).
    _source_folders = ("include", "src", "proto")

    @property
    def _min_cppstd(self):
        return 20

    def set_version(self):
        cmakelists = load(self, os.path.join(self.recipe_folder, "..",
                                             "CMakeLists.txt"))
        match = re.search(r"project\(\s*shequn\s+VERSION\s+([0-9][0-9.]*)",
                          cmakelists)
        if not match:
            raise ConanException(
                "no project(shequn VERSION x.y.z) in CMakeLists.txt")
        self.version = match.group(1)

    def export_sources(self):
        root = os.path.join(self.recipe_folder, "..")
        copy(self, "CMakeLists.txt", root, self.export_sources_folder)
        for folder in self._source_folders:
            copy(self, f"{folder}/*", root, self.export_sources_folder)

    def config_options(self):
        if self.settings.os == "Windows":
            del self.options.fPIC

    def configure(self):
        if self.options.shared:
            self.options.rm_safe("fPIC")

    def layout(self):
        # The project root (top-level CMakeLists.txt) is one level up.
        self.folders.root = ".."
        # build-conan/ keeps clear of the CMakePresets binary dirs (build*).
        cmake_layout(self, build_folder="build-conan")

    def requirements(self):
        # Public headers include absl/status/*.h and shequn/v1/*.pb.h.
        self.requires("abseil/[>=20220623.0]", transitive_headers=True)
        self.requires("protobuf/3.21.12", transitive_headers=True,
                      transitive_libs=True)
        self.requires("zlib/[>=1.2.13]")

    def build_requirements(self):
        # protoc, matching the protobuf runtime we link.
        self.tool_requires("protobuf/<host_version>")

    def validate(self):
        if self.settings.compiler.get_safe("cppstd"):
            check_min_cppstd(self, self._min_cppstd)

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["SHEQUN_BUILD_TESTS"] = False
        tc.cache_variables["SHEQUN_BUILD_BENCHMARKS"] = False
        tc.cache_variables["SHEQUN_BUILD_EXAMPLES"] = False
        tc.cache_variables["SHEQUN_BUILD_FUZZERS"] = False
        tc.cache_variables["SHEQUN_INSTALL"] = True
        tc.generate()
        deps = CMakeDeps(self)
        deps.generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def package(self):
        copy(self, "LICENSE*", self.source_folder,
             os.path.join(self.package_folder, "licenses"))
        cmake = CMake(self)
        cmake.install()
        # Conan's generators write their own config and .pc files.
        rmdir(self, os.path.join(self.package_folder, "lib", "cmake"))
        rmdir(self, os.path.join(self.package_folder, "lib", "pkgconfig"))

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "shequn")
        self.cpp_info.set_property("pkg_config_name", "shequn")

        proto = self.cpp_info.components["proto"]
        proto.set_property("cmake_target_name", "shequn::proto")
        proto.libs = ["shequn_proto"]
        proto.requires = ["protobuf::libprotobuf"]

        engine = self.cpp_info.components["shequn"]
        engine.set_property("cmake_target_name", "shequn::shequn")
        engine.libs = ["shequn"]
        # Keep in step with target_link_libraries(shequn ...) in CMakeLists.txt.
        engine.requires = [
            "proto",
            "abseil::absl_status",
            "abseil::absl_statusor",
            "abseil::absl_strings",
            "abseil::absl_time",
            "abseil::absl_span",
            "abseil::absl_flat_hash_map",
            "abseil::absl_flat_hash_set",
            "abseil::absl_btree",
            "abseil::absl_str_format",
            "abseil::absl_hash",
            "zlib::zlib",
        ]
