"""decode_start tries a file's first 64 KB as UTF-8 before the whole file: the answer must be
the whole file's, wherever the first non-UTF-8 byte is and wherever a character is cut."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from batch.errors import InputError

# The module, not batch.read's function of the same name.
d = importlib.import_module("batch.read.decode")


def _answer(data: bytes):
    try:
        return d.decode_start(data, Path("x.csv"))[1:]
    except InputError as err:
        return str(err)


def _reference(data: bytes):
    """The encoding as found by decoding the whole file, as before the head check."""
    try:
        data.decode("utf-8")
        return ("utf-8", False, True)
    except UnicodeDecodeError:
        return None


@pytest.mark.parametrize("cut", [d._UTF8_HEAD - 2, d._UTF8_HEAD - 1, d._UTF8_HEAD, 100])
def test_utf8_character_across_the_head_is_utf8(cut):
    line = "注文番号,配送状態\n".encode()
    data = b"a" * cut + line * (2 * d._UTF8_HEAD // len(line))
    assert _answer(data) == _reference(data) == ("utf-8", False, True)


@pytest.mark.parametrize("at", [0, d._UTF8_HEAD - 1, d._UTF8_HEAD, 3 * d._UTF8_HEAD])
def test_first_non_utf8_byte_anywhere_gives_the_same_answer(at):
    body = "注文番号,配送状態\n".encode() * (4 * d._UTF8_HEAD // 20)
    cp932 = "支払済み\n".encode("cp932")
    data = body[:at] + b"\n" + cp932 + body[at:]
    assert _reference(data) is None
    answer = _answer(data)
    # Not UTF-8: refused as a mix of two encodings (line of the CP932 text named) or CP932.
    assert answer != ("utf-8", False, True)
    assert answer == _answer_whole(data)


def _answer_whole(data: bytes):
    saved = d._UTF8_HEAD
    d._UTF8_HEAD = len(data)  # the head is the whole file: the old behaviour
    try:
        return _answer(data)
    finally:
        d._UTF8_HEAD = saved
