"""The console of every command in the seller's language (issue 15): a ko run of the sample
day prints Hangul and no English sentence, a ja run Japanese; plan, labels, send, validate,
formats, config and ledger the same; upload files as a range when many; a last line saying
what to do next; labels' warnings printed; progress drawn only for a person watching."""

from __future__ import annotations

import json
import re

import pytest
from cli_outcome import SAMPLES, english_sentences, invoke
from qapi_fixtures import qapi  # noqa: F401

from batch import formats, i18n
from batch.cli import progress, speech

DAY = ["--orders", SAMPLES / "qsm-detail-ja.csv", "--dispatch", SAMPLES / "yamato-b2.csv",
       "--dispatch", SAMPLES / "generic-ko.xlsx", "--today", "2026-11-26"]  # fmt: skip
SCRIPT = {"ko": re.compile(r"[\uac00-\ud7a3]"), "ja": re.compile(r"[\u3040-\u30ff]")}
# Names, not sentences: a command as typed (`qoo10-dispatch send DIR`) and the formats'
# titles (schemas/formats/*.toml: the name a layout goes by, as `formats` lists it).
_COMMAND = re.compile(r"`[^`\n]*`|qoo10-dispatch \w+")
_TITLES = sorted({p.title for p in formats.profiles()}, key=len, reverse=True)


def prose(text: str) -> list[str]:
    """The English sentences of a console, once commands and format titles are taken out."""
    text = _COMMAND.sub(" | ", text)
    for title in _TITLES:
        text = text.replace(title, " | ")
    return english_sentences(text)


def assert_speaks(lang: str, code: int, out: str, err: str) -> None:
    assert code == 0, out + err
    said = out + err
    assert SCRIPT[lang].search(said), said
    assert prose(said) == [], said


def test_the_detector_finds_the_english_console(tmp_path):
    code, out, err = invoke(["run", *DAY, "--out", tmp_path / "o", "--lang", "en", "--dry-run"])
    assert code == 0
    assert "nothing recorded in the ledger" in prose(out + err)
    assert prose("next: upload the file in QSM") == ["upload the file in QSM"]
    assert prose("`qoo10-dispatch send out/` （送信） --all-carriers") == []


@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_run_of_the_sample_day_speaks_the_language(tmp_path, lang):
    code, out, err = invoke(["run", *DAY, "--out", tmp_path / "out", "--lang", lang])
    assert_speaks(lang, code, out, err)
    last = out.splitlines()[-1]
    assert "qsm-upload-001.csv" in last and "send" in last and SCRIPT[lang].search(last)


@pytest.mark.parametrize(
    ("orders", "lang"), [("qsm-detail-ko.csv", "ko"), ("qsm-detail-ja.csv", "ja")]
)
def test_auto_speaks_the_runs_language(tmp_path, orders, lang):
    args = ["--orders", SAMPLES / orders, *DAY[2:], "--out", tmp_path / "out", "--no-ledger"]
    code, out, err = invoke(["run", *args])
    assert json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))["language"] == lang
    assert_speaks(lang, code, out, err)


@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_plan_labels_send_validate_and_the_rest_speak_the_language(tmp_path, lang):
    orders = SAMPLES / "qsm-detail-ja.csv"
    plan = ["plan", "--orders", orders, "--out", tmp_path / "plan", "--today", "2026-11-26"]
    assert_speaks(lang, *invoke([*plan, "--no-ledger", "--lang", lang]))
    labels = ["labels", "--orders", orders, "--carrier", "yamato", "--out", tmp_path / "labels"]
    assert_speaks(lang, *invoke([*labels, "--all-carriers", "--lang", lang]))
    run = tmp_path / "run"
    assert invoke(["run", *DAY, "--out", run, "--lang", lang, "--quiet"])[0] == 0
    assert_speaks(lang, *invoke(["send", run, "--dry-run"]))  # the run folder's language
    for args in (
        ["formats"],
        ["config"],
        ["ledger", "list", "--ledger", tmp_path / "qoo10-dispatch-ledger.sqlite3"],
    ):
        assert_speaks(lang, *invoke([*args, "--lang", lang]))


@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_validate_summary_lines_speak_the_language(lang):
    files = [SAMPLES / "qsm-detail-ja.csv", SAMPLES / "generic-ko.xlsx"]
    code, out, err = invoke(["validate", *files, "--lang", lang])
    # the per-row list ("  row 43: ...") is the row messages' own (tests/test_row_messages.py)
    summary = "\n".join(line for line in out.splitlines() if not line.startswith("  row "))
    assert_speaks(lang, code, summary, err)


def test_send_speaks_the_language_of_its_run(qapi, tmp_path):  # noqa: F811
    code, out, err = invoke(["run", *DAY, "--out", tmp_path / "out", "--lang", "ko", "--send"])
    assert_speaks("ko", code, out, err)
    assert "전송 완료 15" in out and out.splitlines()[-1].startswith("다음 단계")


def test_many_files_are_shown_as_a_range():
    many = [{"path": f"qsm-upload-{i:03}.csv", "rows": 500} for i in range(1, 394)]
    many[-1]["rows"] = 400
    assert speech.files(many) == "qsm-upload-001.csv … qsm-upload-393.csv (393 files, 196,400 rows)"
    assert speech.files(many[:2]) == "qsm-upload-001.csv (500 rows), qsm-upload-002.csv (500 rows)"
    assert speech.files(many[:1], "out/") == "out/qsm-upload-001.csv (500 rows)"
    assert speech.files(many, "out/").startswith("out/qsm-upload-001.csv … qsm-upload-393.csv")
    assert speech.files([]) == "none"
    assert i18n.text("console.files.range", "ko", first="a", last="b", n=393, rows="1") == (
        "a … b (파일 393개, 1행)"
    )


def test_a_run_with_nothing_to_upload_says_so_and_points_to_the_workbook(tmp_path):
    day = ["--orders", SAMPLES / "qsm-brief-ko.csv", "--dispatch", SAMPLES / "clickpost.csv"]
    code, out, _ = invoke(["run", *day, "--out", tmp_path / "a", "--today", "2026-11-26",
                           "--no-ledger", "--lang", "en"])  # fmt: skip
    assert code == 0 and "upload files: none" in out
    last = out.splitlines()[-1]
    assert (
        last.startswith("next: nothing to upload")
        and str(tmp_path / "a" / "exceptions.xlsx") in last
    )


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_run_whose_orders_wait_in_an_earlier_file_says_to_upload_that_file(tmp_path, lang):
    # The seller ran, did not upload, and ran again: nothing new, but the earlier file is
    # still to be uploaded. "Nothing to upload" would leave those orders unshipped.
    book = ["--ledger", tmp_path / "ledger.sqlite3", "--lang", lang]
    assert invoke(["run", *DAY, "--out", tmp_path / "a", *book, "--quiet"])[0] == 0
    code, out, _ = invoke(["run", *DAY, "--out", tmp_path / "b", *book])
    last = out.splitlines()[-1]
    assert code == 0 and "UPLOAD_PENDING" in last and "15" in last, last
    assert str(tmp_path / "b" / "exceptions.xlsx") in last
    if lang == "en":
        assert last.startswith("next: nothing new to upload, but 15 orders wait in an earlier")
    else:
        assert last.startswith("다음 단계:") and english_sentences(last) == [], last


def test_plan_and_labels_end_with_their_next_step(tmp_path):
    orders = SAMPLES / "qsm-detail-ja.csv"
    code, out, _ = invoke(["plan", "--orders", orders, "--out", tmp_path / "p", "--today",
                           "2026-11-26", "--no-ledger", "--lang", "en"])  # fmt: skip
    assert code == 0
    last = out.splitlines()[-1]
    assert last.startswith("next: check") and "qsm-shipdate-001.csv" in last and "plan.xlsx" in last
    code, out, _ = invoke(["labels", "--orders", orders, "--carrier", "sagawa", "--out",
                           tmp_path / "l", "--lang", "en"])  # fmt: skip
    assert code == 0
    assert out.splitlines()[-1].startswith("next: import") and "e飛伝" in out.splitlines()[-1]


def test_labels_prints_its_warnings_and_all_carriers_notes_each_carrier_change(tmp_path):
    orders = SAMPLES / "qsm-detail-ja.csv"
    args = ["labels", "--orders", orders, "--carrier", "yamato", "--lang", "en"]
    code, out, _ = invoke([*args, "--out", tmp_path / "one"])
    one = json.loads((tmp_path / "one" / "summary.json").read_text("utf-8"))
    assert code == 0 and one["orders"]["other_carrier"] > 0
    assert f"{len(one['warnings'])} warnings (also in summary.json):" in out
    assert "no --sender-file: the ご依頼主 columns are left blank" in out
    assert "--all-carriers labels them too" in out

    code, out, _ = invoke([*args, "--out", tmp_path / "all", "--all-carriers"])
    every = json.loads((tmp_path / "all" / "summary.json").read_text("utf-8"))
    assert code == 0 and every["reconciled"] and every["orders"]["other_carrier"] == 0
    assert every["orders"]["labelled"] == one["orders"]["labelled"] + one["orders"]["other_carrier"]
    changes = [w for w in every["warnings"] if w["kind"] == "carrier_change"]
    assert sum(len(w["orders"]) for w in changes) == one["orders"]["other_carrier"]
    assert all(w["listed"] != "yamato" and w["carrier"] == "yamato" for w in changes)
    assert every["labels"]["rows"] == one["labels"]["rows"] + len(changes)
    assert "a carrier change (orders" in out


def test_progress_is_drawn_only_for_a_person_watching(tmp_path, monkeypatch):
    code, _, err = invoke(["run", *DAY, "--out", tmp_path / "a", "--no-ledger", "--lang", "ko"])
    assert code == 0 and err == ""  # not a terminal: nothing but the summary, as before
    monkeypatch.setattr(progress, "wanted", lambda quiet: not quiet)
    code, _, err = invoke(["run", *DAY, "--out", tmp_path / "b", "--no-ledger", "--lang", "ko"])
    assert code == 0
    stages = [line.split()[0] for line in err.splitlines() if "초" in line]
    assert stages == ["읽기", "읽기", "읽기", "대조", "판정", "출력", "워크북"], err
    assert "주문 51행 (qsm-detail-ja)" in err and "발송 데이터 25행 (yamato-b2)" in err
    code, out, err = invoke(["run", *DAY, "--out", tmp_path / "c", "--no-ledger", "--quiet"])
    assert code == 0 and out == err == ""


class _Bar:
    """click.progressbar as the commands use it, recording what it is told."""

    made: list[_Bar] = []

    def __init__(self, length, label, **_):
        self.length, self.label, self.pos = length, label, 0
        _Bar.made.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n):
        self.pos += n


def test_the_bars_count_runs_stages_and_sends_rows(qapi, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(progress, "wanted", lambda quiet: not quiet)
    monkeypatch.setattr(progress.click, "progressbar", _Bar)
    _Bar.made.clear()
    code, out, err = invoke(["run", *DAY, "--out", tmp_path / "o", "--lang", "ko", "--send"])
    assert code == 0, err
    stages, sent = _Bar.made
    assert (stages.label, stages.pos, stages.length) == ("처리 중", 7, 7)  # 3 files + 4 stages
    assert (sent.label, sent.pos, sent.length) == ("전송", 15, 15)  # rows answered of rows


def test_the_bar_turns_to_the_runs_language_once_the_export_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(progress, "wanted", lambda quiet: not quiet)
    monkeypatch.setattr(progress.click, "progressbar", _Bar)
    _Bar.made.clear()
    args = ["--orders", SAMPLES / "qsm-detail-ko.csv", *DAY[2:], "--out", tmp_path / "o"]
    code, _, err = invoke(["run", *args, "--no-ledger"])  # auto, on a machine in C/en
    assert code == 0 and _Bar.made[0].label == "처리 중"
    assert err.split()[0] == "읽기"  # its first stage line, in Korean too
