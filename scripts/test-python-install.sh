#!/usr/bin/env bash
# `pip install .` on Debian's Python, then the Python tests and examples on what it installed
# (docs/python.md):
# a virtual environment that sees Debian's numpy, scikit-learn, pandas and distributed
# (--system-site-packages: Debian's own Python is externally managed, PEP 668), pip building
# the module offline with CMake (setup.py), and pytest run from outside the source tree so that
# `import footprint` is the installed package; then the Python examples (examples/python), which
# docs/python.md and docs/distributed.md quote. The README's test command (scripts/test.sh) runs
# it after the gcc suite: the module is built once, by pip, as users build it.
#
#   bash scripts/test-python-install.sh [DATA_DIR]     (default ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
data=${1:-$PWD/../shared/data}
venv=$PWD/build/pip-venv
t0=$(date +%s)
rm -rf "$venv" build/pip-build
/usr/bin/python3 -m venv --system-site-packages "$venv"
"$venv/bin/pip" install --no-index --quiet .
t1=$(date +%s)
(cd /tmp && FOOTPRINT_DATA_DIR="$data" PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" -c \
  "import footprint, sys; assert '/pip-venv/' in footprint.__file__, footprint.__file__; print('installed', footprint.__version__, footprint.__file__)")
# The gcc suite's C++ reference program, footprint-pretrade, footprint-simulate and
# footprint-execute, when built (CI runs the gcc suite first): the installed module is then
# compared with them bit for bit too.
reference=$PWD/build/gcc/python/footprint_python_reference
apps=$PWD/build/gcc/apps
(cd /tmp && FOOTPRINT_DATA_DIR="$data" PYTHONDONTWRITEBYTECODE=1 FOOTPRINT_PYTHON_REFERENCE="$reference" \
  FOOTPRINT_PRETRADE="$apps/footprint-pretrade" FOOTPRINT_SIMULATE="$apps/footprint-simulate" \
  FOOTPRINT_EXECUTE="$apps/footprint-execute" \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider "$OLDPWD/python/tests")
for example in examples/python/*.py; do
  echo "=== example: python $(basename "$example" .py) ==="
  (cd /tmp && PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" "$OLDPWD/$example" "$data")
done
t2=$(date +%s)
echo "=== pip install . : $((t1 - t0)) s, pytest and the Python examples on the installed package: $((t2 - t1)) s ==="
