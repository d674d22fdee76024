"""What every test shares: a clean environment and the same hypothesis settings.
Paths, the sample day and the way to run the command line are in ``cli_outcome.py``."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# CI explores the same examples every time (a red run is a finding, not a draw of the dice),
# and no run replays examples a local run stored.
settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("local", database=None)
settings.load_profile("ci" if os.environ.get("CI") else "local")


DEBUG = "QOO10_DISPATCH_TRACEBACK"  # a developer's switch, kept


@pytest.fixture(autouse=True)
def _seller_environment_unset(monkeypatch):
    """The tool reads its password, API key and API address from the environment; a
    developer's own must never leak into a test (nor a test's key into their shell)."""
    for name in list(os.environ):
        if name.startswith(("QOO10_DISPATCH_", "QOO10_QAPI_")) and name != DEBUG:
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def _seller_config_folder(tmp_path_factory, monkeypatch):
    """The seller's config folder (platformdirs reads XDG_CONFIG_HOME on Linux) is an empty
    one of the test's: a developer's own qoo10-dispatch.toml or formats never count."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config-home")))
    monkeypatch.setenv("APPDATA", str(tmp_path_factory.getbasetemp() / "appdata"))


@pytest.fixture(autouse=True)
def _machine_language_english(monkeypatch):
    """A command that chooses no language speaks the machine's (``--lang auto``): a
    developer's Japanese or Korean locale must not change the texts the tests read."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
