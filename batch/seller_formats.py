"""The seller's own formats: profiles in their formats folders, and `--map canonical=HEADER`.

A 3PL's sheet is one TOML file the seller writes, with the keys of schemas/formats/*.toml,
checked as the shipped ones are (and with them as a set: no detection conflict). `--map`
says, for one command, which header a column is read from: every profile of that column's
kind reads the header first, so a sheet no profile fitted is read by the one it now fits
(the generic one, usually) and the other sheets of the run are read as before.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

try:
    import tomli as tomllib  # compiled: a third of tomllib's time; every start parses TOML
except ModuleNotFoundError:  # an install from before tomli was required
    import tomllib

from batch import formats
from batch.errors import InputError, Phrase, UsageError
from batch.formats import Profile, header_key
from schemas.columns import BY_KIND

MAP_EXAMPLE = '--map "tracking_no=Parcel No"'
# How alike a header must be to a column's spellings to be offered in a --map line.
_LIKE = 0.6


def parse_map(specs: Sequence[str]) -> dict[str, str]:
    """``["tracking_no=Parcel No", ...]`` -> {canonical: header}; a bad one stops (exit 2)."""
    known = sorted({c for columns in BY_KIND.values() for c in columns})
    mapping: dict[str, str] = {}
    for spec in specs:
        canon, sep, header = (part.strip() for part in spec.partition("="))
        if not sep or not header or canon not in known:
            example, columns = MAP_EXAMPLE, ", ".join(known)
            raise UsageError(
                Phrase("error.map.form", spec=repr(spec), example=example, columns=columns)
            )
        if mapping.setdefault(canon, header) != header:
            raise UsageError(Phrase("error.map.twice", column=canon))
    headers = [header_key(h) for h in mapping.values()]
    if len(set(headers)) < len(headers):
        raise UsageError(Phrase("error.map.one_header"))
    return mapping


def with_map(profile: Profile, mapping: Mapping[str, str]) -> Profile:
    """``profile`` reading each mapped header first for its column (the columns of another
    kind left out); the header is no other column's spelling any more."""
    mine = {c: h for c, h in mapping.items() if c in BY_KIND[profile.kind]}
    if not mine:
        return profile
    taken = {header_key(h) for h in mine.values()}
    columns = {
        c: tuple(a for a in aliases if header_key(a) not in taken)
        for c, aliases in profile.columns.items()
    }
    for canon, header in mine.items():
        columns[canon] = (*columns.get(canon, ()), header) if canon in columns else (header,)
    pinned = {**profile.pinned, **{c: header_key(h) for c, h in mine.items()}}
    return replace(profile, columns=columns, pinned=pinned)


def load_folder(folder: Path, shipped: Sequence[Profile]) -> tuple[Profile, ...]:
    """The profiles of one of the seller's folders, each checked, then with ``shipped``."""
    loaded: list[Profile] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            profile = formats.load_one(path)
            formats.check_set([*shipped, *loaded, profile])  # with those before it
        except tomllib.TOMLDecodeError as exc:
            raise _refused(path, Phrase("error.config.toml", problem=exc)) from None
        except ValueError as exc:
            if str(exc).startswith(f"{path}: "):
                raise _refused(path, str(exc)) from None
            # it takes another profile's own header
            raise _refused(path, Phrase("error.profile.takes", problem=exc)) from None
        except (TypeError, KeyError, AttributeError) as exc:
            raise _refused(path, str(exc)) from None
        loaded.append(profile)
    return tuple(loaded)


def _refused(path: Path, problem: str | Phrase) -> InputError:
    if isinstance(problem, str):  # the loader's own words, in English
        problem = problem.removeprefix(f"{path}: ")
    return InputError(
        path,
        Phrase("error.profile.refused", problem=problem),
        Phrase("error.profile.refused_hint"),
    )


def in_use(folders: Sequence[Path], mapping: Mapping[str, str]) -> tuple[Profile, ...]:
    """The shipped profiles and those of the seller's folders, with ``mapping`` applied."""
    every = list(formats.shipped())
    for folder in folders:
        if folder.is_dir():
            every += load_folder(folder, every)
    return tuple(with_map(p, mapping) for p in sorted(every, key=lambda p: p.name))


def is_users(profile: Profile) -> bool:
    return profile.path is not None and profile.path.parent != formats.FORMATS_DIR


def _likeness(header: str, aliases: Sequence[str]) -> float:
    key = header_key(header)
    scores = [difflib.SequenceMatcher(None, key, header_key(a)).ratio() for a in aliases]
    inside = any(len(k) > 1 and (k in key or key in k) for k in map(header_key, aliases))
    return max([*scores, 0.8 if inside else 0.0])


def suggest_map(header: Sequence[str], profile: Profile) -> list[str]:
    """`--map` lines that would make ``profile`` fit ``header``: each missing required column
    with the unread header most like its spellings (a placeholder when none is)."""
    found = profile.locate(header)
    free = [h for i, h in enumerate(header) if h and i not in found.values()]
    lines = []
    for canon in (c for c in profile.required if c not in found):
        liked = sorted(((_likeness(h, profile.columns[canon]), h) for h in free), reverse=True)
        if liked and (liked[0][0] >= _LIKE or len(liked) == 1):  # alike, or the one unread
            best = liked[0][1]
        else:
            best = f"<the {canon} column>"
        free = [h for h in free if h != best]
        lines.append(f'--map "{canon}={best}"')
    return lines


def read_so_far(header: Sequence[str], profile: Profile) -> str | Phrase:
    """What ``profile`` reads from ``header``: `reference = 'Order Ref', ...`."""
    found = profile.locate(header)
    return ", ".join(f"{c} = {header[i]!r}" for c, i in found.items()) or Phrase(
        "error.header.none"
    )
