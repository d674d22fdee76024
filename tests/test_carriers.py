from __future__ import annotations

import pandas as pd
import pytest

from batch import carriers, normalize, tracking


def _company_service(name):
    row = carriers.resolve(pd.Series([name], dtype=object)).iloc[0]
    return row["company"], row["service"]


@pytest.mark.parametrize(
    ("name", "company", "service"),
    [
        # Yamato
        ("ヤマト運輸", "yamato", "宅急便"),
        ("ヤマト", "yamato", "宅急便"),
        ("クロネコヤマト", "yamato", "宅急便"),
        ("ｸﾛﾈｺﾔﾏﾄ", "yamato", "宅急便"),
        ("宅急便", "yamato", "宅急便"),
        ("ヤマト宅急便", "yamato", "宅急便"),
        ("yamato", "yamato", "宅急便"),
        ("Yamato Transport", "yamato", "宅急便"),
        ("ヤマト　運輸", "yamato", "宅急便"),
        ("야마토", "yamato", "宅急便"),
        ("야마토운수", "yamato", "宅急便"),
        ("쿠로네코", "yamato", "宅急便"),
        ("宅急便コンパクト", "yamato", "宅急便コンパクト"),
        ("ネコポス", "yamato", "ネコポス"),
        ("네코포스", "yamato", "ネコポス"),
        ("クロネコゆうパケット", "yamato", "クロネコゆうパケット"),
        # Sagawa
        ("佐川急便", "sagawa", "飛脚宅配便"),
        ("佐川", "sagawa", "飛脚宅配便"),
        ("SAGAWA", "sagawa", "飛脚宅配便"),
        ("Sagawa Express", "sagawa", "飛脚宅配便"),
        ("사가와", "sagawa", "飛脚宅配便"),
        ("사가와큐빈", "sagawa", "飛脚宅配便"),
        ("飛脚宅配便", "sagawa", "飛脚宅配便"),
        # Japan Post
        ("日本郵便", "japanpost", "日本郵便"),
        ("郵便局", "japanpost", "日本郵便"),
        ("Japan Post", "japanpost", "日本郵便"),
        ("일본우편", "japanpost", "日本郵便"),
        ("우체국", "japanpost", "日本郵便"),
        ("ゆうパック", "japanpost", "ゆうパック"),
        ("유우팩", "japanpost", "ゆうパック"),
        ("ゆうパケット", "japanpost", "ゆうパケット"),
        ("유우패킷", "japanpost", "ゆうパケット"),
        ("クリックポスト", "japanpost", "クリックポスト"),
        ("Click Post", "japanpost", "クリックポスト"),
        ("클릭포스트", "japanpost", "クリックポスト"),
        ("レターパックプラス", "japanpost", "レターパック"),
        ("EMS", "japanpost", "EMS"),
        ("定形外郵便", "japanpost", "定形外郵便"),
        ("ゆうメール", "japanpost", "ゆうメール"),
        ("スマートレター", "japanpost", "スマートレター"),
        ("普通郵便", "japanpost", "普通郵便"),
        # Others
        ("西濃運輸", "seino", "カンガルー便"),
        ("seino", "seino", "カンガルー便"),
        ("세이노", "seino", "カンガルー便"),
        ("福山通運", "fukuyama", "福山通運"),
        ("Fukuyama", "fukuyama", "福山通運"),
        ("Qxpress", "qxpress", "Qxpress"),
        ("큐익스프레스", "qxpress", "Qxpress"),
    ],
)
def test_resolve_aliases(name, company, service):
    assert _company_service(name) == (company, service)


@pytest.mark.parametrize(
    ("name", "company", "service"),
    [
        ("ヤマト運輸(宅急便)", "yamato", "宅急便"),
        ("宅配便(佐川急便)", "sagawa", "飛脚宅配便"),
        ("ネコポス（ヤマト運輸）", "yamato", "ネコポス"),  # the service beats the company
        ("ヤマト宅急便コンパクト", "yamato", "宅急便コンパクト"),  # the longest name wins
        ("日本郵便 ゆうパケット", "japanpost", "ゆうパケット"),
        ("定形外郵便（追跡なし）", "japanpost", "定形外郵便"),
    ],
)
def test_resolve_longer_texts_by_containment(name, company, service):
    assert _company_service(name) == (company, service)


@pytest.mark.parametrize("name", ["", "   ", None, "foo", "DHL", "Systems", "宅配便"])
def test_resolve_unknown_or_blank_gives_empty_company(name):
    row = carriers.resolve(pd.Series([name], dtype=object)).iloc[0]
    assert row.to_dict() == {
        "company": "",
        "service": "",
        "qsm_name": "",
        "trackable": False,
        "number_rule": "",
    }


def test_resolve_keeps_index_and_columns():
    names = pd.Series(["佐川急便", "", "ゆうパケット", "佐川急便"], index=[30, 10, 20, 40])
    out = carriers.resolve(names)
    assert out.index.tolist() == [30, 10, 20, 40]
    assert out.columns.tolist() == ["company", "service", "qsm_name", "trackable", "number_rule"]
    assert out["trackable"].dtype == bool
    assert out["company"].tolist() == ["sagawa", "", "japanpost", "sagawa"]
    assert out["qsm_name"].tolist() == ["佐川急便", "", "ゆうパケット", "佐川急便"]


@pytest.mark.parametrize(
    ("name", "trackable", "rule"),
    [
        ("ヤマト運輸", True, "mod7_12"),
        ("佐川急便", True, "mod7_12"),
        ("日本郵便", True, "mod7_12_or_s10"),
        ("クリックポスト", True, "mod7_12"),
        ("EMS", True, "s10"),
        ("西濃運輸", True, "digits10"),
        ("福山通運", True, "digits10_14"),
        ("Qxpress", True, "alnum8_20"),
        ("定形外", False, "none"),
        ("정형외우편", False, "none"),
        ("ゆうメール", False, "none"),
        ("스마트레터", False, "none"),
        ("普通郵便", False, "none"),
    ],
)
def test_resolve_trackable_and_rule(name, trackable, rule):
    row = carriers.resolve(pd.Series([name])).iloc[0]
    assert (row["trackable"], row["number_rule"]) == (trackable, rule)


def test_qsm_names_of_qsm_md_resolve_to_their_own_service():
    # qsm.md §2.3: the 配送会社 spellings QSM uses must round-trip.
    names = [
        "ヤマト宅急便",
        "ネコポス",
        "クロネコDM便",
        "ゆうパケット",
        "クリックポスト",
        "ゆうパック",
        "佐川急便",
        "福山通運",
        "西濃運輸",
        "Qxpress",
    ]
    out = carriers.resolve(pd.Series(names))
    assert out["qsm_name"].tolist() == names


def test_registry_aliases_are_unambiguous():
    seen: dict[str, tuple[str, str]] = {}
    for svc in carriers.services():
        assert svc.number_rule in carriers.NUMBER_RULES
        assert svc.trackable == (svc.number_rule != "none")
        for alias in (svc.service, *svc.aliases):
            key = carriers.key(alias)
            assert seen.setdefault(key, (svc.company, svc.service)) == (svc.company, svc.service)
    for company, aliases in carriers.companies().items():
        for alias in aliases:
            key = carriers.key(alias)
            assert seen.setdefault(key, (company, ""))[0] == company


def _reasons(numbers, rule):
    return tracking.validate_tracking(normalize.tracking(pd.Series(numbers)), rule).tolist()


MOD7_VALID = [
    "389711074012",
    "389717757822",
    "444413758703",
    "123456789013",
    "512547514334",
    "600078420325",
    "405548424886",
    "4055-4842-4886",
    "317409136693",
    "2026-1097-1043",
    "３８９７１１０７４０１２",
    "３８９７−１１０７−４０１２",
    "A389711074012A",
    "389711074012.0",
]


@pytest.mark.parametrize("rule", ["mod7_12", "mod7_12_or_s10"])
def test_mod7_valid_vectors(rule):
    assert _reasons(MOD7_VALID, rule) == [""] * len(MOD7_VALID)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("000000000001", "check digit (mod 7) fails"),
        ("389711074017", "check digit (mod 7) fails"),  # last digit 7, 8, 9 never passes
        ("389711074018", "check digit (mod 7) fails"),
        ("389711074019", "check digit (mod 7) fails"),
        ("389711074013", "check digit (mod 7) fails"),
        ("38971107401", "wrong length: 12 digits expected, got 11"),
        ("3897110740120", "wrong length: 12 digits expected, got 13"),
        ("38971107401X", "not numeric: 12 digits expected"),
        ("UMN240309577", "placeholder (B2 UMN… number: label not issued yet)"),
        ("000000000000", "placeholder (all zeros)"),
        ("3.89711E+11", "mangled by a spreadsheet (scientific notation): use the original file"),
        ("", "empty"),
        ("1" * 51, "too long: at most 50 characters"),
    ],
)
def test_mod7_invalid(number, reason):
    assert _reasons([number], "mod7_12") == [reason]


S10_VALID = ["RB123456785GB", "RB123456785US", "EF719215461JP", "EE994353255CN", "ef 719215461 jp"]


@pytest.mark.parametrize("rule", ["s10", "mod7_12_or_s10"])
def test_s10_valid_vectors(rule):
    assert _reasons(S10_VALID, rule) == [""] * len(S10_VALID)


@pytest.mark.parametrize(
    ("number", "rule", "reason"),
    [
        ("RB123456786US", "s10", "UPU S10 check digit fails"),
        ("RB123456786US", "mod7_12_or_s10", "UPU S10 check digit fails"),
        ("RB12345678US", "s10", "not a UPU S10 number (2 letters, 9 digits, 2 letters)"),
        ("389711074012", "s10", "not a UPU S10 number (2 letters, 9 digits, 2 letters)"),
        ("000000000001", "mod7_12_or_s10", "check digit (mod 7) fails"),
        # The check digit is right; XX is no country (couriers.md §5.3, s10.json `invalid`).
        ("RB123456785XX", "s10", "country code XX is not an ISO 3166-1 country"),
        ("RB123456785XX", "mod7_12_or_s10", "country code XX is not an ISO 3166-1 country"),
        # Netherlands Antilles, dissolved in 2010: a label printed now cannot carry it.
        ("RB123456785AN", "s10", "country code AN is not an ISO 3166-1 country"),
        ("rb 123456785 zz", "s10", "country code ZZ is not an ISO 3166-1 country"),
    ],
)
def test_s10_invalid(number, rule, reason):
    assert _reasons([number], rule) == [reason]


def test_s10_country_codes_are_every_current_iso_country():
    import pycountry

    # Body 12345678 has check digit 5 whatever the letters are.
    codes = sorted(c.alpha_2 for c in pycountry.countries)
    assert len(codes) > 240
    assert _reasons([f"RB123456785{c}" for c in codes], "s10") == [""] * len(codes)


@pytest.mark.parametrize(
    ("number", "rule", "reason"),
    [
        ("1234567890", "digits10", ""),
        ("123456789", "digits10", "wrong length: 10 digits expected, got 9"),
        ("12345678901", "digits10", "wrong length: 10 digits expected, got 11"),
        ("12345-67890", "digits10", ""),
        ("123456789A", "digits10", "not numeric: 10 digits expected"),
        ("1234567890", "digits10_14", ""),
        ("12345678901234", "digits10_14", ""),
        ("123456789012345", "digits10_14", "wrong length: 10–14 digits expected, got 15"),
        ("A1234567890", "alnum8_20", ""),
        ("A123456", "alnum8_20", "8–20 letters or digits expected"),
        ("UMN240309577", "alnum8_20", "placeholder (B2 UMN… number: label not issued yet)"),
        ("anything-goes/1", "any", ""),
        ("", "any", "empty"),
        ("whatever", "no-such-rule", ""),
        ("", "none", ""),
        ("12345", "none", ""),
    ],
)
def test_other_rules(number, rule, reason):
    assert _reasons([number], rule) == [reason]


def test_validate_tracking_aligns_rule_series_by_index():
    numbers = pd.Series(["389711074012", "1234567890", "RB123456786US", ""], index=[4, 3, 2, 1])
    rules = pd.Series(["none", "s10", "digits10", "mod7_12"], index=[1, 2, 3, 4])
    out = tracking.validate_tracking(numbers, rules)
    assert out.index.tolist() == [4, 3, 2, 1]
    assert out.tolist() == ["", "", "UPU S10 check digit fails", ""]


def test_resolve_then_validate():
    sheet = pd.DataFrame(
        {
            "carrier": ["ヤマト運輸", "사가와큐빈", "日本郵便", "定形外", "谜之快递"],
            "number": ["389711074012", "600078420326", "EF719215461JP", "", "X1"],
        }
    )
    rules = carriers.resolve(sheet["carrier"])["number_rule"]
    out = tracking.validate_tracking(normalize.tracking(sheet["number"]), rules)
    assert out.tolist() == ["", "check digit (mod 7) fails", "", "", ""]


def test_duplicate_index_is_fine():
    numbers = pd.Series(["389711074012", "389711074013", "EF719215461JP"], index=[1, 1, 1])
    assert tracking.validate_tracking(numbers, "mod7_12_or_s10").tolist() == [
        "",
        "check digit (mod 7) fails",
        "",
    ]
    assert carriers.resolve(pd.Series(["佐川", "ヤマト"], index=[0, 0]))["company"].tolist() == [
        "sagawa",
        "yamato",
    ]


REGISTRY_TEXT = carriers.REGISTRY.read_text("utf-8")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (('number_rule = "digits10"', 'number_rule = "digits11"'), "number_rule is one of"),
        (("trackable = true", "trackable = 1"), "trackable is true or false"),
        (('company = "seino"', 'company = "seino"\ncolour = "green"'), "unknown keys ['colour']"),
        (('company = "fukuyama"', 'company = "fukuyam"'), "companies without a service"),
        (("\n[companies]\n", "\n[companies\n"), "not valid TOML"),
        (("\n[companies]\n", "\n[company]\n"), "expects [[service]] entries and [companies]"),
    ],
)
def test_a_broken_registry_stops_naming_the_file(tmp_path, change, says):
    old, new = change
    assert old in REGISTRY_TEXT
    path = tmp_path / "carriers.toml"
    path.write_text(REGISTRY_TEXT.replace(old, new, 1), "utf-8")
    with pytest.raises(ValueError) as caught:
        carriers.load(path)
    assert str(caught.value).startswith(str(path)) and says in str(caught.value)


def test_the_shipped_registry_loads():
    assert carriers.load().services == carriers.services()


def test_tracking_implements_every_rule_the_registry_may_name():
    assert set(tracking._RULES) | {"none"} == set(carriers.NUMBER_RULES)


def test_key_of_one_text_is_the_vectorised_normal_form():
    # The registry is keyed one text at a time (no pandas to load it); the same texts as a
    # column through normalize must key alike, or a carrier would silently become unknown.
    texts = [a for svc in carriers.services() for a in (svc.service, *svc.aliases)]
    texts += [a for names in carriers.companies().values() for a in names]
    texts += ["  ﾔﾏﾄ運輸（宅急便） ", "ＳＡＧＡＷＡ", "Ｊａｐａｎ　Ｐｏｓｔ"]
    texts += ["우체국_택배", "ß-Straße", ""]
    column = pd.Series(texts, dtype="str")
    vectorised = normalize.casefold(normalize.nfkc(column)).str.replace(r"[\W_]+", "", regex=True)
    assert [carriers.key(t) for t in texts] == vectorised.tolist()
