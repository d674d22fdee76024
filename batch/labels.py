"""`labels`: the courier's import file from the orders, one label per cart.

The label carries the カート番号 as the seller's reference, so the courier's issued-data
export brings every tracking number back keyed and `run` matches it without guessing.
The layout written is the ``[writer]`` table of the courier's dispatch profile
(schemas/formats/*.toml): the reader and the writer of one layout share one definition.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

try:
    import tomli as tomllib  # compiled: a third of tomllib's time; every start parses TOML
except ModuleNotFoundError:  # an install from before tomli was required
    import tomllib

from batch import carriers, formats, normalize, orderstate, outputs
from batch.command import Clock, Target
from batch.errors import Phrase, UsageError
from batch.formats import LABEL_LAYOUTS
from batch.inputs import (
    UNKNOWN,
    Loaded,
    load_orders,
    unknown_statuses,
)
from batch.job import today_in_tokyo
from batch.ledger import Ledger
from batch.row_messages import warning_text

LABELLED, NOT_ELIGIBLE, ALREADY_DISPATCHED, OTHER_CARRIER, INVALID = (
    "labelled",
    "not_eligible",
    "already_dispatched",
    "other_carrier",
    "invalid",
)
BUCKETS = (LABELLED, NOT_ELIGIBLE, ALREADY_DISPATCHED, OTHER_CARRIER, INVALID)
SENDER_KEYS = ("name", "phone", "postal", "address")

# Characters the label software refuses, and what is written instead. CP932 holds the NEC
# and IBM extensions (①, 髙, 﨑), B2 does not: it takes JIS X 0208 (level 1-2 kanji) only.
# Characters not listed here are tried in their NFKC form (① → 1, ㈱ → (株), Ⅲ → III),
# and when that does not fit either, become FALLBACK.
REPLACEMENTS = {
    "\u9ad9": "\u9ad8",  # 髙 → 高 (はしご高)
    "\ufa11": "\u5d0e",  # 﨑 → 崎 (たつさき)
    "\u5fb7": "\u5fb3",  # 德 → 徳
    "\u6ff5": "\u6ff1",  # 濵 → 濱
    "\u7028": "\u702c",  # 瀨 → 瀬
    "\U00020bb7": "\u5409",  # 𠮷 → 吉 (つちよし)
    "\u6801": "\u67f3",  # 栁 → 柳
    "\u7e6b": "\u7e4b",  # 繫 → 繋
    "\u2212": "\uff0d",  # − (minus) → －
    "\u301c": "\uff5e",  # 〜 (wave dash) → ～
    "\u00a2": "\uffe0",  # ¢ → ￠
    "\u00a3": "\uffe1",  # £ → ￡
    "\u00ac": "\uffe2",  # ¬ → ￢
    "\u2016": "\u2225",  # ‖ → ∥
}
FALLBACK = "〓"


@dataclass
class LabelOptions:
    carrier: str = "yamato"
    ship_date: dt.date = field(default_factory=today_in_tokyo)
    sender_file: Path | None = None
    merge_same_address: bool = False
    # A seller who ships everything with one courier: orders listed with another carrier are
    # labelled too, each noted as a carrier change (a warning), not left as other_carrier.
    all_carriers: bool = False
    orders_format: str | None = None
    password: str | None = None
    ledger: Path | None = None  # read only: orders it holds are already dispatched
    replace: bool = False  # move an earlier run's outputs in --out aside (never delete them)


@dataclass
class LabelResult:
    run_id: str
    out: Path
    summary: dict
    labels: pd.DataFrame  # one row per label: reference, carts, orders, and the written cells
    seconds: float = 0.0
    replaced: Path | None = None  # where --replace moved the earlier run's files


# --- characters and widths -----------------------------------------------------------------


def _fits(ch: str, charset: str) -> bool:
    try:
        raw = ch.encode("cp932")
    except UnicodeEncodeError:
        return False
    if charset != "jis0208" or len(raw) == 1:
        return True
    try:  # JIS X 0208 = the double-byte part Python's shift_jis codec knows
        raw.decode("shift_jis")
    except UnicodeDecodeError:
        return False
    return True


def clean(text: str, charset: str) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with every character the layout refuses replaced, and the (original,
    replacement) pairs."""
    out, changed = [], []
    for ch in text:
        if _fits(ch, charset):
            out.append(ch)
            continue
        new = REPLACEMENTS.get(ch)
        if new is None or not all(_fits(c, charset) for c in new):
            new = unicodedata.normalize("NFKC", ch)
            if not new or not all(_fits(c, charset) for c in new):
                new = FALLBACK
        out.append(new)
        changed.append((ch, new))
    return "".join(out), changed


def width(text: str) -> float:
    """Length in full-width characters: a half-width (single-byte CP932) character is 0.5."""
    return sum(0.5 if len(ch.encode("cp932", errors="replace")) == 1 else 1.0 for ch in text)


_BREAKS = " 　"
_WORD = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ\-－‐ー]+$")


def _line(text: str, limit: float) -> int:
    """How many characters of ``text`` fit in ``limit`` full-width characters."""
    used, n = 0.0, 0
    while n < len(text) and used + width(text[n]) <= limit:
        used += width(text[n])
        n += 1
    return n


def split(text: str, widths: list[float]) -> tuple[list[str], str]:
    """Pour ``text`` into fields of the given widths; returns the parts and what is left over.

    A line ends at a space, or before a run of digits and letters (a block or room number),
    rather than inside a word, when the rest still fits in the remaining fields.
    """
    parts, rest = [], text
    for k, w in enumerate(widths):
        n = _line(rest, w)
        room = sum(widths[k + 1 :])
        if 0 < n < len(rest) and rest[n] not in _BREAKS:
            head = rest[:n]
            space = max(head.rfind(c) for c in _BREAKS)
            word = _WORD.search(head) if rest[n] not in _BREAKS else None
            for cut in (space, word.start() if word else -1):
                if cut > 0 and width(rest[cut:].lstrip(_BREAKS)) <= room:
                    n = cut
                    break
        parts.append(rest[:n].rstrip(_BREAKS))
        rest = rest[n:].lstrip(_BREAKS)
    return parts, rest


# --- inputs --------------------------------------------------------------------------------


def read_sender(path: Path | None) -> dict[str, str]:
    """The seller's name, phone, postal code and address from a TOML settings file."""
    if path is None:
        return {k: "" for k in SENDER_KEYS}
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        problem = exc.strerror
        raise UsageError(
            Phrase("error.usage.sender_unreadable", path=path, problem=problem)
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(Phrase("error.usage.sender_toml", path=path, problem=exc)) from None
    data = data.get("sender", data)
    missing = [k for k in SENDER_KEYS if not str(data.get(k, "")).strip()]
    if missing:
        raise UsageError(Phrase("error.usage.sender_missing", path=path, keys=", ".join(missing)))
    return {k: str(data[k]).strip() for k in SENDER_KEYS}


def _postal(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:]}" if len(digits) == 7 else digits


def other_carrier(o: pd.DataFrame, company: str) -> pd.Series:
    """The order rows listed with a carrier other than ``company``."""
    listed = o["expected_company"]
    return listed.ne("") & listed.ne(company)


def buckets(
    o: pd.DataFrame, company: str, ledger_tracking: pd.Index, all_carriers: bool = False
) -> pd.Series:
    """What labels does with each valid order row."""
    out = pd.Series(LABELLED, index=o.index, dtype=object)
    if not all_carriers:
        out[other_carrier(o, company).to_numpy()] = OTHER_CARRIER
    out[orderstate.not_eligible(o).to_numpy()] = NOT_ELIGIBLE
    out[orderstate.dispatched(o, ledger_tracking).to_numpy()] = ALREADY_DISPATCHED
    out[o["state"].eq(UNKNOWN).to_numpy()] = NOT_ELIGIBLE  # no label, even if shipped
    return out


def _carrier_changes(todo: pd.DataFrame, carrier: str) -> list[dict]:
    """--all-carriers: each cart labelled for ``carrier`` though listed with another. QSM's
    配送会社 becomes ``carrier`` when `run` uploads its tracking number (CARRIER_MISMATCH
    says so there too)."""
    changed = todo[other_carrier(todo, carrier).to_numpy()]
    return [
        {
            "kind": "carrier_change",
            "cart_no": cart,
            "orders": list(rows["order_no"]),
            "listed": rows["carrier_expected"].iat[0],  # the listing's 配送会社, as QSM has it
            "carrier": carrier,
            "message": f"listed with {rows['carrier_expected'].iat[0]}, labelled for {carrier}",
        }
        for cart, rows in changed.groupby("cart_no", sort=False)
    ]


def group(todo: pd.DataFrame, merge_same_address: bool) -> list[pd.DataFrame]:
    """The order rows of each label: one cart, or carts to one recipient and address."""
    if merge_same_address:
        key = (
            todo["postal"]
            + "|"
            + normalize.without_spaces(normalize.nfkc(todo["address"]))
            + "|"
            + todo["name_key"]
            + "|"
            + todo["phone"]
        )
    else:
        key = todo["cart_no"]
    return [g for _, g in todo.groupby(key.to_numpy(), sort=False)]


def _values(rows: pd.DataFrame, sender: dict, ship_date: str, codes: dict, default: str) -> dict:
    first = rows.iloc[0]
    service = carriers.resolve(rows["carrier_expected"].iloc[:1]).iloc[0]["service"]
    items = list(dict.fromkeys(s.strip() for s in rows["item_name"] if s.strip()))
    return {
        "reference": first["cart_no"],
        "service": codes.get(service, default),
        "ship_date": ship_date,
        "phone": first["phone"] or first["mobile"],
        "postal": _postal(first["postal"]),
        "address": str(first["address"]).strip(),
        "name": str(first["recipient_name"]).strip(),
        "item": " / ".join(items),
        "sender_name": sender["name"],
        "sender_phone": normalize.phone(pd.Series([sender["phone"]])).iloc[0],
        "sender_postal": _postal(normalize.postal(pd.Series([sender["postal"]])).iloc[0]),
        "sender_address": sender["address"],
    }


def build_row(writer: dict, values: dict, cart: str, warnings: list[dict]) -> list[str]:
    """One record of the import layout, with its replacements and cuts in ``warnings``."""
    header, fields = writer["header"], writer["fields"]
    charset = writer.get("charset", "cp932")
    cells = [""] * len(header)
    by_source: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        spec = fields.get(name)
        if spec is None or (name in header[:i]):
            continue
        if "value" in spec:
            cells[i] = str(spec["value"])
        else:
            by_source.setdefault(spec["source"], []).append(i)
    for source, where in by_source.items():
        text, changed = clean(values.get(source, ""), charset)
        for original, new in changed:
            warnings.append(
                {
                    "kind": "replaced",
                    "cart_no": cart,
                    "field": header[where[0]],
                    "original": original,
                    "replacement": new,
                }
            )
        limits = [float(fields[header[i]].get("width", 1e9)) for i in where]
        parts, rest = split(text, limits)
        if rest:
            warnings.append(
                {
                    "kind": "cut",
                    "cart_no": cart,
                    "field": header[where[-1]],
                    "original": text,
                    "replacement": "".join(parts),
                }
            )
        for i, part in zip(where, parts, strict=True):
            cells[i] = part
    return cells


def render(header: list[str], rows: list[list[str]]) -> bytes:
    """The import file: header row, CRLF, CP932."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("cp932")


# --- the command ---------------------------------------------------------------------------


def labels(
    orders_path: str | os.PathLike, out: str | os.PathLike, options: LabelOptions | None = None
) -> LabelResult:
    """Write the courier import file and summary.json into ``out`` atomically."""
    options = options or LabelOptions()
    clock = Clock()
    if options.carrier not in LABEL_LAYOUTS:
        raise UsageError(Phrase("error.usage.label_carrier", carriers=", ".join(LABEL_LAYOUTS)))
    sender = read_sender(options.sender_file)
    target = Target.prepare(out, "labels", options.ledger, options.replace, False)
    orders = load_orders(orders_path, options.orders_format, options.password)
    if "address" not in orders.table.positions:
        raise UsageError(Phrase("error.usage.no_address", path=orders.path))
    held = pd.Index([], dtype=object)
    if options.ledger and Path(options.ledger).is_file():
        with Ledger(Path(options.ledger)) as book:
            held = book.recorded(orders.frame["order_no"]).index
    result = _write(target, decide(orders, options, sender, held), options)
    result.seconds = clock.seconds
    return result


@dataclass
class Labelled:
    """What labels decided, before anything is written."""

    orders: Loaded
    bucket: pd.Series  # per valid order row
    records: list[list[str]]  # the import file's rows
    label_rows: list[dict]  # per label: reference, carts, orders
    warnings: list[dict]


def decide(orders: Loaded, options: LabelOptions, sender: dict, held: pd.Index) -> Labelled:
    writer = formats.get(LABEL_LAYOUTS[options.carrier]).writer
    o = orders.frame
    bucket = buckets(o, options.carrier, held, options.all_carriers)
    todo = o[bucket.eq(LABELLED).to_numpy()]
    ship_date = options.ship_date.strftime(writer.get("date_format", "%Y/%m/%d"))
    codes = writer.get("services", {})
    default = writer.get("default_service", "")
    warnings = _input_warnings(o, sender) + _carrier_changes(todo, options.carrier)
    records, label_rows = [], []
    for rows in group(todo, options.merge_same_address):
        carts = list(dict.fromkeys(rows["cart_no"]))
        values = _values(rows, sender, ship_date, codes, default)
        if not values["address"] or not values["postal"]:
            warnings.append(_worded({"kind": "no_address", "cart_no": carts[0]}))
        records.append(build_row(writer, values, carts[0], warnings))
        label_rows.append({"reference": carts[0], "carts": carts, "orders": list(rows["order_no"])})
        if len(carts) > 1:
            warnings.append(_worded({"kind": "merged", "cart_no": carts[0], "carts": carts}))
    return Labelled(orders, bucket, records, label_rows, warnings)


def _input_warnings(o: pd.DataFrame, sender: dict) -> list[dict]:
    warnings = []
    if not any(sender.values()):
        warnings.append(_worded({"kind": "no_sender"}))
    for status, order_nos in unknown_statuses(o).items():
        warnings.append(_worded({"kind": "unknown_status", "status": status, "orders": order_nos}))
    return warnings


def _worded(warning: dict) -> dict:
    """A warning with its English ``message`` (warning_text words it in any language)."""
    return {**warning, "message": warning_text("labels", warning, "en")}


def _write(target: Target, x: Labelled, options: LabelOptions) -> LabelResult:
    profile = formats.get(LABEL_LAYOUTS[options.carrier])
    writer = profile.writer
    with target.staged(False) as (run_id, stage):
        name = writer["file"]
        (stage.path / name).write_bytes(render(writer["header"], x.records))
        counts = x.bucket.value_counts()
        order_counts = {b: int(counts.get(b, 0)) for b in BUCKETS}
        order_counts[INVALID] = x.orders.invalid_rows
        total = x.orders.rows
        summary = {
            "version": 1,
            "command": "labels",
            "run_id": run_id,
            "carrier": options.carrier,
            "layout": profile.name,
            "ship_date": options.ship_date.isoformat(),
            "inputs": {
                "orders": outputs.input_entry(x.orders),
                "sender": str(options.sender_file) if options.sender_file else None,
            },
            "orders": {"total": total, **order_counts},
            "labels": {"path": name, "rows": len(x.records)},
            "warnings": x.warnings,
            "reconciled": total == sum(order_counts.values()),
        }
        outputs.write_json(stage.path / "summary.json", summary)
        replaced = target.publish(stage, None, False, read_only_ledger=True)
    return LabelResult(run_id, target.out, summary, pd.DataFrame(x.label_rows), replaced=replaced)
