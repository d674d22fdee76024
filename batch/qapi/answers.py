"""What each of Qoo10's answers means for the seller, in en, ja and ko (reference/qsm.md
§3.4 and §3.5): one row per code, with the reason and the action to take.

Kept out of batch/i18n.py because these are Qoo10's codes, not ours, and change with
Qoo10's guide, not with our reports.
"""

from __future__ import annotations

from batch.i18n import LANGUAGES

SENT, ALREADY, REJECTED, NOT_SENT = "sent", "already_registered", "rejected", "not_sent"
RESULTS = (SENT, ALREADY, REJECTED, NOT_SENT)
# The tracking number was used before: ours on this very order (registered already), or
# held by another order (qsm.md §3.4).
USED_BEFORE = frozenset({-10103, -10113, -10114})
# Qoo10 itself says to try again later: a rejected row with this code is sent again.
TRY_AGAIN = frozenset({-10010})
# SetSellerCheckYNBulk: the ship date was set already, which is what was wanted.
DATE_ALREADY_SET = -10012

_BUG = (
    "a fault of qoo10-dispatch: please report it with send-results.csv",
    "qoo10-dispatchの不具合です。send-results.csvを添えてご報告ください",
    "qoo10-dispatch의 오류입니다. send-results.csv를 첨부해 알려 주세요",
)
# code -> (reason en/ja/ko, action en/ja/ko)
_TEXTS: dict[int, tuple[tuple[str, str, str], tuple[str, str, str]]] = {
    0: (
        ("accepted by Qoo10", "Qoo10が受け付けました", "Qoo10이 접수했습니다"),
        ("nothing", "対応不要", "조치 불필요"),
    ),
    -10005: (
        ("customer number problem", "顧客番号に問題があります", "고객 번호에 문제가 있습니다"),
        (
            "check that the API key belongs to this shop",
            "APIキーがこのショップのものか確認してください",
            "API 키가 이 상점의 것인지 확인하세요",
        ),
    ),
    -10006: (
        (
            "Qoo10 could not read the request (JSON)",
            "送信データ(JSON)が不正です",
            "전송 데이터(JSON)가 올바르지 않습니다",
        ),
        _BUG,
    ),
    -10007: (
        (
            "the order cannot be dispatched now",
            "この注文は発送処理できない状態です",
            "이 주문은 발송 처리할 수 없는 상태입니다",
        ),
        (
            "check its status in QSM (cancelled? already shipped?)",
            "QSMで注文の状態を確認してください（キャンセル・発送済みなど）",
            "QSM에서 주문 상태를 확인하세요 (취소, 발송 완료 등)",
        ),
    ),
    -10010: (
        (
            "Qoo10 could not update the shipping info",
            "配送情報を更新できませんでした",
            "배송 정보를 갱신하지 못했습니다",
        ),
        (
            "run send again later; if it persists, register it in QSM by hand",
            "時間をおいて send をもう一度実行し、続く場合はQSMで手入力してください",
            "잠시 후 send를 다시 실행하고, 계속되면 QSM에서 직접 등록하세요",
        ),
    ),
    -10011: (
        (
            "more rows than Qoo10 takes in one request",
            "1回の件数上限を超えています",
            "1회 건수 상한을 초과했습니다",
        ),
        _BUG,
    ),
    -10101: (
        (
            "a claim (cancel or return) is in progress",
            "キャンセル・返品の申請中です",
            "취소·반품 신청이 진행 중입니다",
        ),
        (
            "settle the claim in QSM first",
            "先にQSMでクレームを処理してください",
            "먼저 QSM에서 클레임을 처리하세요",
        ),
    ),
    -10102: (
        ("a visit-delivery order", "訪問配送の注文です", "방문 배송 주문입니다"),
        ("register it in QSM by hand", "QSMで手入力してください", "QSM에서 직접 등록하세요"),
    ),
    -10103: (
        (
            "this tracking number was used before",
            "この送り状番号は使用済みです",
            "이 송장번호는 이미 사용되었습니다",
        ),
        (
            "compare with QSM: if another order holds it, the number is wrong",
            "QSMで確認し、他の注文に登録済みなら番号の誤りです",
            "QSM에서 확인하고, 다른 주문에 등록되어 있으면 번호 오류입니다",
        ),
    ),
    -10104: (("tracking number missing", "送り状番号がありません", "송장번호가 없습니다"), _BUG),
    -10105: (
        (
            "the tracking number's length is wrong",
            "送り状番号の桁数が違います",
            "송장번호의 자릿수가 다릅니다",
        ),
        (
            "check the number on the courier's sheet",
            "配送会社のデータで番号を確認してください",
            "택배사 데이터에서 번호를 확인하세요",
        ),
    ),
    -10106: (
        (
            "the tracking number is invalid (first part)",
            "送り状番号（前半）が不正です",
            "송장번호(앞부분)가 올바르지 않습니다",
        ),
        (
            "check the number against the courier",
            "配送会社の番号と照合してください",
            "택배사 번호와 대조하세요",
        ),
    ),
    -10108: (
        (
            "the tracking number's check digit is wrong",
            "送り状番号のチェックデジットが不正です",
            "송장번호의 체크 디지트가 올바르지 않습니다",
        ),
        ("check the number", "番号を確認してください", "번호를 확인하세요"),
    ),
    -10109: (
        (
            "China-Japan courier not registered",
            "中国-日本の配送会社が未登録です",
            "중국-일본 택배사가 등록되지 않았습니다",
        ),
        (
            "register the courier in QSM",
            "QSMで配送会社を登録してください",
            "QSM에서 택배사를 등록하세요",
        ),
    ),
    -10111: (
        (
            "the number must come from Qoo10's own label printing (Qxpress)",
            "Qoo10の送り状発行（Qxpress）の番号が必要です",
            "Qoo10 송장 발행(Qxpress) 번호가 필요합니다",
        ),
        (
            "print the label through QSM",
            "QSMで送り状を発行してください",
            "QSM에서 송장을 발행하세요",
        ),
    ),
    -10112: (
        (
            "no authority to ship with that carrier",
            "この配送会社で発送する権限がありません",
            "이 택배사로 발송할 권한이 없습니다",
        ),
        (
            "use the listing's carrier, or change it in QSM",
            "商品の配送会社を使うか、QSMで変更してください",
            "상품의 택배사를 사용하거나 QSM에서 변경하세요",
        ),
    ),
    -10115: (
        ("order number format", "注文番号の形式が不正です", "주문번호 형식이 올바르지 않습니다"),
        _BUG,
    ),
    -10116: (
        ("carrier name (ShippingCorp) missing", "配送会社名がありません", "택배사명이 없습니다"),
        (
            "set the carrier name (配送会社) of this row",
            "配送会社名を設定してください",
            "택배사명을 설정하세요",
        ),
    ),
    -10118: (
        (
            "the carrier does not fit the shipping method the buyer chose",
            "購入者が選んだ配送方法に合わない配送会社です",
            "구매자가 선택한 배송 방법에 맞지 않는 택배사입니다",
        ),
        (
            "ship with the listing's method, or tell the buyer",
            "商品の配送方法で発送するか、購入者に連絡してください",
            "상품의 배송 방법으로 발송하거나 구매자에게 연락하세요",
        ),
    ),
    -10120: (
        (
            "the carrier name is not exactly one Qoo10 knows",
            "Qoo10に登録のない配送会社名です",
            "Qoo10에 등록되지 않은 택배사명입니다",
        ),
        (
            "use the exact name of your QSM 送料リスト (配送会社) for this carrier",
            "QSMの送料リストにある配送会社名をそのまま使ってください",
            "QSM 배송비 목록의 택배사명을 그대로 사용하세요",
        ),
    ),
    -10121: (
        (
            "the carrier does not fit the shipping country",
            "配送先の国に合わない配送会社です",
            "배송 국가에 맞지 않는 택배사입니다",
        ),
        (
            "use the overseas carrier name, the one ending in (海外)",
            "海外向けの配送会社名（(海外)付き）を使ってください",
            "해외용 택배사명((海外) 포함)을 사용하세요",
        ),
    ),
    -10122: (
        (
            "not an order of this shop",
            "このショップの注文ではありません",
            "이 상점의 주문이 아닙니다",
        ),
        (
            "check the API key and the shop",
            "APIキーとショップを確認してください",
            "API 키와 상점을 확인하세요",
        ),
    ),
    # SetSellerCheckYNBulk (qsm.md §3.5)
    -10012: (
        (
            "the ship date was already set",
            "発送予定日は設定済みです",
            "발송예정일이 이미 설정되었습니다",
        ),
        ("nothing", "対応不要", "조치 불필요"),
    ),
    -10013: (
        (
            "the order is no longer awaiting dispatch (配送要請)",
            "配送要請の状態ではありません",
            "배송요청 상태가 아닙니다",
        ),
        (
            "check its status in QSM",
            "QSMで注文の状態を確認してください",
            "QSM에서 주문 상태를 확인하세요",
        ),
    ),
    -10016: (("no ship date", "発送予定日がありません", "발송예정일이 없습니다"), _BUG),
    -10017: (
        (
            "the ship date is later than Qoo10 allows",
            "発送予定日が上限を超えています",
            "발송예정일이 허용 상한을 넘었습니다",
        ),
        (
            "choose an earlier date (--lead-days) or contact the buyer",
            "早い日付にする（--lead-days）か、購入者に連絡してください",
            "더 이른 날짜(--lead-days)로 하거나 구매자에게 연락하세요",
        ),
    ),
    -10018: (
        (
            "the ship date must be after today",
            "発送予定日は明日以降にしてください",
            "발송예정일은 내일 이후여야 합니다",
        ),
        (
            "run plan again with today's date",
            "今日の日付で plan をやり直してください",
            "오늘 날짜로 plan을 다시 실행하세요",
        ),
    ),
}
# Codes that share a meaning with another (qsm.md §3.4 lists them together).
_SAME = {-10113: -10103, -10114: -10103, -10117: -10104, -10107: -10106, -10119: -10112}
# Our own reasons (no Qoo10 code), by key.
_OURS: dict[str, tuple[tuple[str, str, str], tuple[str, str, str]]] = {
    "registered": (
        (
            "Qoo10 already holds this tracking number on this order",
            "この注文にはこの送り状番号が登録済みです",
            "이 주문에는 이 송장번호가 이미 등록되어 있습니다",
        ),
        ("nothing", "対応不要", "조치 불필요"),
    ),
    "other_number": (
        (
            "Qoo10 holds another tracking number ({number}) on this order: registered "
            "by someone else (Qxpress SmartShip, or a 3PL that registers dispatch itself?)",
            "この注文には別の送り状番号（{number}）が登録済みです（Qxpress SmartShipや、"
            "自ら発送登録する倉庫によるもの？）",
            "이 주문에는 다른 송장번호({number})가 이미 등록되어 있습니다 (Qxpress SmartShip "
            "또는 직접 발송 등록하는 3PL?)",
        ),
        (
            "compare with QSM; if your warehouse registers dispatch, do not use send",
            "QSMで確認してください。倉庫が発送登録する場合は send は不要です",
            "QSM에서 확인하세요. 창고가 발송 등록한다면 send는 필요 없습니다",
        ),
    ),
    "other_order": (
        (
            "another order holds this tracking number in Qoo10",
            "この送り状番号は他の注文に登録済みです",
            "이 송장번호는 다른 주문에 등록되어 있습니다",
        ),
        (
            "the number is wrong for this order: check the courier's sheet",
            "この注文の番号が誤っています。配送会社のデータを確認してください",
            "이 주문의 번호가 잘못되었습니다. 택배사 데이터를 확인하세요",
        ),
    ),
    "no_answer": (
        (
            "no answer from Qoo10 ({why})",
            "Qoo10から応答がありません（{why}）",
            "Qoo10의 응답이 없습니다 ({why})",
        ),
        (
            "run send again later: nothing is sent twice",
            "後で send をもう一度実行してください（二重送信はしません）",
            "나중에 send를 다시 실행하세요 (중복 전송하지 않습니다)",
        ),
    ),
    "earlier": (
        (
            "done by an earlier send ({when})",
            "以前の send で完了（{when}）",
            "이전 send에서 완료 ({when})",
        ),
        ("nothing", "対応不要", "조치 불필요"),
    ),
    "confirmed": (
        ("the ledger has it confirmed ({by})", "台帳で確認済み（{by}）", "대장에서 확인됨 ({by})"),
        ("nothing", "対応不要", "조치 불필요"),
    ),
    "changed_file": (
        (
            "the upload file now holds another tracking number than run {run} wrote ({number})",
            "アップロードファイルの送り状番号が実行{run}の記録（{number}）と違います",
            "업로드 파일의 송장번호가 실행 {run}의 기록({number})과 다릅니다",
        ),
        (
            "run `run` again rather than editing its upload file",
            "アップロードファイルを編集せず、run をやり直してください",
            "업로드 파일을 편집하지 말고 run을 다시 실행하세요",
        ),
    ),
    "superseded": (
        (
            "run {run} recorded another tracking number ({number}) for this order since",
            "その後の実行{run}がこの注文に別の番号（{number}）を記録しています",
            "이후 실행 {run}이 이 주문에 다른 번호({number})를 기록했습니다",
        ),
        (
            "send that run's folder instead",
            "その実行のフォルダを send してください",
            "그 실행의 폴더를 send하세요",
        ),
    ),
    "unknown": (
        (
            "Qoo10 code {code}, not in its guide as we know it: {text}",
            "Qoo10のコード{code}（ガイドにない値）：{text}",
            "Qoo10 코드 {code} (가이드에 없는 값): {text}",
        ),
        (
            "check the order in QSM, and please report the code",
            "QSMで注文を確認し、このコードをご報告ください",
            "QSM에서 주문을 확인하고 이 코드를 알려 주세요",
        ),
    ),
}


def known(code: int) -> bool:
    return code in _TEXTS or code in _SAME


def codes() -> list[int]:
    """Every Qoo10 code with its own texts (§3.4 and §3.5)."""
    return sorted({*_TEXTS, *_SAME})


def _pick(texts: tuple[str, str, str], lang: str, fields: dict) -> str:
    text = texts[LANGUAGES.index(lang) if lang in LANGUAGES else 0]
    return text.format(**fields) if fields else text


def explain(code: int, lang: str, text: str = "") -> tuple[str, str]:
    """(reason, action) of Qoo10's ``code`` in ``lang``; ``text`` is Qoo10's own message."""
    entry = _TEXTS.get(_SAME.get(code, code))
    if entry is None:
        return ours("unknown", lang, code=code, text=text)
    return _pick(entry[0], lang, {}), _pick(entry[1], lang, {})


def ours(key: str, lang: str, **fields) -> tuple[str, str]:
    """(reason, action) of one of our own outcomes (``_OURS``), fields filled."""
    reason, action = _OURS[key]
    return _pick(reason, lang, fields), _pick(action, lang, fields)
