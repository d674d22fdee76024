"""Render the pictures the README shows: the sample day's workbook (Summary and Exceptions
pages) in Japanese and Korean, and the top of an upload file, as LibreOffice prints them.

    python docs/pictures/render.py

Needs LibreOffice (`soffice`) and poppler (`pdftotext`, `pdftoppm`), the Noto CJK fonts for
the Japanese and Korean text and Carlito, which has Calibri's metrics, so that columns are
as wide as in Excel (Debian: libreoffice-calc poppler-utils fonts-noto-cjk
fonts-crosextra-carlito).
The pages are found by their footer, which names the sheet (docs/WORKBOOK.md)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SAMPLE_DAY = [
    "--orders", "samples/qsm-detail-ja.csv", "--dispatch", "samples/yamato-b2.csv",
    "--dispatch", "samples/generic-ko.xlsx", "--today", "2026-11-26", "--no-ledger", "--quiet",
]  # fmt: skip
DPI = "80"


def _pdf(source: Path, infilter: str | None = None) -> Path:
    command = ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(source.parent)]
    if infilter:
        command.append(f"--infilter={infilter}")
    subprocess.run([*command, str(source)], check=True, capture_output=True, timeout=300)
    return source.with_suffix(".pdf")


def _first_page_of(pdf: Path, sheet: str) -> int:
    """The first page whose footer (its last line) begins with the sheet's name."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    for number, page in enumerate(text.split("\f"), start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        if lines and lines[-1].startswith(sheet + " "):
            return number
    raise SystemExit(f"{pdf}: no page has the footer of the sheet {sheet!r}")


def _png(pdf: Path, page: int, target: Path, height: int | None = None) -> None:
    """One page as a PNG; ``height`` (pixels at DPI) keeps only the top of it."""
    crop = ["-x", "0", "-y", "0", "-W", "1200", "-H", str(height)] if height else []
    stem = target.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", DPI, "-f", str(page), "-l", str(page), "-singlefile",
         *crop, str(pdf), str(stem)],
        check=True, timeout=120,
    )  # fmt: skip
    print(target.relative_to(ROOT))


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from batch import i18n

    for tool in ("soffice", "pdftotext", "pdftoppm"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (see this script's docstring)")
    with tempfile.TemporaryDirectory() as tmp:
        for lang in ("ja", "ko"):
            out = Path(tmp) / lang
            subprocess.run(
                [sys.executable, "-m", "batch", "run", *SAMPLE_DAY, "--lang", lang,
                 "--out", str(out)],
                check=True, cwd=ROOT,
            )  # fmt: skip
            pdf = _pdf(out / "exceptions.xlsx")
            for sheet in ("summary", "exceptions"):
                page = _first_page_of(pdf, i18n.text(f"sheet.{sheet}", lang))
                _png(pdf, page, HERE / f"{sheet}-{lang}.png")
            if lang == "ja":
                upload = out / "qsm-upload-001.csv"
                # comma-separated, quoted by ", Shift_JIS (CP932), from line 1
                _png(_pdf(upload, "CSV:44,34,64,1"), 1, HERE / "upload-ja.png", height=125)


if __name__ == "__main__":
    main()
