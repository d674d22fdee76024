"""What the command line loads before it does anything (issue 16: `--help` and `formats`
start at once). Each check runs in a fresh interpreter and reads its sys.modules; how long
that takes is measured in benchmarks/, never here."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click
import pytest
from cli_outcome import ROOT

from batch.cli import cli

HEAVY = ("pandas", "pandera", "openpyxl", "pyarrow", "numpy", "httpx", "holidays")

# Runs the command line with the given arguments, then prints the heavy modules it loaded.
_RUN_AND_LIST = f"""
import json, sys
from batch.cli import main
code = 0
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps([code, sorted(m for m in {HEAVY!r} if m in sys.modules)]))
"""


def _loaded(*args: str, cwd=ROOT, code: int = 0) -> list[str]:
    """The heavy modules the command loaded; it must end with ``code``."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", _RUN_AND_LIST, *args],
        capture_output=True, text=True, cwd=cwd, env=env, check=True,
    )  # fmt: skip
    ended, loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert ended == code, done.stderr
    return loaded


def _command_paths(group: click.Group = cli, above: tuple[str, ...] = ()) -> list[tuple]:
    """Every command and subcommand, as the words that name it: new ones are covered too."""
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*above, name))
        if isinstance(command, click.Group):
            paths += _command_paths(command, (*above, name))
    return paths


def test_importing_the_command_line_loads_no_heavy_module():
    code = f"import batch.cli, sys; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("words", [(), *_command_paths()], ids=" ".join)
def test_help_loads_no_heavy_module(words):
    assert _loaded(*words, "--help") == []


def test_formats_lists_the_profiles_without_pandas():
    assert _loaded("formats") == []


def test_the_seller_config_is_read_and_checked_without_pandas(tmp_path):
    # every command reads it first, a quick one included
    (tmp_path / "qoo10-dispatch.toml").write_text(
        '[carriers]\n"佐川急便" = "佐川急便(飛脚宅配便)"\n[sheets]\n"kse-*.xlsx" = "佐川急便"\n',
        encoding="utf-8",
    )
    assert _loaded("config", cwd=tmp_path) == []


def test_a_usage_error_is_told_without_pandas():
    assert _loaded("run", "--orders", "x.csv", code=2) == []


def test_the_listing_sees_the_commands():
    # the parametrisation above must not go empty if the group changes shape
    assert {("run",), ("plan",), ("formats",), ("ledger", "list")} <= set(_command_paths())


def test_a_commands_work_loads_with_the_collector_back_on(tmp_path, monkeypatch):
    # load_work turns the garbage collector off while the imports run: it must come back on,
    # also when the import fails or is interrupted, or a 1M-line run would never collect.
    import gc

    from batch.cli import options

    (tmp_path / "qd_light_work.py").write_text("VALUE = 1\n")
    (tmp_path / "qd_broken_work.py").write_text("raise KeyboardInterrupt\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert gc.isenabled()
    assert options.load_work("qd_light_work").VALUE == 1
    assert gc.isenabled()
    with pytest.raises(KeyboardInterrupt):
        options.load_work("qd_broken_work")
    assert gc.isenabled()
    gc.disable()  # a caller that had it off keeps it off
    try:
        options.load_work("qd_light_work")
        assert not gc.isenabled()
    finally:
        gc.enable()
        sys.modules.pop("qd_light_work", None)


def test_validating_an_input_does_not_load_hypothesis():
    # pandera's first validate loads its data-synthesis strategies, which import hypothesis
    # where installed (~0.2 s); the run validates without them (batch/inputs.py).
    pytest.importorskip("hypothesis")
    code = (
        "import sys, pandas as pd, batch.inputs, pandera.pandas as pa\n"
        "pa.DataFrameSchema({'x': pa.Column(int)}).validate(pd.DataFrame({'x': [1]}))\n"
        "print('hypothesis' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "False", done.stderr
