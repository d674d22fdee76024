"""A Qoo10 QAPI simulator for the tests: a real HTTP server on 127.0.0.1.

It follows the wire of the contract ("Sending through Qoo10's API") and reference/qsm.md §3:
``POST {base}/{Class}.{Method}``, headers ``GiosisCertificationKey`` and ``QAPIVersion:
1.0``, a form body with ``returnType=application/json``, and HTTP 200 with JSON
``{ResultCode, ResultMsg, ResultObject}`` even on errors. It keeps orders and their states
(seeded from a QSM detail download, Japanese or Korean), and can be told to misbehave:

- ``sim.code_for[order_no] = -10118``: that order's row answers the code (any of §3.4);
- ``sim.faults.append(Fault(kind, ...))``: the next matching request times out (answers
  after the client gave up), answers HTTP 500/502, malformed JSON, slowly, or applies the
  request and then loses the answer ("apply_then_hang": a crash or a lost network between
  Qoo10's commit and our ledger);
- ``sim.expire_key_after = n``: requests after the n-th answer -90004 (key expired);
- ``sim.stop_after``: the server stops by itself after that many seconds (default 300).

It records every request (``sim.requests``) and how many times Qoo10 *accepted* each order
(``sim.accepted``), so a test can prove nothing accepted was sent twice.

By hand: ``python tests/qapi_sim.py --seed samples/qsm-detail-ja.csv --port 8765`` then
``QOO10_QAPI_URL=http://127.0.0.1:8765/GMKT.INC.Front.QAPIService/ebayjapan.qapi``
``QOO10_QAPI_KEY=sim-key``.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import io
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BASE_PATH = "/GMKT.INC.Front.QAPIService/ebayjapan.qapi"
KEY = "sim-key-0123456789abcdef"
EXPIRED_KEY = "sim-expired-key"
MAX_BULK = 500

# QSM's 配送状態 (Japanese and Korean screens) -> the simulator's state. The API returns
# statuses 1-5; cancelled orders vanish from GetShippingInfo (qsm.md §3.1).
_STATES = {
    "入金待ち": 1, "決済待ち": 1, "입금대기": 1, "入金確認中": 1, "입금확인중": 1,
    "配送要請": 2, "新規注文": 2, "배송요청": 2, "配送遅延": 2, "배송지연": 2,
    "配送準備": 3, "配送準備中": 3, "배송준비중": 3, "배송준비": 3,
    "配送中": 4, "배송중": 4, "配送完了": 5, "배송완료": 5,
    "キャンセル": 0, "취소": 0,
}  # fmt: skip
STATUS_TEXT = {
    1: "Awaiting shipping(1)",
    2: "On request(2)",
    3: "Seller confirm(3)",
    4: "On delivery(4)",
    5: "Delivered(5)",
}
# The simulator's own reading of the two detail layouts (independent of batch/): header ->
# GetShippingInfo_v3 field (qsm.md §3.2).
_JA = {
    "注文番号": "OrderNo", "カート番号": "PackNo", "配送会社": "DeliveryCompany",
    "送り状番号": "TrackingNo", "発送日": "ShippingDate", "注文日": "OrderDate",
    "入金日": "PaymentDate", "お届け希望日": "DesiredDeliveryDate",
    "発送予定日": "EstimatedShippingDate", "配送完了日": "DeliveredDate",
    "配送方法": "ShippingWay", "商品番号": "ItemNo", "商品名": "ItemTitle", "数量": "OrderQty",
    "オプション情報": "Option", "オプションコード": "OptionCode", "おまけ": "Gift",
    "受取人名": "Receiver", "受取人名(フリガナ)": "ReceiverKana", "受取人電話番号": "ReceiverTel",
    "受取人携帯電話番号": "ReceiverMobile", "住所": "ShippingAddress", "郵便番号": "ZipCode",
    "国家": "ShippingCountry", "送料の決済": "ShippingRateType", "決済サイト": "PaymentNation",
    "通貨": "Currency", "購入者決済金額": "SettlePrice", "販売価格": "OrderPrice",
    "割引額": "Discount", "注文金額の合計": "Total", "購入者名": "Buyer",
    "購入者名(フリガナ)": "BuyerKana", "配送要請事項": "ShippingMessage",
    "購入者電話番号": "BuyerTel", "購入者携帯電話番号": "BuyerMobile",
    "販売者商品コード": "SellerItemCode", "プレゼント贈り主": "SenderName", "素材": "Material",
}  # fmt: skip
_KO = dict(zip(
    ["주문번호", "장바구니번호", "택배사", "송장번호", "발송일", "주문일", "입금일", "배달희망일",
     "발송예정일", "배송완료일", "배송방식", "상품코드", "상품명", "수량", "옵션정보",
     "판매자옵션코드", "사은품", "수취인명", "수취인명(음성표기)", "수취인전화번호",
     "수취인핸드폰번호", "주소", "우편번호", "국가", "배송비결제", "주문국가", "통화",
     "구매자결제금", "판매가", "할인액", "총주문액", "구매자명", "구매자명(발음표기)",
     "배송요청사항", "구매자전화번호", "구매자핸드폰번호", "판매자상품코드", "(선물)보내는사람",
     "소재"],
    _JA.values(), strict=True,
))  # fmt: skip
_STATUS_HEADERS = ("配送状態", "배송상태")
_DATE_FIELDS = ("OrderDate", "PaymentDate", "ShippingDate", "DeliveredDate")
_PHONE_FIELDS = ("ReceiverTel", "ReceiverMobile", "BuyerTel", "BuyerMobile")
_MONEY_FIELDS = ("SettlePrice", "OrderPrice", "Discount", "Total")
# -10103/-10113/-10114: the tracking number was used before (qsm.md §3.4).
USED_ON_THIS_ORDER, USED_ON_ANOTHER = -10103, -10113


@dataclass
class Order:
    fields: dict
    state: int  # 0 cancelled, 1-5 as the API numbers them
    tracking: str = ""
    corp: str = ""
    est_ship: str = ""  # yyyyMMdd


@dataclass
class Fault:
    """One misbehaviour for the next request of ``method`` (None: any method).

    kind: "timeout" (answers after ``seconds``, having applied nothing), "apply_then_hang"
    (applies the request, then holds the answer ``seconds``: the answer is lost),
    "http500", "http502", "bad_json", "slow" (applies, answers after ``seconds``),
    "short_answer" (applies, but the answer's ResultObject lacks its last row),
    "no_result_object" (applies, answers ResultCode 0 with no ResultObject),
    "error_code" (answers HTTP 200 with ResultCode ``code`` for the whole request and no
    ResultObject, applying nothing: Qoo10 refusing or failing it as a whole),
    "trickle" (applies, then drips the answer a byte every ``seconds``: never a pause long
    enough for a read timeout, but no end in sight).
    """

    kind: str
    method: str | None = None
    seconds: float = 3.0
    times: int = 1
    code: int = -1  # for "error_code"


@dataclass
class Simulator:
    orders: dict[str, Order] = field(default_factory=dict)
    code_for: dict[str, int] = field(default_factory=dict)  # order_no -> result_cd to answer
    faults: list[Fault] = field(default_factory=list)
    expire_key_after: int | None = None
    requests: list[dict] = field(default_factory=list)
    accepted: collections.Counter = field(default_factory=collections.Counter)
    today: dt.date = dt.date(2026, 11, 26)
    applied: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # --- seeding ---------------------------------------------------------------------

    def seed(self, path: str | Path) -> None:
        """Orders from a QSM detail download (.csv, cp932 or UTF-8), as the API shows them."""
        raw = Path(path).read_bytes()
        text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else _decode(raw)
        rows = list(csv.reader(io.StringIO(text, newline="")))
        header = [h.strip() for h in rows[0]]
        for cells in rows[1:]:
            row = dict(zip(header, cells, strict=False))
            status = next((row[h] for h in _STATUS_HEADERS if h in row), "")
            names = _JA if "注文番号" in row else _KO
            fields = {api: row.get(h, "").strip() for h, api in names.items()}
            if not fields["OrderNo"].isdigit():
                continue  # a damaged row of the sample: Qoo10 would never hold it
            self.add(fields, _STATES.get(status.strip(), 1))

    def add(self, fields: dict, state: int) -> None:
        api = dict(fields)
        for f in _DATE_FIELDS:
            api[f] = api.get(f, "").replace("/", "-")
        for f in _PHONE_FIELDS:
            api[f] = _intl_phone(api.get(f, ""))
        for f in _MONEY_FIELDS:
            api[f] = api.get(f, "").replace(",", "")
        api["ZipCode"] = api.get("ZipCode", "").lstrip("'")
        api["EstimatedShippingDate"] = api.get("EstimatedShippingDate", "").replace("/", "-")
        related = [o for o, x in self.orders.items() if x.fields["PackNo"] == api["PackNo"]]
        order = Order(api, state, tracking=api.get("TrackingNo", ""))
        self.orders[api["OrderNo"]] = order
        for no in [*related, api["OrderNo"]]:
            self.orders[no].fields["RelatedOrder"] = ", ".join([*related, api["OrderNo"]])

    # --- the methods -----------------------------------------------------------------

    def handle(self, method: str, params: dict) -> dict:
        handlers = {
            "ShippingBasic.SetSendingInfoBulk": self._sending_bulk,
            "ShippingBasic.SetSellerCheckYNBulk": self._check_bulk,
            "ShippingBasic.GetShippingInfo_v3": self._shipping_info,
        }
        if method not in handlers:
            return {"ErrorCode": -90001, "ErrorMsg": "存在しないAPIです。"}
        return handlers[method](params)

    def _bulk(self, params: dict, name: str, one) -> dict:
        try:
            rows = json.loads(params.get(name, ""))
            assert isinstance(rows, list) and all(isinstance(r, dict) for r in rows)
        except (ValueError, AssertionError):
            return _answer(-10006, "JSON形式が正しくありません。")
        if len(rows) > MAX_BULK:
            return _answer(-10011, f"一度に処理できる件数は{MAX_BULK}件までです。")
        results = []
        for row in rows:
            no = str(row.get("OrderNo", ""))
            code = self.code_for.get(no)
            code = one(no, row) if code is None else code
            results.append({"contr_no": no, "result_cd": code, "transc_nm": _msg(code)})
        return _answer(0, "SUCCESS", results)

    def _sending_bulk(self, params: dict) -> dict:
        return self._bulk(params, "ShippingInfoJson", self._send_one)

    def _send_one(self, no: str, row: dict) -> int:
        corp, number = str(row.get("ShippingCorp", "")), str(row.get("TrackingNo", ""))
        if not no.isdigit():
            return -10115
        if not number:
            return -10104
        if not corp:
            return -10116
        order = self.orders.get(no)
        if order is None:
            return -10122
        if order.tracking and order.tracking == number:
            return USED_ON_THIS_ORDER
        if any(o.tracking == number for k, o in self.orders.items() if k != no and
               o.fields["PackNo"] != order.fields["PackNo"]):  # fmt: skip
            return USED_ON_ANOTHER
        if order.state not in (2, 3):
            return -10007
        order.tracking, order.corp, order.state = number, corp, 4
        order.fields.update(
            TrackingNo=number,
            DeliveryCompany=corp,
            ShippingDate=dt.datetime.combine(self.today, dt.time(10)).strftime("%Y-%m-%d %H:%M:%S"),
        )
        self.accepted[no] += 1
        return 0

    def _check_bulk(self, params: dict) -> dict:
        return self._bulk(params, "SendPlanDtInfoJson", self._check_one)

    def _check_one(self, no: str, row: dict) -> int:
        order = self.orders.get(no)
        day = str(row.get("EstShipDt", ""))
        if order is None:
            return -10122
        if not day:
            return -10016
        if order.state == 3 or order.est_ship:
            return -10012
        if order.state != 2:
            return -10013
        try:
            when = dt.datetime.strptime(day, "%Y%m%d").date()
        except ValueError:
            return -10016
        if when <= self.today:
            return -10018
        if (when - self.today).days > 30:
            return -10017
        order.est_ship, order.state = day, 3
        order.fields["EstimatedShippingDate"] = when.isoformat()
        self.accepted[no] += 1
        return 0

    def _shipping_info(self, params: dict) -> dict:
        status = params.get("ShippingStatus", "")
        wanted = {1, 2, 3} if status in ("", "0") else {int(status)}
        try:
            start = _day(params["SearchStartDate"])
            end = _day(params["SearchEndDate"])
        except (KeyError, ValueError):
            return _answer(-10001, "検索期間が正しくありません。")
        if (end - start).days > 90:
            return _answer(-10001, "検索期間は90日以内で指定してください。")
        field_of = {"1": "OrderDate", "2": "PaymentDate", "3": "ShippingDate",
                    "4": "DeliveredDate"}[params.get("SearchCondition", "1")]  # fmt: skip
        found = []
        for order in self.orders.values():
            when = order.fields.get(field_of, "")[:10]
            if order.state in wanted and when and start <= dt.date.fromisoformat(when) <= end:
                found.append({**order.fields, "ShippingStatus": STATUS_TEXT[order.state]})
        return _answer(0, "SUCCESS", found)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp932")


def _intl_phone(text: str) -> str:
    """080-6627-1180 -> +81-80-6627-1180; none ("-", "") -> "+81--", as the API shows."""
    text = text.strip().lstrip("'")
    if not text or text == "-":
        return "+81--"
    return "+81-" + text[1:] if text.startswith("0") else text


def _day(text: str) -> dt.date:
    return dt.datetime.strptime(text[:8], "%Y%m%d").date()


def _answer(code: int, msg: str, obj=None) -> dict:
    return {"ResultCode": code, "ResultMsg": msg, "ResultObject": obj}


def _msg(code: int) -> str:
    return "SUCCESS" if code == 0 else f"エラー({code})"


class _Handler(BaseHTTPRequestHandler):
    sim: Simulator  # set on the subclass made per server

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        sim = self.sim
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode("utf-8")
        params = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            params = {}  # a form server sees no parameters in any other body
        method = self.path.rsplit("/", 1)[-1]
        key = self.headers.get("GiosisCertificationKey", "")
        with sim.lock:
            sim.requests.append({"method": method, "params": params, "headers": dict(self.headers)})
            fault = _take_fault(sim, method)
            seen = len(sim.requests)
        if not self.path.startswith(BASE_PATH + "/"):
            return self._send(404, b"not found")
        if fault and fault.kind in ("http500", "http502"):
            return self._send(int(fault.kind[4:]), b"<html>Bad Gateway</html>")
        if fault and fault.kind == "timeout":
            time.sleep(fault.seconds)
            return self._send(504, b"")
        if fault and fault.kind == "error_code":
            body = _answer(fault.code, "システムエラーが発生しました。")
            return self._send(
                200, json.dumps(body, ensure_ascii=False).encode(), "application/json"
            )
        answer = self._answer(sim, method, params, key, seen)
        if fault and fault.kind in ("apply_then_hang", "slow"):
            sim.applied.set()
            time.sleep(fault.seconds)
        if fault and fault.kind == "bad_json":
            return self._send(200, b'{"ResultCode": 0, "ResultObject": [', "application/json")
        if fault and fault.kind == "short_answer" and answer.get("ResultObject"):
            answer["ResultObject"] = answer["ResultObject"][:-1]
        if fault and fault.kind == "no_result_object":
            answer.pop("ResultObject", None)
        if fault and fault.kind == "trickle":
            return self._trickle(json.dumps(answer, ensure_ascii=False).encode(), fault.seconds)
        self._send(200, json.dumps(answer, ensure_ascii=False).encode(), "application/json")

    def _answer(self, sim: Simulator, method, params, key, seen: int) -> dict:
        if self.headers.get("QAPIVersion") != "1.0":
            return _answer(-90001, "QAPIVersionが正しくありません。")
        if params.get("returnType") != "application/json":
            return _answer(-90001, "returnTypeが正しくありません。")
        if key == EXPIRED_KEY or (sim.expire_key_after is not None and seen > sim.expire_key_after):
            return _answer(-90004, "認証キーの有効期限が切れました。")
        if key != KEY:
            return _answer(-90003, "認証されていません。")
        with sim.lock:
            return sim.handle(method, params)

    def _trickle(self, body: bytes, seconds: float) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for at in range(len(body)):
                self.wfile.write(body[at : at + 1])
                self.wfile.flush()
                time.sleep(seconds)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, status: int, body: bytes, ctype: str = "text/html") -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype + "; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting: that is the point of a timeout


def _take_fault(sim: Simulator, method: str) -> Fault | None:
    for fault in sim.faults:
        if fault.method in (None, method) and fault.times > 0:
            fault.times -= 1
            if fault.times == 0:
                sim.faults.remove(fault)
            return fault
    return None


class Server:
    """The simulator served on 127.0.0.1 (a free port unless given), in a daemon thread that
    stops after ``stop_after`` seconds even when nobody calls ``stop``."""

    def __init__(self, sim: Simulator, port: int = 0, stop_after: float = 300.0) -> None:
        handler = type("Handler", (_Handler,), {"sim": sim})
        self.sim = sim
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.timer = threading.Timer(stop_after, self.stop)
        self.timer.daemon = True

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{BASE_PATH}"

    def start(self) -> Server:
        self.thread.start()
        self.timer.start()
        return self

    def stop(self) -> None:
        self.timer.cancel()
        self.httpd.shutdown()
        self.httpd.server_close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a Qoo10 QAPI simulator on 127.0.0.1.")
    parser.add_argument("--seed", action="append", default=[], help="QSM detail download(s)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--today", default="2026-11-26")
    parser.add_argument("--minutes", type=float, default=60.0, help="stop after (default 60)")
    parser.add_argument("--refuse", action="append", default=[], metavar="ORDER=CODE",
                        help="answer CODE for ORDER (e.g. 104648070=-10120)")  # fmt: skip
    args = parser.parse_args(argv)
    sim = Simulator(today=dt.date.fromisoformat(args.today))
    for path in args.seed:
        sim.seed(path)
    for item in args.refuse:
        order, code = item.split("=")
        sim.code_for[order] = int(code)
    server = Server(sim, args.port, stop_after=args.minutes * 60).start()
    print(f"QOO10_QAPI_URL={server.url}\nQOO10_QAPI_KEY={KEY}\n({len(sim.orders)} orders)")
    server.thread.join()


if __name__ == "__main__":
    main()
