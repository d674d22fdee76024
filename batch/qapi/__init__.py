"""Registering the dispatch with Qoo10 through its API (QAPI): the client, what Qoo10's
answers mean for the seller, and the three jobs built on them (send, plan's ship dates,
fetch). Built from Qoo10's documentation (reference/qsm.md §3) and tested against the
simulator in tests/qapi_sim.py; no machine of the project reaches Qoo10 itself."""
