from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from batch import normalize, utf8
from schemas import checks


def _one(func, value):
    return func(pd.Series([value], dtype=object)).iloc[0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("389711074012", "389711074012"),
        ("３８９７１１０７４０１２", "389711074012"),  # full-width digits
        ("３８９７−１１０７−４０１２", "389711074012"),  # U+2212 minus, NFKC keeps it
        ("4055-4842-4886", "405548424886"),
        ("4055‐4842―4886", "405548424886"),  # U+2010, U+2015
        ("4055ー4842－4886", "405548424886"),  # katakana long vowel, full-width hyphen
        ("4055 4842\u30004886", "405548424886"),  # space, ideographic space
        ("  389711074012\t", "389711074012"),
        ("'389711074012", "389711074012"),
        ('="389711074012"', "389711074012"),
        ("389711074012.0", "389711074012"),
        ("A389711074012A", "389711074012"),  # Codabar start/stop
        ("b389711074012b", "389711074012"),
        ("a1234567890123a", "1234567890123"),
        ("ef 719215461 jp", "EF719215461JP"),
        ("AB12345678CD", "AB12345678CD"),  # not Codabar: the letters differ and are two
        ("A12B34A", "A12B34A"),  # inside not all digits
        ("3.89711E+11", "3.89711E+11"),  # mangled stays visible, never "repaired"
        ("", ""),
    ],
)
def test_tracking(raw, expected):
    assert _one(normalize.tracking, raw) == expected


def test_tracking_keeps_index_and_handles_missing_and_numbers():
    s = pd.Series(
        ["A389711074012A", np.nan, None, 389711074012, 389711074012.0],
        index=[7, 3, 9, 1, 5],
        dtype=object,
    )
    out = normalize.tracking(s)
    assert out.index.tolist() == [7, 3, 9, 1, 5]
    assert out.tolist() == ["389711074012", "", "", "389711074012", "389711074012"]


def test_tracking_of_a_float_column():
    out = normalize.tracking(pd.Series([389711074012.0, np.nan]))
    assert out.tolist() == ["389711074012", ""]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3.89711E+11", True),
        ("3.89711074012e+11", True),
        ("3,89711E+11", True),  # comma decimal
        ("３．８９７１１Ｅ＋１１", True),  # full-width
        ("'3.89711E+11", True),
        (" 1E+11 ", True),
        ("389711074012", False),
        ("389711074012.0", False),
        # What 4.39628E+11 becomes when the sheet is saved again as a number: digits lost.
        ("439628000000", True),
        ("439628000000.0", True),
        ("'４３９６２８１０００００", True),  # five zeros, full-width, text prefix
        ("439628110000", False),  # four zeros: a number like any other
        ("4396-2800-0000", False),  # typed from the label: Excel writes no hyphens
        ("1234500000", False),  # 10 digits (Seino): not what Excel rounds a 12-digit to
        ("12E34", False),  # alphanumeric, no "+"
        ("EF719215461JP", False),
        ("", False),
    ],
)
def test_is_mangled(raw, expected):
    assert bool(_one(normalize.is_mangled, raw)) is expected


def test_is_mangled_returns_bool_series_with_index():
    out = normalize.is_mangled(pd.Series(["3.89711E+11", np.nan], index=["a", "b"], dtype=object))
    assert out.dtype == bool
    assert out.to_dict() == {"a": True, "b": False}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+81-90-1234-5678", "09012345678"),
        ("+819012345678", "09012345678"),
        ("81-90-1234-5678", "09012345678"),
        ("+81 (0)3-1234-5678", "0312345678"),
        ("090-1234-5678", "09012345678"),
        ("０９０ー１２３４ー５６７８", "09012345678"),
        ("'090-1234-5678", "09012345678"),
        ("'+81-90-1234-5678", "09012345678"),  # Excel's "'" before the country code
        ("'81-90-1234-5678", "09012345678"),
        ("''+81-90-1234-5678", "819012345678"),  # only one "'" is Excel's
        ("(03) 1234-5678", "0312345678"),
        ("9012345678", "09012345678"),  # Excel dropped the leading 0
        ("-", ""),
        ("+81--", ""),
        ("000-0000-0000", ""),
        ("00000000000", ""),
        ("", ""),
    ],
)
def test_phone(raw, expected):
    assert _one(normalize.phone, raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("'289-1733", "2891733"),
        ("〒100-0001", "1000001"),
        ("１００ー０００１", "1000001"),
        ("〒 060−0001", "0600001"),
        ("1000001", "1000001"),
        ("100-001", ""),
        ("100-00012", ""),
        ("東京都", ""),
        ("100-0001 東京都", ""),
        ("1a00001", ""),
        ("", ""),
    ],
)
def test_postal(raw, expected):
    assert _one(normalize.postal, raw) == expected


def _random_texts(seed: int, alphabet: str, n: int = 3000) -> pd.Series:
    """Short texts of ``alphabet``'s characters in several Arrow chunks, one of them a slice:
    what a CSV's or a filter's columns look like."""
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    texts = ["".join(rng.choice(list(alphabet), rng.integers(0, 14))) for _ in range(n)]
    whole = pa.array(texts, pa.large_string())
    chunks = [whole.slice(0, 1000), whole.slice(1000, 1), whole.slice(1001)]
    return pd.Series(pa.chunked_array(chunks), dtype=str)


ANY = "0123456789０１９-ー－‐ 〒'+()a漢é\t\u3000"
POSTAL = "0123456789０１-ー 〒'a"  # mostly seven digits among separators


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ascii_digits_are_what_removing_every_other_character_leaves(seed):
    texts = _random_texts(seed, ANY)
    expected = texts.str.replace("[^0-9]+", "", regex=True)
    assert normalize.ascii_digits(texts).tolist() == expected.tolist()
    assert normalize.ascii_digits(texts.iloc[7:20]).tolist() == expected.iloc[7:20].tolist()
    # A long chunk is done a slice of rows at a time.
    whole = texts.array.__arrow_array__().combine_chunks()
    assert normalize._digits(whole, rows=100).to_pylist() == expected.tolist()


@pytest.mark.parametrize(("seed", "alphabet"), [(1, ANY), (2, POSTAL), (3, POSTAL)])
def test_postal_is_seven_digits_once_the_separators_are_removed(seed, alphabet):
    texts = _random_texts(seed, alphabet)
    separators = f"[{normalize.HYPHENS}{normalize.SPACES}'〒]+"
    kept = normalize.nfkc(texts).str.replace(separators, "", regex=True)
    expected = kept.where(kept.str.fullmatch("[0-9]{7}"), "")
    got = normalize.postal(texts)
    assert got.tolist() == expected.tolist()
    assert alphabet == ANY or got.ne("").sum() > 50


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("山田 太郎 様", "山田太郎"),
        ("山田　太郎", "山田太郎"),
        ("山田太郎殿", "山田太郎"),
        ("やまだ たろう さま", "やまだたろう"),
        ("株式会社テスト 御中", "株式会社テスト"),
        ("김민수 님", "김민수"),
        ("김민수씨", "김민수"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ"),  # half-width kana
        ("Taro YAMADA", "taroyamada"),
        ("", ""),
    ],
)
def test_person_name(raw, expected):
    assert _one(normalize.person_name, raw) == expected


def test_names_compare_equal_after_normalising():
    a = normalize.person_name(pd.Series(["山田 太郎 様"]))
    b = normalize.person_name(pd.Series(["山田　太郎"]))
    assert a.iloc[0] == b.iloc[0]


def test_nfkc_strips_and_widens():
    assert normalize.nfkc(pd.Series([" ＡＢＣ１２３ ", "ｶﾀｶﾅ"])).tolist() == ["ABC123", "カタカナ"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026/11/24", "2026-11-24 00:00:00"),
        ("2026/04/15 19:12:16", "2026-04-15 19:12:16"),
        ("2026-11-24 10:12:33", "2026-11-24 10:12:33"),
        ("2026-11-24T10:12:33.5", "2026-11-24 10:12:33"),
        ("2026/1/5 9:05", "2026-01-05 09:05:00"),
        ("20261124", "2026-11-24 00:00:00"),
        ("２０２６年１１月２４日", "2026-11-24 00:00:00"),
        ("2026.11.24", "2026-11-24 00:00:00"),
        ("45000", "2023-03-15 00:00:00"),  # Excel serial day number
        ("45000.5", "2023-03-15 12:00:00"),
    ],
)
def test_dates(raw, expected):
    assert _one(normalize.dates, raw) == pd.Timestamp(expected)


@pytest.mark.parametrize("raw", ["", "2026/13/01", "2026/11/24 25:00", "soon", None])
def test_dates_not_a_date_is_nat(raw):
    assert pd.isna(_one(normalize.dates, raw))


def test_dates_keeps_index():
    out = normalize.dates(pd.Series(["20261124", ""], index=[5, 2]))
    assert out.index.tolist() == [5, 2]
    assert pd.api.types.is_datetime64_dtype(out)


def test_money():
    out = normalize.money(pd.Series(["¥1,234", "￥１，２３４円", "1234.5", "-500", "", "abc"]))
    assert out.tolist()[:4] == [1234.0, 1234.0, 1234.5, -500.0]
    assert out.isna().tolist()[4:] == [True, True]


@pytest.mark.parametrize("dtype", ["str", object])
def test_without_spaces_matches_python_whitespace(dtype):
    cells = ["123 456", "１２３\u3000456", "ab\tc", "x\x1cy", "n\u00a0o", "plain-123", "", "\u2003"]
    cells += [f"{i:012d}" for i in range(3_000)]  # the common case: nothing to strip
    expected = [re.sub(r"\s+", "", c) for c in cells]
    got = normalize.without_spaces(pd.Series(cells, dtype=dtype, index=range(5, 5 + len(cells))))
    assert got.tolist() == expected
    assert got.index[0] == 5


def test_order_state_is_the_same_per_row_as_per_distinct_status():
    from batch import inputs

    statuses = [
        "入金待ち",
        "配送要請",
        "取消",  # no 配送状態 QSM is known to show (only キャンセル is)
        "배송 지연",
        "配送中",
        "ｷｬﾝｾﾙ",
        None,  # a blank status says nothing: not paid
        "配送遅延（要対応）",
        "配送要請済み",  # contains a known status: a substring is not a match
    ] * 500
    got = inputs.order_state(pd.Series(statuses, index=range(10, 10 + len(statuses))))
    one = [inputs.order_state(pd.Series([s])).iloc[0] for s in statuses[:9]]
    assert one == [
        "awaiting_payment",
        "paid",
        "unknown",
        "delayed",
        "shipped",
        "cancelled",
        "unknown",
        "delayed",
        "unknown",
    ]
    assert got.tolist() == one * 500
    assert got.index[0] == 10


def test_order_state_reads_a_profile_s_own_statuses():
    from batch import formats, inputs

    ja = formats.get("qsm-detail-ja").statuses
    s = pd.Series(["配送要請", "배송요청"])
    assert inputs.order_state(s, ja).tolist() == ["paid", "unknown"]
    assert inputs.order_state(s).tolist() == ["paid", "paid"]  # the shared list: both screens


def test_every_orders_profile_lists_its_screen_s_statuses():
    from batch import formats

    orders = [p for p in formats.profiles() if p.kind == "orders"]
    by_language = {}
    for p in orders:
        assert p.statuses, p.name
        by_language.setdefault(p.language, []).append(p.statuses)
    for language, tables in by_language.items():
        assert all(t == tables[0] for t in tables), language  # brief = detail
    assert not any(p.statuses for p in formats.profiles() if p.kind == "dispatch")


@pytest.mark.parametrize(
    "statuses",
    [
        {"paid": ["配送要請"], "cancelled": ["配送要請 "]},  # one text, two states
        {"refunded": ["返金済み"]},  # a state the rules do not know
        {"paid": [""]},
    ],
)
def test_a_status_table_that_would_guess_is_refused(statuses):
    from batch import formats

    with pytest.raises(ValueError, match=r"\[statuses\]"):
        formats.status_table(statuses)


def _random_frame(rng, n):
    k = int(rng.integers(1, 40))
    return pd.DataFrame(
        {
            "a": pd.Series(rng.integers(0, k, size=n).astype(str), dtype="str"),
            "b": pd.Series(rng.choice(["x", "y", "", "ä"], size=n), dtype="str"),
            "c": pd.to_datetime(pd.Series(rng.choice(["2026-01-02", None, "2026-01-01"], size=n))),
            "d": rng.permutation(n),
        }
    )


def test_key_helpers_agree_with_pandas():
    rng = np.random.default_rng(7)
    for n in [0, 1, 2, 5, 50, 300] * 20:
        df = _random_frame(rng, n)
        assert (normalize.first_seen(df["a"], df["b"]) == ~df.duplicated(["a", "b"])).all()
        assert (normalize.first_seen(df["a"]) == ~df["a"].duplicated()).all()
        nunique = df.groupby("a")["b"].nunique()
        assert (normalize.distinct_per_group(df["a"], df["b"]) == nunique.loc[df["a"]]).all()


def test_joined_per_group_is_join_present_of_each_group_of_groupby():
    from batch.rules.order import join_present

    rng = np.random.default_rng(11)
    for n in [0, 1, 2, 5, 50, 300] * 20:
        df = _random_frame(rng, n)
        expected = df.groupby("a", sort=False)["b"].agg(join_present)
        got = normalize.joined_per_group(normalize.keys(df["a"]), df["b"])
        assert got.tolist() == expected.tolist()
    # Several distinct values in row order, each once; a group of blanks joins to "".
    got = normalize.joined_per_group(np.array([0, 1, 0, 0, 1, 2]), ["b", "", "a", "b", "", "c"])
    assert got.tolist() == ["b, a", "", "c"]


def test_keys_number_tuples_in_order_of_first_appearance():
    a = pd.Series(["9", "1", "9", "1", "5"], dtype="str")
    b = pd.Series(["x", "x", "x", "y", "x"], dtype="str")
    assert normalize.keys(a, b).tolist() == [0, 1, 0, 2, 3]


def test_dates_mix_plain_and_other_spellings_row_by_row():
    cells = [
        "2026/11/24 10:12:33",
        "45000",
        "2026年11月24日",
        "",
        "2026/11/24 10:12:3x",
        "20261124",
    ]
    got = normalize.dates(pd.Series(cells, index=[3, 3, 1, 1, 0, 0]))
    one_by_one = [_one(normalize.dates, c) for c in cells]
    assert got.tolist()[:3] == one_by_one[:3]
    assert got.isna().tolist() == [False, False, False, True, True, False]
    assert got.index.tolist() == [3, 3, 1, 1, 0, 0]


def test_tracking_rewrites_only_what_needs_it_and_leaves_its_input_alone():
    raw = pd.Series(["3897-1107-4012", "389711074012", "", "a1234a", "4.39628E+11"], dtype="str")
    before = raw.copy()
    got = normalize.tracking(raw)
    assert got.tolist() == ["389711074012", "389711074012", "", "1234", "4.39628E+11"]
    assert raw.equals(before)


@pytest.mark.parametrize("n_items", [3, 40])  # as many values as items; items 4x the values
def test_isin_and_positions_answer_as_pandas_with_few_values_or_many(n_items):
    # Few values among many items are hashed the other way round (normalize._found_in):
    # repeats, absent values, the empty text and a repeated item must answer the same.
    rng = np.random.default_rng(7)
    pool = np.array(["", "1", "01", "12", "123", "a", "b", "ab", "999", "x y"], dtype=object)
    for _ in range(50):
        values = pd.Series(rng.choice(pool, 6), dtype=object)
        items = pd.Series(rng.choice(pool, n_items), dtype=object)
        assert (normalize.isin(values, items) == values.isin(items).to_numpy()).all()
        first = items.drop_duplicates()
        expected = pd.Index(first).get_indexer(pd.Index(values))
        assert (normalize.positions(values, first) == expected).all()
        # Repeated items: the first one's position, as Arrow's index_in gives.
        first_at = {v: i for i, v in reversed(list(enumerate(items)))}
        at = normalize.positions(values, items)
        assert (at == [first_at.get(v, -1) for v in values]).all()


def test_person_name_per_distinct_value_is_the_same_as_per_row():
    # Long columns of repeated names go through the distinct values only: same keys.
    names = ["山田 太郎 様", "山田　太郎", "김민수 님", "ＳＭＩＴＨ John", "", None, "ｶﾀｶﾅ 殿"]
    s = pd.Series(names * 700, index=range(5, 5 + 7 * 700))
    got = normalize.person_name(s)
    assert len(s) >= 2_000  # long enough for the per-distinct path
    pd.testing.assert_series_equal(got, normalize._person_name(normalize.as_text(s)))
    assert got.iloc[:4].tolist() == ["山田太郎", "山田太郎", "김민수", "smithjohn"]


def test_a_column_whose_values_repeat_is_read_once_per_value_even_if_its_head_does_not():
    # A day's order times: the first rows all differ, the day as a whole repeats them.
    texts = pd.Series([f"2026/11/24 {i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}"
                       for i in range(15_000)] * 4, dtype=str)  # fmt: skip
    read = []
    dates = normalize._per_distinct(texts, lambda t: read.append(len(t)) or normalize._dates(t))
    assert read == [15_000]
    pd.testing.assert_series_equal(dates, normalize._dates(texts))


@pytest.mark.parametrize("chunks", [1, 7])
def test_nfkc_and_casefold_of_a_column_of_few_words_are_the_per_row_ones(chunks):
    # Mostly non-ASCII and repeating (statuses, carriers): done on the distinct words.
    words = ["配送要請", " ﾔﾏﾄ運輸 ", "ヤマト運輸\u3000", "ＳＡＧＡＷＡ", "Sagawa ", "",
             "김민수 님"]  # fmt: skip
    texts = np.random.default_rng(5).choice(words, 6_000, p=[0.3, 0.2, 0.2, 0.1, 0.1, 0.05, 0.05])
    cells = pa.array(texts, pa.large_string())
    size = -(-len(texts) // chunks)
    s = pd.Series(pa.chunked_array([cells.slice(i, size) for i in range(0, len(texts), size)]),
                  index=range(3, 3 + len(texts)), dtype=str)  # fmt: skip
    assert s.array.__arrow_array__().num_chunks == chunks
    per_row = pd.Series([t.strip() for t in map(_nfkc, texts)], index=s.index, dtype=str)
    pd.testing.assert_series_equal(normalize.nfkc(s), per_row)
    folded = pd.Series([t.casefold() for t in texts], index=s.index, dtype=str)
    pd.testing.assert_series_equal(normalize.casefold(s), folded)
    # Many distinct non-ASCII texts take the per-distinct path, with the same result.
    many = pd.Series([f"ﾔﾏﾄ {i} " for i in range(3_000)], dtype=str)
    pd.testing.assert_series_equal(
        normalize.nfkc(many), pd.Series([_nfkc(t).strip() for t in many], dtype=str)
    )


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_first_of_each_is_not_duplicated_of_the_texts(seed):
    # Order numbers hashed as numbers: "0123" and "123" differ, 18+ digits and any other
    # text are compared as texts; several chunks, sliced.
    rng = np.random.default_rng(seed)
    pieces = ["0", "1", "7", "00", "12", "１", "O", "-", " ", "", "9" * 17, "9" * 18, "1" * 20]
    texts = ["".join(rng.choice(pieces, rng.integers(0, 4))) for _ in range(4_000)]
    cells = pa.array(texts, pa.large_string())
    s = pd.Series(pa.chunked_array([cells.slice(0, 1_500), cells.slice(1_500)]), dtype=str)
    for part in (s, s.iloc[700:3_100]):
        expected = ~part.duplicated(keep="first")
        assert expected.sum() < len(part) - 100  # many repeats, of both kinds
        pd.testing.assert_series_equal(checks.first_of_each(part), expected)
    whole = utf8._digits_alone(cells)
    assert (utf8._digits_alone(cells, rows=100) == whole).all()
    assert whole.sum() > 1_000 and (~whole).sum() > 1_000
    objects = s.astype(object)
    pd.testing.assert_series_equal(checks.first_of_each(objects), ~objects.duplicated())
    keys = utf8.digit_keys(pd.Series(["0123", "123", "12x", "", "１２"], dtype=str))
    assert keys[0] != keys[1] and (keys[1:3] == [123 * 18 + 3, -1]).all()
    assert (keys[3:] == -1).all()


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_written_dates_read_from_their_bytes_are_pandas_own(seed):
    # In range, out of range (month 00/13, 02/29 of common years, day 31 of short months,
    # 24:00, a 60th or 61st second, year 0000) and other spellings, in a sliced array.
    rng = np.random.default_rng(seed)
    n = 3_000

    def field(lo, hi, width):
        return np.char.zfill(rng.integers(lo, hi, n).astype(str), width)

    texts = np.char.add(np.char.add(field(0, 2400, 4), "/"), field(0, 14, 2))
    texts = np.char.add(np.char.add(texts, "/"), field(0, 33, 2))
    for sep, hi in ((" ", 26), (":", 62), (":", 63)):
        texts = np.char.add(np.char.add(texts, sep), field(0, hi, 2))
    some = rng.random(n)
    texts = np.where(some < 0.1, "2026/11/24 0:00:00", texts)
    texts = np.where(some > 0.95, "", texts).tolist()
    iso = pd.Series(["x", *texts], dtype=str).iloc[1:]
    plain = iso.str.fullmatch(normalize._YMD_HMS).to_numpy(dtype=bool)
    expected = pd.to_datetime(iso, format="%Y/%m/%d %H:%M:%S", errors="coerce")
    assert expected.notna().sum() > 500 and plain.sum() > 2_000
    pd.testing.assert_series_equal(normalize._as_written(iso, plain), expected)
    none = iso.where(~plain, "2026/02/30 10:00:00")
    pd.testing.assert_series_equal(
        normalize._as_written(none, np.zeros(n, dtype=bool)),
        pd.to_datetime(none, format="%Y/%m/%d %H:%M:%S", errors="coerce"),
    )
    blank = pd.Series(["2026/02/30 10:00:00", ""], dtype=str)
    assert str(normalize._as_written(blank, np.array([True, False])).dtype) == "datetime64[s]"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_texts_with_nothing_to_strip_or_remove_are_left_as_they_are(seed):
    # Columns of printable ASCII are not copied by strip or without_spaces: the same texts
    # as pandas' strip and the regex give, whichever cells hold a space, a tab or U+3000.
    rng = np.random.default_rng(seed)
    edge = [" ", "\t", "\u3000", "\xa0", "\x1c", "é", "ア", "a", "9", "'", "~", "!"]
    for kinds in (edge[6:], edge[7:], edge):
        texts = [
            "".join(rng.choice(kinds, rng.integers(0, 3))) + "x" + "".join(rng.choice(kinds, 2))
            if rng.random() < 0.9
            else ""
            for _ in range(600)
        ]
        cells = pa.array(["?", *texts], pa.large_string()).slice(1)
        s = pd.Series(pa.chunked_array([cells.slice(0, 0), cells.slice(0, 250), cells.slice(250)]),
                      dtype=str)  # fmt: skip
        pd.testing.assert_series_equal(normalize._strip(s), s.str.strip())
        removed = s.where(~s.str.contains("[^!-~]"), s.str.replace(r"\s+", "", regex=True))
        pd.testing.assert_series_equal(normalize.without_spaces(s), removed)
        assert utf8.printable(s.array.__arrow_array__()) == (kinds == edge[7:])
    blank = pd.Series(["", ""], dtype=str)
    assert utf8.printable(blank.array.__arrow_array__(), edges=True)
    # What nfkc gives is never its input: changing it leaves the input alone.
    plain = pd.Series(["123", "456"], dtype=str)
    out = normalize.nfkc(plain)
    out[0] = "9"
    assert plain.tolist() == ["123", "456"]
