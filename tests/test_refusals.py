"""Refusals (exit 2) in the console's language: the catalogue's part errors.toml, said at the
CLI boundary, while str(exc) stays English. The kinds of file that are not sheets are in
tests/bad_inputs/cases.toml (test_bad_inputs runs them); here the languages, the keys the
code asks for, and what a file's bytes say it is."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from cli_outcome import ROOT, SAMPLES, TODAY, assert_nothing_written, invoke

from batch import i18n
from batch.errors import InputError, Phrase
from batch.read import kinds, read_table

CORPUS = ROOT / "tests" / "bad_inputs"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
KANA = re.compile(r"[\u3040-\u30ff]")


def _run(tmp_path: Path, dispatch: Path) -> tuple[int, str, str, Path]:
    work = tmp_path / "work"
    work.mkdir(parents=True)
    argv = ["run", "--orders", SAMPLES / "qsm-detail-ja.csv", "--dispatch", dispatch]
    argv += ["--out", work / "out", "--today", TODAY, "--no-ledger"]
    code, out, err = invoke(argv)
    return code, out, err, work


@pytest.mark.parametrize(
    ("locale", "script", "prefix", "words"),
    [
        ("ko_KR.UTF-8", HANGUL, "오류: ", ["PDF 문서입니다", "CSV 또는 Excel로 내려받으세요"]),
        ("ja_JP.UTF-8", KANA, "エラー: ", ["PDFです", "CSVまたはExcelでダウンロード"]),
    ],
)
def test_a_refusal_is_said_in_the_machines_language(tmp_path, monkeypatch, locale, script, prefix,
                                                    words):  # fmt: skip
    # No command chooses its language yet: `auto`, the machine's locale, decides.
    monkeypatch.setenv("LANG", locale)
    pdf = CORPUS / "pdf-named.csv"
    code, out, err, work = _run(tmp_path, pdf)
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith(prefix + str(pdf)), err
    assert script.search(err), err
    for word in words:
        assert word in err, err
    said = err.replace(str(pdf), "")
    assert "error" not in said.lower() and "is a PDF" not in said  # no English sentence
    assert_nothing_written(work)


@pytest.mark.parametrize(
    ("lang", "script", "prefix"), [("ko", HANGUL, "오류: "), ("ja", KANA, "エラー: ")]
)
def test_a_refusal_is_said_in_the_language_lang_chooses(tmp_path, lang, script, prefix):
    png = CORPUS / "screenshot.png"
    work = tmp_path / "work"
    work.mkdir()
    argv = ["run", "--lang", lang, "--orders", SAMPLES / "qsm-detail-ja.csv"]
    code, out, err = invoke([*argv, "--dispatch", png, "--out", work / "out", "--today", TODAY])
    assert code == 2 and out == "" and err.startswith(prefix + str(png)), err
    said = err.replace(str(png), "")
    assert script.search(said) and "PNG" in said and not re.search(r"\b(is|the|not)\b", said)
    assert_nothing_written(work)


@pytest.mark.parametrize(
    ("lang", "script", "prefix"), [("ko", HANGUL, "오류: "), ("ja", KANA, "エラー: ")]
)
def test_validate_says_a_file_it_cannot_read_in_the_language_lang_chooses(lang, script, prefix):
    png = CORPUS / "screenshot.png"
    code, _, err = invoke(["validate", "--lang", lang, png])
    assert code == 2 and err.startswith(prefix + str(png)), err
    assert script.search(err.replace(str(png), "")), err


def test_english_is_the_fallback_of_a_machine_in_no_language_of_ours(tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    code, _, err, work = _run(tmp_path, CORPUS / "screenshot.png")
    assert code == 2 and err.startswith("error: ") and "is a PNG image, not a sheet" in err
    assert_nothing_written(work)


def test_str_of_a_refusal_stays_english_while_it_renders_in_any_language():
    with pytest.raises(InputError) as caught:
        read_table(CORPUS / "delivery-slip.pdf", "dispatch")
    exc = caught.value
    assert str(exc).startswith(f"{CORPUS / 'delivery-slip.pdf'}: is a PDF document")
    assert exc.problem.startswith("is a PDF document") and "not as PDF" in exc.hint
    assert HANGUL.search(exc.render("ko")) and not HANGUL.search(str(exc))
    assert exc.render("ja").startswith(f"{CORPUS / 'delivery-slip.pdf'}: PDFです")


def test_a_phrase_says_its_fields_in_the_same_language():
    hint = Phrase("error.text.right_file", save_as=Phrase("error.hint.save_as"))
    assert hint.render("en").endswith("save it as .xlsx or as CSV, then run again.")
    assert "Excelで開き" in hint.render("ja") and "Excel에서 열어" in hint.render("ko")


def _phrase_keys() -> set[str]:
    """Every key a Phrase(...) of batch/ names."""
    keys = set()
    for path in (ROOT / "batch").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "Phrase"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                keys.add(node.args[0].value)
    return keys


def test_every_key_a_refusal_names_is_in_the_catalogue():
    keys = _phrase_keys()
    assert len(keys) > 60  # the scan finds them (a refusal with a missing key is a crash)
    assert sorted(k for k in keys if not i18n.has(k)) == []


def test_the_refusals_and_their_fields_are_in_errors_toml_of_every_language():
    parts = {lang: i18n.tomllib.loads((ROOT / "batch" / "locale" / lang / "errors.toml")
                                      .read_text("utf-8")) for lang in i18n.LANGUAGES}  # fmt: skip
    for key in _phrase_keys():
        for lang, part in parts.items():
            entry = part
            for name in key.split("."):
                entry = entry[name]
            assert isinstance(entry, str) and entry.strip(), (lang, key)


def test_a_numbers_document_saved_as_a_folder_is_named(tmp_path):
    package = tmp_path / "dispatch.numbers"
    (package / "Index").mkdir(parents=True)
    with pytest.raises(InputError, match="Apple Numbers document"):
        read_table(package, "dispatch")
    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(InputError, match="is a directory"):
        read_table(folder, "dispatch")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("screenshot.png", "PNG"),
        ("photo.jpg", "JPEG"),
        ("picture.gif", "GIF"),
        ("picture.bmp", "BMP"),
        ("scan.tif", "TIFF"),
        ("photo.webp", "WebP"),
        ("photo.heic", "HEIC"),
    ],
)
def test_an_image_is_told_by_its_bytes(name, kind):
    assert kinds.image_kind((CORPUS / name).read_bytes()) == kind


@pytest.mark.parametrize(
    "text",
    [
        b"BM,tracking\r\n1,2\r\n",  # a CSV that starts with "BM": no BMP header around it
        b"II*\r\n",
        "注文番号,送り状番号\r\n".encode("cp932"),
        b"PDF,tracking\r\n",
    ],
)
def test_a_sheet_that_starts_like_an_image_is_still_a_sheet(text):
    assert kinds.image_kind(text) is None
    assert kinds.not_a_sheet(Path("x.csv"), text) is None


@pytest.mark.parametrize(
    ("raised", "exit_code", "ko", "en"),
    [
        (RuntimeError("boom"), 1, "내부 오류: RuntimeError: boom", "internal error: RuntimeError"),
        (PermissionError(13, "Permission denied", "/x/y.csv"), 2, "오류: /x/y.csv: Permission",
         "error: /x/y.csv: Permission denied. Check the path"),
    ],
)  # fmt: skip
def test_the_machines_problems_and_bugs_are_said_in_its_language(
    tmp_path, monkeypatch, raised, exit_code, ko, en
):
    from batch import pipeline

    def fails(*args, **kwargs):
        raise raised

    monkeypatch.setattr(pipeline, "run", fails)
    for locale, expected in (("ko_KR.UTF-8", ko), ("C.UTF-8", en)):
        monkeypatch.setenv("LANG", locale)
        code, _, err, _ = _run(tmp_path / locale, SAMPLES / "yamato-b2.csv")
        assert code == exit_code and err.startswith(expected), err
