"""A ZIP archive written as it is sent: each file's bytes go out as they arrive, so memory stays flat however large
the archive (the organization's data export). Entries carry data descriptors, since nothing is sought back."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterable, AsyncIterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class _Sink(io.RawIOBase):
    """Where the archive writes: what it wrote since the last drain, and how much in all (ZipFile asks)."""

    def __init__(self) -> None:
        self._pending: list[bytes] = []
        self._written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer) -> int:
        chunk = bytes(data)
        self._pending.append(chunk)
        self._written += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._written

    def drain(self) -> bytes:
        data = b"".join(self._pending)
        self._pending.clear()
        return data


async def zip_stream(files: AsyncIterable[tuple[str, AsyncIterable[bytes]]]) -> AsyncIterator[bytes]:
    """The archive of `files` (name, then its chunks), chunk by chunk."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        async for name, chunks in files:
            with archive.open(name, "w", force_zip64=True) as entry:
                async for chunk in chunks:
                    entry.write(chunk)
                    if pending := sink.drain():
                        yield pending
            yield sink.drain()
    yield sink.drain()
