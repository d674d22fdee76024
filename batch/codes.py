"""Every exception code, once: its severity, what it is about, and how the report shows it.

Everything else that needs a fact about codes (the severity table, the sort order, the
unmatched count of summary.json, the workbook's looks, the samples' checks) reads it here,
so a new code is one row below, its rule in batch/rules/, its reason and action in every
catalogue (batch/locale/*/*.toml, [code.CODE]) and its tests. The order of the rows is the
order codes are listed in: errors, then warnings, then info, as in the contract's table.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_RANK = {ERROR: 0, WARNING: 1, INFO: 2}
# What a code is about: one courier row, one order, one cart, or a paid unshipped order.
ROW, ORDER, CART, UNSHIPPED = "row", "order", "cart", "unshipped"


@dataclass(frozen=True)
class Code:
    name: str
    severity: str  # error: not uploaded; warning: uploaded, someone must act; info: reminder
    about: str  # ROW, ORDER, CART or UNSHIPPED
    unmatched: bool = False  # its courier row is counted `unmatched` in summary.json
    look: str | None = None  # the report's colour when not the severity's (unshipped alerts)
    # Precedence among the rules of one stage of batch/rules (the courier rows; the orders
    # with a number): the rules are consulted by rank, and a row or order one of them holds
    # is not reported by a rule of a later rank. None: reported wherever it applies.
    rank: int | None = None

    @property
    def shown_as(self) -> str:
        return self.look or self.severity

    @property
    def holds(self) -> bool:
        """Its row or order is held: never uploaded on this run (the errors)."""
        return self.severity == ERROR


# A damaged number hides everything else about its row; an order whose status says it is not
# to ship (or says nothing known) reports that alone; ALREADY_DISPATCHED holds nothing, so a
# conflict or shared number is reported beside it.
TABLE = (
    Code("INVALID_ROW", ERROR, ROW),
    Code("TRACKING_INVALID", ERROR, ROW, rank=4),
    Code("TRACKING_MANGLED", ERROR, ROW, rank=1),
    Code("UNMATCHED_DISPATCH", ERROR, ROW, unmatched=True),
    Code("AMBIGUOUS_MATCH", ERROR, ROW, unmatched=True),
    Code("SHIPPED_UNPAID", ERROR, ORDER, rank=7),
    Code("SHIPPED_CANCELLED", ERROR, ORDER, rank=8),
    Code("TRACKING_CONFLICT", ERROR, ORDER, rank=10),
    Code("DUPLICATE_TRACKING", ERROR, ORDER, rank=11),
    Code("CARRIER_UNTRACKABLE", ERROR, ROW, rank=3),
    Code("CARRIER_UNKNOWN", ERROR, ROW, rank=2),
    Code("UNKNOWN_STATUS", ERROR, ORDER, rank=6),
    Code("SHIP_DATE_INVALID", ERROR, ROW, rank=5),
    Code("QAPI_REJECTED", ERROR, ORDER),  # send: Qoo10 refused the order's row; no rule
    Code("UPLOAD_NOT_CONFIRMED", WARNING, ORDER),
    Code("CARRIER_MISMATCH", WARNING, ORDER),
    Code("MULTI_PACKAGE", WARNING, CART),
    Code("SPLIT_CART", WARNING, CART),
    Code("PARTIAL_CART", WARNING, CART),
    Code("FALLBACK_MATCH", WARNING, ROW),
    # The unshipped reminders wear the look of how urgent they are.
    Code("OVERDUE", INFO, UNSHIPPED, look=ERROR),
    Code("PENALTY_RISK", INFO, UNSHIPPED, look=WARNING),
    Code("NO_SHIP_DATE", INFO, UNSHIPPED, look=INFO),
    Code("UPLOAD_PENDING", INFO, ORDER),
    Code("ALREADY_DISPATCHED", INFO, ORDER, rank=9),
)
BY_NAME = {c.name: c for c in TABLE}
NAMES = tuple(BY_NAME)


def names(*, severity: str | None = None, about: str | None = None) -> frozenset[str]:
    """The codes of one severity and/or about one kind of thing."""
    return frozenset(
        c.name
        for c in TABLE
        if (severity is None or c.severity == severity) and (about is None or c.about == about)
    )


def listed(*, severity: str | None = None, about: str | None = None) -> tuple[str, ...]:
    """The codes of ``names(...)``, in the table's order."""
    chosen = names(severity=severity, about=about)
    return tuple(c for c in NAMES if c in chosen)


UNMATCHED = frozenset(c.name for c in TABLE if c.unmatched)
