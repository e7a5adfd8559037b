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

A build is also one piece: its modules call each other through the group's shared library, and
one whose extension went missing (deleted, or left out of a copy) is imported from its source
while the others still call its compiled code; the process then dies with a segmentation fault
as it imports the domain. The manifest names the modules compiled, and the same check refuses
such a build, naming what is missing.
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
    missing: tuple[str, ...] = ()  # sources the build compiled whose extension is gone


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a build recorded: each watched source's SHA-256, and the sources it compiled (None
    from a build that did not record them)."""

    digests: dict[str, str]
    compiled: tuple[str, ...] | None = None

    def to_json(self) -> str:
        return json.dumps(
            {"compiled": sorted(self.compiled or ()), "sources": self.digests},
            indent=1,
            sort_keys=True,
        )


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


def read_manifest(package: Path) -> Manifest:
    """The build's record, sources named relative to the package's parent; no digests without
    a readable one (every compiled module then counts as stale). A manifest of the digests
    alone (written before it named the compiled sources) is read too."""
    try:
        recorded = json.loads((package / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Manifest({})
    if not isinstance(recorded, dict):
        return Manifest({})
    sources, compiled = recorded.get("sources"), recorded.get("compiled")
    if not isinstance(sources, dict) or not isinstance(compiled, list):
        return Manifest({str(name): str(digest) for name, digest in recorded.items()})
    return Manifest(
        {str(name): str(digest) for name, digest in sources.items()},
        tuple(str(name) for name in compiled),
    )


def native_state(package: Path) -> NativeState:
    """Which of `package`'s modules run compiled, what makes the build stale (a compiled
    module's source, or any source it was checked against, changed or gone since the build) and
    which compiled modules it lacks."""
    root = package.parent
    compiled = tuple(source.relative_to(root).as_posix() for source in extension_sources(package))
    if not compiled:
        return NativeState((), ())
    manifest = read_manifest(package)
    stale = [name for name in compiled if name not in manifest.digests]
    for name, digest in manifest.digests.items():
        source = root / name
        if not source.is_file() or source_digest(source) != digest:
            stale.append(name)
    missing = sorted(set(manifest.compiled or ()) - set(compiled))
    return NativeState(compiled, tuple(sorted(set(stale))), tuple(missing))


def domain_package() -> Path:
    """The folder of the `service` package this process imports."""
    import service

    return Path(service.__file__).resolve().parent


def _listed(names: tuple[str, ...]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def stale_build_error() -> str | None:
    """What to tell the user when the domain this process imports is compiled from sources that
    changed since, or lacks modules its build compiled (None when it is current and whole, or
    not compiled)."""
    package = domain_package()
    state = native_state(package)
    remedy = (
        " Run `make native` to compile them again, or `python dev/compile_domain.py --remove` to"
        " run the sources."
    )
    if state.stale:
        return (
            f"the domain compiled in {package} no longer matches its sources"
            f" ({_listed(state.stale)} changed since the build): Python would run the old code."
            + remedy
        )
    if state.missing:
        what = "module is" if len(state.missing) == 1 else "modules are"
        return (
            f"the domain compiled in {package} is incomplete: the compiled {what} gone for"
            f" {_listed(state.missing)} (deleted, or not copied), and importing the domain"
            " would crash." + remedy
        )
    return None


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
