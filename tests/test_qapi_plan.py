"""plan --send's core against the QAPI simulator: SetSellerCheckYNBulk with the plan's
dates; -10012 is no error, -10017 / -10018 are explained, a past date is never sent."""

from __future__ import annotations

import json

from qapi_fixtures import SAMPLES, qapi  # noqa: F401

from batch import plan
from batch.job import today_in_tokyo
from batch.qapi import answers
from batch.qapi.shipdates import send_dates

CHECK = "ShippingBasic.SetSellerCheckYNBulk"


def _plan(tmp_path, today=None):
    out = tmp_path / "plan"
    options = plan.PlanOptions(today=today or today_in_tokyo(), ledger=None)
    return plan.plan(SAMPLES / "qsm-detail-ja.csv", out, options), out


def test_the_plans_dates_are_set_in_qoo10(qapi, tmp_path):  # noqa: F811
    qapi.sim.today = today_in_tokyo()
    result, out = _plan(tmp_path)
    dated = sum(f["rows"] for f in result.summary["shipdate_files"])
    assert dated > 0
    orders = [r for r in qapi.sim.orders.values() if r.state == 2]
    qapi.sim.code_for[orders[0].fields["OrderNo"]] = -10017
    qapi.sim.code_for[orders[1].fields["OrderNo"]] = -10012
    got = send_dates(out)
    assert got.summary["reconciled"] and got.summary["rows"] == dated
    rows = got.rows.set_index("order_no")
    assert rows.loc[orders[0].fields["OrderNo"], "reason"] == answers.explain(-10017, "ja")[0]
    assert rows.loc[orders[1].fields["OrderNo"], "result"] == "already_registered"
    sent = [json.loads(r["params"]["SendPlanDtInfoJson"]) for r in qapi.sim.requests
            if r["method"] == CHECK]  # fmt: skip
    assert len(sent) == 1 and all(len(row["EstShipDt"]) == 8 for row in sent[0])
    assert (got.count("sent"), got.count("rejected"), got.count("already_registered")) == (
        dated - 2,
        1,
        1,
    )
    requests = len(qapi.sim.requests)
    send_dates(out)  # again: only the refused row goes again
    assert len(qapi.sim.requests) == requests + 1


def test_a_date_not_after_today_is_never_sent(qapi, tmp_path):  # noqa: F811
    _, out = _plan(tmp_path, today=today_in_tokyo().replace(year=2025))
    got = send_dates(out)
    assert got.count("rejected") == len(got.rows) and got.rows["code"].eq("-10018").all()
    assert [r for r in qapi.sim.requests if r["method"] == CHECK] == []
