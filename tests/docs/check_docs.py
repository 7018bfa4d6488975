#!/usr/bin/env python3
"""Checks that every code block in docs/*.md and README.md is a real file of the repository.

A fenced block that is not shell or output (```sh, ```bash, ```console, ```text) must be
preceded by a line `<!-- file: path/in/repo -->`, and its text must be that file's content
or a contiguous excerpt of it. The files are examples (built and run by CTest), test
projects or CMake files, so the docs cannot drift from code that works.

Usage: check_docs.py <repo root>
"""
import pathlib
import re
import sys

EXEMPT = {"sh", "bash", "console", "text"}


def check(root: pathlib.Path) -> int:
    docs = sorted((root / "docs").glob("*.md")) + [root / "README.md"]
    errors, checked = [], 0
    for doc in docs:
        lines = doc.read_text(encoding="utf-8").splitlines()
        marker, i = None, 0
        while i < len(lines):
            line = lines[i]
            m = re.fullmatch(r"<!-- file: (\S+) -->", line)
            if m:
                marker = m.group(1)
            elif line.startswith("```"):
                lang = line[3:].strip()
                start = i + 1
                j = i + 1
                while j < len(lines) and lines[j] != "```":
                    j += 1
                block = "\n".join(lines[i + 1 : j]) + "\n"
                where = f"{doc.relative_to(root)}:{start}"
                if lang not in EXEMPT:
                    if marker is None:
                        errors.append(f"{where}: ```{lang} block has no <!-- file: ... --> marker")
                    elif not (root / marker).is_file():
                        errors.append(f"{where}: marker names a missing file {marker}")
                    elif block not in (root / marker).read_text(encoding="utf-8"):
                        errors.append(f"{where}: block differs from {marker}")
                    else:
                        checked += 1
                marker = None
                i = j
            elif line.strip():
                marker = None
            i += 1
    for e in errors:
        print(e)
    print(f"{checked} code blocks match their files, {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(check(pathlib.Path(sys.argv[1]).resolve()))
