"""Match rules: what matching reports about a courier row it could not link to an order."""

from __future__ import annotations

# `how` of a pair whose order is on an invalid row of the export: the row is matched (it names
# an order of the export) but has no valid order to ship; the engine leaves such pairs out.
INVALID_ORDER = "invalid_order"
