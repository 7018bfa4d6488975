#!/usr/bin/env python3
"""Rewrites the include list of include/footprint/footprint.hpp: every public header (not
detail/, not *_impl.hpp), grouped by folder in the layering order of docs/development.md.
The test `headers: umbrella lists every public header` fails until this has been run after
a header is added or moved.

Usage: python3 scripts/update-umbrella.py
"""
import pathlib

ORDER = ["", "detail", "book", "feeds", "features", "data", "distributions", "models", "validation",
         "impact", "simulation", "execution", "tca", "monitoring", "pretrade", "io"]
root = pathlib.Path(__file__).resolve().parent.parent / "include"
umbrella = root / "footprint" / "footprint.hpp"


def key(h):
    parts = h.split("/")
    return (ORDER.index(parts[1] if len(parts) > 2 else ""), h)


headers = sorted((p.relative_to(root).as_posix() for p in (root / "footprint").rglob("*.hpp")
                  if "detail" not in p.parts and not p.name.endswith("_impl.hpp") and p != umbrella), key=key)
lines, last = [], None
for h in headers:
    if last is not None and key(h)[0] != last:
        lines.append("")
    lines.append(f'#include "{h}"')
    last = key(h)[0]
text = umbrella.read_text()
umbrella.write_text(text[: text.index("#include")] + "\n".join(lines) + "\n")
print(f"footprint.hpp includes {len(headers)} headers")
