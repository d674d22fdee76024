"""Input-format profiles (schemas/formats/*.toml) and detection from a header row.

A profile says which header spellings feed which canonical column. Adding a courier
layout means adding a profile file and a sample; no code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from importlib.resources import files
from pathlib import Path

try:
    import tomli as tomllib  # compiled: a third of tomllib's time; every start parses TOML
except ModuleNotFoundError:  # an install from before tomli was required
    import tomllib

from batch import carriers
from schemas.columns import BY_KIND

FORMATS_DIR = Path(str(files("schemas") / "formats"))
KINDS = ("orders", "dispatch")
# What the tool does with an order, by its 配送状態 ([statuses] of an orders profile). A text
# no table lists is "unknown": held, never taken for paid.
STATES = ("paid", "awaiting_payment", "cancelled", "delayed", "shipped")

_SPACES = re.compile(r"\s+")
# The keys a profile may have; anything else is a typo that would silently do nothing.
_KEYS = {"name", "title", "kind", "priority", "language", "layout", "carrier", "required",
         "signature", "columns", "service_codes", "writer", "statuses", "header",
         "upload", "file", "cancelled", "headerless"}  # fmt: skip
# [file]: how the layout's software writes the file (the reader finds all of it by itself;
# the samples are written from it). Each key with the values it may take, the default first.
FILE_KEYS = {
    "format": ("csv", "xlsx"),
    "encoding": ("utf-8", "utf-8-sig", "cp932"),
    "newline": ("CRLF", "LF"),
    "quoting": ("minimal", "all"),
    "delimiter": (",", "\t"),
}
# `carrier = "none"` in a dispatch profile: the layout names no carrier, by column or by kind
# (the run takes --dispatch-carrier, else the order's listing: batch/listing_carrier.py).
NO_CARRIER = "none"
# The canonical columns each upload file may fill: what run and plan have to give.
UPLOAD_FILLS = {"dispatch": ("tracking_no", "carrier", "ship_date"), "shipdate": ("est_ship_date",)}
MAX_UPLOAD_ROWS = 500  # the API's bulk limit, QSM's safe default (qsm.md §2.2)
# QSM refuses ship dates too far ahead (API error -10017) without saying how far; one crawled
# document says today + 30. A setting (plan's --max-ahead-days), not a fact.
MAX_AHEAD_DAYS = 30
# labels' --carrier -> the dispatch profile whose [writer] table is the label import layout.
LABEL_LAYOUTS = {"yamato": "yamato-b2", "sagawa": "sagawa-ehiden3", "japanpost": "japanpost-yupri"}


def _squeezed(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(text))).casefold()


@lru_cache(maxsize=8192)  # a day's files repeat a few hundred header texts
def header_key(text: str) -> str:
    """The form headers are compared in: NFKC, casefolded, without whitespace or punctuation.

    So `お届け先 郵便番号` = `お届け先郵便番号`, `（１）` = `(1)` = `1`, `Tracking No.` =
    `tracking_no` = `ＴＲＡＣＫＩＮＧ　ＮＯ`, `Order #` = `order`. A profile whose columns would
    then share a spelling is refused when loaded (_check_aliases): matching stays unambiguous.
    """
    return "".join(c for c in _squeezed(text) if not unicodedata.category(c).startswith("P"))


@lru_cache(maxsize=8192)
def cell_keys(text: str) -> tuple[str, ...]:
    """The keys a header cell answers to: its whole text's and, where a template wrote a second
    line under the name (`倉庫コード\nCTKEY`), its first line's."""
    lines = str(text).strip().splitlines()
    whole = header_key(text)
    return (whole, header_key(lines[0])) if len(lines) > 1 else (whole,)


def first_cells(header: Sequence[str]) -> dict[str, int]:
    """Each key the cells of ``header`` answer to, with its first cell (one pass per header)."""
    first: dict[str, int] = {}
    for i, cell in enumerate(header):
        for key in cell_keys(cell):
            first.setdefault(key, i)
    return first


# Statuses are compared as headers were before punctuation was dropped: `配送遅延（要対応）` =
# `配送遅延 (要対応)`, `배송 지연` = `배송지연`, `ｷｬﾝｾﾙ` = `キャンセル`. Exactly, never as a
# part of a longer text.
status_key = lru_cache(maxsize=8192)(_squeezed)


@dataclass(frozen=True)
class UploadFile:
    file: str  # name pattern: {n:03d} is the file's number, from 001
    fill: tuple[str, ...]  # canonical columns written into the export's rows

    def name(self, n: int) -> str:
        return self.file.format(n=n)


@dataclass(frozen=True)
class Upload:
    """The QSM upload files of an orders profile ([upload]): see batch/upload.py."""

    date_format: str
    rows_per_file: int
    dispatch: UploadFile  # run's
    shipdate: UploadFile  # plan's


@dataclass(frozen=True)
class Headerless:
    """[headerless]: the layout may come without its header row, its columns then in the
    header's order (column n = header[n - 1]); a row is the layout's when it has ``columns``
    cells and the cell of ``column`` (1-based) fits ``pattern``. Forced (--format), any
    width from the header's to ``columns`` will do, whatever the cell holds (the profile
    checks that the record holds none of its header names: a damaged header is no row)."""

    columns: int
    column: int
    pattern: str

    def recognises(self, record: Sequence[str], least: int, forced: bool = False) -> bool:
        if forced:
            return least <= len(record) <= self.columns
        return len(record) == self.columns and bool(
            re.fullmatch(self.pattern, str(record[self.column - 1]).strip())
        )


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    kind: str
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    signature: tuple[str, ...] = ()
    priority: int = 0
    carrier: str = ""
    language: str = ""
    layout: str = ""
    service_codes: dict[str, str] = field(default_factory=dict)
    writer: dict = field(default_factory=dict)  # import layout written by `labels`
    statuses: dict[str, tuple[str, ...]] = field(default_factory=dict)  # state -> 配送状態 texts
    header: tuple[str, ...] = ()  # the full header row the layout's software writes
    file: dict[str, str] = field(default_factory=dict)  # [file]: see FILE_KEYS
    # [cancelled]: "yes" / "no" -> the texts of the columns.cancelled column that mean it
    cancelled: dict[str, tuple[str, ...]] = field(default_factory=dict)
    upload: Upload | None = None  # orders profiles: the QSM upload files
    headerless: Headerless | None = None  # how to read the layout without its header row
    path: Path | None = None
    # --map canonical=HEADER: the header (as compared) read for a column before any alias
    pinned: dict[str, str] = field(default_factory=dict)

    def positional_header(self) -> list[str]:
        """The names of a headerless file's columns: the header's, then "(column n)"."""
        width = self.headerless.columns if self.headerless else len(self.header)
        return [*self.header, *(f"(column {n})" for n in range(len(self.header) + 1, width + 1))]

    @cached_property
    def _alias_keys(self) -> dict[str, frozenset[str]]:
        """Each canonical column's header spellings, compared as headers are."""
        return {c: frozenset(header_key(a) for a in aliases) for c, aliases in self.columns.items()}

    def locate(self, header: Sequence[str]) -> dict[str, int]:
        """Position of each canonical column found in ``header`` (first match wins)."""
        first = first_cells(header)
        found: dict[str, int] = {}
        for canon, wanted in self._alias_keys.items():
            at = first.get(pinned) if (pinned := self.pinned.get(canon)) else None
            if at is None:
                at = min((first[k] for k in wanted if k in first), default=None)
            if at is not None:
                found[canon] = at
        return found

    def missing(self, header: Sequence[str]) -> list[str]:
        """Required columns (by their official spelling) and signature headers not in ``header``."""
        found, keys = self.locate(header), first_cells(header)
        out = [self.columns[c][0] for c in self.required if c not in found]
        return out + [s for s in self.signature if header_key(s) not in keys]

    def fits(self, header: Sequence[str]) -> bool:
        return not self.missing(header)


def load_one(path: Path) -> Profile:
    """One profile file, checked alone (check_set checks a set)."""
    with path.open("rb") as f:
        data = tomllib.load(f)
    _shape(path, data)
    columns = {k: tuple(v) for k, v in data.get("columns", {}).items()}
    header = tuple(data.get("header", ()))
    writer = data.get("writer", {})
    if writer and "header" not in writer:  # an import layout that is the export layout
        writer = {**writer, "header": list(header)}
    profile = Profile(
        name=data.get("name", path.stem),
        title=data.get("title", path.stem),
        kind=data["kind"],
        columns=columns,
        required=tuple(data.get("required", ())),
        signature=tuple(data.get("signature", ())),
        priority=int(data.get("priority", 0)),
        carrier="" if data.get("carrier") == NO_CARRIER else data.get("carrier", ""),
        language=data.get("language", ""),
        layout=data.get("layout", ""),
        service_codes={str(k): v for k, v in data.get("service_codes", {}).items()},
        writer=writer,
        statuses={k: tuple(v) for k, v in data.get("statuses", {}).items()},
        header=header,
        file=_file(path, data.get("file", {})),
        cancelled=_cancelled(path, data.get("cancelled"), "cancelled" in columns),
        upload=_upload(path, data["upload"]) if "upload" in data else None,
        headerless=_headerless(path, data["headerless"], header) if "headerless" in data else None,
        path=path,
    )
    _check(path, data, profile)
    _check_aliases(path, profile)
    _check_carrier(path, data, profile)
    _check_layout(path, profile)
    if profile.statuses and profile.kind != "orders":
        raise ValueError(f"{path}: only an orders profile has [statuses]")
    try:
        status_table(profile.statuses)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    return profile


def _texts(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _shape(path: Path, data: dict) -> None:
    """The types a profile's keys take: `tracking_no = "X"` (not a list) would be read as
    one header per character."""
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        columns = {"": None}
    bad = [] if "kind" in data else ['kind = "dispatch" (or "orders")']
    bad += [f'columns.{c} = ["header", ...]' for c, v in columns.items() if not _texts(v)]
    bad += [] if _texts(data.get("required", [])) else ['required = ["column", ...]']
    bad += [] if isinstance(data.get("priority", 0), int) else ["priority = a whole number"]
    if bad:
        raise ValueError(f"{path}: write {'; '.join(bad)}")


def _check(path: Path, data: dict, profile: Profile) -> None:
    """A profile is data: a misspelt key or column would silently do nothing, so it stops."""
    if profile.kind not in KINDS:
        raise ValueError(f"{path}: kind {profile.kind!r} is not one of {', '.join(KINDS)}")
    typos = sorted(set(data) - _KEYS)
    known = BY_KIND[profile.kind]
    typos += [f"columns.{c}" for c in profile.columns if c not in known]
    typos += [f"required {c!r}" for c in profile.required if c not in profile.columns]
    if typos:
        raise ValueError(f"{path}: unknown {', '.join(typos)} (canonical: {', '.join(known)})")


def _check_carrier(path: Path, data: dict, profile: Profile) -> None:
    """A courier layout says where its rows' carrier is; forgetting it would hold every row."""
    says = profile.carrier or "carrier" in profile.columns or data.get("carrier") == NO_CARRIER
    if profile.kind == "dispatch" and not says:
        raise ValueError(
            f"{path}: say where the carrier is: columns.carrier, carrier = a carrier of the "
            f'registry, or carrier = "{NO_CARRIER}" (the run takes --dispatch-carrier or the '
            "listing's)"
        )


def _check_aliases(path: Path, profile: Profile) -> None:
    """No two canonical columns of a profile may answer to the same header (as compared)."""
    owner: dict[str, str] = {}
    for canon, aliases in profile.columns.items():
        for alias in aliases:
            first = owner.setdefault(header_key(alias), canon)
            if first != canon:
                raise ValueError(
                    f"{path}: {alias!r} is a spelling of both columns.{first} and "
                    f"columns.{canon} (headers are compared without case, spaces and "
                    "punctuation): keep it under one of them"
                )


def _cancelled(path: Path, data: dict | None, mapped: bool) -> dict[str, tuple[str, ...]]:
    """[cancelled] yes = [...], no = [...]: what the texts of a cancelled column mean. A column
    without the table could not be read, a table without the column would do nothing."""
    if data is None and not mapped:
        return {}
    if data is None or not mapped or set(data) != {"yes", "no"} or not all(data.values()):
        raise ValueError(f"{path}: columns.cancelled goes with [cancelled] yes = [...], no = [...]")
    table = {k: tuple(v) for k, v in data.items()}
    try:
        answers(table)
    except ValueError as exc:
        raise ValueError(f"{path}: [cancelled] {exc}") from None
    return table


def answers(cancelled: dict[str, tuple[str, ...]]) -> dict[str, bool]:
    """status_key(text) -> whether it says cancelled; a text under both answers is refused."""
    table: dict[str, bool] = {}
    for answer, texts in cancelled.items():
        for text in texts:
            if table.setdefault(status_key(text), answer == "yes") != (answer == "yes"):
                raise ValueError(f"{text!r} is both yes and no")
    return table


def _file(path: Path, data: dict) -> dict[str, str]:
    """[file] with every key, the defaults filled in; an unknown key or value stops."""
    bad = [f"{k} = {v!r}" for k, v in data.items() if v not in FILE_KEYS.get(k, ())]
    if bad:
        choices = "; ".join(f"{k}: {', '.join(map(repr, v))}" for k, v in FILE_KEYS.items())
        raise ValueError(f"{path}: [file] {', '.join(bad)} (known: {choices})")
    return {k: data.get(k, values[0]) for k, values in FILE_KEYS.items()}


def _upload(path: Path, data: dict) -> Upload:
    """[upload], checked: a column no command fills, or a file name without its number, stops."""
    where = f"{path}: [upload]"
    if set(data) != {"date_format", "rows_per_file", *UPLOAD_FILLS}:
        raise ValueError(f"{where} has date_format, rows_per_file, dispatch and shipdate")
    parts = {}
    for part, allowed in UPLOAD_FILLS.items():
        entry = data[part]
        fill = tuple(entry.get("fill", ()))
        name = str(entry.get("file", ""))
        if set(entry) != {"file", "fill"} or not fill or not set(fill) <= set(allowed):
            raise ValueError(f"{where} {part}: file and fill, fill one or more of {allowed}")
        if "{n:03d}" not in name or not name.endswith(".csv") or "/" in name:
            raise ValueError(f"{where} {part}: file {name!r} is a .csv name with {{n:03d}} in it")
        parts[part] = UploadFile(name, fill)
    rows = data["rows_per_file"]
    if not isinstance(rows, int) or not 1 <= rows <= MAX_UPLOAD_ROWS:
        raise ValueError(f"{where}: rows_per_file is 1 to {MAX_UPLOAD_ROWS}")
    return Upload(str(data["date_format"]), rows, **parts)


def _headerless(path: Path, data: dict, header: tuple[str, ...]) -> Headerless:
    """[headerless] columns = N, column = n, pattern = '...': checked, the pattern compiled."""
    where = f"{path}: [headerless]"
    if set(data) != {"columns", "column", "pattern"}:
        raise ValueError(f"{where} has columns, column and pattern")
    columns, column = data["columns"], data["column"]
    if not header or not isinstance(columns, int) or columns < len(header):
        raise ValueError(f"{where} needs the profile's header and columns >= its length")
    if not isinstance(column, int) or not 1 <= column <= min(columns, len(header)):
        raise ValueError(f"{where} column is a position (1-based) of the header")
    try:
        re.compile(data["pattern"])
    except re.error as exc:
        raise ValueError(f"{where} pattern: {exc}") from None
    return Headerless(columns, column, str(data["pattern"]))


def _check_layout(path: Path, profile: Profile) -> None:
    """The header fits its own profile, an orders profile says how it is uploaded, and every
    carrier the profile names is in the registry."""
    if profile.header and not profile.fits(profile.header):
        missing = ", ".join(profile.missing(profile.header))
        raise ValueError(f"{path}: the profile's own header lacks {missing}")
    if (profile.upload is None) == (profile.kind == "orders"):
        raise ValueError(f"{path}: an orders profile, and only one, has [upload]")
    names = [profile.carrier] if profile.carrier else []
    names += [*profile.service_codes.values(), *profile.writer.get("services", {})]
    unknown = [n for n in names if not carriers.company(n)]
    if unknown:
        raise ValueError(f"{path}: carriers not in the registry: {', '.join(unknown)}")


def check_set(loaded: Sequence[Profile]) -> None:
    """Each profile with a header is the one detected for it, and no other ties with it."""
    names = [p.name for p in loaded]
    for p in loaded:
        if names.count(p.name) > 1:
            where = ", ".join(str(q.path) for q in loaded if q.name == p.name)
            raise ValueError(f"{p.path}: name {p.name!r} is used by {where}: rename one")
        if not p.header:
            continue
        ranked = _ranked(p.header, [q for q in loaded if q.kind == p.kind])
        if ranked[0][1] is not p or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
            others = ", ".join(q.name for _, q in ranked if q is not p)
            raise ValueError(
                f"{p.path}: its own header is detected as, or ties with: {others}. Give it a "
                "higher priority, or a signature column the others lack"
            )


def _ranked(header: Sequence[str], among: Sequence[Profile]) -> list[tuple[tuple, Profile]]:
    """The profiles that fit ``header``, most specific first: priority, then columns found."""
    fitting = [((p.priority, len(p.locate(header))), p) for p in among if p.fits(header)]
    return sorted(fitting, key=lambda r: r[0], reverse=True)


def status_table(statuses: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """status_key(text) -> state, refusing a state not in STATES and a text under two states."""
    table: dict[str, str] = {}
    for state, texts in statuses.items():
        if state not in STATES:
            raise ValueError(f"[statuses] {state!r} is not one of {', '.join(STATES)}")
        for text in texts:
            key = status_key(text)
            if not key or table.setdefault(key, state) != state:
                raise ValueError(f"[statuses] {text!r} is blank or listed under two states")
    return table


@cache
def shared_statuses() -> dict[str, tuple[str, ...]]:
    """Every orders profile's statuses together: for an orders profile that lists none."""
    merged: dict[str, tuple[str, ...]] = {}
    for p in shipped():
        for state, texts in p.statuses.items():
            merged[state] = tuple(dict.fromkeys([*merged.get(state, ()), *texts]))
    status_table(merged)  # the screens must not disagree on a text
    return merged


@cache
def shipped() -> tuple[Profile, ...]:
    """Every profile shipped in schemas/formats, sorted by name, checked as a set too."""
    return load_all(FORMATS_DIR)


# The profiles in use where a command set the seller's own (batch/seller_formats.py):
# shipped ones with their --map, and those of the seller's formats folders.
_IN_USE: ContextVar[tuple[Profile, ...] | None] = ContextVar("profiles_in_use", default=None)


def profiles() -> tuple[Profile, ...]:
    """The profiles detection chooses from: the shipped ones, unless a command said more."""
    in_use = _IN_USE.get()
    return shipped() if in_use is None else in_use


@contextmanager
def using(in_use: Sequence[Profile]) -> Iterator[None]:
    """Detect among ``in_use`` (already checked as a set) for what runs inside."""
    token = _IN_USE.set(tuple(in_use))
    try:
        yield
    finally:
        _IN_USE.reset(token)


def load_all(folder: Path) -> tuple[Profile, ...]:
    loaded = tuple(sorted((load_one(p) for p in folder.glob("*.toml")), key=lambda p: p.name))
    check_set(loaded)
    return loaded


def get(name: str) -> Profile:
    for p in profiles():
        if p.name == name:
            return p
    names = ", ".join(p.name for p in profiles())
    raise KeyError(f"unknown format {name!r}; known formats: {names}")


def candidates(kind: str | None) -> list[Profile]:
    return [p for p in profiles() if kind is None or p.kind == kind]


def by_position(first: Sequence[str], among: Sequence[Profile], forced: bool) -> Profile | None:
    """The profile (of ``among``) that recognises ``first``, a file's first record, as a row
    of its layout without a header row."""
    for p in among:
        if p.headerless is None or not p.headerless.recognises(first, len(p.header), forced):
            continue
        if not (forced and p.locate([str(c).strip() for c in first])):
            return p
    return None


def best_fit(header: Sequence[str], kind: str | None) -> Profile | None:
    """The most specific profile whose required columns are all in ``header``."""
    ranked = _ranked(header, candidates(kind))
    return ranked[0][1] if ranked else None


def closest(header: Sequence[str], kind: str | None) -> tuple[Profile, list[str]]:
    """The profile missing the fewest columns, with what it misses (for error messages)."""
    scored = [(len(p.missing(header)), -len(p.locate(header)), p.name, p) for p in candidates(kind)]
    *_, profile = min(scored)
    return profile, profile.missing(header)


def recognised(header: Sequence[str], kind: str | None) -> int:
    """How many cells of a row are known header names: to tell a header from a title row."""
    return max((len(p.locate(header)) for p in candidates(kind)), default=0)
