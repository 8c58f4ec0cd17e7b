#!/usr/bin/env python3
"""Checks that every workspace crate's `rust-version` is at least what its dependencies need.

Reads `cargo metadata` (all features on, the locked versions) and follows each member's normal
and build dependencies (and an unpublished member's dev-dependencies); a dependency whose own `rust-version` is newer than the member's makes
the declared minimum a promise the build cannot keep. Only one toolchain is installed here, so
this stands in for building with the oldest supported one.
"""

import json
import subprocess
import sys


def version(text):
    """'1.85' or '1.85.0' as a comparable tuple; no rust-version is the oldest."""
    return tuple(int(part) for part in text.split(".")) if text else (0,)


def main():
    metadata = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--all-features", "--locked"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    packages = {package["id"]: package for package in metadata["packages"]}
    nodes = {node["id"]: node for node in metadata["resolve"]["nodes"]}

    failed = False
    for member in metadata["workspace_members"]:
        declared = packages[member]["rust_version"]
        # A published crate is built by its users without its dev-dependencies; an unpublished
        # one (examples, tests, benchmarks) is built here with them.
        with_dev = packages[member]["publish"] == []
        seen, stack = set(), [member]
        while stack:
            id = stack.pop()
            for dep in nodes[id]["deps"]:
                kinds = {kind["kind"] for kind in dep["dep_kinds"]}
                if kinds <= {"dev"} and not (with_dev and id == member):
                    continue
                if dep["pkg"] in seen:
                    continue
                seen.add(dep["pkg"])
                stack.append(dep["pkg"])
        needed = max(
            (version(packages[pkg]["rust_version"]), packages[pkg]["name"]) for pkg in seen
        ) if seen else ((0,), None)
        name = packages[member]["name"]
        if version(declared) < needed[0]:
            failed = True
            print(
                f"{name}: rust-version {declared} is older than {needed[1]} needs "
                f"({'.'.join(map(str, needed[0]))})"
            )
        else:
            print(f"{name}: rust-version {declared} covers its dependencies")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
