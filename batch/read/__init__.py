"""Bytes on disk -> a DataFrame of text, plus what is needed to write the file back.

Every cell is read as text: a tracking number parsed as a float cannot be given its
digits back. A file that cannot be used raises InputError (exit 2): one message naming the
file, what is wrong with it and what to do. What a file is comes from its bytes, not its
name: a .csv that is really a workbook is read as one, and so is the reverse.

The modules, lowest first: `sheet` (what reading gives), `decode` (bytes -> str), `header`
(the header row, its profile, canonical columns), `csv`, `xlsx_guard` (the zip checked
before the parser sees it) and `xlsx`. This entry tells the kinds of file apart by their
bytes and hands each to its reader.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from batch import formats
from batch.errors import InputError, Phrase
from batch.formats import Profile
from batch.read import kinds
from batch.read.csv import read_csv
from batch.read.decode import decode
from batch.read.header import KIND_NAMES, canonical
from batch.read.sheet import EXPORT_AGAIN, SAVE_AS_HINT, Sheet, Table
from batch.read.xlsx import OLE_MAGIC, read_xlsx

__all__ = ["Sheet", "Table", "read_sheet", "read_table"]


def _arrow_memory_pool() -> None:
    """Arrow's cells allocated by jemalloc where the wheel has it (Linux, macOS), not by its
    default mimalloc: mimalloc commits fresh arenas that the kernel faults in at a high
    system-time cost (200k lines: ~1.1 s of a run's ~2.4 s system time; copying 256 MB of
    text 0.9 -> 0.3 s CPU), and jemalloc also keeps a lower peak (200k: ~880 -> ~760 MB).
    The system allocator was as fast but peaked ~25% higher. Elsewhere the default stays."""
    import pyarrow

    with contextlib.suppress(NotImplementedError, pyarrow.ArrowNotImplementedError):
        pyarrow.set_memory_pool(pyarrow.jemalloc_memory_pool())


_arrow_memory_pool()

ZIP_MAGIC = b"PK\x03\x04"
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb")


def _read_bytes(path: Path) -> bytes:
    if path.is_dir():
        if path.suffix.lower() == ".numbers":  # a Numbers document saved as a package
            raise kinds.numbers_file(path)
        raise InputError(path, Phrase("error.read.folder"), Phrase("error.read.folder_hint"))
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            path, Phrase("error.read.missing"), Phrase("error.read.missing_hint")
        ) from None
    except OSError as exc:
        raise InputError(
            path,
            Phrase("error.read.unreadable", problem=exc.strerror),
            Phrase("error.read.unreadable_hint"),
        ) from None


def _markup_error(path: Path, data: bytes) -> InputError | None:
    """An HTML table or XML spreadsheet saved under a spreadsheet name."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff\x00 \t\r\n").lower()
    if not head.startswith(b"<"):
        return None
    if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:65536]:
        return InputError(path, Phrase("error.read.xml_spreadsheet"), SAVE_AS_HINT)
    return InputError(path, Phrase("error.read.html"), SAVE_AS_HINT)


def _forced_profile(path: Path, kind: str | None, format: str) -> Profile:
    """The profile named by --format / --dispatch-format, if it is one for this kind of file."""
    try:
        profile = formats.get(format)
    except KeyError:
        known = ", ".join(p.name for p in formats.profiles())
        problem = Phrase("error.read.unknown_format", format=repr(format), known=known)
        raise InputError(path, problem) from None
    if kind is not None and profile.kind != kind:
        raise InputError(
            path,
            Phrase(
                "error.read.format_kind",
                format=repr(format),
                kind=KIND_NAMES[profile.kind],
                wanted=KIND_NAMES[kind],
            ),
            Phrase("error.hint.see_formats"),
        )
    return profile


def read_sheet(
    path: str | os.PathLike,
    kind: str | None = None,
    format: str | None = None,
    password: str | None = None,
) -> tuple[Sheet, Profile]:
    """Read one file and find its header and format profile."""
    path = Path(path)
    profile = _forced_profile(path, kind, format) if format else None
    data = _read_bytes(path)
    if not data or data.isspace():  # as not data.strip(), without copying the file
        raise InputError(path, Phrase("error.read.empty"), EXPORT_AGAIN)
    refused = kinds.not_a_sheet(path, data)
    if refused is not None:
        raise refused
    suffix = path.suffix.lower()
    if data.startswith((ZIP_MAGIC, b"PK\x05\x06", OLE_MAGIC)):
        return read_xlsx(path, data, kind, profile, password)
    markup = _markup_error(path, data) if suffix in (*EXCEL_SUFFIXES, ".htm", ".html") else None
    if markup is not None:
        raise markup
    if suffix in EXCEL_SUFFIXES:
        # Not a workbook inside: a CSV saved under an Excel name is read as one.
        try:
            decode(data, path)
        except InputError:
            raise InputError(path, Phrase("error.read.not_a_workbook"), SAVE_AS_HINT) from None
    return read_csv(path, data, kind, profile)


def read_table(
    path: str | os.PathLike,
    kind: str | None = None,
    format: str | None = None,
    password: str | None = None,
) -> Table:
    """Read an input file into canonical text columns. Raises InputError when unusable."""
    sheet, profile = read_sheet(path, kind, format, password)
    return canonical(sheet, profile)
