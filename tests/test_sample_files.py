"""samples/ holds exactly what samples/make_samples.py generates (like sqlite-utils' `cog
--check`): a file edited by hand, or a profile or scenario changed without regenerating,
fails here, naming the file."""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SCRIPT = SAMPLES / "make_samples.py"


def test_the_samples_are_what_make_samples_generates():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr


def _script(monkeypatch):
    spec = importlib.util.spec_from_file_location("make_samples_under_test", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_check_names_the_file_that_differs_and_writes_nothing(tmp_path, monkeypatch, capsys):
    script = _script(monkeypatch)
    copy = tmp_path / "samples"
    shutil.copytree(SAMPLES, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (copy / "seino-km2.csv").write_bytes((copy / "seino-km2.csv").read_bytes() + b"\r\n")
    (copy / "generic-en.csv").unlink()
    before = {p.name: p.read_bytes() for p in copy.iterdir() if p.is_file()}
    monkeypatch.setattr(script, "HERE", copy)
    assert script.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "samples/seino-km2.csv differs" in err and "samples/generic-en.csv differs" in err
    assert "clickpost.csv" not in err
    assert {p.name: p.read_bytes() for p in copy.iterdir() if p.is_file()} == before
