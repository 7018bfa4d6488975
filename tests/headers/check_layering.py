#!/usr/bin/env python3
"""The layering test: footprint's headers include only folders above their own.

The order is ../shared/STYLE.md section 2 (one picture of the architecture):

    base (footprint/*.hpp) and detail/ < book < feeds < features < data < distributions
    < models < validation < impact < simulation < execution < tca < monitoring < pretrade < io

A header may include footprint headers of its own layer or of a layer above it in that list
(base and the shared detail/ folder form the top layer together: error.hpp uses
detail/concat.hpp). It may include a module's private `detail/` folder only from inside
that module (`models/linear/ols.hpp` may include `models/detail/linear_fit.hpp`;
`impact/` may not). The umbrella header `footprint/footprint.hpp` includes everything and is
exempt. A folder not in the list fails the test, so a new module is placed on purpose.

Usage: check_layering.py <include dir>          exit status 1 and one line per violation
       check_layering.py --self-test            checks the rules on made-up headers
"""
import pathlib
import re
import sys

ORDER = ["", "detail", "book", "feeds", "features", "data", "distributions", "models", "validation",
         "impact", "simulation", "execution", "tca", "monitoring", "pretrade", "io"]
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"](footprint/[^>"]+)[>"]', re.M)


def module(path):
    """'footprint/models/linear/ols.hpp' -> 'models'; 'footprint/types.hpp' -> ''."""
    parts = path.split("/")
    return parts[1] if len(parts) > 2 else ""


def layer(path):
    m = module(path)
    if m not in ORDER:
        return None
    return max(ORDER.index(m), 1) - 1  # base and detail/ share the top layer


def private_owner(path):
    """The module whose private detail/ folder holds `path`, or None for public and shared headers."""
    parts = path.split("/")
    if "detail" in parts[2:-1]:
        return parts[1]
    return None


def violations(headers):
    """headers: {'footprint/x/y.hpp': text}. Yields one message per violation."""
    for path, text in sorted(headers.items()):
        if path == "footprint/footprint.hpp":
            continue
        own = layer(path)
        if own is None:
            yield f"{path}: folder '{module(path)}' is not in the layering order ({', '.join(ORDER[1:])})"
            continue
        for inc in INCLUDE.findall(text):
            target = layer(inc)
            if target is None:
                yield f"{path}: includes {inc}, whose folder '{module(inc)}' is not in the layering order"
            elif target > own:
                yield (f"{path}: includes {inc}, but '{module(inc)}' comes after "
                       f"'{module(path) or 'base'}' in the layering order")
            owner = private_owner(inc)
            if owner is not None and owner != module(path):
                yield f"{path}: includes {inc}, the private detail/ of module '{owner}'"


def self_test():
    cases = {
        # allowed
        "footprint/error.hpp": '#include "footprint/detail/concat.hpp"\n',
        "footprint/models/linear/ols.hpp": '#include "footprint/models/detail/linear_fit.hpp"\n'
                                           '#include "footprint/distributions/location_scale_t.hpp"\n',
        "footprint/io/json.hpp": '#include <footprint/models/trees/random_forest.hpp>\n',
        # violations
        "footprint/book/bad_upward.hpp": '#include "footprint/features/top_of_book.hpp"\n',
        "footprint/impact/bad_private.hpp": '#include "footprint/models/detail/linear_fit.hpp"\n',
        "footprint/newthing/x.hpp": "",
        "footprint/models/bad_io.hpp": '  #  include "footprint/io/mlp_json.hpp"\n',
    }
    got = list(violations(cases))
    bad = [p for p in cases if "bad" in p or "newthing" in p]
    ok = len(got) == len(bad) and all(any(m.startswith(p + ":") for m in got) for p in bad)
    print("\n".join(got))
    print("self-test", "passed" if ok else "FAILED")
    return 0 if ok else 1


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-test":
        return self_test()
    if len(argv) != 2:
        print(__doc__)
        return 2
    root = pathlib.Path(argv[1])
    headers = {p.relative_to(root).as_posix(): p.read_text() for p in (root / "footprint").rglob("*.hpp")}
    found = list(violations(headers))
    for v in found:
        print(v)
    print(f"layering: {len(headers)} headers, {len(found)} violation(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
