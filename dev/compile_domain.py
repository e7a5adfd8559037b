"""Compile the pure domain (`service/`) to C with mypyc, in place (`make native`).

The domain is typed throughout (mypy strict), so mypyc turns each module into an extension that
Python imports instead of the source: evaluate_event takes about a quarter less time, and the
router about 9% less CPU per event (README, Performance). Nothing else changes: the sources stay
the code, and where no C compiler is found Python runs them as before.

Left as sources, with the reason:
- modules that import pydantic's BaseModel or RootModel: mypyc cannot build classes whose metaclass
  is pydantic's;
- `EXCLUDED` below.

Usage: `python dev/compile_domain.py` compiles when a source changed since the last build (the
manifest service/_native.json holds their SHA-256); `--force` compiles anyway; `--remove` deletes
the extensions, so that Python runs the sources (a profile then shows the domain's functions).

The compiled build is a speed-up, never a condition: where there is no C compiler, or the build
fails (a mypyc that refuses a construct, a broken toolchain), nothing half-built is left, the
log's end is shown, and Python runs the sources, so `make run` and `make test` still work on
that machine. `--require` makes a failed build an error (exit 1): the image, which should ship
what it was built to ship, asks for it. A failed build is not tried again for the same sources
(every `make` target would spend the minute again): `.run/native/failed.json` holds their
digests, and an edit or `--force` tries again.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agents.plumbing.native import MANIFEST, Manifest, native_state, source_digests  # noqa: E402

PACKAGE = ROOT / "service"
BUILD = ROOT / ".run" / "native"
GROUP = "service._native"  # the shared library of the group lands in service/, beside its modules
EXCLUDED = {
    # copy.deepcopy(QueueState) fails compiled: a frozen dataclass's state is set back field by
    # field, which a compiled class refuses. The test that assignment is pure copies it.
    "queue_state.py",
}
# A module that imports BaseModel or RootModel declares models (or reads their fields); one that
# catches pydantic's ValidationError compiles.
PYDANTIC = re.compile(
    r"^\s*(import\s+pydantic\b|from\s+pydantic\s+import\s+[^\n]*\b(BaseModel|RootModel)\b)",
    re.MULTILINE,
)


def domain_sources() -> list[Path]:
    """The modules to compile: every service/ module but packages, pydantic's and EXCLUDED."""
    chosen: list[Path] = []
    for source in sorted(PACKAGE.rglob("*.py")):
        name = source.relative_to(PACKAGE).as_posix()
        if source.name == "__init__.py" or name in EXCLUDED:
            continue
        if PYDANTIC.search(source.read_text(encoding="utf-8")):
            continue
        chosen.append(source)
    return chosen


def remove() -> int:
    """Delete every extension module under service/ and the manifest; the count deleted."""
    removed = 0
    for extension in PACKAGE.rglob("*.so"):
        extension.unlink()
        removed += 1
    (PACKAGE / MANIFEST).unlink(missing_ok=True)
    return removed


def up_to_date(sources: list[Path]) -> bool:
    state = native_state(PACKAGE)
    wanted = {source.relative_to(ROOT).as_posix() for source in sources}
    return not state.stale and set(state.compiled) == wanted


def compiler() -> str | None:
    """The C compiler Python's extensions are built with, if it is installed."""
    command = str(sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(command)


def build(sources: list[Path]) -> None:
    from mypyc.build import mypycify
    from setuptools import Distribution

    digests = source_digests(ROOT)  # before the build: a source edited meanwhile is stale
    relative = [source.relative_to(ROOT).as_posix() for source in sources]
    os.chdir(ROOT)  # mypy reads pyproject.toml's [tool.mypy]; --inplace writes beside the sources
    extensions = mypycify(
        relative, opt_level="3", target_dir=str(BUILD / "c"), group_name=GROUP, verbose=False
    )
    # A Distribution of its own: setup() would read pyproject.toml's packaging too.
    distribution = Distribution({"name": "leadrouter-domain", "ext_modules": extensions})
    distribution.script_args = [
        "build_ext",
        "--inplace",
        "--build-temp",
        str(BUILD / "temp"),
        "--build-lib",
        str(BUILD / "lib"),
    ]
    distribution.parse_command_line()
    distribution.run_commands()
    manifest = Manifest(digests, tuple(relative))
    (PACKAGE / MANIFEST).write_text(manifest.to_json() + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="compile even when up to date")
    parser.add_argument("--remove", action="store_true", help="delete the compiled modules")
    parser.add_argument(
        "--require", action="store_true", help="a build that fails is an error (exit 1)"
    )
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)  # the child
    args = parser.parse_args()
    if args.build:
        build(domain_sources())
        return 0
    if args.remove:
        print(f"native: {remove()} compiled module(s) removed; Python runs the sources")
        return 0
    sources = domain_sources()
    if not args.force and up_to_date(sources):
        print(f"native: {len(sources)} domain modules compiled and up to date")
        return 0
    if not args.force and failed_before():
        return _failed(
            f"the last build of these sources failed (see {BUILD / 'build.log'}; "
            "--force tries again)",
            args.require,
            record=False,
        )
    if compiler() is None:
        removed = remove()
        print(
            "native: no C compiler found, so the domain runs as Python sources"
            + (f" ({removed} stale compiled module(s) removed)" if removed else "")
        )
        return 0
    remove()
    print(f"native: compiling {len(sources)} domain modules with mypyc (about a minute)")
    BUILD.mkdir(parents=True, exist_ok=True)
    log = BUILD / "build.log"
    with log.open("w") as output:  # mypy's notes and every gcc line: shown only on a failure
        built = subprocess.run(
            [sys.executable, __file__, "--build"],
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if built.returncode != 0:
        print(log.read_text()[-4000:], file=sys.stderr)
        return _failed(f"the build failed (the whole log: {log})", args.require)
    if not up_to_date(sources):
        return _failed(f"the build did not compile every module (see {log})", args.require)
    failed_marker().unlink(missing_ok=True)
    print(f"native: {len(sources)} domain modules compiled")
    return 0


def failed_marker() -> Path:
    """Where the sources' digests are kept when their build failed."""
    return BUILD / "failed.json"


def failed_before() -> bool:
    """Whether the last build failed on the sources as they are now."""
    try:
        return bool(json.loads(failed_marker().read_text()) == source_digests(ROOT))
    except (OSError, ValueError):
        return False


def _failed(why: str, required: bool, record: bool = True) -> int:
    """Nothing half-built is left for Python to import; the sources run unless `required`."""
    remove()
    if record:
        failed_marker().parent.mkdir(parents=True, exist_ok=True)
        failed_marker().write_text(json.dumps(source_digests(ROOT)))
    if required:
        print(f"native: {why}", file=sys.stderr)
        return 1
    print(f"native: {why}; the domain runs as Python sources", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
