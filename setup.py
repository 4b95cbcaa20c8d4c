# `pip install .` for the triton_metal Python package, without network: setuptools drives the project's
# CMake build of the pybind11 extension (target triton_metal_C and the libraries it links, nothing else: the
# tests and benchmarks are configured off) and packages it with python/triton_metal and the emulator's
# metal_stdlib headers. Use pip's --no-build-isolation (docs/python.md gives the command).
# Warnings are not errors here (GCC 12 at -O3 reports a false -Wrestrict in lib/ir): an install must not
# fail on a compiler's opinion; the project's own builds keep -Werror.
import os
import shutil
import subprocess
import sys

from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        out = os.path.abspath(os.path.dirname(self.get_ext_fullpath(ext.name)))
        build_dir = os.path.abspath(os.path.join(self.build_temp, "cmake"))
        os.makedirs(build_dir, exist_ok=True)
        generator = ["-G", "Ninja"] if shutil.which("ninja") else []
        subprocess.check_call(["cmake", "-S", ROOT, "-B", build_dir, *generator, "-DCMAKE_BUILD_TYPE=Release", "-DTM_WERROR=OFF",
                               "-DTM_BUILD_TESTS=OFF",
                               f"-DPython3_EXECUTABLE={sys.executable}", f"-DTM_PYTHON_OUTPUT_DIR={out}"])
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", "2")
        subprocess.check_call(["cmake", "--build", build_dir, "--target", "triton_metal_C", "-j", jobs])
        # The emulator compiles kernels against its metal_stdlib headers: ship them inside the package.
        include = os.path.join(out, "emulator_include")
        shutil.rmtree(include, ignore_errors=True)
        shutil.copytree(os.path.join(ROOT, "lib", "runtime", "emulator", "include"), include)


setup(
    name="triton_metal",
    version="0.1.0",
    description="Triton kernels compiled to Metal Shading Language for Apple GPUs (and a Metal emulator)",
    package_dir={"": "python"},
    packages=find_packages(where="python"),  # every subpackage (metal, graph, ...): a listed one is forgotten
    ext_modules=[CMakeExtension("triton_metal._C")],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.9",
    install_requires=["numpy"],
    zip_safe=False,
)
