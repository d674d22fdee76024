"""A workbook's zip checked before the parser sees it.

The parser (calamine) aborts the whole process, with no exception to catch, when a tiny file
claims a huge sheet or string table. So before any parsing, what is not a workbook, or would
exhaust memory or time (a zip bomb, a sheet spanning more cells than Excel's, a string table
that declares far more strings than it holds), is refused with a message. Each XML part is
streamed once and read with vectorised scans, no per-cell Python.
"""

from __future__ import annotations

import io
import itertools
import re
import struct
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import TypeVar

import numpy as np

try:
    from isal import isal_zlib as _inflater
except ImportError:  # pragma: no cover - isal is in install_requires
    import zlib as _inflater

from batch.errors import InputError, Phrase
from batch.read import kinds
from batch.read.sheet import SAVE_AS_HINT, column_name

# Refuse .xlsx whose unpacked size is absurd (zip bombs, huge shared-strings tables). A
# 1M-row QSM detail export unpacks to about 1.5 GB, a 1M-row B2 sheet (95 columns) to about
# 3.5 GB. The sizes are the ones the zip declares; the parser refuses a member that unpacks
# to more than it declares.
MAX_XLSX_UNPACKED = 4 << 30
# A member unpacking to more than this many times its packed size is a bomb, not a sheet
# (real sheet XML packs 5-30 times; deflate cannot go beyond about 1030).
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_FROM = 8 << 20  # bytes unpacked: small members may pack as tightly as they like
# The area a sheet spans (rows x columns from A1): the parser allocates it whole, even
# when it is nearly empty. Excel's full 1,048,576 rows x 128 columns.
MAX_SHEET_CELLS = 1_048_576 * 128
_TOO_BIG_HINT = Phrase("error.zip.too_big_hint")
_OUTSIDE_HINT = Phrase("error.zip.outside_hint")
_AGAIN_HINT = Phrase("error.zip.copy_again", save_as=SAVE_AS_HINT)
# Zip containers that are documents, not workbooks: a member only they hold, and what they are
_DOCUMENTS = {
    "word/document.xml": "Word (.docx)",
    "ppt/presentation.xml": "PowerPoint (.pptx)",
}
_BINARY_MEMBERS = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".bin")
# 1 MB: the scans' temporary arrays (a few per chunk, each about its size) stay below the
# allocator's mmap threshold; at 4 MB each was fresh memory from the kernel, page faults that
# were ~25 ms of system time for a 16 MB sheet.
_CHUNK = 1 << 20
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # a member's local header (APPNOTE 4.3.7)
_OVERLAP = 64  # bytes carried from one chunk to the next; longer than any pattern we look for
_SPACE = np.zeros(256, dtype=bool)
_SPACE[[9, 10, 13, 32]] = True
_TAG_END = _SPACE.copy()
_TAG_END[[ord(">"), ord("/")]] = True
_HUGE = 1 << 40
T = TypeVar("T")


class _NotPlain(Exception):
    """A member `_inflated` does not read as zipfile would: zipfile reads it instead."""


def _unpacked(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes as zipfile reads them (its CRC checked at the end), in pieces."""
    with z.open(info) as stream:
        while piece := stream.read(_CHUNK):
            yield piece


def _data_ends(z: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> dict[int, int]:
    """Where each member's data must end (by id): the next member's header, or the central
    directory after the last one, as zipfile bounds them where its version does (a member
    sharing its header with another is bounded by that header: never read by `_inflated`)."""
    ends, end = {}, getattr(z, "start_dir", 0)
    for m in sorted(members, key=lambda m: m.header_offset, reverse=True):
        ends[id(m)], end = end, m.header_offset
    return ends


def _inflated(data: bytes, info: zipfile.ZipInfo, data_end: int) -> Iterator[bytes]:
    """What `_unpacked` gives, for a plain deflated member, by ISA-L's inflate and CRC (about
    3x zlib's: ~13 ms against ~40 for a 16 MB sheet). Anything else zipfile would check or
    could read otherwise (an encrypted or patched member, a local header not matching the
    directory, data running past ``data_end``, a stream that is not exactly the declared
    size with the declared CRC) raises _NotPlain, by the end at the latest, before a
    refusal is decided: the part is then read by zipfile, its errors the ones given."""
    at = info.header_offset
    try:
        header = _LOCAL_HEADER.unpack_from(data, at) if at >= 0 else ()
        name = data[at + 30 : at + 30 + header[9]]
        start = at + 30 + header[9] + header[10]
        plain = (
            header[0] == b"PK\x03\x04"
            and info.compress_type == zipfile.ZIP_DEFLATED
            and not info.flag_bits & 0x61  # encrypted, patched, strongly encrypted
            and name.decode("utf-8" if header[2] & 0x800 else "cp437") == info.orig_filename
            and start + info.compress_size <= min(data_end, len(data))
        )
    except (struct.error, IndexError, UnicodeDecodeError):
        plain = False
    if not plain:
        raise _NotPlain
    packed, fed = memoryview(data)[start : start + info.compress_size], 0
    inflate, pending = _inflater.decompressobj(-15), b""
    crc = size = 0
    while not inflate.eof and size <= info.file_size:
        if not pending:  # fed a quarter MB at a time: the unconsumed tail it copies stays small
            pending, fed = packed[fed : fed + (1 << 18)], fed + (1 << 18)
        try:
            piece = inflate.decompress(pending, _CHUNK)
        except _inflater.error:
            raise _NotPlain from None  # zipfile's reading gives its own message
        pending = inflate.unconsumed_tail
        if piece:
            crc, size = _inflater.crc32(piece, crc), size + len(piece)
            yield piece
        elif not pending and fed >= len(packed):
            break  # the stream stops short of its last block
    if not inflate.eof or size != info.file_size or crc != info.CRC:
        raise _NotPlain


def _chunks(pieces: Iterator[bytes]):
    """A member's bytes in chunks, each with the offset before which a match counts (the
    rest is carried over to the next chunk, so nothing is counted twice or cut in two)."""
    tail = b""
    for chunk in itertools.chain(pieces, [b""]):
        buf = tail + chunk
        if not buf:
            return
        limit = max(0, len(buf) - _OVERLAP) if chunk else len(buf)
        yield buf, limit
        if not chunk:
            return
        tail = buf[limit:]


def _prefix(buf: bytes, root: bytes) -> bytes:
    """The namespace prefix of the part's root element ("x:" in <x:worksheet>), or b""."""
    found = re.search(rb"<(?:(\w+):)?" + root + rb"\b", buf[:8192])
    return found.group(1) + b":" if found and found.group(1) else b""


def _pairs(a: np.ndarray, end: int, first: int, second: int) -> np.ndarray:
    """Positions i < end (<= len(a) - 1) where a[i], a[i + 1] are ``first``, ``second``: the
    bytes read as 16-bit words from even and from odd offsets, half the comparisons."""
    word = first | second << 8
    even = a[: end + 1 & ~1].view("<u2")
    odd = a[1 : 1 + (end & ~1)].view("<u2")
    return np.concatenate([np.flatnonzero(even == word) * 2, np.flatnonzero(odd == word) * 2 + 1])


def _start_tags(buf: bytes, limit: int, *tags: bytes) -> list[int]:
    """For each tag, the start tags ``<tag`` (followed by a space, > or /) that begin before
    ``limit``. The pairs of ``<`` and a tag's first byte are found over the whole chunk
    (few hits), then checked for the rest of the tag."""
    a = np.frombuffer(buf, dtype=np.uint8)
    end = max(0, min(limit, len(a) - 1))
    counts = []
    for tag in tags:
        n = len(tag)
        at = _pairs(a, end, ord("<"), tag[0])
        at = at[at + n + 1 < len(a)]
        hit = _TAG_END[a[at + n + 1]]
        for i in range(1, n):
            hit &= a[at + 1 + i] == tag[i]
        counts.append(int(np.count_nonzero(hit)))
    return counts


def _cell_refs(buf: bytes, limit: int) -> tuple[int, int, int, int]:
    """(max row, max column, cell refs, row refs) of the ` r="..."` attributes before limit.

    Vectorised: the positions come from one comparison over the chunk, the values from a
    few column-wise steps over those positions (letters, then digits, Horner's rule); a
    step stops when no value has a character left.
    """
    a = np.frombuffer(buf, dtype=np.uint8)
    last = len(a) - 1
    eq = _pairs(a, max(0, min(limit + 2, last) - 1), ord("r"), ord("=")) + 1
    eq = eq[eq >= 2]
    quote = a[eq + 1]
    eq = eq[_SPACE[a[eq - 2]] & ((quote == 34) | (quote == 39))]
    if not len(eq):
        return 0, 0, 0, 0
    # Past the end of the chunk the last byte repeats: a value cut there ends there.
    a = np.concatenate([a, np.full(12, a[last], dtype=np.uint8)])
    at = eq + 2  # the value's first character
    letters = _run_length(a, at, 4, lambda ch: (ch | 0x20) - 97 < 26)  # uint8 wraps: A-Z, a-z
    cells = int(np.count_nonzero(letters))
    start = at + letters
    digits = _run_length(a, start, 8, lambda ch: ch - 48 < 10)
    if digits.max() > 7:
        return _HUGE, _max_column(a, at, letters), cells, len(at) - cells  # beyond 9,999,999
    return _max_row(a, start, digits), _max_column(a, at, letters), cells, len(at) - cells


def _run_length(a: np.ndarray, at: np.ndarray, most: int, accept) -> np.ndarray:
    """How many bytes from each position ``accept`` takes in a row, up to ``most``."""
    alive = np.ones(len(at), dtype=bool)
    length = np.zeros(len(at), dtype=np.intp)
    for k in range(most):
        alive &= accept(a[at + k])
        if not alive.any():
            break
        length += alive
    return length


def _max_row(a: np.ndarray, start: np.ndarray, digits: np.ndarray) -> int:
    """The largest row number named: among the longest runs of digits, the greatest digit by
    digit, on fewer refs at each step. Runs that all start with 0 ("007" < "10") are valued
    one by one (Horner's rule)."""
    most = int(digits.max())
    top = start[digits == most]
    if not most:
        return 0
    if a[top].max() == ord("0"):
        row = np.zeros(len(start), dtype=np.int32)
        for k in range(most):
            row = np.where(digits > k, row * 10 + (a[start + k] - 48), row)
        return int(row.max())
    for k in range(most):
        digit = a[top + k]
        top = top[digit == digit.max()]
    return int(a[top[0] : top[0] + most].tobytes())


def _max_column(a: np.ndarray, at: np.ndarray, letters: np.ndarray) -> int:
    """The largest column named by the refs: a longer name is a larger one (Z = 26 < AA)."""
    most = int(letters.max())
    if most > 3:
        return _HUGE  # beyond column XFD
    top = at[letters == most]
    col = np.zeros(len(top), dtype=np.int64)
    for k in range(most):
        col = col * 26 + ((a[top + k] | 0x20) - 96)
    return int(col.max())


def _uncached_formula(buf: bytes, limit: int, p: bytes, before: bytes) -> bool:
    """A formula cell whose value was never calculated (written by a program, not by Excel):
    no <v>, or an empty one, and not a text result (t="str" may legitimately be empty).
    ``before`` is the last cell's start tag in the chunks before (see `_last_cell_tag`)."""
    empty = rb"\s*(?:<%sv\s*/>|<%sv>\s*</%sv>|</%sc>)" % (p, p, p, p)
    ends = re.compile(
        re.escape(b"</" + p + b"f>")
        + empty
        + b"|"
        + re.escape(b"<" + p + b"f ")
        + rb"[^>]*/>"
        + empty
    )
    for match in ends.finditer(buf, 0, len(buf)):
        if match.start() >= limit:
            break
        cell = buf.rfind(b"<" + p + b"c ", 0, match.start())
        tag = buf[cell : buf.find(b">", cell)] if cell >= 0 else before
        if tag and not re.search(rb"""\bt=["']str["']""", tag):
            return True
    return False


def _last_cell_tag(buf: bytes, limit: int, p: bytes, before: bytes) -> bytes:
    """The start tag of the last cell beginning before ``limit`` (or ``before``): where a
    formula's cell began in an earlier chunk, it is looked at as in one read of the part."""
    opening = b"<" + p + b"c "
    cell = buf.rfind(opening, 0, min(len(buf), limit + len(opening) - 1))
    if cell < 0:
        return before
    end = buf.find(b">", cell)
    return buf[cell : end if end >= 0 else len(buf)]


def _scan_member(pieces: Iterator[bytes]) -> tuple[int, int, bool]:
    """(rows, columns) a worksheet part spans from A1, and whether it holds formulas whose
    value was never calculated. Streams the part; vectorised, no per-cell Python."""
    max_row = max_col = cell_refs = row_refs = cell_tags = row_tags = 0
    uncached = formulas = False
    p, cell_tag = None, b""
    for buf, limit in _chunks(pieces):
        if p is None:
            p = _prefix(buf, b"worksheet")
        r, c, cells, rows = _cell_refs(buf, limit)
        max_row, max_col = max(max_row, r), max(max_col, c)
        cell_refs, row_refs = cell_refs + cells, row_refs + rows
        c_tags, r_tags, f_tags = _start_tags(buf, limit, p + b"c", p + b"row", p + b"f")
        cell_tags, row_tags = cell_tags + c_tags, row_tags + r_tags
        formulas = formulas or f_tags > 0  # a formula begun here may end in a later chunk
        if not uncached and formulas:
            uncached = _uncached_formula(buf, limit, p, cell_tag)
        if not uncached:
            cell_tag = _last_cell_tag(buf, limit, p, cell_tag)
    # Cells and rows without a position continue from the previous one.
    columns = max_col + max(0, cell_tags - cell_refs)
    rows = max_row + max(0, row_tags - row_refs)
    return rows, columns, uncached


def _shared_strings(pieces: Iterator[bytes]) -> tuple[int, int]:
    """(strings the table declares, strings it holds)."""
    declared, held = 0, 0
    p = None
    for buf, limit in _chunks(pieces):
        if p is None:
            p = _prefix(buf, b"sst")
            start = re.search(rb"<(?:\w+:)?sst\b[^>]*>", buf)
            counts = re.search(rb"\buniqueCount=[\"'](\d+)", start.group()) if start else None
            declared = int(counts.group(1)) if counts else 0
        held += _start_tags(buf, limit, p + b"si")[0]
    return declared, held


def inspect_zip(path: Path, data: bytes, opening: Callable[[], T] | None = None) -> T | None:
    """Refuse what is not a workbook, or would exhaust memory or time, before parsing.

    ``opening``, the parser's opening of the workbook (which reads the shared strings, styles
    and workbook parts, never a worksheet), is called once all it reads is safe: the zip's
    directory (no bomb, nothing too big to unpack) and the shared strings. It runs in a
    thread of its own while the worksheets are scanned, and its result is returned (or its
    exception raised) only once every part has passed; a refusal is the one the parts give
    in their zip order, as when everything is checked first.
    """
    z, members = _open_zip(path, data)
    _refuse_other_archives(path, {m.filename for m in members})
    _refuse_bombs(path, members)
    parts, ends = [m for m in members if not _skipped(m)], _data_ends(z, members)
    strings = [i for i, m in enumerate(parts) if _is_strings(m)]
    for i in strings:
        try:
            _check_part(path, z, data, parts[i], ends[id(parts[i])])
        except InputError:
            for m in parts[:i]:  # a refusal of a part before it is the one to give
                _check_part(path, z, data, m, ends[id(m)])
            raise
    rest = [m for m in parts if not _is_strings(m)]
    if opening is None:
        for m in rest:
            _check_part(path, z, data, m, ends[id(m)])
        return None
    with ThreadPoolExecutor(1, thread_name_prefix="workbook-open") as pool:
        opened = pool.submit(opening)
        for m in rest:  # a refusal here waits for the opening to end (the pool's exit)
            _check_part(path, z, data, m, ends[id(m)])
        return opened.result()


def _open_zip(path: Path, data: bytes) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        return z, z.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,  # a damaged header claiming an unknown zip version
        ValueError,
        OSError,
        EOFError,
    ):
        raise InputError(path, Phrase("error.zip.not_a_zip"), _AGAIN_HINT) from None


def _refuse_other_archives(path: Path, names: set[str]) -> None:
    """A zip that is not an .xlsx: an .xlsb, an .ods, a Numbers or Office document, or an
    archive of other files (CSVs zipped and named .xlsx)."""
    if "xl/workbook.bin" in names:
        raise InputError(path, Phrase("error.zip.xlsb"), SAVE_AS_HINT)
    if "xl/workbook.xml" in names:
        return
    if any(n.startswith("Index/") and n.endswith(".iwa") for n in names) or "Index.zip" in names:
        raise kinds.numbers_file(path)
    if "mimetype" in names and "content.xml" in names:
        raise InputError(path, Phrase("error.zip.ods"), SAVE_AS_HINT)
    for member, what in _DOCUMENTS.items():
        if member in names:
            raise InputError(path, Phrase("error.zip.document", kind=what), SAVE_AS_HINT)
    files = sorted(n for n in names if not n.endswith("/"))
    if not files:
        raise InputError(path, Phrase("error.zip.empty"), Phrase("error.hint.export_again"))
    raise InputError(
        path,
        Phrase("error.zip.archive", inside=", ".join(files[:5])),
        Phrase("error.zip.unzip_hint"),
    )


def _refuse_bombs(path: Path, members: list[zipfile.ZipInfo]) -> None:
    """Too much to unpack in all, or one member packed far tighter than sheet XML packs."""
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_XLSX_UNPACKED:
        size, limit = (f"{n / (1 << 30):,.1f}" for n in (unpacked, MAX_XLSX_UNPACKED))
        raise InputError(path, Phrase("error.zip.too_big", gb=size, limit=limit), _TOO_BIG_HINT)
    for m in members:
        if m.file_size > RATIO_CHECK_FROM and m.file_size > MAX_COMPRESSION_RATIO * max(
            m.compress_size, 1
        ):
            bomb = Phrase(
                "error.zip.bomb",
                ratio=f"{m.file_size // max(m.compress_size, 1):,}",
                member=m.filename,
                mb=f"{m.file_size >> 20:,}",
                kb=f"{m.compress_size >> 10:,}",
            )
            raise InputError(path, bomb, _TOO_BIG_HINT)


def _skipped(m: zipfile.ZipInfo) -> bool:
    return m.is_dir() or PurePosixPath(m.filename).suffix.lower() in _BINARY_MEMBERS


def _is_strings(m: zipfile.ZipInfo) -> bool:
    return PurePosixPath(m.filename).name.lower() == "sharedstrings.xml"


def _check_part(path: Path, z: zipfile.ZipFile, data: bytes, m: zipfile.ZipInfo, end: int):
    try:
        try:
            _inspect_part(path, m, _inflated(data, m, end))
        except _NotPlain:
            _inspect_part(path, m, _unpacked(z, m))
    except InputError:
        raise
    except Exception as exc:  # zipfile / zlib on a damaged member: bad CRC, bad deflate data
        raise InputError(path, Phrase("error.zip.damaged", problem=exc), _AGAIN_HINT) from None


def _inspect_part(path: Path, m: zipfile.ZipInfo, pieces: Iterator[bytes]) -> None:
    if _is_strings(m):
        declared, held = _shared_strings(pieces)
        if declared > held + 1024:
            raise InputError(
                path,
                Phrase("error.zip.strings", declared=f"{declared:,}", held=f"{held:,}"),
                SAVE_AS_HINT,
            )
        return
    rows, columns, uncached = _scan_member(pieces)
    if rows * columns > MAX_SHEET_CELLS:
        corner = f"{column_name(min(columns, 1 << 20))}{rows}"
        far = Phrase(
            "error.zip.far_cells",
            corner=corner,
            rows=f"{rows:,}",
            columns=f"{columns:,}",
            most=f"{MAX_SHEET_CELLS:,}",
        )
        raise InputError(path, far, _OUTSIDE_HINT)
    if uncached:
        raise InputError(path, Phrase("error.zip.uncached"), Phrase("error.zip.uncached_hint"))
