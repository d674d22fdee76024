"""Row messages: a catalogue key and fields per row, rendered in every language at once.

A rule (or a reader, or a stage) says what it found about some rows as ``say(key, **fields)``:
``key`` one catalogue key (``batch/locale/<lang>/rows.toml``) or one per row, chosen
with np.where where a message has variants (blank or not, a number or not); each field one
value, or one per row. The answer is the message's columns, one array each: ``reason_key``,
the English ``message`` (exceptions.jsonl's stable text) and the message in every other
language (``message_ja``...: the workbook and validate show the run's; within ``speaking``
only the run's and English are rendered). A field may itself be such an answer (a message
quoting others): each language then quotes its own.

Built by concatenating arrays, template part by template part, for the rows given only:
a loop runs over the distinct keys (and plural forms), never over rows.
"""

from __future__ import annotations

import contextlib
import contextvars
import string
import unicodedata

import numpy as np
import pandas as pd

from batch import i18n

REASON_KEY = "reason_key"


def column(lang: str) -> str:
    """The column of a message in ``lang``: English is the plain ``message``."""
    return "message" if lang == i18n.FALLBACK else f"message_{lang}"


# Every column a message is: its key, then its text in each language.
COLUMNS = (REASON_KEY, *(column(lang) for lang in i18n.LANGUAGES))

Said = dict  # column -> array of one value per row (or one value for every row)

# The languages ``say`` renders (None: every one); see ``speaking``.
_SPOKEN: contextvars.ContextVar[frozenset | None] = contextvars.ContextVar("spoken", default=None)


@contextlib.contextmanager
def speaking(*langs: str):
    """Within it, messages are rendered in ``langs`` and English (exceptions.jsonl's) only;
    every other language's column holds "" for all rows. A run shows its own language and
    writes English: a third language was ~a third of the rules' rendering, read by no one."""
    token = _SPOKEN.set(frozenset({i18n.FALLBACK, *langs}))
    try:
        yield
    finally:
        _SPOKEN.reset(token)


def _spoken() -> frozenset | tuple[str, ...]:
    spoken = _SPOKEN.get()
    return i18n.LANGUAGES if spoken is None else spoken


def _size(values) -> int | None:
    if isinstance(values, dict):  # a message quoted: its English column has the rows
        values = values["message"]
    return None if np.ndim(values) == 0 else len(values)


def say(key, **fields) -> Said:
    """The columns of a message: ``key`` (one, or one per row) filled with ``fields``."""
    sizes = {s for s in map(_size, [key, *fields.values()]) if s is not None}
    if len(sizes) > 1:
        raise ValueError(f"fields of {key!r} have different lengths {sorted(sizes)}")
    n = sizes.pop() if sizes else None
    keys = np.asarray(key, dtype=object)
    spoken = _spoken()
    if n is None:  # one message for every row
        said = {x: _one(key, x, fields) if x in spoken else "" for x in i18n.LANGUAGES}
        return {REASON_KEY: str(key), **{column(x): text for x, text in said.items()}}
    keys = np.broadcast_to(keys, (n,))
    out = {REASON_KEY: np.array(keys, dtype=object)}
    texts: dict = {}  # a field's text, made once for every language and key that quotes it
    for lang in i18n.LANGUAGES:
        out[column(lang)] = render(keys, fields, lang, texts) if lang in spoken else ""
    return out


def _one(key: str, lang: str, fields: dict) -> str:
    values = {k: (v[column(lang)] if isinstance(v, dict) else v) for k, v in fields.items()}
    return i18n.text(key, lang, **values)


def render(keys: np.ndarray, fields: dict, lang: str, texts: dict) -> np.ndarray:
    """The text of each row's key in ``lang``, its fields filled from that row (``texts``:
    the fields already made text, by name, filled in as they are first quoted)."""
    out = np.empty(len(keys), dtype=object)
    entries = i18n.catalogue(i18n.language(lang))
    for key in pd.unique(keys):
        at = keys == key
        entry = entries[key]
        if not isinstance(entry, dict):
            out[at] = _fill(entry, fields, at, lang, texts)
            continue
        count = pd.Series(np.broadcast_to(np.asarray(fields["n"]), (len(keys),)), dtype=object)
        count = count.astype("float").to_numpy()
        form = np.empty(len(keys), dtype=object)
        for n in pd.unique(count[at]):  # a form per distinct count, by the language's rule
            form[at & (count == n)] = i18n.plural_form(i18n.language(lang), int(n))
        for name in pd.unique(form[at]):
            out[at & (form == name)] = _fill(entry[name], fields, at & (form == name), lang, texts)
    return out


def _fill(template: str, fields: dict, at: np.ndarray, lang: str, texts: dict) -> np.ndarray:
    """``template`` for the rows ``at``: its literal parts and fields, concatenated."""
    text = np.full(int(at.sum()), "", dtype=object)
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        if literal:
            text = text + literal
        if name is not None:
            text = text + _values(fields, name, at, lang, texts)
    return text


def _values(fields: dict, name: str, at: np.ndarray, lang: str, texts: dict) -> np.ndarray:
    """The text of field ``name`` for the rows ``at``. A field of one value per row is made
    text once, for all its rows (one pandas call, not one per key and language: on a small day
    that call's fixed cost is the cost); a quoted message is its ``lang`` column."""
    value = fields[name]
    quoted = isinstance(value, dict)
    if quoted:  # a message quoted: in the same language, so not kept for the others
        value = value[column(lang)]
    elif name in texts:
        return texts[name][at]
    if np.ndim(value) == 0:
        return np.full(int(at.sum()), str(value), dtype=object)
    text = pd.Series(np.asarray(value, dtype=object), dtype=object).astype(str)
    text = text.to_numpy(dtype=object)
    if not quoted:
        texts[name] = text
    return text[at]


def pick(said: Said, at) -> Said:
    """The message columns of the rows ``at`` (a mask or positions) of ``said``."""
    return {k: v if np.ndim(v) == 0 else np.asarray(v, dtype=object)[at] for k, v in said.items()}


# The warnings of plan and labels (summary.json's "warnings", one per status or cart, not per
# row): the key of each kind, per command.
_WARNINGS = {
    ("plan", "unknown_status"): "row.warning.plan_unknown_status",
    ("labels", "unknown_status"): "row.warning.labels_unknown_status",
    ("labels", "no_sender"): "row.warning.no_sender",
    ("labels", "no_address"): "row.warning.no_address",
    ("labels", "merged"): "row.warning.merged",
    ("labels", "replaced"): "row.warning.replaced",
    ("labels", "cut"): "row.warning.cut",
}


def warning_text(command: str, warning: dict, lang: str) -> str:
    """A warning of ``command`` (plan, labels) in ``lang``, from its kind and fields (a list
    field is shown joined): summary.json keeps the English one as its ``message``."""
    fields = {k: ", ".join(v) if isinstance(v, list) else v for k, v in warning.items()}
    return i18n.text(_WARNINGS[(command, warning["kind"])], lang, **fields)


def code_points(texts: pd.Series) -> pd.Series:
    """The invisible characters of each text named, ``U+200B (ZERO WIDTH SPACE)``, joined by
    ", " in order of first appearance; "" for a text with none.

    Each distinct character is looked up once; pandas joins the names of the rows that
    have any."""
    found = texts.str.findall(INVISIBLE).explode().dropna()
    if found.empty:
        return pd.Series("", index=texts.index, dtype=object)
    found = found.to_frame("char").reset_index(names="row").drop_duplicates()
    names = found["char"].map({c: _name(c) for c in pd.unique(found["char"])})
    joined = names.groupby(found["row"].to_numpy(), sort=False).agg(", ".join)
    return joined.reindex(texts.index, fill_value="")


def _name(char: str) -> str:
    # Control characters have no name in Unicode's table, only a category.
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'CONTROL CHARACTER')})"


# Characters a reader does not see in a cell: controls, format characters (zero-width space,
# joiners, BOM, soft hyphen, direction marks) and spaces other than the plain one (NBSP...).
INVISIBLE = (
    r"[\x00-\x1f\x7f-\x9f\u00a0\u00ad\u115f\u1160\u180e\u2000-\u200f\u2028-\u202f"
    r"\u205f-\u206f\u3164\ufeff\ufff9-\ufffb]"
)
