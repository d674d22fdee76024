"""Match rules: what matching reports about the courier rows no reference links to an order.

matching.match finds the candidates; these rules read ``rest`` (those rows, in sheet order)
with the candidate carts of each (``cand``: dispatch_id, cart_no) and say what happens: one
candidate is a FALLBACK_MATCH, several an AMBIGUOUS_MATCH, none an UNMATCHED_DISPATCH. A row
whose reference names an order the export holds only on invalid rows is an INVALID_ROW.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from batch.normalize import isin
from batch.row_messages import COLUMNS, REASON_KEY, say
from batch.rules.registry import Hit

# `how` of a pair whose order is on an invalid row of the export: the row is matched (it names
# an order of the export) but has no valid order to ship; the engine leaves such pairs out.
INVALID_ORDER = "invalid_order"


def _candidates(rest: pd.DataFrame, cand: pd.DataFrame) -> np.ndarray:
    """How many candidate carts each row of ``rest`` has."""
    n = cand.groupby("dispatch_id").size()
    return n.reindex(rest["dispatch_id"].to_numpy(), fill_value=0).to_numpy()


def fallback_match(rest: pd.DataFrame, cand: pd.DataFrame, orders_of: pd.Series) -> Hit:
    """One candidate cart: matched on the recipient, to be checked. ``orders_of``:
    dispatch_id -> the orders it ships, joined."""
    cart = cand.drop_duplicates("dispatch_id", keep=False).set_index("dispatch_id")["cart_no"]

    def says(at: np.ndarray):
        rows = rest[at]
        return say(
            np.where(rows["reference"].eq("").to_numpy(), "row.match.fallback",
                     "row.match.fallback_reference"),
            reference=rows["reference"], cart=cart.reindex(rows["dispatch_id"]).to_numpy(),
        )  # fmt: skip

    def columns(at: np.ndarray) -> dict:
        ids = rest["dispatch_id"][at]
        return {
            "cart_no": cart.reindex(ids).to_numpy(),
            "order_no": orders_of.reindex(ids).to_numpy(),
            "recipient": rest["recipient_name"][at],
        }

    return Hit(_candidates(rest, cand) == 1, says, columns)


def ambiguous_match(rest: pd.DataFrame, cand: pd.DataFrame) -> Hit:
    """Several candidate carts: never a guess; the reference column would settle it."""
    several = cand[cand.duplicated("dispatch_id", keep=False)]
    listed = several.groupby("dispatch_id")["cart_no"].agg(lambda s: ", ".join(sorted(s)))

    def carts(at: np.ndarray) -> np.ndarray:
        return listed.reindex(rest["dispatch_id"][at]).to_numpy()

    return Hit(
        _candidates(rest, cand) > 1,
        lambda at: say("row.match.ambiguous", carts=carts(at)),
        lambda at: {"recipient": rest["recipient_name"][at], "cart_no": carts(at)},
    )  # fmt: skip


def unmatched_dispatch(rest: pd.DataFrame, cand: pd.DataFrame) -> Hit:
    """No reference that names an order or a cart, and no order with this recipient."""

    def says(at: np.ndarray):
        reference = rest["reference"][at]
        return say(
            np.where(reference.eq("").to_numpy(), "row.match.none", "row.match.none_reference"),
            reference=reference,
        )

    return Hit(
        ~isin(rest["dispatch_id"], cand["dispatch_id"]),
        says,
        lambda at: {"recipient": rest["recipient_name"][at]},
    )


def linked_to_invalid(rest: pd.DataFrame, invalid: pd.DataFrame | None) -> pd.DataFrame:
    """dispatch_id, order_no, cart_no, message of the rows of ``rest`` whose reference is an
    order (else a cart) the export holds only on invalid rows (its INVALID_ROW ``invalid``)."""
    columns = ["dispatch_id", "order_no", "cart_no", *COLUMNS]
    refs = rest.loc[rest["reference"].ne(""), ["dispatch_id", "reference"]]
    if invalid is None or invalid.empty or refs.empty:
        return pd.DataFrame(columns=columns)
    # One export row may fail several checks: one entry per row, its reasons joined.
    bad = invalid.assign(
        order_no=invalid["order_no"].fillna(""), cart_no=invalid["cart_no"].fillna("")
    )
    bad = bad.groupby(["source_file", "source_row"], sort=False).agg(
        order_no=("order_no", "first"),
        cart_no=("cart_no", "first"),
        **{c: (c, "; ".join) for c in COLUMNS if c != REASON_KEY},
    )
    bad = bad.reset_index()
    by_order = refs.merge(bad[bad["order_no"].ne("")], left_on="reference", right_on="order_no")
    not_order = refs[~refs["dispatch_id"].isin(by_order["dispatch_id"])]
    by_cart = not_order.merge(bad[bad["cart_no"].ne("")], left_on="reference", right_on="cart_no")
    linked = pd.concat([by_order.assign(what="order"), by_cart.assign(what="cart")])
    if linked.empty:
        return pd.DataFrame(columns=columns)
    reasons = {c: linked[c].to_numpy() for c in COLUMNS if c != REASON_KEY}
    row = say(
        np.where(linked["what"].eq("order"), "row.match.invalid_order", "row.match.invalid_cart"),
        row=linked["source_row"],
        file=linked["source_file"],
        reasons=reasons,
    )
    linked = linked.drop(columns=list(reasons)).assign(**row)
    out = linked.groupby("dispatch_id", sort=False).agg(
        reference=("reference", "first"),
        order_no=("order_no", lambda s: ", ".join(dict.fromkeys(s))),
        cart_no=("cart_no", lambda s: ", ".join(dict.fromkeys(c for c in s if c))),
        **{c: (c, " / ".join) for c in COLUMNS if c != REASON_KEY},
    )
    rows = {c: out[c].to_numpy() for c in COLUMNS if c != REASON_KEY}
    message = say("row.match.invalid", reference=out["reference"], rows=rows)
    return out.assign(**message).reset_index()[columns]
