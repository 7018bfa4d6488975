#!/usr/bin/env python3
"""Fails when a doctest TEST_CASE name cannot be a CTest test name.

doctest_discover_tests registers each test case under its name; CTest splits names at ';'
(its list separator), and a name with leading/trailing spaces does not select itself with
doctest's --test-case filter. Such a test would be listed but run nothing. Duplicate names
within one module would run twice under one entry.

Usage: check_test_names.py <repo root>
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
bad = []
names = {}
for path in sorted((root / "tests").rglob("*.cpp")):
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for m in re.finditer(r'TEST_CASE(?:_TEMPLATE(?:_DEFINE)?)?\("((?:[^"\\]|\\.)*)"', line):
            name = m.group(1)
            where = f"{path.relative_to(root)}:{lineno}"
            if ";" in name:
                bad.append(f"{where}: test case name has ';' (CTest splits names there): {name!r}")
            if name != name.strip():
                bad.append(f"{where}: test case name has leading/trailing spaces: {name!r}")
            key = (path.parent.name, name)
            if key in names:
                bad.append(f"{where}: duplicate test case name in module {path.parent.name} (also {names[key]}): {name!r}")
            names[key] = where
for b in bad:
    print(b)
print(f"{len(names)} test case names checked, {len(bad)} problems")
sys.exit(1 if bad else 0)
