"""What a rule is: a function of a stage's table that returns a Hit, registered with its code.

Each stage (courier rows, orders with a number, carts, ...) keeps its rules in one Rules list;
the engine consults them in the order of their code's rank (batch/codes.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from batch import codes, exceptions


@dataclass(frozen=True)
class Hit:
    """Where a rule applies and what it says there.

    ``mask`` is a boolean per row of the table the rule read. ``says(at)`` gives the message
    for the rows of a boolean mask within ``mask`` (the rows the rule is reported on; a rule
    of an earlier rank may have taken the others), built for those rows only: a string per
    row of a large sheet costs memory. ``columns(at)``, when given, other exception columns
    for the same rows."""

    mask: np.ndarray
    says: Callable[[np.ndarray], Any]
    columns: Callable[[np.ndarray], dict] | None = None

    def said(self) -> Any:
        """The message (its columns, batch/row_messages.py) of every row the rule applies to."""
        return self.says(self.mask)

    def message(self) -> Any:
        """The English message of every row the rule applies to."""
        said = self.said()
        return said["message"] if isinstance(said, dict) else said


class Rules:
    """The rules of one stage: ``@RULES("CODE")`` registers a rule for a code of the table."""

    def __init__(self) -> None:
        self._rules: list[tuple[str, Callable[..., Hit]]] = []

    def __call__(self, code: str) -> Callable:
        if codes.BY_NAME[code].rank is None:
            raise ValueError(f"{code} has no rank in batch/codes.py")

        def register(rule: Callable[..., Hit]) -> Callable[..., Hit]:
            self._rules.append((code, rule))
            return rule

        return register

    def by_rank(self) -> list[tuple[str, Callable[..., Hit]]]:
        """(code, rule) in precedence order; rules of one code keep their order here."""
        return sorted(self._rules, key=lambda r: codes.BY_NAME[r[0]].rank)


def report(code: str, rows: pd.DataFrame | None, hit: Hit) -> pd.DataFrame:
    """The exception rows of a hit on ``rows``; None when the hit says whole exception rows
    (one per cart) rather than messages."""
    if not hit.mask.any():
        return exceptions.empty()
    if rows is None:
        table = hit.said()
        return exceptions.make(code, table, table)
    extra = hit.columns(hit.mask) if hit.columns else {}
    return exceptions.make(code, rows[hit.mask], hit.said(), **extra)
