"""The pure domain (`service/`) compiled to C by mypyc, where it is.

`make native` (`dev/compile_domain.py`) compiles service/'s modules in place: an extension module
beside each source, which Python imports instead of the source, and a manifest (`MANIFEST`, in
service/) with the SHA-256 of every source it compiled. Where nothing is compiled, Python runs the
sources, and the worker behaves the same.

An extension whose source changed since it was built is stale: Python would still import it and
run the old code without a word. So `native_state` finds them, and the worker refuses to start on
one, naming it.
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
# mypyc's shared library of the compiled group: no source of its own.
GROUP_SUFFIX = "__mypyc"


@dataclass(frozen=True, slots=True)
class NativeState:
    compiled: tuple[str, ...]  # sources whose extension is current, relative to the package
    stale: tuple[str, ...]  # sources changed or gone since their extension was built


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


def read_manifest(package: Path) -> dict[str, str]:
    """Source (relative to `package`) -> its SHA-256 when it was compiled; {} without one."""
    try:
        recorded = json.loads((package / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(name): str(digest) for name, digest in dict(recorded).items()}


def native_state(package: Path) -> NativeState:
    """Which of `package`'s modules run compiled, and which extensions are stale."""
    recorded = read_manifest(package)
    compiled: list[str] = []
    stale: list[str] = []
    for source in extension_sources(package):
        name = source.relative_to(package).as_posix()
        current = source.is_file() and recorded.get(name) == source_digest(source)
        (compiled if current else stale).append(name)
    return NativeState(tuple(compiled), tuple(stale))


def domain_package() -> Path:
    """The folder of the `service` package this process imports."""
    import service

    return Path(service.__file__).resolve().parent


def stale_message(package: Path, stale: tuple[str, ...]) -> str:
    shown = ", ".join(stale[:5]) + (f" and {len(stale) - 5} more" if len(stale) > 5 else "")
    return (
        f"compiled modules in {package} no longer match their sources ({shown}): Python would run"
        " the old code. Run `make native` to compile them again, or `python"
        " dev/compile_domain.py --remove` to run the sources."
    )


def register_native_line(app: Any, state: NativeState) -> None:
    """Log at start whether the domain runs compiled (`domain: 48 modules compiled by mypyc`)."""

    async def name_the_domain() -> None:
        if state.compiled:
            log.info("domain: %d modules compiled by mypyc", len(state.compiled))
        else:
            log.info("domain: Python sources (nothing compiled: `make native`)")

    app.task(name_the_domain)
