"""pytest fixtures around the QAPI simulator (tests/qapi_sim.py): ``qapi`` starts a fresh
one on a free port, points QOO10_QAPI_URL / QOO10_QAPI_KEY at it with fast retries, and
stops it at teardown. Use with ``from qapi_fixtures import qapi  # noqa: F401``."""

from __future__ import annotations

from pathlib import Path

import pytest
from qapi_sim import KEY, Server, Simulator

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture
def qapi(monkeypatch):
    """A running simulator seeded with the sample day; yields the Server (``.sim``, ``.url``)."""
    sim = Simulator()
    sim.seed(SAMPLES / "qsm-detail-ja.csv")
    server = Server(sim, stop_after=120).start()
    monkeypatch.setenv("QOO10_QAPI_URL", server.url)
    monkeypatch.setenv("QOO10_QAPI_KEY", KEY)
    # Fast for tests; the defaults (2 a second, 1 s backoff) are for Qoo10.
    monkeypatch.setenv("QOO10_QAPI_RATE", "200")
    monkeypatch.setenv("QOO10_QAPI_BACKOFF", "0.01")
    monkeypatch.setenv("QOO10_QAPI_TIMEOUT", "1.5")
    try:
        yield server
    finally:
        server.stop()
