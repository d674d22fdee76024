"""The zip container of a workbook (APPNOTE 6.3: local headers, deflated members, the
central directory, Zip64 where a size or offset needs it), written here rather than by
zipfile so that the deflate can be ISA-L's (the ``isal`` package): at level 1 it compresses
sheet XML about 4x faster than zlib's level 1, to about the same size. zipfile builds its
compressor itself, so using it would mean its private internals. Where isal is not
importable (it is a dependency; a platform without its wheel), zlib does the same job.
"""

from __future__ import annotations

import struct
import time
import zlib
from collections.abc import Iterable
from typing import BinaryIO

try:
    from isal import isal_zlib as _deflate
except ImportError:  # pragma: no cover - isal is in install_requires
    _deflate = zlib

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_END64 = struct.Struct("<4sQ2H2L4Q")
_LOCATOR64 = struct.Struct("<4sLQL")
_MAX32 = 0xFFFFFFFF
ZIP64_LIMIT = (1 << 31) - 1  # as zipfile: past it a member is written with Zip64 sizes
_MAX16 = 0xFFFF
_DEFLATED = 8
_VERSION, _VERSION64 = 20, 45  # 2.0: deflate; 4.5: Zip64
_MADE_BY = 3 << 8  # Unix attributes
_ATTRIBUTES = 0o100600 << 16  # a regular file, rw for its owner


def _dos_time(now: time.struct_time) -> tuple[int, int]:
    date = (now.tm_year - 1980) << 9 | now.tm_mon << 5 | now.tm_mday
    clock = now.tm_hour << 11 | now.tm_min << 5 | now.tm_sec // 2
    return clock, date


class ZipWriter:
    """Deflated members written one after another to a seekable file: each member's header
    is written first and its CRC and sizes filled in once its data is written."""

    def __init__(self, file: BinaryIO, level: int = 1, deflate=None) -> None:
        self.file = file
        self.level = level
        self.deflate = deflate or _deflate  # a module with zlib's compressobj and crc32
        self.clock, self.date = _dos_time(time.localtime())
        self.members: list[tuple[bytes, int, int, int, int]] = []  # name, crc, sizes, offset

    def write(self, name: str, chunks: Iterable, large: bool = False) -> None:
        """Member ``name`` from ``chunks`` (bytes-like). ``large``: it may pass 4 GiB, so
        its local header has room for Zip64 sizes."""
        encoded = name.encode("ascii")
        offset = self.file.tell()
        extra = struct.pack("<2H2Q", 1, 16, 0, 0) if large else b""
        self.file.write(self._local(encoded, extra, 0, 0, 0, large))
        compressor = self.deflate.compressobj(self.level, _DEFLATED, -15)
        crc = size = packed = 0
        for chunk in chunks:
            crc = self.deflate.crc32(chunk, crc)
            size += len(chunk)
            data = compressor.compress(chunk)
            packed += len(data)
            self.file.write(data)
        data = compressor.flush()
        packed += len(data)
        self.file.write(data)
        if not large and max(size, packed) > _MAX32:
            raise ValueError(f"{name} passed 4 GiB without room for Zip64 sizes")
        end = self.file.tell()
        self.file.seek(offset)
        if large:
            extra = struct.pack("<2H2Q", 1, 16, size, packed)
        self.file.write(self._local(encoded, extra, crc, size, packed, large))
        self.file.seek(end)
        self.members.append((encoded, crc, size, packed, offset))

    def _local(self, name: bytes, extra: bytes, crc: int, size: int, packed: int, large: bool):
        version = _VERSION64 if large else _VERSION
        sizes = (_MAX32, _MAX32) if large else (packed, size)
        fields = (version, 0, _DEFLATED, self.clock, self.date, crc, *sizes, len(name), len(extra))
        return _LOCAL.pack(b"PK\x03\x04", *fields) + name + extra

    def close(self) -> None:
        """The central directory and its end records."""
        start = self.file.tell()
        for name, crc, size, packed, offset in self.members:
            self.file.write(self._central(name, crc, size, packed, offset))
        end = self.file.tell()
        count, length = len(self.members), end - start
        if count >= _MAX16 or start >= _MAX32 or length >= _MAX32:
            made = (_MADE_BY | _VERSION64, _VERSION64)
            self.file.write(
                _END64.pack(b"PK\x06\x06", 44, *made, 0, 0, count, count, length, start)
            )
            self.file.write(_LOCATOR64.pack(b"PK\x06\x07", 0, end, 1))
        count16, length32, start32 = min(count, _MAX16), min(length, _MAX32), min(start, _MAX32)
        self.file.write(_END.pack(b"PK\x05\x06", 0, 0, count16, count16, length32, start32, 0))

    def _central(self, name: bytes, crc: int, size: int, packed: int, offset: int) -> bytes:
        # Zip64 fields, in the order APPNOTE gives, only for the values that do not fit.
        wide = [v for v in (size, packed, offset) if v >= _MAX32]
        extra = struct.pack(f"<2H{len(wide)}Q", 1, 8 * len(wide), *wide) if wide else b""
        version = _VERSION64 if wide else _VERSION
        size32, packed32, offset32 = (min(v, _MAX32) for v in (size, packed, offset))
        fields = (_MADE_BY | version, version, 0, _DEFLATED, self.clock, self.date, crc)
        fields += (packed32, size32, len(name), len(extra), 0, 0, 0, _ATTRIBUTES, offset32)
        return _CENTRAL.pack(b"PK\x01\x02", *fields) + name + extra
