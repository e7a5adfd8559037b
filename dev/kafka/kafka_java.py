"""Apache Kafka's Java side: the version pinned in pom.xml, where its jars are fetched to, and the
java command line that runs one of its main classes (JVM settings for tests or for benchmarks)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
TEST_JVM = "-Xms256m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
THROUGHPUT_JVM = "-Xms1g -Xmx1g -XX:+UseG1GC"


def kafka_version() -> str:
    match = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", POM.read_text())
    if not match:
        raise SystemExit(f"no <kafka.version> in {POM}")
    return match.group(1)


def lib_dir() -> Path:
    return HERE / "cache" / f"kafka-{kafka_version()}" / "lib"


def java_command(lib: Path, jvm_opts: str, main: str, *args: str) -> list[str]:
    java = shutil.which("java")
    if java is None:
        raise SystemExit("Java 17+ is required to run Apache Kafka")
    return [
        java,
        *jvm_opts.split(),
        f"-Dlog4j2.configurationFile={HERE / 'log4j2.properties'}",
        "-cp",
        f"{lib}/*",
        main,
        *args,
    ]
