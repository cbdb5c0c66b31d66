"""SOAP over zeep, for panels whose users prefer (or only open) the SOAP endpoint.

The WSDL at ``{base}/soap?wsdl`` is read ONCE per base URL and process (``_DOCUMENTS``): a parsed zeep
``Document`` is kept and every ``SoapTransport`` builds its ``zeep.Client`` on it with its own pooled
session, so credentials, timeouts and TLS settings stay per connection while the WSDL is not fetched and
parsed again (zeep's SqliteCache is not needed). Calls go to ``{base}/soap`` whatever address the WSDL names.

The seven operations of the spec carry the same function names as REST (``sms/create`` -> ``sendSms`` …);
answers are turned into the same dicts REST gives (``serialize_object``, ``<item>`` lists flattened), so the
models are identical over either wire.

**Functions the WSDL lacks** (contacts, groups, black list, KVKK, recreate, summary, inquiry, MO) — and a
call carrying a parameter the WSDL's operation does not declare (zeep would refuse or drop it, and dropping
``customID`` would break sending exactly once) — are sent over REST/JSON to the same server with the same
credentials (``RestTransport``), logged ONCE at INFO per transport and function. One connection thus reaches
every function; a panel that closes its JSON port to SOAP users would answer those calls with an HTTP error,
which surfaces as usual.

**Credentials**: the spec lets a SOAP request carry them in the HTTP header OR as ``<username>``/
``<password>`` in the body. The session always sends HTTP Basic, so the body elements are left out unless
the WSDL makes them required (``minOccurs`` >= 1). zeep logs whole envelopes on ``zeep.transports`` at
DEBUG; a filter (``RedactingFilter``) on that logger replaces secrets, message texts and numbers in them.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
from collections.abc import Mapping
from typing import Any

import requests
import requests.structures
import zeep
import zeep.exceptions
import zeep.helpers
import zeep.transports
import zeep.xsd
from lxml import etree
from zeep.wsdl import Document

from airflow_provider_ileti.clients.http.answer import Answer
from airflow_provider_ileti.clients.http.retry import parse_retry_after
from airflow_provider_ileti.clients.http.settings import HttpSettings
from airflow_provider_ileti.clients.http.sync import HttpSession
from airflow_provider_ileti.clients.node import SERVICE
from airflow_provider_ileti.clients.node.answers import read_envelope
from airflow_provider_ileti.clients.node.codes import (
    WsdlUnusableError,
    error_for,
    error_for_status,
)
from airflow_provider_ileti.clients.node.rest import RestTransport
from airflow_provider_ileti.clients.node.transport import Payload
from airflow_provider_ileti.core.encoded_json import EncodedJson
from airflow_provider_ileti.core.errors import IletiError, ProtocolError, TransientError
from airflow_provider_ileti.core.masking import mask_number, mask_text

log = logging.getLogger(__name__)

_XSI = "http://www.w3.org/2001/XMLSchema-instance"
#: Elements whose text is a secret: replaced by ``***`` in zeep's DEBUG records.
SECRET_ELEMENTS = ("password", "apiKey", "api_key", "apiSecret", "token", "hash")
#: Elements carrying a message body: replaced by its size.
TEXT_ELEMENTS = ("content", "msg")
#: Elements carrying a phone number: masked (``90555***4567``).
NUMBER_ELEMENTS = ("number", "nr", "target", "gsm")


def _element(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(
        r"(<(?P<tag>(?:[\w.-]+:)?(?:" + "|".join(names) + r"))(?:\s[^>]*)?>)(?P<text>[^<]*)(</(?P=tag)>)",
        re.IGNORECASE,
    )


_SECRET_RE = _element(SECRET_ELEMENTS)
_TEXT_RE = _element(TEXT_ELEMENTS)
_NUMBER_RE = _element(NUMBER_ELEMENTS)
#: Any other element holding 10..15 digits (``<item>905551234567</item>`` in a list, a TC ID): masked too.
_DIGITS_RE = re.compile(r">(\+?\d{10,15})<")


def redact_envelope(text: str) -> str:
    """A SOAP envelope fit for a log: secrets ``***``, texts as their size, numbers masked."""
    text = _SECRET_RE.sub(lambda m: f"{m.group(1)}***{m.group(4)}", text)
    text = _TEXT_RE.sub(lambda m: f"{m.group(1)}{mask_text(m.group('text'))}{m.group(4)}", text)
    text = _NUMBER_RE.sub(
        lambda m: f"{m.group(1)}{mask_number(m.group('text')) if m.group('text') else ''}{m.group(4)}", text
    )
    return _DIGITS_RE.sub(lambda m: f">{mask_number(m.group(1))}<", text)


class RedactingFilter(logging.Filter):
    """Rewrites zeep's envelope records (``HTTP Post to …``, ``HTTP Response from …``) before any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose args do not fit its format: leave it to logging
            return True
        if "<" in message:
            record.msg, record.args = redact_envelope(message), ()
        return True


def install_log_redaction() -> None:
    """Put ONE ``RedactingFilter`` on ``zeep.transports`` (idempotent; runs when this module is imported)."""
    zeep_log = logging.getLogger("zeep.transports")
    if not any(isinstance(f, RedactingFilter) for f in zeep_log.filters):
        zeep_log.addFilter(RedactingFilter())


install_log_redaction()

#: REST function -> SOAP operation (the seven the vendor's WSDL shows).
OPERATIONS: dict[str, str] = {
    "sms/create-otp": "sendOtp",
    "sms/create": "sendSms",
    "sms/list": "getSmsPackages",
    "sms/list-item": "getSmsPackageItems",
    "sms/list-sender": "getSmsSenders",
    "sms/cancel": "cancelSmsPackage",
    "user/credit": "getUserCredit",
}

_DOCUMENTS: dict[str, Document] = {}
_DOCUMENTS_LOCK = threading.Lock()


def wsdl_url(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/soap?wsdl"


def clear_wsdl_cache() -> None:
    """Forget every parsed WSDL (tests; a panel upgraded while the process runs)."""
    with _DOCUMENTS_LOCK:
        _DOCUMENTS.clear()


class _NotSoap(Exception):
    """An answer that is not XML (an HTML error page, JSON): zeep must not try to read it."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.status)
        self.answer = answer


_HTML_START = (b"<!doctype html", b"<html")


def _looks_like_xml(answer: Answer) -> bool:
    kind = answer.content_type.lower()
    if "html" in kind:
        return False
    if "xml" in kind:
        return True
    start = answer.body.lstrip(b"\xef\xbb\xbf \t\r\n")[:20].lower()
    return start.startswith(b"<") and not start.startswith(_HTML_START)


def _text(message: Any) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


class _LayerTransport(zeep.transports.Transport):
    """zeep's transport over the shared HTTP layer (deadline, size cap, no redirects).

    It keeps the last answer per thread, for its status and ``Retry-After``, and refuses to hand zeep an
    answer that is not XML (zeep would fail on an HTML page with a bare ``StopIteration``)."""

    def __init__(self, http: HttpSession) -> None:
        timeout = http.settings.timeout
        super().__init__(session=http.session, timeout=timeout, operation_timeout=timeout)  # type: ignore[no-untyped-call]
        self.http = http
        self._local = threading.local()

    @property
    def last_answer(self) -> Answer | None:
        return getattr(self._local, "answer", None)

    def calling(self, function: str) -> None:
        self._local.function = function
        self._local.answer = None

    def post(self, address: str, message: Any, headers: Any) -> requests.Response:
        function = getattr(self._local, "function", "soap")
        debug = self.logger.isEnabledFor(logging.DEBUG)
        if debug:  # as zeep's own post logs it; RedactingFilter on this logger blanks secrets and numbers
            self.logger.debug("HTTP Post to %s:\n%s", address, _text(message))
        answer = self.http.request("POST", address, what=function, data=message, headers=headers)
        self._local.answer = answer
        if debug:
            self.logger.debug(
                "HTTP Response from %s (status: %d):\n%s", address, answer.status, _text(answer.body)
            )
        if answer.body and not _looks_like_xml(answer):
            raise _NotSoap(answer)
        response = requests.Response()
        response.status_code = answer.status
        response.headers = requests.structures.CaseInsensitiveDict(answer.headers)
        response._content = answer.body
        response.url = address
        return response

    def _load_remote_data(self, url: str) -> bytes:
        answer = self.http.request("GET", url, what="soap?wsdl")
        if answer.status != 200:
            raise error_for_status(
                answer.status,
                function="soap?wsdl",
                retry_after=parse_retry_after(answer.retry_after),
                vendor_message=answer.describe(),
            )
        if not _looks_like_xml(answer):
            raise answer.wrong_kind("a WSDL (XML)")
        return answer.body


class SoapTransport:
    protocol = "soap"

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        settings: HttpSettings | None = None,
        rest: RestTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._username = username
        self._password = password
        settings = settings or HttpSettings()
        self.http = HttpSession(settings, service=SERVICE, auth=(username, password), secrets=(password,))
        self._transport = _LayerTransport(self.http)
        self._rest = rest or RestTransport(base_url, username, password, settings=settings)
        self._client: zeep.Client | None = None
        self._service: Any = None
        self._lock = threading.Lock()
        #: functions already logged as going over REST (logged once per transport and function)
        self._fallbacks_logged: set[str] = set()

    def __repr__(self) -> str:
        return f"SoapTransport(base_url={self.base_url!r})"

    # -- WSDL -------------------------------------------------------------------------------------------
    def _document(self) -> Document:
        url = wsdl_url(self.base_url)
        with _DOCUMENTS_LOCK:
            doc = _DOCUMENTS.get(url)
            if doc is None:
                try:
                    doc = Document(url, self._transport, settings=zeep.Settings(strict=False))  # type: ignore[arg-type]
                except IletiError:
                    raise  # the HTTP layer's own (network, deadline, size, redirect, kind)
                except zeep.exceptions.TransportError as exc:
                    raise error_for_status(exc.status_code, function="soap?wsdl") from None
                except Exception as exc:  # lxml/zeep parse errors
                    raise ProtocolError(
                        f"soap: the WSDL is not readable ({type(exc).__name__}: {exc})", service=SERVICE
                    ) from None
                _DOCUMENTS[url] = doc
                log.debug("Node SOAP: WSDL loaded from %s", url)
        return doc

    def _bound(self) -> tuple[zeep.Client, Any]:
        with self._lock:
            if self._client is None:
                doc = self._document()
                client = zeep.Client(
                    wsdl=doc, transport=self._transport, settings=zeep.Settings(strict=False)
                )
                service = next(iter(doc.services.values()), None)
                port = next(iter(service.ports.values()), None) if service is not None else None
                if port is None:  # an XML document that is not a WSDL of a service
                    raise ProtocolError(
                        f"soap: {wsdl_url(self.base_url)} names no service and port; is the host the "
                        "panel's API address?",
                        service=SERVICE,
                    )
                self._service = client.create_service(port.binding.name, f"{self.base_url}/soap")
                self._client = client
            return self._client, self._service

    def operation_inputs(self, operation: str) -> dict[str, Any] | None:
        """The input elements (name -> xsd element) of ``operation``; None when the WSDL lacks it."""
        client, _service = self._bound()
        for service in client.wsdl.services.values():
            for port in service.ports.values():
                op = port.binding._operations.get(operation)
                if op is not None:
                    body = op.input.body
                    elements = getattr(body.type, "elements", []) if body is not None else []
                    return dict(elements)
        return None

    # -- calls ------------------------------------------------------------------------------------------
    def call(self, function: str, payload: Payload) -> Any:
        if isinstance(payload, EncodedJson):  # a prepared body: zeep builds the envelope from values
            payload = payload.decoded()
        operation = OPERATIONS.get(function)
        inputs = self._inputs_before_sending(operation) if operation else None
        if operation is None or inputs is None:
            self._log_fallback(function, "the WSDL has no operation for it")
            return self._rest.call(function, payload)
        missing = sorted(k for k in payload if k not in inputs)
        if missing:
            self._log_fallback(function, f"{operation} in the WSDL lacks {', '.join(missing)}")
            return self._rest.call(function, payload)
        kwargs = {k: _shape(v, inputs[k].type) for k, v in payload.items()}
        # HTTP Basic (the session) authenticates every call; body credentials only where the WSDL demands
        # them, so the password is not written into envelopes (and zeep's DEBUG logs) without need.
        if _required(inputs.get("username")):
            kwargs["username"] = self._username
        if _required(inputs.get("password")):
            kwargs["password"] = self._password
        _client, service = self._bound()
        self._transport.calling(function)
        try:
            result = getattr(service, operation)(**kwargs)
        except IletiError:
            raise  # the HTTP layer's own (network, deadline, size, redirect)
        except _NotSoap as exc:
            raise self._not_soap(function, exc.answer) from None
        except zeep.exceptions.Fault as fault:
            raise self._fault(function, fault) from None
        except zeep.exceptions.TransportError as exc:
            raise self._http_error(function, exc) from None
        except Exception as exc:  # zeep/lxml choke on an answer that is XML but not SOAP
            last = self._transport.last_answer
            if last is not None and last.status >= 400:
                raise self._not_soap(function, last) from None
            shown = last.describe() if last is not None else "no answer"
            raise ProtocolError(
                f"{function}: unreadable SOAP answer ({type(exc).__name__}; {shown})", service=SERVICE
            ) from None
        answer = to_plain(zeep.helpers.serialize_object(result, dict))
        if isinstance(answer, Mapping) and set(answer) == {"result"}:
            answer = answer["result"]
        last = self._transport.last_answer
        status = last.status if last is not None else None
        return read_envelope(answer, function=function, http_status=status)

    def _inputs_before_sending(self, operation: str) -> dict[str, Any] | None:
        """``operation_inputs``, whose failure (reading the WSDL) surely sent nothing of the call.

        A WSDL that cannot be read is a fault of the panel or of the connection, never "the package may
        exist": a transient failure says it was not processed; an unusable document is
        ``WsdlUnusableError``, which the client never reads as "may have arrived"."""
        try:
            return self.operation_inputs(operation)
        except TransientError as exc:
            exc.maybe_processed = False
            raise
        except ProtocolError as exc:
            raise WsdlUnusableError(
                f"soap: the panel's WSDL cannot be used, so nothing was sent: {exc.message}",
                service=SERVICE,
                code=exc.code,
                http_status=exc.http_status,
            ) from None

    def _log_fallback(self, function: str, why: str) -> None:
        if function in self._fallbacks_logged:
            log.debug("Node SOAP: %s over REST (%s)", function, why)
            return
        self._fallbacks_logged.add(function)
        log.info(
            "Node SOAP connection: %s goes over REST/JSON (%s); same server and credentials", function, why
        )

    def _retry_after(self) -> float | None:
        last = self._transport.last_answer
        return parse_retry_after(last.retry_after) if last is not None else None

    def _not_soap(self, function: str, answer: Answer) -> Exception:
        """An HTML (or JSON) page where SOAP was due: by its status, or a wrong-kind error on a 2xx."""
        if answer.status >= 400:
            return error_for_status(
                answer.status,
                function=function,
                retry_after=self._retry_after(),
                vendor_message=answer.describe(),
            )
        return answer.wrong_kind("a SOAP envelope")

    def _fault(self, function: str, fault: zeep.exceptions.Fault) -> Exception:
        last = self._transport.last_answer
        status = last.status if last is not None else None
        detail = fault.detail
        detail_text = "" if detail is None else " ".join(t for t in detail.itertext() if t)
        err = {"code": fault.code, "message": fault.message, "description": detail_text}
        return error_for(err, function=function, http_status=status, retry_after=self._retry_after())

    def _http_error(self, function: str, exc: zeep.exceptions.TransportError) -> Exception:
        content = exc.content or b""
        if isinstance(content, bytes):
            content = content.decode("utf-8", "replace")
        import re

        code = re.search(r"SMS\d{2}|ERR_[A-Z_]+", content)
        if code:
            return error_for(
                code.group(0), function=function, http_status=exc.status_code, retry_after=self._retry_after()
            )
        last = self._transport.last_answer
        return error_for_status(
            exc.status_code,
            function=function,
            retry_after=self._retry_after(),
            vendor_message=last.describe() if last is not None else None,
        )

    def close(self) -> None:
        self.http.close()
        self._rest.close()


def _required(element: Any) -> bool:
    """True when a WSDL input element must be present (``minOccurs`` >= 1)."""
    return element is not None and int(getattr(element, "min_occurs", 0) or 0) >= 1


def _children(xsd_type: Any) -> dict[str, Any]:
    try:
        return dict(getattr(xsd_type, "elements", []) or [])
    except Exception:
        return {}


def _shape(value: Any, xsd_type: Any) -> Any:
    """A JSON-style value as zeep wants it for ``xsd_type``: lists in ``<item>`` wrappers, dicts by child."""
    if isinstance(value, Mapping) and isinstance(xsd_type, zeep.xsd.AnyType):
        return _child_elements(value)
    children = _children(xsd_type)
    if isinstance(value, list | tuple):
        if len(children) == 1:
            ((name, element),) = children.items()
            if element.max_occurs == "unbounded" or (
                isinstance(element.max_occurs, int) and element.max_occurs > 1
            ):
                return {name: [_shape(v, element.type) for v in value]}
        return [_shape(v, xsd_type) for v in value]
    if isinstance(value, Mapping):
        return {k: _shape(v, children[k].type) if k in children else v for k, v in value.items()}
    return value


def _child_elements(value: Mapping[str, Any]) -> Any:
    """A mapping for an ``xsd:anyType`` slot (a loose WSDL's ``<item>``) as child elements, the vendor's
    sample shape ``<item><nr>..</nr><msg>..</msg></item>`` — zeep would otherwise write the text of the
    Python dict. An anonymous type, so no ``xsi:type`` naming a type the WSDL lacks is written either."""
    elements = [zeep.xsd.Element(name, zeep.xsd.AnyType()) for name in value]
    anonymous = zeep.xsd.ComplexType(zeep.xsd.Sequence(elements))
    return anonymous(**{k: _child_elements(v) if isinstance(v, Mapping) else v for k, v in value.items()})


def _element_value(element: Any) -> Any:
    """An lxml element zeep hands back for an ``xsd:anyType`` answer, as REST's JSON would have it."""
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        return None if element.get(f"{{{_XSI}}}nil") == "true" else (element.text or None)
    if all(etree.QName(c).localname == "item" for c in children):
        return [_element_value(c) for c in children]
    return {etree.QName(c).localname: _element_value(c) for c in children}


def _is_element(value: Any) -> bool:
    return isinstance(value, etree._Element)


def _wrap(children: list[Any]) -> Any:
    """The children of one anyType value under a parent of their own (copies: zeep's tree stays intact)."""
    parent = etree.Element("item")
    for child in children:
        parent.append(copy.deepcopy(child))
    return parent


def to_plain(value: Any) -> Any:
    """zeep's serialised answer as plain JSON-like data: ``{"item": [...]}`` -> list, empty text -> None."""
    if isinstance(value, Mapping):
        if set(value) == {"item"}:
            inner = value["item"]
            if inner is None:
                return []
            return [to_plain(v) for v in (inner if isinstance(inner, list) else [inner])]
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        if value and all(_is_element(v) for v in value):
            # a loose WSDL's <item> with children: zeep gives the children, one object of REST's JSON
            return _element_value(_wrap(value))
        return [to_plain(v) for v in value]
    if _is_element(value):
        return _element_value(value)
    if isinstance(value, str) and value == "":
        return None
    return value
