"""The HTTP client of Qoo10's API: the documented wire, a conservative pace, and retries
where retrying cannot do harm.

httpx, because it gives separate connect/read/write timeouts, one pooled connection for a
whole send, and one exception family for every transport failure, while leaving the retry
decision to us: Qoo10 answers HTTP 200 even on errors, so only a timeout, a lost connection
or a 5xx is retried (with exponential backoff), never an answer. A retried bulk request
that Qoo10 had in fact applied comes back as "tracking number used before" for its rows,
which `send` recognises as already registered: nothing is registered twice.

The seller's key is kept in a ``Secret``: its repr is masked, it only ever goes into the
request header, and no message of this module contains it.
"""

from __future__ import annotations

import json
import math
import os
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from batch.errors import DispatchError, Phrase

DEFAULT_URL = "https://api.qoo10.jp/GMKT.INC.Front.QAPIService/ebayjapan.qapi"
KEY_ENV, URL_ENV = "QOO10_QAPI_KEY", "QOO10_QAPI_URL"
# Codes of the whole request that mean the key or the address cannot be used (qsm.md §3.5).
KEY_CODES = {-90001, -90002, -90003, -90004, -90005, -10000, -10001}
EXPIRED = {-90004, -90005}
# Bounds on one answer, so that none can hang a send or fill the memory, yet generous for
# the largest real one: 90 days of a big shop's orders (GetShippingInfo_v3), ~2 kB each.
MAX_ANSWER_BYTES = 512 * 2**20
ANSWER_TIMEOUTS = 4  # the whole answer within this many timeouts (each read within one)


class QapiError(DispatchError):
    """Qoo10's API could not be used for this request."""


class KeyProblem(QapiError):
    """The key (or the address) is refused: nothing more can be sent until it is fixed."""

    def __init__(self, code: int | None, text: str) -> None:
        self.code = code
        super().__init__(text)


class Unavailable(QapiError):
    """No usable answer after the retries (timeouts, 5xx, a broken answer)."""


class Secret:
    """A value that never shows itself: not in repr, str, logs or tracebacks."""

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret(***)"

    __str__ = __repr__


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name, "")
    try:
        value = float(text) if text.strip() else default
    except ValueError:
        raise QapiError(Phrase("error.api.not_a_number", name=name, text=repr(text))) from None
    retries = name == "QOO10_QAPI_RETRIES"
    if not math.isfinite(value) or value < 0 or (value == 0 and not retries):
        key = "error.api.zero_or_more" if retries else "error.api.above_zero"
        raise QapiError(Phrase(key, name=name, text=repr(text)))
    return value


def _address(text: str) -> str:
    """The base URL, checked now: a malformed one would read as "no answer" forever."""
    try:
        url = httpx.URL(text.strip())
        usable = url.scheme in ("http", "https") and bool(url.host)
    except (httpx.InvalidURL, TypeError, ValueError):
        usable = False
    if not usable:
        raise QapiError(Phrase("error.api.address", name=URL_ENV, text=repr(text)))
    return text.strip().rstrip("/")


@dataclass
class Settings:
    url: str = DEFAULT_URL
    key: Secret = field(default_factory=lambda: Secret(""))
    rate: float = 2.0  # requests a second at most (no limit is published; 5-10 reported safe)
    timeout: float = 60.0  # seconds to wait for an answer (a 500-row request can be slow)
    retries: int = 3  # after the first try, for timeouts, lost connections and 5xx
    backoff: float = 1.0  # seconds before the first retry, doubled each time

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """QOO10_QAPI_KEY, QOO10_QAPI_URL (contract); QOO10_QAPI_RATE, _TIMEOUT, _RETRIES,
        _BACKOFF tune the pace. The seller config file (issue 15) will come before these."""
        env = os.environ if env is None else env
        key = env.get(KEY_ENV, "").strip()
        if not (key.isascii() and key.isprintable()):  # an HTTP header holds nothing else
            raise KeyProblem(None, Phrase("error.api.key_characters", name=KEY_ENV))
        return cls(
            url=_address(env.get(URL_ENV) or DEFAULT_URL),
            key=Secret(key),
            rate=_number(env, "QOO10_QAPI_RATE", 2.0),
            timeout=_number(env, "QOO10_QAPI_TIMEOUT", 60.0),
            retries=int(_number(env, "QOO10_QAPI_RETRIES", 3)),
            backoff=_number(env, "QOO10_QAPI_BACKOFF", 1.0),
        )


@dataclass
class Answer:
    code: int
    message: str
    result: object  # ResultObject


def key_message(code: int | None, url: str) -> Phrase:
    if code is None:
        return Phrase("error.api.no_key", name=KEY_ENV)
    if code in EXPIRED:
        return Phrase("error.api.expired", code=code, name=KEY_ENV)
    if code == -90001:
        return Phrase("error.api.no_such_api", code=code, url=url, name=URL_ENV)
    return Phrase("error.api.key_refused", code=code, name=KEY_ENV)


class Client:
    """One session with Qoo10's API. Use as a context manager."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        if not self.settings.key:
            raise KeyProblem(None, key_message(None, self.settings.url))
        t = self.settings.timeout
        self._http = httpx.Client(timeout=httpx.Timeout(t, connect=min(t, 10.0)))
        self._last = 0.0
        self.requests = 0  # sent, retries included

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self._http.close()

    def _pace(self) -> None:
        wait = self._last + 1.0 / self.settings.rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()

    def _exchange(self, url: str, body: dict, headers: dict) -> tuple[int, bytes]:
        """One request, its status and body. A read timeout only bounds each pause, so the
        whole answer has a deadline too (an answer dripping forever would hang the send)."""
        deadline = time.monotonic() + ANSWER_TIMEOUTS * self.settings.timeout
        with self._http.stream("POST", url, data=body, headers=headers) as response:
            data = bytearray()
            for chunk in response.iter_bytes():
                data += chunk
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the answer took too long")
                if len(data) > MAX_ANSWER_BYTES:
                    raise Unavailable(Phrase("error.api.too_large", n=MAX_ANSWER_BYTES))
            return response.status_code, bytes(data)

    def _post(self, method: str, params: dict[str, str]) -> bytes:
        """One POST with the retries, the answer's body; the last failure as Unavailable
        (no key in it)."""
        s = self.settings
        headers = {"GiosisCertificationKey": s.key.reveal(), "QAPIVersion": "1.0"}
        body = {**params, "returnType": "application/json"}
        problem = ""
        for attempt in range(s.retries + 1):
            if attempt:
                time.sleep(s.backoff * 2 ** (attempt - 1) * (1 + random.random() / 4))
            self._pace()
            self.requests += 1
            try:
                status, answer = self._exchange(f"{s.url}/{method}", body, headers)
            except httpx.TimeoutException:
                problem = Phrase("error.api.timeout", seconds=f"{s.timeout:g}")
                continue
            except httpx.TransportError as exc:
                problem = Phrase("error.api.unreachable", kind=type(exc).__name__)
                continue
            if status >= 500:
                problem = Phrase("error.api.http", status=status)
                continue
            if status in (408, 429):  # busy: no use insisting now, but a later send will do
                raise Unavailable(Phrase("error.api.busy", method=method, status=status))
            if status != 200:  # a redirect, 404, 403...: this address will not do, ever
                wrong = Phrase("error.api.wrong_address", status=status, url=s.url, name=URL_ENV)
                raise KeyProblem(None, wrong)
            return answer
        tries = s.retries + 1
        raise Unavailable(Phrase("error.api.gave_up", method=method, problem=problem, n=tries))

    def call(self, method: str, params: dict[str, str]) -> Answer:
        """``Class.Method`` with ``params``; Qoo10's answer, or KeyProblem / Unavailable."""
        answer = self._post(method, params)
        try:
            data = json.loads(answer)
        except (ValueError, UnicodeDecodeError):
            raise Unavailable(Phrase("error.api.not_json", method=method)) from None
        if not isinstance(data, dict):
            raise Unavailable(Phrase("error.api.not_object", method=method))
        code = data.get("ResultCode", data.get("ErrorCode"))
        message = data.get("ResultMsg", data.get("ErrorMsg")) or ""
        try:
            code = int(code)
        except (TypeError, ValueError):
            raise Unavailable(Phrase("error.api.no_code", method=method)) from None
        if code in KEY_CODES:
            raise KeyProblem(code, key_message(code, self.settings.url))
        return Answer(code, str(message), data.get("ResultObject"))

    def bulk(self, method: str, name: str, rows: list[dict]) -> Answer:
        """A bulk method: ``rows`` as the JSON array parameter ``name``."""
        return self.call(method, {name: json.dumps(rows, ensure_ascii=False)})
