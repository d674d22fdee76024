"""The seller's config file (qoo10-dispatch.toml): where it is found, what wins over it, what
`config` shows, a bad file refused with its key and the fix, the seller's carrier names sent
as ShippingCorp, and --today in both of QSM's date forms."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from cli_outcome import SAMPLES, invoke
from qapi_fixtures import qapi  # noqa: F401

from batch import config

DAY = ["--orders", SAMPLES / "qsm-detail-ja.csv", "--dispatch", SAMPLES / "yamato-b2.csv",
       "--dispatch", SAMPLES / "generic-ko.xlsx", "--today", "2026-11-26"]  # fmt: skip
SECRET = "file-key-0123456789"


@pytest.fixture
def folders(tmp_path, monkeypatch):
    """A working folder and a user config folder of the test's own (never the real home)."""
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.chdir(work)
    return work, home / "qoo10-dispatch"


def write(folder, text):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "qoo10-dispatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def summary(out):
    return json.loads((out / "summary.json").read_text("utf-8"))


def test_the_working_folders_file_comes_before_the_users(folders):
    work, user = folders
    write(user, 'lang = "ko"\n')
    assert config.load().get("lang").value == "ko"
    here = write(work, 'lang = "en"\n')
    setting = config.load().get("lang")
    assert setting.value == "en" and setting.source == str(here.resolve())


def test_language_and_ledger_from_the_file_and_options_win(folders, tmp_path):
    work, _ = folders
    write(work, 'lang = "ko"\nledger = "books/shop.sqlite3"\n')
    code, _, err = invoke(["run", *DAY, "--out", tmp_path / "a", "--quiet"])
    assert code == 0, err
    s = summary(tmp_path / "a")
    assert s["language"] == "ko" and s["ledger"]["path"] == str(work / "books" / "shop.sqlite3")
    code, _, err = invoke(
        ["run", *DAY, "--out", tmp_path / "b", "--quiet", "--lang", "en", "--no-ledger"]
    )
    assert code == 0, err
    s = summary(tmp_path / "b")
    assert s["language"] == "en" and not s["ledger"]["path"]
    code, _, _ = invoke(["run", *DAY, "--out", tmp_path / "c", "--quiet", "--ledger",
                         tmp_path / "mine.sqlite3"])  # fmt: skip
    assert code == 0 and summary(tmp_path / "c")["ledger"]["path"] == str(tmp_path / "mine.sqlite3")


def test_config_shows_each_value_with_its_source_and_never_the_key(folders, monkeypatch):
    work, _ = folders
    path = write(
        work,
        f'lang = "ja"\n[carriers]\n"佐川急便" = "佐川急便(飛脚宅配便)"\n'
        f'[api]\nrate = 5\nkey = "{SECRET}"\nurl = "https://example.test/qapi"\n',
    ).resolve()
    monkeypatch.setenv("QOO10_QAPI_URL", "https://env.test/qapi")
    code, out, err = invoke(["config", "--ledger", "x.sqlite3"])
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"設定ファイル：{path}"  # the file's lang: config speaks it too
    assert "  ledger     x.sqlite3  [option]" in lines
    assert f"  lang       ja  [{path}]" in lines
    assert "  api.url    https://env.test/qapi  [environment QOO10_QAPI_URL]" in lines
    assert f"  api.rate   5  [{path}]" in lines
    assert f"  api.key    設定済み（非表示）  [{path}]" in lines
    assert f"  carrier    佐川急便 -> 佐川急便(飛脚宅配便)  [{path}]" in lines
    assert "  sender     なし：ラベルのご依頼主の欄は空欄  [default]" in lines
    assert SECRET not in out + err


def test_without_a_file_config_says_where_it_looked(folders):
    work, user = folders
    code, out, _ = invoke(["config"])
    assert code == 0
    assert str(work / "qoo10-dispatch.toml") in out and str(user / "qoo10-dispatch.toml") in out
    assert "  lang       auto  [default]" in out and "api.key    not set  [default]" in out


@pytest.mark.parametrize(
    ("text", "key", "fix"),
    [
        ('lang = "fr"\n', "lang", "ja, ko, en"),
        ('langauge = "ja"\n', "langauge", "the settings are"),
        ("ledger = 3\n", "ledger", "a path in quotes"),
        ("[api]\nrate = 0\n", "api.rate", "above 0"),
        ('[api]\nkey = ""\n', "api.key", "quotes"),
        ('[api]\ntoken = "x"\n', "api", "url, rate, key"),
        ('[carriers]\n"Nowhere Express" = "x"\n', "carriers.'Nowhere Express'", "carriers.toml"),
        ('[sheets]\n"kse-*.xlsx" = "Nowhere Express"\n', "sheets.'kse-*.xlsx'", "carriers.toml"),
        ('[sheets]\n"kse-*.xlsx" = 320\n', "sheets", '"kse-*.xlsx" = "佐川急便"'),
        ('lang = "ja\n', "", "not valid TOML"),
    ],
)
def test_a_bad_config_stops_with_the_file_the_key_and_the_fix(folders, tmp_path, text, key, fix):
    work, _ = folders
    path = write(work, text).resolve()
    for args in (["config"], ["run", *DAY, "--out", tmp_path / "out"]):
        code, out, err = invoke(args)
        assert code == 2 and out == ""
        assert f"{path}: {key}" in err and fix in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_labels_take_the_sender_from_the_config_file(folders, tmp_path):
    work, _ = folders
    sender = (SAMPLES / "sender.toml").read_text("utf-8")
    write(work, f'lang = "ja"\n[sender]\n{sender}')
    code, _, err = invoke(["labels", "--orders", SAMPLES / "qsm-detail-ja.csv", "--carrier",
                           "yamato", "--out", tmp_path / "l", "--ship-date", "2026-11-26",
                           "--quiet"])  # fmt: skip
    assert code == 0, err
    said = summary(tmp_path / "l")
    assert not any(w["kind"] == "no_sender" for w in said["warnings"])


def test_the_sellers_carrier_name_is_sent_as_shipping_corp(qapi, folders, tmp_path):  # noqa: F811
    work, _ = folders
    write(work, '[carriers]\n"佐川急便" = "佐川急便(飛脚)"\n')
    out = tmp_path / "out"
    assert invoke(["run", *DAY, "--out", out, "--quiet"])[0] == 0
    code, _, err = invoke(["send", out, "--quiet"])
    assert code == 0, err
    sent = [row for r in qapi.sim.requests if r["method"].endswith("SetSendingInfoBulk")
            for row in json.loads(r["params"]["ShippingInfoJson"])]  # fmt: skip
    corps = {row["ShippingCorp"] for row in sent}
    assert "佐川急便(飛脚)" in corps and "佐川急便" not in corps
    assert "ヤマト宅急便" in corps  # not named in the config: as before


def test_the_api_key_and_rate_may_come_from_the_file(qapi, folders, tmp_path, monkeypatch):  # noqa: F811
    from qapi_sim import KEY

    work, _ = folders
    monkeypatch.delenv("QOO10_QAPI_KEY")
    monkeypatch.delenv("QOO10_QAPI_RATE")
    write(work, f'[api]\nkey = "{KEY}"\nrate = 200\n')
    out = tmp_path / "out"
    code, stdout, err = invoke(["run", *DAY, "--out", out, "--send", "--lang", "en"])
    assert code == 0, err
    assert "sent 15" in stdout and KEY not in stdout + err


def test_seller_names_only_where_the_service_is_named():
    names = {"ネコポス": "ネコポス(ヤマト)"}
    got = config.seller_names(pd.Series(["ネコポス", "ヤマト宅急便", "佐川急便"]), names)
    assert got.tolist() == ["ネコポス(ヤマト)", "ヤマト宅急便", "佐川急便"]


@pytest.mark.parametrize("today", ["2026/11/26", "2026-11-26"])
def test_today_in_either_of_qsms_forms(tmp_path, today):
    code, _, err = invoke([*(["run", *DAY[:-2]]), "--today", today, "--out", tmp_path / "o",
                           "--no-ledger", "--quiet"])  # fmt: skip
    assert code == 0, err
    assert summary(tmp_path / "o")["today"] == "2026-11-26"


@pytest.mark.parametrize("today", ["26/11/2026", "2026.11.26", "2026/11-26", "2026/02/30", "x"])
def test_any_other_today_is_refused_saying_both_forms(tmp_path, today):
    code, _, err = invoke(["run", *DAY[:-2], "--today", today, "--out", tmp_path / "o"])
    assert code == 2 and "YYYY-MM-DD or YYYY/MM/DD" in err and "Traceback" not in err


def test_a_sheet_that_names_no_carrier_takes_the_configs_then_the_options(folders, tmp_path):
    work, _ = folders
    write(work, '[sheets]\n"KSE-*.csv" = "佐川急便"\n')
    sheet = tmp_path / "kse-1126.csv"  # patterns are compared without case
    sheet.write_text("주문번호,송장번호\r\n78363032,360244185114\r\n", encoding="utf-8")
    day = ["--orders", SAMPLES / "qsm-detail-ja.csv", "--dispatch", sheet, "--today",
           "2026-11-26", "--quiet", "--no-ledger"]  # fmt: skip
    assert invoke(["config"])[1].count("sheets     KSE-*.csv -> 佐川急便") == 1
    uploaded = {}
    for name, extra in (("config", []), ("option", ["--dispatch-carrier", "日本郵便"])):
        code, _, err = invoke(["run", *day, "--out", tmp_path / name, *extra])
        assert code == 0, err
        text = (tmp_path / name / "qsm-upload-001.csv").read_bytes().decode("cp932")
        uploaded[name] = text.splitlines()[1]
    # K04 is listed with ヤマト宅急便: the listing would have been the last resort.
    assert ",佐川急便,360244185114," in uploaded["config"]
    assert ",ゆうパック,360244185114," in uploaded["option"]
