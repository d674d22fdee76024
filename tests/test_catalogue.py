"""The catalogues (batch/locale/*/*.toml): every key in every language with the same fields
and plural forms, every exception code and Qoo10 code rendered, no key the code never asks
for, and the files shipped with the package."""

from __future__ import annotations

import ast
import configparser
import fnmatch
import re
import string
from pathlib import Path

import pytest

from batch import codes, i18n
from batch.qapi import answers

ROOT = Path(__file__).resolve().parent.parent
BATCH = ROOT / "batch"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _forms(entry) -> dict[str, str]:
    return entry if isinstance(entry, dict) else {"other": entry}


def test_there_is_a_catalogue_per_language_and_english_is_one():
    assert set(i18n.LANGUAGES) == {"en", "ja", "ko"}
    assert i18n.FALLBACK in i18n.LANGUAGES
    assert i18n.language("fr") == "en" and i18n.language("ko") == "ko"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_key_in_every_language_with_the_same_fields(lang):
    base, other = i18n.catalogue(i18n.FALLBACK), i18n.catalogue(lang)
    assert sorted(set(base) - set(other)) == [], f"missing in {lang}/"
    assert sorted(set(other) - set(base)) == [], f"in {lang}/ only"
    for key, entry in base.items():
        want = _fields(_forms(entry)["other"])
        for form, text in _forms(other[key]).items():
            assert text.strip(), (lang, key, form)
            assert _fields(text) == want, (lang, key, form)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_plural_entries_have_the_forms_of_their_language(lang):
    allowed = set(i18n.PLURAL_FORMS.get(lang, ("other",)))
    for key, entry in i18n.catalogue(lang).items():
        if isinstance(entry, dict):
            assert set(entry) <= allowed and "other" in entry, (lang, key, sorted(entry))
            assert "n" in _fields(entry["other"]), (lang, key)
            if lang in i18n.PLURAL_FORMS:
                assert set(entry) == allowed, (lang, key)  # every form the language has
        else:
            assert entry.strip(), (lang, key)


def test_a_count_picks_its_plural_form():
    fields = {"cutoff": "15:00", "max": 30}
    assert i18n.text("plan.why.paid", "en", n=1, **fields) == "paid + 1 business day"
    assert i18n.text("plan.why.paid", "en", n=2, **fields) == "paid + 2 business days"
    assert i18n.text("plan.why.paid", "ja", n=1, **fields) == "入金日 + 1営業日"
    assert i18n.plural_form("en", 0) == "other" and i18n.plural_form("ko", 1) == "other"


def test_every_exception_code_has_its_reason_and_action_and_no_other_code_has():
    for lang in i18n.LANGUAGES:
        for name in codes.NAMES:
            assert i18n.reason(name, lang).strip() and i18n.action(name, lang).strip()
    in_catalogue = {k.split(".")[1] for k in i18n.entries() if k.startswith("code.")}
    assert in_catalogue == set(codes.NAMES)


def _recorded(monkeypatch) -> set[str]:
    asked: set[str] = set()
    real = i18n.text

    def text(key, lang, **fields):
        asked.add(key)
        return real(key, lang, **fields)

    monkeypatch.setattr(i18n, "text", text)
    return asked


def test_every_qoo10_code_and_outcome_of_send_renders_in_every_language(monkeypatch):
    asked = _recorded(monkeypatch)
    for lang in i18n.LANGUAGES:
        for code in answers.codes():
            assert all(t.strip() for t in answers.explain(code, lang)), code
        unknown = answers.explain(-99999, lang, "Qoo10's own words")
        assert "-99999" in unknown[0] and "Qoo10's own words" in unknown[0]
    sent = {k for k in i18n.entries() if k.startswith("qoo10.")}
    assert sent - asked == set(), "a Qoo10 entry explain() never uses (an action it shares?)"


def _asked_by_the_code() -> tuple[set[str], list[re.Pattern]]:
    """The strings of batch/'s and schemas/' source (a check's error is a key), and its
    f-strings as patterns whose {holes} stand for any word the source holds (a code, a
    bucket, a `why`, a Qoo10 code...)."""
    words: set[str] = set()
    fstrings: list[ast.JoinedStr] = []
    for path in [*BATCH.rglob("*.py"), *(ROOT / "schemas").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str | int):
                words.add(str(node.value))
            elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
                if isinstance(node.operand, ast.Constant) and isinstance(node.operand.value, int):
                    words.add(f"-{node.operand.value}")
            elif isinstance(node, ast.JoinedStr):
                fstrings.append(node)
    word = "|".join(sorted((re.escape(w) for w in words if re.fullmatch(r"[\w-]+", w)), key=len))
    patterns = []
    for node in fstrings:
        fixed = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        if "." not in fixed or not re.search(r"[a-z]", fixed):
            continue  # a file name or a message, not a key
        parts = (re.escape(v.value) if isinstance(v, ast.Constant) else f"(?:{word})"
                 for v in node.values)  # fmt: skip
        patterns.append(re.compile("".join(parts)))
    return words, patterns


def test_no_catalogue_holds_a_key_the_code_never_asks_for():
    words, patterns = _asked_by_the_code()
    qoo10 = {k for k in i18n.entries() if k.startswith("qoo10.")}  # checked by rendering above
    unused = [
        key
        for key in i18n.entries()
        if key not in words and key not in qoo10 and not any(p.fullmatch(key) for p in patterns)
    ]
    assert unused == []


def test_the_unused_key_check_can_fail():
    words, patterns = _asked_by_the_code()
    # send.earlier was such a key: left in answers.py when send stopped using it
    for key in ("col.no_such_column", "code.NO_SUCH_CODE.reason", "send.earlier.reason"):
        assert key not in words and not any(p.fullmatch(key) for p in patterns), key
    assert any(p.fullmatch("code.OVERDUE.reason") for p in patterns)


def test_the_catalogues_are_shipped_with_the_package():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    globs = re.split(r"[,\s]+", cfg["options.package_data"]["batch"].strip())
    for path in (BATCH / "locale").rglob("*.toml"):
        name = path.relative_to(BATCH).as_posix()
        assert any(fnmatch.fnmatch(name, g) for g in globs), name


def _parts(lang):
    return {
        p.name: set(i18n._flatten(i18n.tomllib.loads(p.read_text(encoding="utf-8"))))
        for p in (BATCH / "locale" / lang).glob("*.toml")
    }


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_each_key_is_in_the_same_part_in_every_language(lang):
    # a translator finds a text in the file of the same name as the English one
    assert _parts(lang) == _parts(i18n.FALLBACK)


def test_a_key_two_parts_define_is_refused(tmp_path, monkeypatch):
    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "a.toml").write_text('[col]\norder_no = "A"\n', encoding="utf-8")
    (tmp_path / "xx" / "b.toml").write_text('[col]\norder_no = "B"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "_FILES", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match="col.order_no"):
            i18n.catalogue("xx")
    finally:
        i18n.catalogue.cache_clear()


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"LANG": "ko_KR.UTF-8"}, "ko"),
        ({"LANG": "ja_JP.eucJP"}, "ja"),
        ({"LC_ALL": "Korean_Korea.949", "LANG": "en_US.UTF-8"}, "ko"),  # LC_ALL wins
        ({"LANGUAGE": "ja:en", "LANG": "en_US.UTF-8"}, "ja"),
        ({"LANG": "C.UTF-8"}, None),  # no language
        ({"LANG": "fr_FR.UTF-8"}, None),  # not one of ours
        ({}, None),
    ],
)
def test_the_machines_language_is_read_from_its_locale(environ, lang):
    assert i18n.system_language(environ) == lang
