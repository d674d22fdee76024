"""Every exception code, once: its severity, what it is about, and how the report shows it.

Everything else that needs a fact about codes (the severity table, the sort order, the
unmatched count of summary.json, the workbook's looks, the samples' checks) reads it here,
so a new code is one row below plus its reason and action in every catalogue
(batch/locale/*.toml, [code.CODE]).
The order of the rows is the order codes are listed in: errors, then warnings, then info,
as in the contract's table.
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

    @property
    def shown_as(self) -> str:
        return self.look or self.severity


TABLE = (
    Code("INVALID_ROW", ERROR, ROW),
    Code("TRACKING_INVALID", ERROR, ROW),
    Code("TRACKING_MANGLED", ERROR, ROW),
    Code("UNMATCHED_DISPATCH", ERROR, ROW, unmatched=True),
    Code("AMBIGUOUS_MATCH", ERROR, ROW, unmatched=True),
    Code("SHIPPED_UNPAID", ERROR, ORDER),
    Code("SHIPPED_CANCELLED", ERROR, ORDER),
    Code("TRACKING_CONFLICT", ERROR, ORDER),
    Code("DUPLICATE_TRACKING", ERROR, ORDER),
    Code("CARRIER_UNTRACKABLE", ERROR, ROW),
    Code("CARRIER_UNKNOWN", ERROR, ROW),
    Code("UNKNOWN_STATUS", ERROR, ORDER),
    Code("SHIP_DATE_INVALID", ERROR, ROW),
    Code("QAPI_REJECTED", ERROR, ORDER),  # send: Qoo10 refused the order's row
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
    Code("ALREADY_DISPATCHED", INFO, ORDER),
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


UNMATCHED = frozenset(c.name for c in TABLE if c.unmatched)
