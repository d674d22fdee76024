"""What each of Qoo10's answers means for the seller (reference/qsm.md §3.4 and §3.5): the
outcome of a row, and which catalogue entries give its reason and the action to take.

The texts are in the catalogues (batch/locale/*/*.toml): ``qoo10.<code>`` for Qoo10's own
codes, ``send.<key>`` for our outcomes that have no Qoo10 code. A code Qoo10 adds to its
guide is one entry in each catalogue.
"""

from __future__ import annotations

import functools

from batch import i18n

SENT, ALREADY, REJECTED, NOT_SENT = "sent", "already_registered", "rejected", "not_sent"
RESULTS = (SENT, ALREADY, REJECTED, NOT_SENT)
# The tracking number was used before: ours on this very order (registered already), or
# held by another order (qsm.md §3.4).
USED_BEFORE = frozenset({-10103, -10113, -10114})
# Qoo10 itself says to try again later: a rejected row with this code is sent again.
TRY_AGAIN = frozenset({-10010})
# SetSellerCheckYNBulk: the ship date was set already, which is what was wanted.
DATE_ALREADY_SET = -10012

# Codes that share a meaning with another (qsm.md §3.4 lists them together).
_SAME = {-10113: -10103, -10114: -10103, -10117: -10104, -10107: -10106, -10119: -10112}
# Entries whose action is one of send's shared ones (``send.<action>``): nothing to do,
# or a fault of ours to report.
_SHARED_ACTION = {0: "nothing", -10012: "nothing", "registered": "nothing",
                  "confirmed": "nothing", -10006: "fault", -10011: "fault", -10104: "fault",
                  -10115: "fault", -10016: "fault"}  # fmt: skip


@functools.cache
def codes() -> list[int]:
    """Every Qoo10 code with its own texts (§3.4 and §3.5)."""
    own = {int(k.split(".")[1]) for k in i18n.entries() if k.startswith("qoo10.")}
    return sorted(own | set(_SAME))


def known(code: int) -> bool:
    return code in codes()


def _texts(where: str, entry: int | str, lang: str, fields: dict) -> tuple[str, str]:
    shared = _SHARED_ACTION.get(entry)
    action = f"send.{shared}" if shared else f"{where}.{entry}.action"
    return i18n.text(f"{where}.{entry}.reason", lang, **fields), i18n.text(action, lang, **fields)


def explain(code: int, lang: str, text: str = "") -> tuple[str, str]:
    """(reason, action) of Qoo10's ``code`` in ``lang``; ``text`` is Qoo10's own message."""
    if not known(code):
        return ours("unknown", lang, code=code, text=text)
    return _texts("qoo10", _SAME.get(code, code), lang, {})


def ours(key: str, lang: str, **fields) -> tuple[str, str]:
    """(reason, action) of one of our own outcomes (catalogue ``send.<key>``), fields filled."""
    return _texts("send", key, lang, fields)
