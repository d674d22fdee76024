"""What a file that is not a sheet is, told by its first bytes (its magic number), not its
name: a PDF or a photo of a sheet, saved as "dispatch.csv", is named as what it is, with
what to do, instead of failing later as text with NUL bytes in it.

Only kinds no sheet can start with are named here; the zip containers that are not a
workbook (Numbers, Word, an archive of CSVs) are told apart by their members in
``xlsx_guard``, and an OLE2 file (an old .xls, or an encrypted .xlsx) by ``xlsx``.
"""

from __future__ import annotations

from pathlib import Path

from batch.errors import InputError, Phrase

PHOTO_HINT = Phrase("error.read.photo_hint")

# (first bytes, what the file is): a picture of a sheet cannot be read as one.
_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
# ISO base media brands of still images (HEIC from an iPhone, AVIF); a video is not read either
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif"}


def image_kind(data: bytes) -> str | None:
    """The image format the file's bytes start with, or None."""
    for magic, name in _IMAGES:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "HEIC"
    # BMP: "BM", then the file's own size and two reserved zero words (a CSV starting
    # with "BM" text has neither)
    bmp = data[:2] == b"BM" and data[6:10] == b"\x00" * 4
    return "BMP" if bmp and int.from_bytes(data[2:6], "little") == len(data) else None


def not_a_sheet(path: Path, data: bytes) -> InputError | None:
    """The refusal of a PDF or an image, or None for anything else."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"%PDF-":
        return InputError(path, Phrase("error.read.pdf"), Phrase("error.read.pdf_hint"))
    kind = image_kind(data)
    if kind is not None:
        return InputError(path, Phrase("error.read.image", kind=kind), PHOTO_HINT)
    return None


def numbers_file(path: Path) -> InputError:
    """The refusal of a macOS Numbers document: a folder (a package) or a zip of Index/*.iwa."""
    return InputError(path, Phrase("error.read.numbers"), Phrase("error.read.numbers_hint"))
