"""The documentation links only to files of the repository, and every one of them exists: a
seller reading README.md on GitHub or in a downloaded zip must find what it points to."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted(
    p for p in ROOT.rglob("*.md")
    if not any(part.startswith(".") or part in ("build", "node_modules") for part in
               p.relative_to(ROOT).parts)
)  # fmt: skip
# [text](target) and ![alt](target); a target may carry a #fragment or a "title"
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def _links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return LINK.findall(text)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_is_to_a_file_in_the_repository(doc):
    for target in _links(doc):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address or a heading of the same page
        where = (doc.parent / target.split("#")[0]).resolve()
        assert where.is_relative_to(ROOT), f"{doc.name} links outside the repository: {target}"
        assert where.exists(), f"{doc.name} links to a missing file: {target}"


def test_the_readme_shows_the_workbook_and_an_upload_row():
    pictures = [t for t in _links(ROOT / "README.md") if t.endswith(".png")]
    assert {"docs/pictures/summary-ja.png", "docs/pictures/exceptions-ja.png",
            "docs/pictures/upload-ja.png"} <= set(pictures)  # fmt: skip
    for picture in pictures:
        assert (ROOT / picture).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", picture


def test_the_link_finder_finds_links():
    # the test above would pass on a finder that finds nothing
    found = LINK.findall('see [a](docs/x.md#y) and ![p](pic.png "t") and [w](https://e.org)')
    assert found == ["docs/x.md#y", "pic.png", "https://e.org"]
