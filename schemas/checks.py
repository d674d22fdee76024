"""Patterns shared by the schemas. Used with ``str.fullmatch``, so anchored at both ends."""

from __future__ import annotations

DIGITS = r"\d+"
# 2026/11/24, 2026-11-24 10:12:33, 20261124, 2026年11月24日, or an Excel serial day number.
DATE = (
    r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?)?"
    r"|\d{8}|\d{5}(?:\.\d+)?"
)
MONEY = r"[¥￥]?-?[\d,]+(?:\.\d+)?円?"


def blank_or(pattern: str) -> str:
    return rf"(?:{pattern})?"
