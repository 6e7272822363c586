#!/usr/bin/env python3
"""Fails when an include in src/ or include/shequn/ points up a layer.

The layers (src/README.md), lowest first; each includes only those below it
and its own part:
  0 base        src/base/, shequn/limits.h, shequn/version.h, shequn/export.h,
                shequn/v1/*.pb.h
  1 screening   src/screening/, shequn/screening.h
  1 membership  src/membership/, shequn/authority.h (the read-only roster)
  2 rules       src/rules/
  2 points      src/points/, shequn/leaderboard.h
  2 segments    src/segments/ (with health)
  3 engine      src/engine/, shequn/engine.h, shequn/engine_testing.h
  4 hosts       shequn/text_format.h: for hosts and tools, never the library
Parts of the same layer do not include each other: they talk through the
engine. The library reads no text format: nothing in src/ or include/shequn/
but text_format.h includes protobuf's text_format.h. Usage: check_layers.py PROJECT_ROOT
"""
import pathlib
import re
import sys

PARTS = [  # (part, layer, source folder, public headers)
    ("base", 0, "base", ["limits.h", "version.h", "export.h"]),
    ("screening", 1, "screening", ["screening.h"]),
    ("membership", 1, "membership", ["authority.h"]),
    ("rules", 2, "rules", []),
    ("points", 2, "points", ["leaderboard.h"]),
    ("segments", 2, "segments", []),
    ("engine", 3, "engine", ["engine.h", "engine_testing.h"]),
    ("hosts", 4, "hosts", ["text_format.h"]),  # no src/hosts/: above the library
]
TEXT_FORMAT = "google/protobuf/text_format.h"


def part_of_include(name):
    if name.startswith("shequn/v1/"):
        return PARTS[0]
    for part in PARTS:
        if name.startswith(part[2] + "/") or name in ("shequn/" + h for h in part[3]):
            return part
    return None  # a system or third-party header


def part_of_file(path, root):
    rel = path.relative_to(root).as_posix()
    if rel.startswith("include/shequn/"):
        return part_of_include("shequn/" + path.name)
    folder = rel.split("/")[1]
    return next((p for p in PARTS if p[2] == folder), None)


def main():
    root = pathlib.Path(sys.argv[1]).resolve()
    files = sorted(list((root / "src").rglob("*.h")) + list((root / "src").rglob("*.cc")) +
                   list((root / "include" / "shequn").glob("*.h")))
    problems, checked = [], 0
    for path in files:
        here = part_of_file(path, root)
        if here is None:
            problems.append(f"{path.relative_to(root)}: not in any layer (see {__file__})")
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = re.match(r'\s*#\s*include\s+[<"]([^>"]+)[>"]', line)
            if not m:
                continue
            if m.group(1) == TEXT_FORMAT and here[0] != "hosts":
                problems.append(f"{path.relative_to(root)}:{number}: the library includes "
                                f"{TEXT_FORMAT} (text is the hosts': shequn/text_format.h)")
                continue
            there = part_of_include(m.group(1))
            if there is None or there[0] == here[0]:
                continue
            checked += 1
            if there[1] >= here[1]:
                problems.append(f"{path.relative_to(root)}:{number}: {here[0]} (layer {here[1]}) "
                                f"includes {m.group(1)} of {there[0]} (layer {there[1]})")
    for p in problems:
        print(p)
    print(f"{len(files)} files, {checked} includes across parts, {len(problems)} against the layers")
    return 1 if problems or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
