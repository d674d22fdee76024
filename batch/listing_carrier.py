"""The last source of a courier row's carrier: the listing of the order it ships.

A sheet that names no carrier for a row (no carrier column, a profile that names none, no
--dispatch-carrier) takes the carrier the order was listed with (its 配送会社) when the
row's tracking number passes that carrier's number rule and the carrier tracks parcels; the
run's summary counts these rows per sheet. Otherwise the row stays without a carrier and is
held as CARRIER_UNKNOWN, whose message names --dispatch-carrier.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from batch import carriers, tracking
from batch.normalize import positions
from batch.rules.match import INVALID_ORDER

# The columns carriers.resolve gives, as the dispatch table holds them.
RESOLVED = ("company", "service", "qsm_name", "trackable", "number_rule")


def fill(d: pd.DataFrame, pairs: pd.DataFrame, orders: pd.DataFrame):
    """``d`` with the listing's carrier on each row that has none and whose orders (all
    listed with one carrier) it fits; and a mask of those rows (positions of ``d``)."""
    filled = np.zeros(len(d), dtype=bool)
    blank = d["carrier"].eq("").to_numpy() & d["company"].eq("").to_numpy()
    if not blank.any() or pairs.empty:
        return d, filled
    p = pairs[pairs["how"].ne(INVALID_ORDER).to_numpy()]
    p = p[np.isin(p["dispatch_id"].to_numpy(), d["dispatch_id"].to_numpy()[blank])]
    listed = orders["carrier_expected"].to_numpy()[positions(p["order_no"], orders["order_no"])]
    # One carrier for the row: the orders it ships were all listed with the same one.
    by_row = pd.DataFrame({"id": p["dispatch_id"].to_numpy(), "text": listed}).drop_duplicates()
    one = by_row[~by_row["id"].duplicated(keep=False).to_numpy()]
    if one.empty:
        return d, filled
    at = positions(one["id"], d["dispatch_id"])
    texts = one["text"].reset_index(drop=True)
    found = carriers.resolve(texts)
    numbers = pd.Series(d["tracking_no"].to_numpy()[at], dtype=object)
    passes = tracking.validate_tracking(numbers, found["number_rule"]).eq("")
    ok = (found["company"].ne("") & found["trackable"].astype(bool) & passes).to_numpy()
    if not ok.any():
        return d, filled
    d = d.copy()
    rows = at[ok]
    d.iloc[rows, d.columns.get_loc("carrier")] = texts.to_numpy()[ok]
    for column in RESOLVED:
        d.iloc[rows, d.columns.get_loc(column)] = found[column].to_numpy()[ok]
    filled[rows] = True
    return d, filled
