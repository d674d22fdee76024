"""Bytes of a text file -> str, and which encoding it was written in.

Encoding: BOM -> utf-8-sig (or utf-16), else strict UTF-8, else CP932 (never shift_jis: it
fails on ①, 髙, 﨑 and maps the full-width hyphen to U+2212). A file that mixes two encodings
(a UTF-8 line pasted into a CP932 export) is refused with both line numbers, not decoded into
mojibake.
"""

from __future__ import annotations

import codecs
import contextlib
import itertools
import re
from functools import cache
from pathlib import Path

import numpy as np

from batch.errors import InputError, Phrase
from batch.read.sheet import EXPORT_AGAIN, SAVE_AS_HINT

# A line made only of ASCII and well-formed UTF-8 sequences, with at least one of the latter.
# Anchored on the newline (a literal the regex engine skips to quickly) and written with
# atomic groups, (?=(X))\1, so a CP932 line fails at its first non-UTF-8 byte: linear time.
_ASCII = rb"[\x00-\x09\x0b-\x7f]"
_UTF8_SEQ = rb"(?:[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3})"
_UTF8_BODY = (
    rb"(?=("
    + _ASCII
    + rb"*))\1"
    + _UTF8_SEQ
    + rb"(?=((?:"
    + _ASCII
    + rb"|"
    + _UTF8_SEQ
    + rb")*))\2(?=\n|\Z)"
)
_UTF8_FIRST_LINE = re.compile(_UTF8_BODY)
_UTF8_LINE = re.compile(rb"\n" + _UTF8_BODY)
_UTF8_CANDIDATES = 1000  # lines looked at before deciding a CP932 file has no UTF-8 line
_UTF8_HEAD = 1 << 16  # bytes tried as UTF-8 before the whole file is


def _line_of(data: bytes | str, position: int) -> int:
    newline = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, position) + 1


@cache
def _common_cp932() -> frozenset[str]:
    """Characters of everyday Japanese text in CP932: symbols, kana, JIS level-1 kanji,
    NEC specials (①, ㈱) and IBM extensions (髙, 﨑)."""
    chars = set()
    leads = [*range(0x81, 0x99), *range(0xED, 0xEF), *range(0xFA, 0xFD)]
    for lead in leads:
        for trail in range(0x40, 0xFD):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("cp932"))
    return frozenset(chars)


def _plausibility(text: str) -> float:
    """Share of the non-ASCII characters that occur in ordinary Japanese or Korean text."""
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return 0.0
    common = _common_cp932()
    ok = sum(c in common or "\uac00" <= c <= "\ud7a3" for c in wide)
    return ok / len(wide)


def _utf8_line(data: bytes) -> int | None:
    """Line number of a line written in UTF-8 in a file that is not all UTF-8, if any.

    A CP932 line is seldom well-formed UTF-8 by chance; when it is, its CP932 reading is
    ordinary text and its UTF-8 reading is not, which tells the two apart.
    """
    first = _UTF8_FIRST_LINE.match(data)
    rest = _UTF8_LINE.finditer(data)
    for n, match in enumerate(itertools.chain([first] if first else [], rest)):
        if n >= _UTF8_CANDIDATES:
            break
        line = match.group().lstrip(b"\n")
        as_utf8 = line.decode("utf-8")
        as_cp932 = line.decode("cp932", errors="replace")
        if _plausibility(as_utf8) > _plausibility(as_cp932):
            return _line_of(data, match.end() - 1)
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when the NUL bytes are the high bytes of UTF-16 text."""
    if len(data) % 2:
        return None
    head = np.frombuffer(data[: 1 << 16], dtype=np.uint8)
    even, odd = (head[0::2] == 0).sum(), (head[1::2] == 0).sum()
    if odd > 0 and even == 0 and odd * 4 >= len(head) // 2:
        encoding = "utf-16-le"
    elif even > 0 and odd == 0 and even * 4 >= len(head) // 2:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return encoding if "\x00" not in text else None


def _encoding_error(path: Path, problem: Phrase) -> InputError:
    return InputError(path, problem, Phrase("error.text.encoding_hint"))


def decode(data: bytes, path: Path) -> tuple[str, str, bool]:
    """Return (text, encoding, has_bom)."""
    text, encoding, bom, _ = decode_start(data, path)
    return text, encoding, bom


def decode_start(data: bytes, path: Path, size: int | None = None) -> tuple[str, str, bool, bool]:
    """`decode`, but a CP932 file longer than ``size`` bytes only as far as about ``size``
    bytes: (text, encoding, has_bom, whole). The rest is the caller's to decode (Arrow does,
    block by block, without a str and a UTF-8 copy of the whole file); where it fails,
    `decode` of the whole file says why."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode_utf8_bom(data, path), "utf-8-sig", True, True
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: UTF-16 with tabs.
        return _decode_utf16_bom(data, path), "utf-16", True, True
    if b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise _binary_error(path, data.index(b"\x00"), data)
        return data.decode(encoding), encoding, False, True
    try:
        # The head first: a failed decode's error holds a copy of all its input (70 MB for a
        # 200k-line export), and a CP932 export fails on its header's first character.
        codecs.getincrementaldecoder("utf-8")().decode(data[:_UTF8_HEAD])
        return data.decode("utf-8"), "utf-8", False, True
    except UnicodeDecodeError as exc:
        not_utf8 = _line_of(data, exc.start)
    text, whole = _decode_cp932(data, path, not_utf8, size)
    return text, "cp932", False, whole


def _decode_utf8_bom(data: bytes, path: Path) -> str:
    try:
        return data[3:].decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start + 3)
        raise _encoding_error(path, Phrase("error.text.utf8_then_not", line=line)) from None


def _decode_utf16_bom(data: bytes, path: Path) -> str:
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError:
        raise InputError(path, Phrase("error.text.bad_utf16"), EXPORT_AGAIN) from None
    if "\x00" in text:
        raise _binary_error(path, text.index("\x00"), text)
    return text


def _decode_cp932(data: bytes, path: Path, not_utf8: int, size: int | None) -> tuple[str, bool]:
    """A file that is not UTF-8 (line ``not_utf8`` is not): CP932, unless another of its
    lines is UTF-8, when the file mixes two encodings and neither reading is right.
    (text, whole): the first ``size`` bytes' text when the file is longer and they decode."""
    utf8 = _utf8_line(data)
    if utf8 is not None:
        raise _encoding_error(
            path, Phrase("error.text.two_encodings", utf8=utf8, not_utf8=not_utf8)
        )
    if size is not None and len(data) > size:
        # A double-byte character cut at ``size`` waits for its second byte (final=False).
        with contextlib.suppress(UnicodeDecodeError):
            return codecs.getincrementaldecoder("cp932")().decode(data[:size]), False
    try:
        return data.decode("cp932"), True
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        if b"\n" not in data[:4096] and not data[:4096].isascii():
            raise InputError(
                path,
                Phrase("error.text.not_text"),
                Phrase("error.text.right_file", save_as=SAVE_AS_HINT),
            ) from None
        raise _encoding_error(path, Phrase("error.text.neither", line=line)) from None


def _binary_error(path: Path, position: int, data: bytes | str) -> InputError:
    return InputError(
        path,
        Phrase("error.text.binary", line=_line_of(data, position)),
        Phrase("error.text.binary_hint"),
    )
