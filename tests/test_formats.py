"""Format profiles are data, checked when loaded: a misspelt key or column stops loudly
instead of silently doing nothing, every carrier a profile names is known, and each profile
is the one detected for its own header."""

from __future__ import annotations

import pandas as pd
import pytest

from batch import carriers, formats

GOOD = """
name = "test-sheet"
title = "A test sheet"
kind = "dispatch"
required = ["tracking_no"]
[columns]
tracking_no = ["送り状番号"]
reference = ["注文番号"]
"""


def write(tmp_path, text):
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_well_formed_profile_loads(tmp_path):
    profile = formats._load(write(tmp_path, GOOD))
    assert profile.name == "test-sheet" and profile.columns["reference"] == ("注文番号",)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (('reference = ["注文番号"]', 'referense = ["注文番号"]'), "columns.referense"),
        (('required = ["tracking_no"]', 'requried = ["tracking_no"]'), "requried"),
        (('required = ["tracking_no"]', 'required = ["tracking"]'), "required 'tracking'"),
        (('kind = "dispatch"', 'kind = "dispatches"'), "dispatches"),
        (('reference = ["注文番号"]', 'order_no = ["注文番号"]'), "columns.order_no"),  # orders'
    ],
)
def test_a_misspelt_key_or_column_stops_naming_the_file(tmp_path, change, named):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ValueError) as err:
        formats._load(path)
    assert str(path) in str(err.value) and named in str(err.value)


def test_every_shipped_profile_loads():
    assert len(formats.profiles()) >= 11


def test_every_carrier_a_profile_names_is_known():
    for p in formats.profiles():
        names = [p.carrier] if p.carrier else []
        names += list(p.service_codes.values())
        if not names:
            continue
        found = carriers.resolve(pd.Series(names, dtype=object))
        unknown = [n for n, c in zip(names, found["company"], strict=True) if not c]
        assert not unknown, f"{p.name}: unknown carriers {unknown}"


def _own_header(p: formats.Profile) -> list[str]:
    """A header holding the profile's required columns and its signature, nothing else."""
    return [p.columns[c][0] for c in p.required] + list(p.signature)


@pytest.mark.parametrize("profile", formats.profiles(), ids=lambda p: p.name)
def test_each_profile_is_detected_for_its_own_header(profile):
    assert formats.best_fit(_own_header(profile), profile.kind).name == profile.name
