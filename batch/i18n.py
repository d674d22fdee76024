"""Texts a person reads, looked up in the catalogue of the run's language.

The texts themselves live in ``batch/locale/<language>/<part>.toml``: a folder per
language with the same files and keys (tests/test_catalogue.py checks), a file per kind of
text (workbook, codes, send...), so a translator edits one folder and a new language is one
more folder. A key is the dotted path of its entry (``col.order_no``,
``code.INVALID_ROW.reason``). Texts hold ``{name}`` fields, filled by
``text(key, lang, name=...)``; an entry with plural forms (a table of ``one`` / ``other``)
is chosen by its ``n`` field, by the language's rule (``plural_form``). Each catalogue is
read once per process.
"""

from __future__ import annotations

import functools
import locale
import os
from importlib import resources

try:
    import tomli as tomllib  # compiled: a third of tomllib's time; every start parses TOML
except ModuleNotFoundError:  # an install from before tomli was required
    import tomllib

FALLBACK = "en"  # the language of a run whose own has no catalogue
_FILES = resources.files("batch") / "locale"
LANGUAGES = tuple(sorted(p.name for p in _FILES.iterdir() if p.is_dir() and len(p.name) == 2))


# The plural forms of each language (CLDR): Japanese and Korean do not inflect for number,
# and neither does a language not listed here until its rule is added to plural_form.
PLURAL_FORMS = {"en": ("one", "other")}


def plural_form(lang: str, n: int) -> str:
    """The form a count ``n`` takes in ``lang``."""
    return "one" if lang == "en" and n == 1 else "other"


def _is_plural(entry: object) -> bool:
    return isinstance(entry, dict) and bool(entry) and set(entry) <= {"one", "other"}


def _flatten(table: dict, prefix: str = "") -> dict[str, str | dict[str, str]]:
    out: dict[str, str | dict[str, str]] = {}
    for name, entry in table.items():
        key = f"{prefix}{name}"
        if isinstance(entry, dict) and not _is_plural(entry):
            out.update(_flatten(entry, f"{key}."))
        else:
            out[key] = entry
    return out


@functools.cache
def catalogue(lang: str) -> dict[str, str | dict[str, str]]:
    """Every entry of ``lang``'s catalogue by key: a text, or a plural entry's forms."""
    entries: dict[str, str | dict[str, str]] = {}
    parts = sorted(p for p in (_FILES / lang).iterdir() if p.name.endswith(".toml"))
    for part in parts:
        with part.open("rb") as f:
            texts = _flatten(tomllib.load(f))
        twice = sorted(set(texts) & set(entries))
        if twice:  # a programming error: two parts would each think the key theirs
            raise ValueError(f"{lang}/{part.name} repeats {twice[:3]} of another part")
        entries.update(texts)
    return entries


def language(lang: str) -> str:
    """A catalogue language: lang itself if there is its catalogue, else English."""
    return lang if lang in LANGUAGES else FALLBACK


def text(key: str, lang: str, **fields: object) -> str:
    """The text of key in lang, with its {fields} filled in (a plural by its ``n``)."""
    lang = language(lang)
    entry = catalogue(lang)[key]
    if isinstance(entry, dict):
        entry = entry[plural_form(lang, fields["n"])]
    return entry.format(**fields) if fields else entry


def has(key: str) -> bool:
    return key in catalogue(FALLBACK)


def entries() -> list[str]:
    """Every key, in the order of the English catalogue."""
    return list(catalogue(FALLBACK))


def reason(code: str, lang: str) -> str:
    """The plain-language reason of an exception code (batch/codes.py)."""
    return text(f"code.{code}.reason", lang)


def action(code: str, lang: str) -> str:
    """The action to take on an exception code."""
    return text(f"code.{code}.action", lang)


def system_language(environ: dict[str, str] | None = None) -> str | None:
    """The catalogue language of the machine's own locale, or None when it is none of ours.

    The POSIX variables first, in the order the C library reads them (``LANGUAGE`` is a list,
    its first entry counts); where none is set (Windows, mostly), the user's locale as
    Python reads it, "ja_JP" or "Japanese_Japan" alike. "C" and "POSIX" name no language."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").split(":")[0]
        if value:
            return _catalogue_language(value)
    if environ is None:
        try:
            found = locale.getlocale()[0]
        except ValueError:  # a locale Python cannot parse names nothing we know
            found = None
        return _catalogue_language(found or "")
    return None


_WINDOWS_NAMES = {"japanese": "ja", "korean": "ko", "english": "en"}


def _catalogue_language(name: str) -> str | None:
    head = name.replace("-", "_").split("_")[0].split(".")[0].lower()
    head = _WINDOWS_NAMES.get(head, head)
    return head if head in LANGUAGES else None
