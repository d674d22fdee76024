"""The message catalogue: every label, reason and action the seller or accountant reads.

One entry per key, its text in English, Japanese and Korean side by side, so a missing or
stale translation shows up next to the others. Japanese and Korean use the words of QSM's
own screens (注文番号 / 주문번호, 送り状番号 / 송장번호, 入金日 / 입금일...). Customer
messages are not here: they are always Japanese (batch.messages).

Texts may hold ``{name}`` fields, filled by ``text(key, lang, name=...)``.
"""

from __future__ import annotations

LANGUAGES = ("en", "ja", "ko")  # the order of the texts in every entry below

_TEXTS: dict[str, tuple[str, str, str]] = {
    # --- sheet names (31 characters at most, none of []:*?/\) ---------------------------
    "sheet.summary": ("Summary", "サマリー", "요약"),
    "sheet.orders": ("Orders", "注文", "주문"),
    "sheet.exceptions": ("Exceptions", "例外", "예외"),
    "sheet.uploaded": ("Uploaded", "アップロード済み", "업로드됨"),
    "sheet.unshipped": ("Unshipped", "未発送", "미발송"),
    "sheet.continued": ("{name} ({n})", "{name} ({n})", "{name} ({n})"),
    "sheet.ship_dates": ("Ship dates", "発送予定日", "발송예정일"),
    "sheet.left_alone": ("Left alone", "対象外", "대상 외"),
    # --- summary -----------------------------------------------------------------------
    "summary.title": (
        "Qoo10 dispatch run: exceptions report",
        "Qoo10 発送処理レポート（例外一覧）",
        "Qoo10 발송 처리 보고서 (예외 목록)",
    ),
    "summary.run_date": ("Run date", "処理日", "처리일"),
    "summary.run_id": ("Run ID", "実行ID", "실행 ID"),
    "summary.run_at": ("Run at (Japan time)", "実行日時", "실행 일시 (일본 시간)"),
    "summary.reconciled": ("Every row accounted for", "全行の照合", "전체 행 대조"),
    "summary.dry_run": (
        "Preview (--dry-run): nothing was recorded in the ledger.",
        "プレビュー（--dry-run）：台帳には記録していません。",
        "미리보기(--dry-run): 대장에 기록하지 않았습니다.",
    ),
    "summary.split": (
        "{sheet}: {rows} rows exceed Excel's limit of one sheet; continued on {sheets}.",
        "{sheet}：{rows}行は1シートに収まらないため、{sheets} に分けて記載しています。",
        "{sheet}: {rows}행은 한 시트에 들어가지 않아 {sheets}에 나누어 기재했습니다.",
    ),
    "summary.inputs": ("Input files", "入力ファイル", "입력 파일"),
    "summary.kind": ("File", "種類", "종류"),
    "summary.rows": ("Rows", "行数", "행 수"),
    "summary.path": ("Path", "ファイル", "파일"),
    "summary.format": ("Format", "形式", "형식"),
    "summary.encoding": ("Encoding", "文字コード", "문자 인코딩"),
    "summary.orders_file": ("Orders (QSM)", "注文（QSM）", "주문 (QSM)"),
    "summary.dispatch_file": ("Dispatch sheet", "発送データ", "발송 데이터"),
    "summary.orders": ("Orders by outcome", "注文の内訳", "주문 내역"),
    "summary.dispatch": ("Dispatch rows by outcome", "発送データの内訳", "발송 데이터 내역"),
    "summary.outcome": ("Outcome", "区分", "구분"),
    "summary.count": ("Count", "件数", "건수"),
    "summary.meaning": ("Meaning", "意味", "의미"),
    "summary.total": ("Total", "合計", "합계"),
    "summary.orders_input": (
        "Rows in the orders file",
        "注文ファイルの行数",
        "주문 파일의 행 수",
    ),
    "summary.dispatch_input": (
        "Rows in the dispatch files",
        "発送データの行数",
        "발송 데이터의 행 수",
    ),
    "summary.check_ok": (
        "✓ equals the total above",
        "✓ 上の合計と一致",
        "✓ 위 합계와 일치",
    ),
    "summary.check_bad": (
        "✗ differs from the total above: some rows are not accounted for",
        "✗ 上の合計と不一致：集計されていない行があります",
        "✗ 위 합계와 불일치: 집계되지 않은 행이 있습니다",
    ),
    "summary.amounts": (
        "Order amounts by outcome (JPY)",
        "注文金額の内訳（円）",
        "주문 금액 내역 (엔)",
    ),
    "summary.amounts_input": (
        "Sum of the amounts in the orders file",
        "注文ファイルの金額合計",
        "주문 파일의 금액 합계",
    ),
    "summary.no_amount": (
        "Orders without a readable amount (counted as 0)",
        "金額を読み取れない注文（0円として集計）",
        "금액을 읽을 수 없는 주문 (0엔으로 집계)",
    ),
    "summary.by_code": ("Exceptions by code", "例外の件数（コード別）", "코드별 예외 건수"),
    "summary.no_exceptions": ("No exceptions.", "例外はありません。", "예외가 없습니다."),
    "summary.money": (
        "Order amounts concerned (JPY)",
        "対象の注文金額（円）",
        "관련 주문 금액 (엔)",
    ),
    "summary.orders_count": ("Orders", "注文数", "주문 수"),
    "summary.money_held": (
        "Held: not uploaded because of an error",
        "保留：エラーのためアップロードしていない注文",
        "보류: 오류로 업로드하지 않은 주문",
    ),
    "summary.money_unshipped": (
        "Paid, not shipped yet",
        "入金済み・未発送",
        "입금 완료·미발송",
    ),
    "summary.money_overdue": (
        "of which overdue (the buyer may cancel)",
        "うち配送遅延（購入者がキャンセル可能）",
        "그중 배송지연 (구매자가 취소 가능)",
    ),
    "summary.uploads": (
        "Upload files for QSM",
        "QSMアップロード用ファイル",
        "QSM 업로드용 파일",
    ),
    "summary.no_uploads": (
        "No upload file: nothing to upload.",
        "アップロードするものはありません。",
        "업로드할 내용이 없습니다.",
    ),
    # --- order buckets (summary.json "orders") -----------------------------------------
    "orders.uploaded": ("Uploaded", "アップロード", "업로드"),
    "orders.uploaded.meaning": (
        "In an upload file for QSM.",
        "QSMアップロード用ファイルに記載。",
        "QSM 업로드용 파일에 기재.",
    ),
    "orders.held": ("Held", "保留", "보류"),
    "orders.held.meaning": (
        "A tracking number was found, but an error blocks it (see Exceptions).",
        "送り状番号はあるが、エラーのため保留（例外シート参照）。",
        "송장번호는 있으나 오류로 보류 (예외 시트 참조).",
    ),
    "orders.unshipped": ("Unshipped", "未発送", "미발송"),
    "orders.unshipped.meaning": (
        "Paid, no tracking number yet (see Unshipped).",
        "入金済みで送り状番号なし（未発送シート参照）。",
        "입금 완료, 송장번호 없음 (미발송 시트 참조).",
    ),
    "orders.pending": ("Pending upload", "アップロード待ち", "업로드 대기"),
    "orders.pending.meaning": (
        "In an earlier run's upload file that this export predates (UPLOAD_PENDING).",
        "この注文データより後に作成された、以前のアップロード用ファイルに記載済み（UPLOAD_PENDING）。",
        "이 주문 데이터보다 나중에 만든 이전 업로드용 파일에 기재됨 (UPLOAD_PENDING).",
    ),
    "orders.not_eligible": ("Not eligible", "対象外", "대상 아님"),
    "orders.not_eligible.meaning": (
        "Awaiting payment or cancelled, no tracking number.",
        "入金待ちまたはキャンセルで、送り状番号なし。",
        "입금대기 또는 취소, 송장번호 없음.",
    ),
    "orders.already_dispatched": ("Already dispatched", "発送済み", "발송 완료"),
    "orders.already_dispatched.meaning": (
        "Already has a tracking number (in QSM or from an earlier run).",
        "送り状番号が登録済み（QSMまたは前回の処理）。",
        "이미 송장번호가 있음 (QSM 또는 이전 처리).",
    ),
    "orders.invalid": ("Invalid row", "不備のある行", "오류 행"),
    "orders.invalid.meaning": (
        "The row could not be read as an order (INVALID_ROW).",
        "注文として読み取れない行（INVALID_ROW）。",
        "주문으로 읽을 수 없는 행 (INVALID_ROW).",
    ),
    # --- dispatch buckets (summary.json "dispatch") ------------------------------------
    "dispatch.matched": ("Matched", "照合済み", "대조 완료"),
    "dispatch.matched.meaning": (
        "Matched to one or more orders.",
        "注文と照合できた行。",
        "주문과 대조된 행.",
    ),
    "dispatch.unmatched": ("Unmatched", "照合不可", "대조 불가"),
    "dispatch.unmatched.meaning": (
        "No order, or several possible carts (UNMATCHED_DISPATCH, AMBIGUOUS_MATCH).",
        "該当する注文がない、または候補が複数（UNMATCHED_DISPATCH、AMBIGUOUS_MATCH）。",
        "해당 주문이 없거나 후보가 여러 개 (UNMATCHED_DISPATCH, AMBIGUOUS_MATCH).",
    ),
    "dispatch.invalid": ("Invalid row", "不備のある行", "오류 행"),
    "dispatch.invalid.meaning": (
        "The row could not be read (INVALID_ROW).",
        "読み取れない行（INVALID_ROW）。",
        "읽을 수 없는 행 (INVALID_ROW).",
    ),
    "dispatch.duplicate": ("Duplicate", "重複", "중복"),
    "dispatch.duplicate.meaning": (
        "Repeats an earlier row (same reference and tracking number).",
        "前の行と同じ内容（管理番号と送り状番号が同じ）。",
        "앞 행과 같은 내용 (관리번호와 송장번호 동일).",
    ),
    # --- severities ----------------------------------------------------------------------
    "severity.error": ("Error", "エラー", "오류"),
    "severity.warning": ("Warning", "警告", "경고"),
    "severity.info": ("Info", "お知らせ", "알림"),
    # --- column headers ----------------------------------------------------------------
    "col.severity": ("Severity", "重要度", "중요도"),
    "col.code": ("Code", "コード", "코드"),
    "col.reason": ("Reason", "理由", "사유"),
    "col.action": ("Action to take", "対応", "조치"),
    "col.order_no": ("Order no.", "注文番号", "주문번호"),
    "col.proposed_date": ("Proposed ship date", "発送予定日（案）", "발송예정일(안)"),
    "col.why": ("Why", "理由", "이유"),
    "col.outcome": ("Outcome", "結果", "결과"),
    "plan.why.paid": (
        "paid + {n} business days",
        "入金日 + {n}営業日",
        "입금일 + {n}영업일",
    ),
    "plan.why.cutoff": (
        "paid after {cutoff}: from the next business day + {n} business days",
        "{cutoff}以降の入金：翌営業日 + {n}営業日",
        "{cutoff} 이후 입금: 다음 영업일 + {n}영업일",
    ),
    "plan.why.no_payment": (
        "no payment date in the export: today + {n} business days",
        "入金日なし：本日 + {n}営業日",
        "입금일 없음: 오늘 + {n}영업일",
    ),
    "plan.why.earliest": (
        "earliest date QSM accepts (after today)",
        "QSMで入力できる最短日（翌営業日）",
        "QSM에 입력 가능한 가장 빠른 날(다음 영업일)",
    ),
    "plan.why.capped": (
        "capped at today + {max} days",
        "上限（本日 + {max}日）",
        "상한(오늘 + {max}일)",
    ),
    "plan.why.cart": (
        "same date as the rest of its cart",
        "同じカートの注文に合わせた日付",
        "같은 장바구니의 주문과 같은 날짜",
    ),
    "plan.why.urgent": (
        "past the penalty line or delayed: earliest possible date, ship first",
        "ペナルティ基準超過または配送遅延：最短日、優先して発送",
        "페널티 기준 초과 또는 배송지연: 가장 빠른 날, 우선 발송",
    ),
    "plan.dated": ("dated in this plan", "今回入力", "이번에 입력"),
    "plan.already_dated": ("already has a ship date", "発送予定日入力済み", "발송예정일 입력됨"),
    "plan.already_dispatched": ("already dispatched", "発送済み", "발송됨"),
    "plan.not_eligible": ("awaiting payment or cancelled", "入金待ち・キャンセル", "입금대기·취소"),
    "plan.unknown_status": (
        "status unknown to the tool: not dated",
        "配送状態が不明のため対象外",
        "배송상태를 알 수 없어 대상 외",
    ),
    "col.cart_no": ("Cart no.", "カート番号", "장바구니번호"),
    "col.tracking_no": ("Tracking no.", "送り状番号", "송장번호"),
    "col.carrier": ("Carrier", "配送会社", "택배사"),
    "col.carrier_expected": ("Carrier (order)", "配送会社（注文）", "택배사 (주문)"),
    "col.carrier_used": ("Carrier (shipped)", "配送会社（発送）", "택배사 (발송)"),
    "col.recipient": ("Recipient", "受取人名", "수취인명"),
    "col.phone": ("Phone", "電話番号", "전화번호"),
    "col.address": ("Address", "住所", "주소"),
    "col.amount": ("Amount (JPY)", "金額（円）", "금액 (엔)"),
    "col.days": ("Days", "日数", "일수"),
    "col.deadline": ("Deadline", "期限", "기한"),
    "col.source_file": ("Source file", "元ファイル", "원본 파일"),
    "col.source_row": ("Row", "行", "행"),
    "col.detail": ("Detail (English)", "詳細（英語）", "상세 (영어)"),
    "col.customer_message": (
        "Message to the customer (Japanese)",
        "お客様へのメッセージ",
        "고객 메시지 (일본어)",
    ),
    "col.upload_file": ("Upload file", "アップロードファイル", "업로드 파일"),
    "col.ship_date": ("Ship date", "発送日", "발송일"),
    "col.priority": ("Priority", "優先順", "우선순위"),
    "col.alerts": ("Alerts", "アラート", "알림"),
    "col.status": ("QSM status", "配送状態", "배송상태"),
    "col.paid_at": ("Payment date", "入金日", "입금일"),
    "col.est_ship_date": ("Est. ship date", "発送予定日", "발송예정일"),
    "col.business_days": (
        "Business days since payment",
        "入金からの営業日数",
        "입금 후 영업일수",
    ),
    "col.ship_by": (
        "Ship by (penalty after)",
        "発送期限（超過でペナルティ）",
        "발송 기한 (초과 시 페널티)",
    ),
    "col.item": ("Item", "商品名", "상품명"),
    # --- short names of the unshipped-order alerts ----------------------------------------
    "alert.OVERDUE": ("Overdue", "配送遅延", "배송지연"),
    "alert.PENALTY_RISK": ("Penalty risk", "ペナルティ注意", "페널티 주의"),
    "alert.NO_SHIP_DATE": ("No ship date", "発送予定日なし", "발송예정일 없음"),
    # --- formats -----------------------------------------------------------------------
    # --- printed pages: the footer's centre and right (&P the page, &N the pages) -------
    "print.footer": (
        "Run {run_id} · {date}",
        "実行ID {run_id}・処理日 {date}",
        "실행 ID {run_id} · 처리일 {date}",
    ),
    "print.page": ("Page &P of &N", "&P / &N ページ", "&P / &N 페이지"),
    "format.date": ("yyyy-mm-dd", "yyyy/mm/dd", "yyyy-mm-dd"),
    "format.datetime": ("yyyy-mm-dd hh:mm", "yyyy/mm/dd hh:mm", "yyyy-mm-dd hh:mm"),
    # --- per exception code: the reason (one line, plain language) and the action --------
    "reason.INVALID_ROW": (
        "An input row is incomplete or malformed (the detail names the column and value).",
        "入力ファイルの行に不備があります（列と値は詳細を参照）。",
        "입력 파일의 행에 누락이나 형식 오류가 있습니다 (열과 값은 상세 참조).",
    ),
    "action.INVALID_ROW": (
        "Correct the row in its file (or in QSM) and run again.",
        "元のファイル（またはQSM）で該当行を修正し、再度実行してください。",
        "원본 파일(또는 QSM)에서 해당 행을 수정한 후 다시 실행하세요.",
    ),
    "reason.TRACKING_INVALID": (
        "The tracking number does not fit its carrier's format or check digit.",
        "送り状番号が配送会社の桁数・チェックデジットに合いません。",
        "송장번호가 택배사의 형식이나 검증 숫자와 맞지 않습니다.",
    ),
    "action.TRACKING_INVALID": (
        "Check the number on the label or the courier's site, correct the sheet, run again.",
        "伝票か配送会社のサイトで番号を確認し、発送データを修正して再実行してください。",
        "운송장이나 택배사 사이트에서 번호를 확인하고 발송 데이터를 수정한 후 다시 실행하세요.",
    ),
    "reason.TRACKING_MANGLED": (
        "The tracking number was damaged by a spreadsheet (e.g. 3.89711E+11, or 439628000000 "
        "with its last digits turned to zeros); digits are lost.",
        "表計算ソフトで送り状番号が壊れています（例：3.89711E+11、末尾が0に丸められた"
        "439628000000）。桁が失われています。",
        "스프레드시트에서 송장번호가 손상되었습니다 (예: 3.89711E+11, 끝자리가 0으로 바뀐 "
        "439628000000). 자릿수가 사라졌습니다.",
    ),
    "action.TRACKING_MANGLED": (
        "Download the original file from the courier again and use it without opening it in Excel.",
        "配送会社から元のファイルを再ダウンロードし、Excelで開かずにそのまま使ってください。",
        "택배사에서 원본 파일을 다시 내려받아 Excel로 열지 말고 그대로 사용하세요.",
    ),
    "reason.UNMATCHED_DISPATCH": (
        "A dispatch row matches no order of the export (by reference, phone or postal code).",
        "発送データの行に該当する注文がありません（管理番号・電話番号・郵便番号で照合）。",
        "발송 데이터 행과 일치하는 주문이 없습니다 (관리번호·전화번호·우편번호로 대조).",
    ),
    "action.UNMATCHED_DISPATCH": (
        "Check the reference on the label; if the order is in another export, run with that file.",
        "伝票の管理番号を確認してください。別の注文ファイルの注文なら、そのファイルで実行してください。",
        "운송장의 관리번호를 확인하세요. 다른 주문 파일의 주문이면 그 파일로 실행하세요.",
    ),
    "reason.AMBIGUOUS_MATCH": (
        "Several carts fit this dispatch row (same phone and postal code); none was chosen.",
        "この発送データに該当するカートが複数あり（電話番号・郵便番号が同じ）、特定できません。",
        "해당하는 장바구니가 여러 개여서 (전화번호·우편번호 동일) 특정할 수 없습니다.",
    ),
    "action.AMBIGUOUS_MATCH": (
        "Put the order or cart number in the sheet's reference column and run again.",
        "発送データの管理番号欄に注文番号かカート番号を入れて再実行してください。",
        "발송 데이터의 관리번호 칸에 주문번호나 장바구니번호를 넣고 다시 실행하세요.",
    ),
    "reason.SHIPPED_UNPAID": (
        "A tracking number was given for an order still awaiting payment.",
        "入金待ちの注文に送り状番号があります。",
        "입금대기 주문에 송장번호가 있습니다.",
    ),
    "action.SHIPPED_UNPAID": (
        "Do not register it. Ask the courier to stop the parcel if possible; ship after payment.",
        "登録しないでください。可能なら配送会社に荷物を止めてもらい、入金確認後に発送してください。",
        "등록하지 마세요. 가능하면 택배사에 배송 중지를 요청하고, 입금 확인 후 발송하세요.",
    ),
    "reason.SHIPPED_CANCELLED": (
        "A tracking number was given for a cancelled order.",
        "キャンセル済みの注文に送り状番号があります。",
        "취소된 주문에 송장번호가 있습니다.",
    ),
    "action.SHIPPED_CANCELLED": (
        "Do not register it. Ask the courier to stop the parcel, or contact the buyer.",
        "登録しないでください。配送会社に荷物を止めてもらうか、購入者に連絡してください。",
        "등록하지 마세요. 택배사에 배송 중지를 요청하거나 구매자에게 연락하세요.",
    ),
    "reason.TRACKING_CONFLICT": (
        "The order already has a different tracking number (in QSM or from an earlier run).",
        "注文に別の送り状番号が登録済みです（QSMまたは前回の処理）。",
        "주문에 이미 다른 송장번호가 있습니다 (QSM 또는 이전 처리).",
    ),
    "action.TRACKING_CONFLICT": (
        "Find out which parcel is right; correct QSM by hand if needed.",
        "どちらの荷物が正しいか確認し、必要ならQSMで手動で修正してください。",
        "어느 택배가 맞는지 확인하고, 필요하면 QSM에서 직접 수정하세요.",
    ),
    "reason.DUPLICATE_TRACKING": (
        "The same tracking number is on carts with different recipients.",
        "同じ送り状番号が、受取人の異なるカートに付いています。",
        "같은 송장번호가 수취인이 다른 장바구니에 붙어 있습니다.",
    ),
    "action.DUPLICATE_TRACKING": (
        "Check the labels (one number is probably wrong), correct the sheet and run again.",
        "伝票を確認し（どちらかの番号が誤りの可能性）、発送データを修正して再実行してください。",
        "운송장을 확인하고 (한쪽 번호가 틀렸을 가능성) 발송 데이터를 수정한 후 다시 실행하세요.",
    ),
    "reason.CARRIER_UNTRACKABLE": (
        "Shipped with a method that has no tracking; Qoo10 does not allow switching to it.",
        "追跡できない配送方法で発送されています。Qoo10では追跡なしへの変更はできません。",
        "추적 불가 배송방식으로 발송되었습니다. Qoo10은 이 방식으로의 변경을 허용하지 않습니다.",
    ),
    "action.CARRIER_UNTRACKABLE": (
        "Not uploaded. Check the listing's shipping method and handle the order in QSM by hand.",
        "アップロードしていません。出品の配送方法を確認し、QSMで手動で対応してください。",
        "업로드하지 않았습니다. 상품의 배송방식을 확인하고 QSM에서 직접 처리하세요.",
    ),
    "reason.CARRIER_UNKNOWN": (
        "The carrier of the dispatch row cannot be recognised.",
        "発送データの配送会社を判別できません。",
        "발송 데이터의 택배사를 식별할 수 없습니다.",
    ),
    "action.CARRIER_UNKNOWN": (
        "Write a known carrier name in the sheet and run again.",
        "発送データに既知の配送会社名を記入して再実行してください。",
        "발송 데이터에 알려진 택배사명을 입력한 후 다시 실행하세요.",
    ),
    "reason.UNKNOWN_STATUS": (
        "The order's status (配送状態) is none the tool knows, e.g. a new wording: it is not "
        "treated as paid.",
        "注文の配送状態が、このツールの知らない表示です（新しい表記など）。"
        "入金済みとしては扱っていません。",
        "주문의 배송상태가 이 도구가 모르는 표시입니다 (새 표기 등). "
        "입금 완료로 취급하지 않았습니다.",
    ),
    "action.UNKNOWN_STATUS": (
        "Check the order in QSM; if it is to ship, register the dispatch there by hand. Report "
        "a new wording so it can be added to the tool.",
        "QSMで注文の状態を確認し、発送してよい注文ならQSMで手動で発送処理してください。"
        "新しい表記の場合は、ツールに追加できるようお知らせください。",
        "QSM에서 주문 상태를 확인하고, 발송해도 되는 주문이면 QSM에서 직접 발송 처리하세요. "
        "새 표기라면 도구에 추가할 수 있도록 알려 주세요.",
    ),
    "reason.SHIP_DATE_INVALID": (
        "The courier's ship date is not a real date, is after today, or is before the order "
        "was paid; it is never replaced by another date.",
        "配送会社の発送日が、存在しない日付か、今日より後か、入金日より前です。"
        "別の日付に置き換えることはしません。",
        "택배사의 발송일이 존재하지 않는 날짜이거나, 오늘 이후이거나, 입금일 이전입니다. "
        "다른 날짜로 바꾸지 않습니다.",
    ),
    "action.SHIP_DATE_INVALID": (
        "Correct the date in the courier's sheet and run again. For a label printed ahead, run "
        "again on its ship date, once the parcel has left.",
        "発送データの日付を修正して再実行してください。先に印刷した伝票の場合は、"
        "荷物が出荷された発送日当日に再実行してください。",
        "발송 데이터의 날짜를 수정한 후 다시 실행하세요. 미리 출력한 운송장이면 "
        "택배가 출고된 발송일 당일에 다시 실행하세요.",
    ),
    "reason.UPLOAD_NOT_CONFIRMED": (
        "An earlier upload file held this order, but an export downloaded later still shows it "
        "without a tracking number: that file was not uploaded, or QSM refused it.",
        "以前のアップロード用ファイルに記載した注文ですが、その後にダウンロードした注文データでも"
        "送り状番号がありません。そのファイルが未アップロードか、QSMで受け付けられなかったものです。",
        "이전 업로드용 파일에 기재한 주문이지만, 그 후에 다운로드한 주문 데이터에도 "
        "송장번호가 없습니다. 그 파일이 업로드되지 않았거나 QSM에서 거부된 것입니다.",
    ),
    "action.UPLOAD_NOT_CONFIRMED": (
        "It is in this run's upload file again: upload that file, and check QSM's result screen.",
        "今回のアップロード用ファイルに再度記載しています。アップロード後、QSMの処理結果を確認してください。",
        "이번 업로드용 파일에 다시 기재했습니다. 업로드 후 QSM의 처리 결과를 확인하세요.",
    ),
    "reason.CARRIER_MISMATCH": (
        "Shipped with another trackable carrier than the order's; uploaded with the one used.",
        "注文とは別の（追跡可能な）配送会社で発送されました。実際の配送会社で登録しています。",
        "주문과 다른 (추적 가능한) 택배사로 발송되었습니다. 실제 택배사로 등록했습니다.",
    ),
    "action.CARRIER_MISMATCH": (
        "Tell the customer which carrier delivers the parcel.",
        "お客様に実際の配送会社をお知らせください。",
        "고객에게 실제 택배사를 알려 주세요.",
    ),
    "reason.MULTI_PACKAGE": (
        "One order went out in several parcels; QSM takes one tracking number, the first one.",
        "1つの注文が複数の荷物で発送されました。QSMには1つ目の送り状番号のみ登録しています。",
        "한 주문이 여러 택배로 발송되었습니다. QSM에는 첫 번째 송장번호만 등록했습니다.",
    ),
    "action.MULTI_PACKAGE": (
        "Send the customer the message in the last column (it lists every tracking number).",
        "右端の列のメッセージをお客様に送ってください（全送り状番号を記載済み）。",
        "마지막 열의 메시지를 고객에게 보내세요 (모든 송장번호 기재).",
    ),
    "reason.SPLIT_CART": (
        "The orders of one cart went out in separate parcels.",
        "1つのカートの注文が別々の荷物で発送されました。",
        "한 장바구니의 주문이 각각 다른 택배로 발송되었습니다.",
    ),
    "action.SPLIT_CART": (
        "Send the customer the message in the last column: the parcels arrive separately.",
        "右端の列のメッセージをお客様に送ってください（荷物が別々に届く旨）。",
        "마지막 열의 메시지를 고객에게 보내세요 (택배가 따로 도착한다는 안내).",
    ),
    "reason.PARTIAL_CART": (
        "Some orders of a cart were shipped, the others not yet.",
        "カートの一部の注文だけが発送され、残りは未発送です。",
        "장바구니의 일부 주문만 발송되고 나머지는 아직 발송되지 않았습니다.",
    ),
    "action.PARTIAL_CART": (
        "Ship the orders listed here, or tell the customer when they follow.",
        "ここに記載の注文を発送するか、発送時期をお客様にお知らせください。",
        "여기 기재된 주문을 발송하거나 발송 시기를 고객에게 알려 주세요.",
    ),
    "reason.FALLBACK_MATCH": (
        "Matched on the recipient's phone and postal code (and name): the reference was missing.",
        "管理番号がないため、受取人の電話番号・郵便番号（・氏名）で照合しました。",
        "관리번호가 없어 수취인의 전화번호·우편번호(·이름)로 대조했습니다.",
    ),
    "action.FALLBACK_MATCH": (
        "Check the order and recipient before uploading the file.",
        "アップロード前に、注文と受取人が正しいか確認してください。",
        "업로드하기 전에 주문과 수취인이 맞는지 확인하세요.",
    ),
    "reason.OVERDUE": (
        "Paid, not shipped, and the estimated ship date has passed: the buyer may cancel freely.",
        "入金済み・未発送で、発送予定日を過ぎています。購入者は自由にキャンセルできます。",
        "입금 완료·미발송이며 발송예정일이 지났습니다. 구매자가 자유롭게 취소할 수 있습니다.",
    ),
    "action.OVERDUE": (
        "Ship these first.",
        "最優先で発送してください。",
        "가장 먼저 발송하세요.",
    ),
    "reason.PENALTY_RISK": (
        "Paid 3+ business days ago, not shipped: a penalty follows after 4 business days.",
        "入金から3営業日以上経過して未発送です。4営業日を過ぎるとペナルティの対象です。",
        "입금 후 3영업일 이상 지났으나 미발송입니다. 4영업일이 지나면 페널티 대상입니다.",
    ),
    "action.PENALTY_RISK": (
        "Ship by the deadline date.",
        "期限日までに発送してください。",
        "기한일까지 발송하세요.",
    ),
    "reason.NO_SHIP_DATE": (
        "Paid, not shipped, no estimated ship date: the buyer can cancel without approval.",
        "入金済み・未発送で発送予定日が未入力です。購入者は承諾なしにキャンセルできます。",
        "입금 완료·미발송이며 발송예정일이 없습니다. 구매자가 승인 없이 취소할 수 있습니다.",
    ),
    "action.NO_SHIP_DATE": (
        "Enter an estimated ship date in QSM (the plan command prepares the file).",
        "QSMで発送予定日を入力してください（plan コマンドでファイルを作成できます）。",
        "QSM에서 발송예정일을 입력하세요 (plan 명령으로 파일을 만들 수 있습니다).",
    ),
    "reason.UPLOAD_PENDING": (
        "In an earlier run's upload file; this export was downloaded before that file was "
        "written, so it cannot show it yet.",
        "以前の処理のアップロード用ファイルに記載済みです。今回の注文データはそのファイルより前に"
        "ダウンロードされたため、まだ反映されていません。",
        "이전 처리의 업로드용 파일에 기재되어 있습니다. 이번 주문 데이터는 그 파일보다 먼저 "
        "다운로드되어 아직 반영되지 않았습니다.",
    ),
    "action.UPLOAD_PENDING": (
        "Upload the file named in the details if not done yet; tomorrow's export will confirm it.",
        "詳細に記載のファイルが未アップロードならアップロードしてください。"
        "次回の注文データで確認されます。",
        "상세에 기재된 파일을 아직 업로드하지 않았다면 업로드하세요. "
        "다음 주문 데이터에서 확인됩니다.",
    ),
    "reason.ALREADY_DISPATCHED": (
        "Already dispatched with this tracking number (in QSM or an earlier run).",
        "この送り状番号で発送処理済みです（QSMまたは前回の処理）。",
        "이 송장번호로 이미 발송 처리되었습니다 (QSM 또는 이전 처리).",
    ),
    "action.ALREADY_DISPATCHED": (
        "Nothing to do: not uploaded again.",
        "対応は不要です（再アップロードはしていません）。",
        "조치가 필요 없습니다 (다시 업로드하지 않았습니다).",
    ),
}


def language(lang: str) -> str:
    """A catalogue language: lang itself if known, else English."""
    return lang if lang in LANGUAGES else "en"


def text(key: str, lang: str, **fields: object) -> str:
    """The text of key in lang, with its {fields} filled in."""
    s = _TEXTS[key][LANGUAGES.index(language(lang))]
    return s.format(**fields) if fields else s


def has(key: str) -> bool:
    return key in _TEXTS


def entries() -> list[str]:
    return list(_TEXTS)


def reason(code: str, lang: str) -> str:
    return text(f"reason.{code}", lang)


def action(code: str, lang: str) -> str:
    return text(f"action.{code}", lang)
