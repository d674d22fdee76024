"""Row messages (batch/row_messages.py, batch/locale/*/rows.toml): every key rendered in every
language, variants and plurals chosen per row, a message quoting another in its own language,
invisible characters named; a Korean run's workbook holds no English sentence while its
exceptions.jsonl stays English with a reason_key on every line."""

from __future__ import annotations

import json
import re
import string

import numpy as np
import openpyxl
import pandas as pd
import pytest
from cli_outcome import SAMPLES, TODAY, english_sentences, invoke
from test_rules import YAMATO, sheet

from batch import i18n, row_messages
from batch.row_messages import code_points, column, say
from batch.rules import row

KEYS = [k for k in i18n.entries() if k.startswith("row.")]


def _fields(key: str) -> list[str]:
    entry = i18n.catalogue("en")[key]
    text = entry["other"] if isinstance(entry, dict) else entry
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def test_there_are_row_messages_of_every_kind():
    kinds = {k.split(".")[1] for k in KEYS}
    assert {"tracking", "ship_date", "carrier", "match", "check", "upload", "cart"} <= kinds


@pytest.mark.parametrize("key", KEYS)
def test_every_row_message_renders_in_every_language_with_its_fields(key):
    fields = {name: np.array([f"<{name}1>", f"<{name}2>"], dtype=object) for name in _fields(key)}
    fields["n"] = np.array([1, 2])
    said = say(key, **fields)
    assert said["reason_key"].tolist() == [key, key]
    for lang in i18n.LANGUAGES:
        texts = said[column(lang)]
        for i in (0, 1):
            assert "{" not in texts[i] and texts[i].strip(), (lang, texts[i])
            for name in _fields(key):
                shown = str(fields[name][i])
                assert shown in texts[i], (lang, key, name, texts[i])


@pytest.mark.parametrize("spoken", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_a_run_renders_its_own_language_and_english_only(spoken):
    """Within ``speaking(lang)`` every message is what ``say`` gives outside it in English
    and in ``lang``, with the same keys, quotes and plurals; the other languages hold ""."""
    rng = np.random.default_rng(len(spoken))
    for key in KEYS:
        names = _fields(key)
        fields = {name: rng.choice(["a", "", "髙橋", "3"], 5).astype(object) for name in names}
        fields["n"] = rng.integers(0, 3, 5)
        whole, one = say(key, **fields), say(key, **{f: v[0] for f, v in fields.items()})
        with row_messages.speaking(spoken):
            part, part_one = say(key, **fields), say(key, **{f: v[0] for f, v in fields.items()})
        assert list(part) == list(whole) == list(row_messages.COLUMNS)
        assert list(part_one) == list(one)
        for lang in i18n.LANGUAGES:
            col = column(lang)
            if lang in ("en", spoken):
                assert part[col].tolist() == whole[col].tolist(), (key, lang)
                assert part_one[col] == one[col], (key, lang)
            else:
                assert part[col] == "" and part_one[col] == "", (key, lang)
        assert part["reason_key"].tolist() == whole["reason_key"].tolist()
    quoted = say("row.tracking.why.mod7")
    with row_messages.speaking(spoken):
        said = say(
            "row.tracking.invalid", number="1", carrier="x", why=say("row.tracking.why.mod7")
        )
    outside = say("row.tracking.invalid", number="1", carrier="x", why=quoted)
    assert said[column(spoken)] == outside[column(spoken)] and said["message"] == outside["message"]
    assert say("row.tracking.why.mod7") == quoted  # every language again outside


def test_rows_choose_their_variant_and_plural_form():
    n = pd.Series([1, 3, 0])
    said = say(
        np.where(n.eq(0).to_numpy(), "row.overdue.status", "row.overdue.est_passed"),
        n=n, est=pd.Series(["2026-11-25", "2026-11-23", ""]), since="",
    )  # fmt: skip
    assert said["message"].tolist() == [
        "Estimated ship date 2026-11-25 passed 1 day ago; the buyer may cancel freely. Ship first.",
        "Estimated ship date 2026-11-23 passed 3 days ago; the buyer may cancel freely. "
        "Ship first.",
        "The QSM status is delayed; the buyer may cancel freely. Ship first.",
    ]
    assert said["message_ja"][1].startswith("発送予定日 2026-11-23 を3日過ぎています")
    assert said["reason_key"].tolist() == [
        "row.overdue.est_passed", "row.overdue.est_passed", "row.overdue.status"
    ]  # fmt: skip


def test_a_quoted_message_is_in_the_language_quoting_it():
    why = say("row.tracking.why.mod7")
    said = say("row.tracking.invalid", number=pd.Series(["1"]), carrier=pd.Series(["ネコポス"]),
               why=why)  # fmt: skip
    assert said["message"].tolist() == [
        "tracking number '1' for ネコポス: check digit (mod 7) fails"
    ]
    assert said["message_ko"].tolist() == [
        "송장번호 '1' (ネコポス): 체크 디지트 (7로 나눈 나머지)가 맞지 않습니다"
    ]


def test_a_message_is_built_for_the_rows_given_only():
    said = say("row.carrier.unknown", carrier=pd.Series([], dtype=object))
    assert all(len(v) == 0 for v in said.values())
    with pytest.raises(ValueError, match="different lengths"):
        say("row.number.duplicate", number=pd.Series(["1", "2"]), carts=pd.Series(["x"]))


# Values a field may hold, each shown as str() shows it. Not a missing value: pandas 3's
# astype(str) keeps it missing and say() then fails (as before); no caller passes one.
_VALUES = ["a", "", "髙﨑", 0, 7, -1, 2.5, 1e20, np.int64(3), True, "x, y", "{n}"]
_WHY = ["row.tracking.why.mod7", "row.tracking.why.too_long", "row.tracking.why.wrong_length"]


def _oracle(key: str, lang: str, **fields) -> str:
    """One row's text the plain way: its fields shown by str(), the catalogue's format."""
    shown = {k: v if k == "n" else str(v) for k, v in fields.items()}
    return i18n.text(key, lang, **shown)


@pytest.mark.parametrize("seed", range(25))
def test_say_matches_rendering_row_by_row(seed):
    """say() builds texts by columns (a field made text once for every key and language that
    quotes it); each row must read as if its message were formatted on its own."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 12))
    pick = lambda choices: np.array([choices[i] for i in rng.integers(0, len(choices), n)],  # noqa: E731
                                    dtype=object)  # fmt: skip
    keys = pick(["row.overdue.est_passed", "row.overdue.stale", "row.overdue.status"])
    counts, est, since = rng.integers(0, 4, n), pick(_VALUES), pick(_VALUES)
    said = say(keys, n=counts, est=est, since=since)
    why_keys, lo, got, limit = pick(_WHY), pick(_VALUES), pick(_VALUES), pick(_VALUES)
    why = say(why_keys, max=limit, lo=lo, got=got)
    number, carrier = pick(_VALUES), rng.choice(_VALUES)  # one carrier for every row
    quoting = say("row.tracking.invalid", number=number, carrier=carrier, why=why)
    for lang in i18n.LANGUAGES:
        for i in range(n):
            assert said[column(lang)][i] == _oracle(
                keys[i], lang, n=int(counts[i]), est=est[i], since=since[i]
            )
            quoted = _oracle(why_keys[i], lang, max=limit[i], lo=lo[i], got=got[i])
            assert quoting[column(lang)][i] == _oracle(
                "row.tracking.invalid", lang, number=number[i], carrier=carrier, why=quoted
            )
    assert said["reason_key"].tolist() == keys.tolist()


def test_invisible_characters_are_named_by_code_point():
    texts = pd.Series(
        ["4396281141\u200b00", "439628114100", "\ufeff4396\u00ad2811\x07", "a\u200bb\u200b"]
    )
    assert code_points(texts).tolist() == [
        "U+200B (ZERO WIDTH SPACE)",
        "",
        "U+FEFF (ZERO WIDTH NO-BREAK SPACE), U+00AD (SOFT HYPHEN), U+0007 (CONTROL CHARACTER)",
        "U+200B (ZERO WIDTH SPACE)",  # each character once
    ]


def test_a_tracking_number_with_an_invisible_character_names_it():
    hidden = YAMATO[:6] + "\u200b" + YAMATO[6:]
    d = sheet({}, {"tracking_no": hidden, "tracking_raw": hidden})
    found = row.problems(d, TODAY)
    assert found["code"].tolist() == ["", "TRACKING_INVALID"]
    assert found["reason_key"].tolist()[1] == "row.tracking.unseen"
    for lang in i18n.LANGUAGES:
        assert "U+200B (ZERO WIDTH SPACE)" in found[column(lang)].tolist()[1], lang


def test_the_english_detector_finds_english_and_leaves_data_alone():
    assert english_sentences("주문번호: 注文番号 must be digits only (값: '1O4')") == [
        "must be digits only"
    ]
    assert (
        english_sentences(
            "송장번호 'Tracking Number Here' TRACKING_INVALID --dispatch-carrier in "
            "out/qsm-upload-001.csv"
        )
        == []
    )


def _workbook_texts(path) -> dict[str, list[str]]:
    book = openpyxl.load_workbook(path)
    return {
        ws.title: [c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
        for ws in book.worksheets
    }


SAMPLE_DAY = ["--dispatch", SAMPLES / "yamato-b2.csv", "--dispatch", SAMPLES / "generic-ko.xlsx",
              "--today", "2026-11-26", "--no-ledger", "--quiet"]  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "orders", "sheets"),
    [("ko", "qsm-detail-ko.csv", ("요약", "주문", "예외")),
     ("ja", "qsm-detail-ja.csv", ("サマリー", "注文", "例外"))],
)  # fmt: skip
def test_a_run_s_workbook_speaks_its_language_and_the_jsonl_stays_english(
    tmp_path, lang, orders, sheets
):
    out = tmp_path / "out"
    code, _, err = invoke(["run", "--orders", SAMPLES / orders, *SAMPLE_DAY, "--out", out,
                           "--lang", lang])  # fmt: skip
    assert code == 0, err
    texts = _workbook_texts(out / "exceptions.xlsx")
    assert set(sheets) <= set(texts), sorted(texts)
    english = {s: [t for t in texts[s] if english_sentences(t)] for s in sheets}
    assert english == {s: [] for s in sheets}
    detail = i18n.text("col.detail", lang)
    assert detail in texts[sheets[2]] and "英語" not in detail and "영어" not in detail
    lines = [json.loads(x) for x in (out / "exceptions.jsonl").read_text("utf-8").splitlines()]
    assert lines and all(rec["reason_key"] in i18n.catalogue("en") for rec in lines)
    # the stable English text, whatever the run's language
    assert all(re.search("[A-Za-z]{2,} [A-Za-z]{2,}", rec["message"]) for rec in lines)


def test_the_english_workbook_would_fail_the_check(tmp_path):
    # the check can fail: the same day in English is full of English sentences
    out = tmp_path / "out"
    orders = SAMPLES / "qsm-detail-ja.csv"
    assert invoke(["run", "--orders", orders, *SAMPLE_DAY, "--out", out, "--lang", "en"])[0] == 0
    texts = _workbook_texts(out / "exceptions.xlsx")
    assert sum(bool(english_sentences(t)) for t in texts["Exceptions"]) > 20


@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_validate_lists_invalid_rows_in_the_console_language(lang):
    code, out, _ = invoke(["validate", SAMPLES / f"qsm-detail-{lang}.csv", "--lang", lang])
    rows = [line for line in out.splitlines() if line.startswith("  ")]
    assert len(rows) == 2, out
    assert rows[0].startswith("  43行目：" if lang == "ja" else "  43행: "), rows
    for line in rows:
        assert english_sentences(line) == [], line
    assert ("숫자만" if lang == "ko" else "数字のみ") in out


def test_row_message_columns_are_those_of_every_language():
    assert row_messages.COLUMNS == ("reason_key", "message", "message_ja", "message_ko")


@pytest.mark.parametrize(("command", "kind"), sorted(row_messages._WARNINGS))
def test_every_plan_and_labels_warning_is_worded_in_every_language(command, kind):
    warning = {"kind": kind, "status": "謎", "orders": ["1", "2"], "cart_no": "78", "field": "品名",
               "carts": ["78", "79"], "original": "髙島屋", "replacement": "高島屋"}  # fmt: skip
    texts = {lang: row_messages.warning_text(command, warning, lang) for lang in i18n.LANGUAGES}
    assert all(t.strip() and "{" not in t for t in texts.values()), texts
    assert len(set(texts.values())) == len(texts)  # each its own language
    for lang in ("ja", "ko"):
        assert english_sentences(texts[lang]) == [], texts[lang]
