"""Decide, for every matched order and dispatch row, what happens and why.

A registry of small rules, one per exception code (or tight group of codes), by the stage
that consults them: ``row`` (a courier row by itself), ``match`` (a row matching could not
link), ``order`` (an order with a number), ``cart`` (what is uploaded, per cart),
``unshipped`` (paid orders without a number). Each rule returns a Hit: a boolean mask over
the table it reads and the message fields of the rows it applies to. ``engine`` builds the
facts once (``facts``), consults the rules by the rank of their code (batch/codes.py) and
puts every order in one bucket.
"""

from batch.rules.engine import (
    ALREADY,
    HELD,
    INVALID,
    NOT_ELIGIBLE,
    UNSHIPPED,
    UPLOADED,
    Decision,
    decide,
)

__all__ = [
    "ALREADY", "HELD", "INVALID", "NOT_ELIGIBLE", "UNSHIPPED", "UPLOADED", "Decision", "decide",
]  # fmt: skip
