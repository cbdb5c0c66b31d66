"""``NodeOtpOperator``: one one-time password SMS (``/sms/create-otp``), sent once across retries."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import mask_secret

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.masking import mask_number
from airflow_provider_ileti.core.otp_code import DIGITS_RANGE
from airflow_provider_ileti.exactly_once.node import create_once, custom_id_for, is_retry
from airflow_provider_ileti.operators.node_base import (
    NodeBaseOperator,
    optional_bool,
    optional_datetime,
    optional_encoding,
    optional_int,
    optional_text,
    optional_url,
    require_text,
)
from airflow_provider_ileti.tasks.personal_data import reveal

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_ileti.clients.node.client import NodeClient

#: OTP validity in minutes the Node API accepts (other package types: 60..1440).
OTP_VALIDITY_RANGE = (3, 6)
#: Prefix of the OTP customIDs (``otp.<dag>.<task>.<run>.<map index>``).
OTP_ID_PREFIX = "otp"
#: A run of this many digits or more in an OTP text is taken for the code and masked on its own too.
_CODE = re.compile(r"\d{4,}")


def mask_otp(content: Any) -> None:
    """Register an OTP text and the codes in it with Airflow's secrets masker (redacted as ``***``)."""
    if not isinstance(content, str) or not content.strip():
        return
    mask_secret(content)
    for code in set(_CODE.findall(content)):
        mask_secret(code)


class NodeOtpOperator(NodeBaseOperator):
    """Send a one-time password SMS to ``number``; a retried task never sends a second one.

    The package gets a ``customID`` derived from dag/task/run/map index: a retry finds the package the first
    try made (or meets SMS42, resolved to it) and returns it instead of sending again. Map the operator over
    numbers (``.expand(number=...)``) to send many: each map index is its own OTP.

    :param number: the recipient (``0555 555 00 01``, ``+90 555 555 0001``...).
    :param content: the text, code included (templated: ``"Kodunuz: {{ ti.xcom_pull('code') }}"``).
    :param validity: minutes the code is valid, 3..6 (the server's default when None).
    :param trust_date: SIM-change check: refuse if the SIM changed after this moment (datetime, pendulum or
        ISO 8601; naive means UTC); sent as ``yyyy-MM-dd HH:mm:ss`` in the connection's zone. May need an
        extra permission on the account.
    :param sender: an approved sender title (the connection's default sender when None).
    :param encoding: 0/``"default"``, 1/``"turkish"``, 2/``"utf8"``.
    :param push_url: URL the server calls with the delivery report.
    :param commercial: a commercial message (IYS rules apply).
    :param custom_id: your own customID instead of the derived one (then *you* make it unique per send).
    :param code_key_conn_id: derive the code here instead of passing it in (``core/otp_code.py``): the key is
        this connection's password, the code replaces ``{code}`` in ``content``, and it is never stored
        (not in the run's params, XCom or rendered fields). Your login service checks the typed code with
        ``verify_code(key, request_id, typed)``.
    :param request_id: what the code is derived from (templated; default: the DAG run's id, which the
        login service chooses when it triggers the run).
    :param code_digits: digits of a derived code (4..10, default 6).

    Returns ``{"package_id", "custom_id", "replayed"}`` (no number, no text).
    """

    template_fields: Sequence[str] = (
        "node_sms_conn_id",
        "number",
        "content",
        "validity",
        "trust_date",
        "sender",
        "push_url",
        "custom_id",
        "request_id",
    )
    failure_action = "send OTP"
    personal_fields: Sequence[str] = ("number",)

    def __init__(
        self,
        *,
        number: str,
        content: str,
        validity: int | None = None,
        trust_date: Any = None,
        sender: str | None = None,
        encoding: int | str | None = None,
        push_url: str | None = None,
        commercial: bool | None = None,
        custom_id: str | None = None,
        region: str = "TR",
        code_key_conn_id: str | None = None,
        request_id: str | None = None,
        code_digits: int = 6,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.number = number
        self.content = content
        self.validity = validity
        self.trust_date = trust_date
        self.sender = sender
        self.encoding = encoding
        self.push_url = push_url
        self.commercial = commercial
        self.custom_id = custom_id
        self.region = region
        self.code_key_conn_id = code_key_conn_id
        self.request_id = request_id
        self.code_digits = code_digits

    def render_template_fields(self, context: Context, jinja_env: Any = None) -> None:
        """Render, then register the text and its code with Airflow's secrets masker.

        The content carries the one-time code, so once rendered it (and every run of 4+ digits in it, the
        likely code) is redacted as ``***`` in task logs and in the rendered-fields view, like a password.
        """
        super().render_template_fields(context, jinja_env)
        mask_otp(self.content)

    def validate(self) -> dict[str, Any]:
        from airflow_provider_ileti.core.idempotency import validate_custom_id
        from airflow_provider_ileti.core.phone import normalize_number

        low, high = OTP_VALIDITY_RANGE
        number = reveal(self.number)
        if not isinstance(number, str):
            require_text("number", number)
        content = require_text("content", self.content)
        if self.code_key_conn_id is not None:
            require_text("code_key_conn_id", self.code_key_conn_id)
            if self.request_id is not None:
                require_text("request_id", self.request_id)
            if "{code}" not in content:
                raise ValidationError("content", "<not shown>", "must hold {code}: where the code goes")
            fewest, most = DIGITS_RANGE
            optional_int("code_digits", self.code_digits, minimum=fewest, maximum=most)
        return {
            "number": normalize_number(number, field="number", region=self.region),
            "content": content,
            "validity": optional_int("validity", self.validity, minimum=low, maximum=high),
            "trust_date": optional_datetime("trust_date", self.trust_date),
            "sender": optional_text("sender", self.sender),
            "encoding": optional_encoding("encoding", self.encoding),
            "push_url": optional_url("push_url", self.push_url),
            "commercial": optional_bool("commercial", self.commercial),
            "custom_id": None
            if self.custom_id in (None, "")
            else validate_custom_id(self.custom_id, field="custom_id"),
        }

    def _derived_content(self, content: str, request_id: str) -> str:
        """``content`` with ``{code}`` replaced by the code derived from the key and ``request_id``."""
        from airflow.providers.common.compat.sdk import BaseHook

        from airflow_provider_ileti.core.otp_code import derive_code

        key = BaseHook.get_connection(str(self.code_key_conn_id)).password or ""
        code = derive_code(key, request_id, self.code_digits)
        mask_secret(code)
        return content.replace("{code}", code)

    def run(self, client: NodeClient, args: dict[str, Any], context: Context) -> dict[str, Any]:
        if self.code_key_conn_id is not None:
            request_id = self.request_id or str(context["run_id"])
            args = {**args, "content": self._derived_content(args["content"], request_id)}
        mask_otp(args["content"])  # also when execute() is called without Airflow's rendering
        custom_id = args["custom_id"] or custom_id_for(context, OTP_ID_PREFIX)

        def create(cid: str) -> int:
            return client.create_otp(
                args["number"],
                args["content"],
                sender=args["sender"],
                encoding=args["encoding"],
                validity=args["validity"],
                push_url=args["push_url"],
                commercial=args["commercial"],
                custom_id=cid,
                trust_date=args["trust_date"],
            )

        created = create_once(client, custom_id, create, retry=is_retry(context))
        self.log.info(
            "OTP to %s: package %s (customID %s)%s",
            mask_number(args["number"]),
            created.package_id,
            created.custom_id,
            " — sent by an earlier try, not sent again" if created.replayed else "",
        )
        return {
            "package_id": created.package_id,
            "custom_id": created.custom_id,
            "replayed": created.replayed,
        }
