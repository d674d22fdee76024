"""Where the header is, which profile it fits, and the sheet's columns under canonical names.

Which profile a header fits is for `batch.formats` to say; this module looks for the header
row among the first rows of a sheet, asks formats, and words the refusal when nothing fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from batch import formats, seller_formats
from batch.errors import InputError, Phrase
from batch.formats import Profile
from batch.read.sheet import Sheet, Table, column_name

# With copy-on-write (always on from pandas 3) the canonical frame shares the sheet's columns
# instead of stacking them into a copy: neither side can see the other's changes.
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3
# How far down a sheet the header row may be (title and note rows above it).
HEADER_SEARCH_ROWS = 30
# Columns listed in a "not recognised" message; the rest are counted.
SHOWN_COLUMNS = 12


def find_header(
    records: Sequence[Sequence[str]], kind: str | None, profile: Profile | None
) -> tuple[int, Profile | None]:
    """Index of the header record among the first rows, and the profile it fits.

    The header is the first record some profile fits; title or note rows above it are
    skipped. When nothing fits, the record with the most known header names is taken so
    the error can list what is missing.
    """
    best, best_score = 0, -1
    for i, rec in enumerate(records[:HEADER_SEARCH_ROWS]):
        header = [str(c).strip() for c in rec]
        if profile is not None:
            if profile.fits(header):
                return i, profile
            score = len(profile.locate(header))
        else:
            fit = formats.best_fit(header, kind)
            if fit is not None:
                return i, fit
            score = formats.recognised(header, kind)
        if score > best_score:
            best, best_score = i, score
    return best, None


def find_by_position(
    records: Sequence[Sequence[str]], kind: str | None, profile: Profile | None
) -> Profile | None:
    """The profile whose headerless layout the first record is a row of (the forced one's
    only, when --format / --dispatch-format names one)."""
    if not records:
        return None
    among = [profile] if profile else formats.candidates(kind)
    return formats.by_position(records[0], among, forced=profile is not None)


KIND_NAMES = {"orders": Phrase("error.kind.orders"), "dispatch": Phrase("error.kind.dispatch")}


def _shown(header: Sequence[str]) -> str | Phrase:
    named = [h for h in header if h]
    if not named:
        return Phrase("error.header.no_cells")
    shown = ", ".join(named[:SHOWN_COLUMNS])
    if len(named) <= SHOWN_COLUMNS:
        return shown
    return Phrase("error.header.more_columns", shown=shown, n=len(named))


def _map_hint(header: list[str], profile: Profile) -> Phrase:
    """The --map line that makes ``profile`` read the sheet, when mapping can."""
    lines = seller_formats.suggest_map(header, profile)
    if not lines:
        return Phrase("error.header.name_format")
    return Phrase("error.header.map_hint", lines=" ".join(lines))


def no_profile_error(
    path: Path,
    header: list[str],
    kind: str | None,
    forced: Profile | None,
    records: Sequence[Sequence[str]] = (),
) -> InputError:
    """The refusal of a header no profile fits: the columns found and what the closest
    profile (or the one forced) misses."""
    if forced is not None:
        profile, missing = forced, forced.missing(header)
    else:
        profile, missing = formats.closest(header, kind)
    what = KIND_NAMES.get(kind or "", Phrase("error.kind.any"))
    hint = _map_hint(header, profile)
    reads = seller_formats.read_so_far(header, profile)
    named = {profile.columns[c][0]: c for c in profile.required}
    missing = [f"{m} ({named[m]})" if m in named else m for m in missing]
    looks = ""
    if kind == "orders" and forced is None:
        # A courier sheet given as the orders file: say so (it may also be a damaged export).
        _, fit = find_header(records, "dispatch", None)
        if fit is not None:
            looks = Phrase("error.header.looks_like_dispatch", format=fit.name)
            hint = Phrase("error.header.pass_with_dispatch")
    problem = Phrase(
        "error.header.not_recognised",
        what=what,
        looks=looks,
        columns=_shown(header),
        closest=repr(profile.name),
        reads=reads,
        missing=", ".join(missing),
    )
    return InputError(path, problem, hint)


def refuse_order_export(path: Path, records, kind: str | None, profile: Profile | None) -> None:
    """Refuse a QSM order export given as a courier sheet: it has a tracking column, so it
    would pass as a generic sheet and every order would become a dispatch row."""
    if kind != "dispatch" or profile is not None:
        return
    _, fit = find_header(records, "orders", None)
    if fit is not None:
        raise InputError(
            path,
            Phrase("error.header.order_export", format=fit.name),
            Phrase("error.header.pass_with_orders"),
        )


def _duplicates(sheet: Sheet, positions: dict[str, int]) -> None:
    """Refuse a used column whose name appears twice with different values."""
    keys = [formats.header_key(h) for h in sheet.header]
    for p in positions.values():
        for q in range(len(keys)):
            if q == p or keys[q] != keys[p]:
                continue
            first, other = sheet.cells[p], sheet.cells[q]
            if (other.eq("") | other.eq(first)).all():
                continue  # a blank or identical copy: nothing is ambiguous
            a, b = sorted((p, q))
            raise InputError(
                sheet.path,
                Phrase(
                    "error.header.twice",
                    column=repr(sheet.header[p]),
                    a=a + 1,
                    b=b + 1,
                    a_name=column_name(a + 1),
                    b_name=column_name(b + 1),
                ),
                Phrase("error.header.twice_hint"),
            )


def _blank_rows(cells: pd.DataFrame) -> np.ndarray:
    """``cells.eq("").all(axis=1)``, a column at a time on the rows still blank: the first
    cells tell most rows apart, so the other columns are compared on a few rows only."""
    rows = np.arange(len(cells))
    for c in cells.columns:
        column = cells[c] if len(rows) == len(cells) else cells[c].iloc[rows]
        rows = rows[column.eq("").to_numpy(dtype=bool)]
        if not len(rows):
            break
    blank = np.zeros(len(cells), dtype=bool)
    blank[rows] = True
    return blank


def canonical(sheet: Sheet, profile: Profile) -> Table:
    """Map a sheet's columns to the profile's canonical names; absent columns are ""."""
    positions = profile.locate(sheet.header)
    _duplicates(sheet, positions)
    frame = pd.DataFrame(
        {
            canon: sheet.cells[positions[canon]] if canon in positions else ""
            for canon in profile.columns
        },
        index=sheet.cells.index,
        copy=not _COPY_ON_WRITE,
    )
    frame = frame.assign(source_file=sheet.path.name, source_row=sheet.rows)
    # A row with no text in any cell (a blank line, a line of only commas, a workbook's
    # empty rows), wherever it is, is no row: nothing in it to match, upload or lose. The
    # rest keep their row numbers; any text, a space or a cell past the header keeps a row.
    blank = pd.Series(_blank_rows(sheet.cells), index=frame.index)
    if sheet.extra_cells is not None:
        frame["extra_cells"] = sheet.extra_cells
        blank &= ~frame["extra_cells"]
    keep = ~blank.to_numpy()
    if not keep.all():  # else the filter would only copy every column (the index stays a range)
        sheet.cells = sheet.cells[keep]
        sheet.rows = sheet.rows[keep]
        frame = frame[keep]
    return Table(sheet=sheet, profile=profile, frame=frame, positions=positions)
