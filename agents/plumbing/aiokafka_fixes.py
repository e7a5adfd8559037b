"""A workaround in aiokafka 0.14.0: a record header whose name is not valid UTF-8 crashes the fetch.

Kafka's protocol calls a header name a String, but brokers store whatever bytes a producer sent
(librdkafka and kcat send raw bytes). aiokafka decodes every name strictly: the C extension in
`aiokafka/record/_crecords/default_records.pyx` `DefaultRecordBatch._read_msg`
(`headers.append((h_key.decode("utf-8"), h_value))`, a cdef method that cannot be patched), and
the pure-Python `_DefaultRecordBatchPy._read_msg` alike. The `UnicodeDecodeError` escapes
`PartitionRecords._unpack_records` (`aiokafka/consumer/fetcher.py`, the `for record in next_batch`
loop) into `fetched_records`, so Faust's drain raises, the fetcher crashes and the worker exits.
Restarted, it fetches the same record: one such record stops every partition for good.

The fix, installed once at worker start (`install()`): the fetcher's `MemoryRecords` keeps the raw
fetched bytes, and `PartitionRecords._unpack_records` (aiokafka's own loop, with one `try` around
each batch) re-reads only a batch that failed to decode with aiokafka's pure-Python batch reader
over a buffer whose header-name decode uses `surrogateescape`. Such a name reaches intake as a
`str` holding the undecodable bytes as lone surrogates (lossless), and intake dead-letters the
record as `invalid_header` with the raw name (`service.dead_letters.header_name_bytes`). Nothing is
skipped and the normal path runs the same code as before (a `try` costs nothing in Python 3.11).
"""

import logging
import struct
from collections.abc import Iterator
from typing import Any, Final

import aiokafka
import aiokafka.errors as kafka_errors
from aiokafka.consumer import fetcher
from aiokafka.record import default_records

log = logging.getLogger(__name__)

WRITTEN_FOR: Final = "0.14.0"
# Batch header: base offset (int64), then the length of the rest (int32); magic at byte 16.
_BATCH_PREFIX: Final = struct.Struct(">qi")
_MAGIC_OFFSET: Final = 16

_installed = False


class UnsupportedAiokafkaError(RuntimeError):
    """The installed aiokafka is not the version this workaround was written and tested for."""


def install() -> None:
    """Install the workaround once; raises if aiokafka is not the version it was written for."""
    global _installed  # noqa: PLW0603 - one process-wide patch, installed once
    if _installed:
        return
    if aiokafka.__version__ != WRITTEN_FOR:
        raise UnsupportedAiokafkaError(
            f"agents/plumbing/aiokafka_fixes.py patches aiokafka {WRITTEN_FOR}'s fetcher; "
            f"{aiokafka.__version__} is installed: check whether it still decodes header names "
            "strictly, then update or remove the patch"
        )
    fetcher.MemoryRecords = _raw_memory_records_class(fetcher.MemoryRecords)
    fetcher.PartitionRecords._unpack_records = _unpack_records
    _installed = True


def _raw_memory_records_class(base: type[Any]) -> type[Any]:
    class RawMemoryRecords(base):  # type: ignore[misc]
        """aiokafka's MemoryRecords (C or Python) that also keeps the bytes it was built from."""

        __slots__ = ("raw",)

        def __init__(self, bytes_data: bytes) -> None:
            super().__init__(bytes_data)
            self.raw = bytes_data

    return RawMemoryRecords


def tolerant_records(raw: bytes, base_offset: int) -> Iterator[Any]:
    """The records of the batch at `base_offset` in a fetched message set, header names decoded
    with `surrogateescape`. Raises CorruptRecordException when the batch is not there."""
    pos = 0
    while pos + _BATCH_PREFIX.size <= len(raw):
        offset, length = _BATCH_PREFIX.unpack_from(raw, pos)
        end = pos + _BATCH_PREFIX.size + length
        if offset == base_offset and raw[pos + _MAGIC_OFFSET] >= 2:  # v2: headers
            return iter(_TolerantBatch(raw[pos:end]))
        pos = end
    raise kafka_errors.CorruptRecordException(f"no record batch at offset {base_offset}")


class _TolerantSlice(bytes):
    __slots__ = ()

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        # `errors` is aiokafka's "strict"; names are the only text a record batch holds.
        return bytes.decode(self, encoding, "surrogateescape")


class _TolerantBuffer(bytearray):
    """A batch buffer whose slices decode leniently: `_read_msg` copies key and value with
    `bytes(...)` (plain bytes again) and decodes only header names."""

    def __getitem__(self, index: Any) -> Any:
        item = super().__getitem__(index)
        return _TolerantSlice(item) if isinstance(index, slice) else item


class _TolerantBatch(default_records._DefaultRecordBatchPy):  # type: ignore[misc]
    """aiokafka's pure-Python batch reader over a `_TolerantBuffer` (after decompression too)."""

    _buffer: bytearray

    def _maybe_uncompress(self) -> None:
        super()._maybe_uncompress()
        if not isinstance(self._buffer, _TolerantBuffer):
            self._buffer = _TolerantBuffer(self._buffer)


def _unpack_records(self: Any) -> Iterator[Any]:
    """aiokafka 0.14.0's `PartitionRecords._unpack_records`, with the one change marked."""
    tp = self._tp
    records = self._records
    while records.has_next():
        next_batch = records.next_batch()
        if self._check_crcs and not next_batch.validate_crc():
            raise kafka_errors.CorruptRecordException(f"Invalid CRC - {tp}")
        if self._isolation_level == fetcher.READ_COMMITTED and next_batch.producer_id is not None:
            self._consume_aborted_up_to(next_batch.base_offset)
            if next_batch.is_control_batch and self._contains_abort_marker(next_batch):
                self._aborted_producers.discard(next_batch.producer_id)
            if next_batch.is_transactional and next_batch.producer_id in self._aborted_producers:
                self.next_fetch_offset = next_batch.next_offset
                continue
        if next_batch.is_control_batch:
            self.next_fetch_offset = next_batch.next_offset
            continue
        # The change: a batch whose header names do not decode is read again, tolerantly,
        # from the first record not yet delivered (the offset check below skips the others).
        try:
            for record in next_batch:
                if record.offset < self.next_fetch_offset:
                    continue
                consumer_record = self._consumer_record(tp, record)
                self.next_fetch_offset = record.offset + 1
                yield consumer_record
        except UnicodeDecodeError as error:
            raw = getattr(records, "raw", None)
            if raw is None:
                raise
            log.warning(
                "%s: a record after offset %s has a header name that is not valid UTF-8 (%s); "
                "reading its batch tolerantly",
                tp,
                self.next_fetch_offset - 1,
                error.reason,
            )
            for record in tolerant_records(raw, next_batch.base_offset):
                if record.offset < self.next_fetch_offset:
                    continue
                consumer_record = self._consumer_record(tp, record)
                self.next_fetch_offset = record.offset + 1
                yield consumer_record
        self.next_fetch_offset = next_batch.next_offset
