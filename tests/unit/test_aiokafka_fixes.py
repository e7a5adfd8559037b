"""aiokafka 0.14.0 cannot decode a header name that is not UTF-8; the worker's patch reads the
record anyway, with the name's bytes kept as surrogates, and the normal path is unchanged."""

import struct
from typing import Any

import aiokafka
import pytest
from aiokafka.consumer import fetcher
from aiokafka.record._crecords import MemoryRecords as CMemoryRecords
from aiokafka.record.default_records import _DefaultRecordBatchBuilderPy
from aiokafka.structs import TopicPartition

from agents.plumbing import aiokafka_fixes

TP = TopicPartition("leads.events.v1", 0)


class RawName(str):
    """A header name the pure-Python batch builder writes as raw bytes (test-only)."""

    raw: bytes

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return self.raw


def raw_name(raw: bytes) -> RawName:
    name = RawName(raw.decode("utf-8", "replace"))
    name.raw = raw
    return name


def batch(base_offset: int, headers: list[list[tuple[str, bytes]]], codec: int = 0) -> bytes:
    builder = _DefaultRecordBatchBuilderPy(2, codec, 0, -1, -1, -1, 1 << 20)
    for offset, record_headers in enumerate(headers):
        builder.append(offset, 1_700_000_000_000, b"k", b"v%d" % offset, record_headers)
    built = bytearray(builder.build())
    struct.pack_into(">q", built, 0, base_offset)  # outside the CRC, set by the broker
    return bytes(built)


def consume(data: bytes) -> list[Any]:
    records = fetcher.MemoryRecords(data)
    partition = fetcher.PartitionRecords(TP, records, [], 0, None, None, True, 0)
    return list(partition)


def message_set(codec: int = 0) -> bytes:
    good = [("ok", b"1")]
    bad = [("ok", b"2"), (raw_name(b"trace\xff-id"), b"3")]
    return batch(0, [good, good]) + batch(2, [good, bad, good], codec) + batch(5, [good])


def test_without_the_patch_the_c_reader_raises_on_the_name() -> None:
    records = CMemoryRecords(message_set())
    records.next_batch()
    with pytest.raises(UnicodeDecodeError):
        list(records.next_batch())


@pytest.mark.parametrize("codec", [0, 1], ids=["uncompressed", "gzip"])
def test_with_the_patch_every_record_arrives_in_order_with_the_raw_name(codec: int) -> None:
    aiokafka_fixes.install()

    received = consume(message_set(codec))

    assert [r.offset for r in received] == [0, 1, 2, 3, 4, 5]
    assert [r.value for r in received] == [b"v0", b"v1", b"v0", b"v1", b"v2", b"v0"]
    name = received[3].headers[1][0]
    assert name.encode("utf-8", "surrogateescape") == b"trace\xff-id"
    assert received[3].headers[0] == ("ok", b"2")


def test_installing_twice_patches_once() -> None:
    aiokafka_fixes.install()
    patched = fetcher.MemoryRecords
    aiokafka_fixes.install()

    assert fetcher.MemoryRecords is patched


def test_another_aiokafka_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aiokafka_fixes, "_installed", False)
    monkeypatch.setattr(aiokafka, "__version__", "0.15.0")

    with pytest.raises(aiokafka_fixes.UnsupportedAiokafkaError, match=r"0\.15\.0 is installed"):
        aiokafka_fixes.install()
