"""The pure domain (`service/`) compiled to C by mypyc, where it is.

`make native` (`dev/compile_domain.py`) compiles service/'s modules in place: an extension module
beside each source, which Python imports instead of the source. Where nothing is compiled, Python
runs the sources, and the worker behaves the same.

A compiled module whose source changed since the build is stale: Python would still import it
and run the old code without a word. So is every compiled module once a source it was checked
against changed: mypyc trusts the types it saw (a field of a schema, a setting's type) and checks
them at run time, so a schema or a module left as source that changed can break compiled code.
The build's manifest (`MANIFEST`, in service/) holds the SHA-256 of every source under `WATCHED`
at build time; `native_state` compares, and every `leadrouter` command and the test session refuse
to run on a stale build, naming what changed.
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MANIFEST = "_native.json"
# The packages whose sources the compiled modules were type-checked against (siblings).
WATCHED = ("service", "schemas")
# mypyc's shared library of the compiled group: no source of its own.
GROUP_SUFFIX = "__mypyc"


@dataclass(frozen=True, slots=True)
class NativeState:
    compiled: tuple[str, ...]  # sources with a current extension ("service/scoring.py")
    stale: tuple[str, ...]  # sources changed, gone or never recorded since the build


def source_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def extension_sources(package: Path) -> list[Path]:
    """The source each of `package`'s extension modules for this interpreter was built from (it
    may be gone). Extensions built for another Python are not imported, so they do not count."""
    suffix = EXTENSION_SUFFIXES[0]  # e.g. .cpython-311-x86_64-linux-gnu.so, the one mypyc builds
    return [
        extension.with_name(extension.name.removesuffix(suffix) + ".py")
        for extension in sorted(package.rglob(f"*{suffix}"))
        if not extension.name.removesuffix(suffix).endswith(GROUP_SUFFIX)
    ]


def watched_sources(root: Path) -> dict[str, Path]:
    """Every source under `root`'s WATCHED packages, by its name relative to `root`."""
    return {
        source.relative_to(root).as_posix(): source
        for package in WATCHED
        for source in sorted((root / package).rglob("*.py"))
    }


def source_digests(root: Path) -> dict[str, str]:
    """What a build records: the SHA-256 of every watched source."""
    return {name: source_digest(path) for name, path in watched_sources(root).items()}


def read_manifest(package: Path) -> dict[str, str]:
    """Source (relative to the package's parent) -> its SHA-256 at build time; {} without a
    readable one (every compiled module then counts as stale)."""
    try:
        recorded = json.loads((package / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(recorded, dict):
        return {}
    return {str(name): str(digest) for name, digest in recorded.items()}


def native_state(package: Path) -> NativeState:
    """Which of `package`'s modules run compiled, and what makes the build stale: a compiled
    module's source, or any source it was checked against, changed or gone since the build."""
    root = package.parent
    compiled = tuple(source.relative_to(root).as_posix() for source in extension_sources(package))
    if not compiled:
        return NativeState((), ())
    recorded = read_manifest(package)
    stale = [name for name in compiled if name not in recorded]
    for name, digest in recorded.items():
        source = root / name
        if not source.is_file() or source_digest(source) != digest:
            stale.append(name)
    return NativeState(compiled, tuple(sorted(set(stale))))


def domain_package() -> Path:
    """The folder of the `service` package this process imports."""
    import service

    return Path(service.__file__).resolve().parent


def stale_build_error() -> str | None:
    """What to tell the user when the domain this process imports is compiled from sources that
    changed since (None when it is current, or not compiled)."""
    package = domain_package()
    stale = native_state(package).stale
    if not stale:
        return None
    shown = ", ".join(stale[:5]) + (f" and {len(stale) - 5} more" if len(stale) > 5 else "")
    return (
        f"the domain compiled in {package} no longer matches its sources ({shown} changed since"
        " the build): Python would run the old code. Run `make native` to compile them again,"
        " or `python dev/compile_domain.py --remove` to run the sources."
    )


def register_native_line(app: Any) -> None:
    """Log at start whether the domain runs compiled (`domain: 52 modules compiled by mypyc`);
    the `leadrouter` command has checked that it is current."""
    compiled = len(extension_sources(domain_package()))

    async def name_the_domain() -> None:
        if compiled:
            log.info("domain: %d modules compiled by mypyc", compiled)
        else:
            log.info("domain: Python sources (nothing compiled: `make native`)")

    app.task(name_the_domain)
