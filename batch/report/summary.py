"""The Summary sheet of exceptions.xlsx: the run's facts, the input files, the outcome of
every order and dispatch row with the check that they add up, the exceptions by code, the
money concerned and the upload files.

summary_rows says what is on it, as (kind, values) rows; write_summary how each kind looks.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from batch import exceptions, i18n, job, xlsx
from batch.report.sheets import HEADER, LOOKS, MONEY, PLAIN, look, page
from batch.report.tables import order_lines
from batch.xlsx.layout import lines as wrapped_lines

Rows = list[tuple[str, list]]
_TEXT_ONLY = ("title", "meta", "note", "section")  # one text, or a value beside a label
_WIDEST = 70  # characters of a Summary column; longer text overflows


def money_concerned(result) -> dict[str, tuple[int, float]]:
    """(orders, JPY) held, unshipped and overdue; an order without an amount counts 0 JPY."""
    o, ex = result.orders, result.exceptions
    overdue = ex.loc[ex["code"].eq("OVERDUE"), ["order_no", "amount"]]
    amounts = {  # the amount column only: filtering all of a million orders took 0.6 s
        "held": o["amount"][o["bucket"].eq("held")],
        "unshipped": o["amount"][o["bucket"].eq("unshipped")],
        "overdue": overdue.drop_duplicates("order_no")["amount"],
    }
    return {k: (len(a), float(pd.to_numeric(a, errors="coerce").sum())) for k, a in amounts.items()}


def _run_rows(result, t, notes: list[str]) -> Rows:
    s = result.summary
    reconciled = s["reconciled"]
    rows: Rows = [
        ("title", [t("summary.title")]),
        ("meta", [t("summary.run_date"), dt.date.fromisoformat(s["today"])]),
        ("meta", [t("summary.run_at"), job.run_started(s["run_id"])]),
        ("meta", [t("summary.run_id"), s["run_id"]]),
        ("meta" if reconciled else "bad", [t("summary.reconciled"), "✓" if reconciled else "✗"]),
    ]
    if result.dry_run:
        notes = [t("summary.dry_run"), *notes]
    return rows + [("note", [n]) for n in notes]


def _input_rows(inputs: dict, t) -> Rows:
    files = [("summary.orders_file", inputs["orders"])]
    files += [("summary.dispatch_file", d) for d in inputs["dispatch"]]
    head = ["summary.kind", "summary.rows", "summary.path", "summary.format", "summary.encoding"]
    rows: Rows = [("section", [t("summary.inputs")]), ("head", head)]
    return rows + [
        ("plain", [t(k), f["rows"], f["path"], f["format"], f["encoding"]]) for k, f in files
    ]


def _outcome_rows(s: dict, part: str, given: int, t) -> Rows:
    """One part's (orders or dispatch rows) buckets, their total, and whether it is the
    number of rows the input files hold."""
    buckets = [b for b in s[part] if b != "total"]  # summary.json's order
    total = sum(s[part][b] for b in buckets)
    ok = total == given
    rows: Rows = [
        ("section", [t(f"summary.{part}")]),
        ("head", ["summary.outcome", "summary.count", "summary.meaning"]),
    ]
    rows += [
        ("plain", [t(f"{part}.{b}.name"), s[part][b], t(f"{part}.{b}.meaning")]) for b in buckets
    ]
    check = t("summary.check_ok" if ok else "summary.check_bad")
    return rows + [
        ("total", [t("summary.total"), total, None]),
        ("ok" if ok else "bad", [t(f"summary.{part}_input"), given, check]),
    ]


def _amount_rows(result, t) -> Rows:
    """The export's order amounts by outcome, their total, and whether it is the sum of
    every order line's amount (an order without a readable amount counts 0 JPY)."""
    lines = order_lines(result)
    amount = pd.to_numeric(lines["amount"], errors="coerce")
    by = amount.groupby(lines["bucket"]).agg(["sum", "size"])
    buckets = [b for b in result.summary["orders"] if b != "total"]
    total, given = float(by["sum"].sum()), float(amount.sum())
    ok = abs(total - given) < 0.5 and int(by["size"].sum()) == len(lines)
    rows: Rows = [
        ("section", [t("summary.amounts")]),
        ("head", ["summary.outcome", "col.amount", "summary.orders_count"]),
    ]
    rows += [
        ("plain", [t(f"orders.{b}.name"), float(by["sum"].get(b, 0.0)), int(by["size"].get(b, 0))])
        for b in buckets
    ]
    rows += [
        ("total", [t("summary.total"), total, int(by["size"].sum())]),
        ("ok" if ok else "bad", [t("summary.amounts_input"), given,
                                 t("summary.check_ok" if ok else "summary.check_bad")]),
    ]  # fmt: skip
    if missing := int(amount.isna().sum()):
        rows.append(("plain", [t("summary.no_amount"), missing, None]))
    return rows


def _code_rows(by_code: dict, lang: str, t) -> Rows:
    rows: Rows = [("section", [t("summary.by_code")])]
    if not by_code:
        return rows + [("plain", [t("summary.no_exceptions")])]
    rows.append(("head", ["col.code", "summary.count", "summary.meaning", "col.severity"]))
    for code in (c for c in exceptions.CODES if by_code.get(c)):
        sev = exceptions.SEVERITY[code]
        rows.append((sev, [code, by_code[code], i18n.reason(code, lang), t(f"severity.{sev}")]))
    return rows + [("total", [t("summary.total"), sum(by_code.values()), None, None])]


def summary_rows(result, lang: str, notes: list[str]) -> Rows:
    """The Summary as (kind, values) rows; columns: label, number, text, text, text.

    Kinds: title, meta (run facts), note, section, head (header keys), plain, total,
    ok / bad (reconciliation check) and error / warning / info (a code's row).
    """
    s, t = result.summary, (lambda key, **f: i18n.text(key, lang, **f))
    inputs = s["inputs"]
    rows = _run_rows(result, t, notes) + _input_rows(inputs, t)
    rows += _outcome_rows(s, "orders", inputs["orders"]["rows"], t)
    rows += _amount_rows(result, t)
    rows += _outcome_rows(s, "dispatch", sum(d["rows"] for d in inputs["dispatch"]), t)
    rows += _code_rows(s["exceptions"], lang, t)
    rows += [
        ("section", [t("summary.money")]),
        ("head", [None, "col.amount", "summary.orders_count"]),
    ]
    rows += [
        ("plain", [t(f"summary.money_{k}"), yen, n])
        for k, (n, yen) in money_concerned(result).items()
    ]
    rows.append(("section", [t("summary.uploads")]))
    if not s["upload_files"]:
        return rows + [("plain", [t("summary.no_uploads")])]
    rows.append(("head", ["col.upload_file", "summary.rows"]))
    return rows + [("plain", [f["path"], f["rows"]]) for f in s["upload_files"]]


def _style(kind: str, j: int, value, lang: str) -> xlsx.Style:
    """How the ``j``-th value of a row of ``kind`` looks."""
    if kind == "head":
        return HEADER
    fmt = i18n.text("format.date", lang) if isinstance(value, dt.date) else MONEY
    if isinstance(value, dt.datetime):
        fmt = i18n.text("format.datetime", lang)
    style = PLAIN if isinstance(value, str) else PLAIN.but(number_format=fmt)
    if kind == "title":
        style = style.but(bold=True, size=14)
    elif kind in ("section", "note"):
        style = style.but(bold=True, size=12 if kind == "section" else 11)
    elif kind == "total":
        style = style.but(bold=True, borders=("top",))
    elif kind in ("ok", "bad") and j > 0:
        style = look(style.but(bold=True), "error" if kind == "bad" else None)
    elif kind in LOOKS and j in (0, 3):
        style = look(style, kind)
    if j >= 2 and not isinstance(value, str):
        # Past column B the columns are wide: keep a number next to the one before it.
        style = style.but(horizontal="left", indent=1)
    return style


def _shown(kind: str, value, lang: str):
    """What a cell shows: a header's text from its key (an empty one when None)."""
    if kind == "head":
        return i18n.text(value, lang) if value else ""
    return value


def write_summary(book: xlsx.Book, result, lang: str, notes: list[str], foot) -> None:
    """The Summary sheet; ``notes`` go under the run's facts; ``foot``: its printed footer."""
    sheet = book.add_sheet(i18n.text("sheet.summary", lang))
    rows = summary_rows(result, lang, notes)
    widths = [10] * 5
    for kind, values in rows:
        if kind in _TEXT_ONLY and kind != "meta":
            continue  # they may overflow
        for j, v in enumerate(values):
            if kind == "meta" and isinstance(v, str):
                continue  # a run fact's text may overflow; its date must fit
            text = _shown(kind, v, lang)
            kind_j = "text" if isinstance(text, str) else "amount"
            if isinstance(text, dt.date):
                kind_j = "datetime" if isinstance(text, dt.datetime) else "date"
            widths[j] = max(widths[j], xlsx.value_width(text, kind_j))
    sheet.widths = [min(w, _WIDEST) + 3 for w in widths]
    sheet.page = page(foot)
    heights: list[float] = []  # per sheet row, for the page breaks
    blocks: list[int] = []  # the first row of each table, its heading's
    previous = None
    for kind, values in rows:
        if kind == "section" or previous == "title":
            sheet.skip()  # a blank line between blocks
            heights.append(0)
        shown = [_shown(kind, v, lang) for v in values]
        styles = [_style(kind, j, v, lang) for j, v in enumerate(values)]
        styles, height = _wrapped(kind, shown, styles, sheet.widths)
        heights.append(height or 0)
        row = sheet.append(shown, styles, height)
        if kind == "section":
            blocks.append(row)
        previous = kind
    # Printed, no table begins at the foot of a page and ends on the next.
    sheet.page_breaks = xlsx.page_breaks(heights, blocks, sheet.page, sheet.widths)


def _wrapped(kind: str, shown: list, styles: list, widths: list) -> tuple[list, float | None]:
    """The styles and height of a row whose text is wider than its column: wrapped, as
    tall as its longest cell (the title, notes and run facts overflow instead)."""
    texts = [(v, w - 3) for v, w in zip(shown, widths, strict=False) if isinstance(v, str)]
    n = max((wrapped_lines(v, w) for v, w in texts), default=1)
    if kind in _TEXT_ONLY or n == 1:
        return styles, None
    return [s.but(wrap=True) for s in styles], n * xlsx.LINE_HEIGHT + 2
