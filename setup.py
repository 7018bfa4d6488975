"""`pip install .`: footprint's Python module (docs/python.md).

Builds the extension footprint._footprint with CMake (FOOTPRINT_BUILD_PYTHON, Release, only
that target) against the interpreter running pip, and installs it with the pure-Python
package python/footprint. Offline from Debian's packages: no pyproject.toml, so pip builds
with the setuptools and pybind11 already installed (python3-setuptools, pybind11-dev) instead
of fetching them into an isolated environment. Debian marks its Python as externally managed:
install into a virtual environment that sees Debian's numpy, scikit-learn and pandas:

    /usr/bin/python3 -m venv --system-site-packages /tmp/fp-venv
    /tmp/fp-venv/bin/pip install .
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def version():
    text = (ROOT / "include" / "footprint" / "version.hpp").read_text()
    parts = [re.search(rf"version_{k}\s*=\s*(\d+)", text).group(1) for k in ("major", "minor", "patch")]
    return ".".join(parts)


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    """Configures footprint with only the Python module on and builds its target."""

    def build_extension(self, ext):
        out = Path(self.get_ext_fullpath(ext.name)).resolve().parent
        build = Path(self.build_temp).resolve() / "cmake"
        build.mkdir(parents=True, exist_ok=True)
        configure = ["cmake", "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                     "-DFOOTPRINT_BUILD_PYTHON=ON", "-DFOOTPRINT_BUILD_TESTS=OFF", "-DFOOTPRINT_BUILD_EXAMPLES=OFF",
                     "-DFOOTPRINT_BUILD_APPS=OFF", "-DFOOTPRINT_INSTALL=OFF",
                     f"-DPython3_EXECUTABLE={sys.executable}", f"-DFOOTPRINT_PYTHON_OUTPUT_DIR={out}"]
        if shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        if shutil.which("ccache"):
            configure += ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"]
        subprocess.run(configure, check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 1))
        subprocess.run(["cmake", "--build", str(build), "--target", "_footprint", "-j", jobs], check=True)


setup(
    name="footprint",
    version=version(),
    description="Market impact forecasting and execution planning (footprint's C++ core from Python)",
    license="MIT",
    python_requires=">=3.9",
    packages=["footprint"],
    package_dir={"footprint": "python/footprint"},
    ext_modules=[CMakeExtension("footprint._footprint")],
    cmdclass={"build_ext": CMakeBuild},
    install_requires=["numpy", "scikit-learn"],
    extras_require={"pandas": ["pandas"], "dask": ["distributed"]},
    zip_safe=False,
)
