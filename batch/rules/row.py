"""Row rules: what is wrong with one courier row, whatever order it names.

Each rule reads the dispatch table (``d``, canonical columns of inputs.prepare_dispatch) and
the run's day. A row is reported once, by the rule of the lowest rank (batch/codes.py): a
damaged number hides everything else. ``shipped_before_the_order`` reads the matched pairs
instead: it needs the order's dates, and it applies to the rows no other rule took.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from batch import tracking
from batch.normalize import isin, positions
from batch.row_messages import COLUMNS, code_points, pick, say
from batch.rules.registry import Hit, Rules

RULES = Rules()

# A ship date is checked against the order's payment day, else its order day. A brief export
# has neither: then a date more than this many days before the run is refused. No order waits
# that long in 配送要請 (it turns 配送遅延 after 14 days and buyers cancel), while a dispatch
# registered a few weeks late is still plausible; a wrong year (2025 for 2026) or Excel's
# day 1 (1900/01/01) is caught.
NO_DATE_FLOOR_DAYS = 90


def _ymd(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%Y/%m/%d")


@RULES("SHIP_DATE_INVALID")
def ship_date_unreadable(d: pd.DataFrame, today: dt.date) -> Hit:
    """A ship date shaped like one but no real day or time (2026/02/30, 25:61)."""
    text = d["ship_date_unreadable"]
    return Hit(
        text.ne("").to_numpy(dtype=bool),
        lambda at: say("row.ship_date.unreadable", date=text[at]),
    )


@RULES("SHIP_DATE_INVALID")
def ship_date_ahead(d: pd.DataFrame, today: dt.date) -> Hit:
    """A ship date after today: Qoo10 wants a dispatch registered once the parcel has left."""
    ymd = today.strftime("%Y/%m/%d")
    ship = d["ship_date"]
    return Hit(
        (ship.dt.normalize() > pd.Timestamp(today)).to_numpy(dtype=bool),
        lambda at: say("row.ship_date.ahead", date=_ymd(ship[at]), today=ymd),
    )


@RULES("TRACKING_INVALID")
def tracking_invalid(d: pd.DataFrame, today: dt.date) -> Hit:
    """A number that breaks its carrier's rule (length, check digit, placeholder)."""
    why = tracking.reasons(d["tracking_no"], d["number_rule"])

    def says(at: np.ndarray):
        number = d["tracking_no"][at]
        # Characters nobody sees in the cell, named: it looks right on screen. The canonical
        # number's: what reading removes (spaces, NBSP, hyphens) did no harm.
        unseen = code_points(number)
        return say(
            np.where(unseen.eq("").to_numpy(), "row.tracking.invalid", "row.tracking.unseen"),
            number=number, carrier=d["carrier"][at], chars=unseen,
            why=tracking.why(number, d["number_rule"][at], why[at]),
        )  # fmt: skip

    return Hit((why.ne("") & d["company"].ne("")).to_numpy(dtype=bool), says)


@RULES("CARRIER_UNTRACKABLE")
def carrier_untrackable(d: pd.DataFrame, today: dt.date) -> Hit:
    """Shipped by a known method without tracking."""
    return Hit(
        (d["company"].ne("") & ~d["trackable"].astype(bool)).to_numpy(dtype=bool),
        lambda at: say("row.carrier.untrackable", carrier=d["carrier"][at]),
    )


@RULES("CARRIER_UNKNOWN")
def carrier_unknown(d: pd.DataFrame, today: dt.date) -> Hit:
    """A carrier text no carrier of the registry answers to, or none at all: neither its
    sheet, nor its layout, nor --dispatch-carrier named one, and the order's listing did not
    fit its number (batch/listing_carrier.py)."""
    text = d["carrier"]
    return Hit(
        d["company"].eq("").to_numpy(dtype=bool),
        lambda at: say(
            np.where(text[at].eq("").to_numpy(), "row.carrier.none", "row.carrier.unknown"),
            carrier=text[at],
        ),
    )


@RULES("TRACKING_MANGLED")
def tracking_mangled(d: pd.DataFrame, today: dt.date) -> Hit:
    """A number a spreadsheet turned into scientific notation or rounded."""
    raw = d["tracking_raw"]

    def says(at: np.ndarray) -> pd.Series:
        # Rounded: about 1 real number in 100,000 ends so; the label tells.
        how = np.where(
            raw[at].str.contains("[Ee]", regex=True).to_numpy(dtype=bool),
            "row.tracking.mangled_scientific",
            "row.tracking.mangled_rounded",
        )
        return say(how, number=raw[at])

    return Hit(d["mangled"].astype(bool).to_numpy(dtype=bool), says)


def shipped_before_the_order(p: pd.DataFrame, orders: pd.DataFrame, today: dt.date) -> Hit:
    """SHIP_DATE_INVALID for the rows of the pairs ``p`` no other rule took whose ship date is
    before the payment (or order) day of an order they ship.

    One parcel has one ship date: when it is impossible for one order of a cart, the whole
    row is held, for every order it names (the mask covers all its pairs)."""
    floor = pd.Timestamp(today) - pd.Timedelta(days=NO_DATE_FLOOR_DAYS)
    early = p["code"].eq("").to_numpy() & (
        p["ship_date"].dt.normalize() < p["earliest_ship"].fillna(floor)
    ).to_numpy(dtype=bool)
    if not early.any():
        return Hit(early, lambda at: say(np.array([], dtype=object)))
    first = p[early].drop_duplicates("dispatch_id")  # the order each message names
    at = positions(first["order_no"], orders["order_no"])
    bound = _ymd(first["earliest_ship"])
    key = np.select(
        [~pd.isna(orders["paid_at"].to_numpy()[at]), ~pd.isna(orders["ordered_at"].to_numpy()[at])],
        ["row.ship_date.before_paid", "row.ship_date.before_ordered"],
        "row.ship_date.no_order_dates",
    )
    said = say(key, date=_ymd(first["ship_date"]), bound=bound, days=NO_DATE_FLOOR_DAYS)
    where = pd.Series(np.arange(len(first)), index=first["dispatch_id"].to_numpy())
    return Hit(
        isin(p["dispatch_id"], first["dispatch_id"]),
        lambda hit: pick(said, where.reindex(p["dispatch_id"].to_numpy()[hit]).to_numpy()),
    )


def problems(dispatch: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Code and message (its columns, batch/row_messages.py) per dispatch_id ("" code when
    the row is fine): the rule of the lowest rank that applies to the row."""
    code = np.full(len(dispatch), "", dtype=object)
    message = {c: np.full(len(dispatch), "", dtype=object) for c in COLUMNS}
    free = np.ones(len(dispatch), dtype=bool)
    for name, rule in RULES.by_rank():
        hit = rule(dispatch, today)
        won = hit.mask & free
        if won.any():
            code[won] = name
            for column, values in hit.says(won).items():
                message[column][won] = values
            free &= ~won
    return pd.DataFrame(
        {"dispatch_id": dispatch["dispatch_id"], "code": code, **message}, index=dispatch.index
    )
