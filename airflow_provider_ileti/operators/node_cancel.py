"""``NodeCancelPackageOperator``: cancel a Node package by id, uuid or the ``customID`` it was made with.

The generic ``CancelSmsOperator`` cancels by package id on any service; this one also takes a ``customID``
(e.g. the one a ``NodePeriodicCampaignOperator`` or ``NodeOtpOperator`` returned) or a uuid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_ileti.core.errors import NotChangeableError, NotFoundError
from airflow_provider_ileti.operators.node_base import (
    NodeBaseOperator,
    exactly_one,
    require_bool,
    require_int,
    require_text,
)

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_ileti.clients.node.client import NodeClient


class NodeCancelPackageOperator(NodeBaseOperator):
    """Cancel one package that is scheduled or not yet started.

    :param package_id: / :param uuid: / :param custom_id: exactly one of them.
    :param fail_if_not_cancellable: a package already going out (SMS07) fails the task (default False:
        reported as ``"cancelled": False``).
    :param missing_ok: a package that does not exist (SMS06) is reported, not a failure.

    Returns ``{"cancelled": bool, "by": "package_id"|"uuid"|"custom_id", "ref": ..., "reason": ...}``.
    """

    template_fields: Sequence[str] = ("node_sms_conn_id", "package_id", "uuid", "custom_id")
    failure_action = "cancel SMS package"

    def __init__(
        self,
        *,
        package_id: int | str | None = None,
        uuid: str | None = None,
        custom_id: str | None = None,
        fail_if_not_cancellable: bool = False,
        missing_ok: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.package_id = package_id
        self.uuid = uuid
        self.custom_id = custom_id
        self.fail_if_not_cancellable = fail_if_not_cancellable
        self.missing_ok = missing_ok

    def validate(self) -> dict[str, Any]:
        from airflow_provider_ileti.core.idempotency import validate_custom_id

        name, value = exactly_one(package_id=self.package_id, uuid=self.uuid, custom_id=self.custom_id)
        if name == "package_id":
            value = require_int("package_id", value, minimum=1)
        elif name == "uuid":
            value = require_text("uuid", value)
        else:
            value = validate_custom_id(value, field="custom_id")
        return {
            "by": name,
            "ref": value,
            "strict": require_bool("fail_if_not_cancellable", self.fail_if_not_cancellable),
            "missing_ok": require_bool("missing_ok", self.missing_ok),
        }

    def run(self, client: NodeClient, args: dict[str, Any], context: Context) -> dict[str, Any]:
        key = {"package_id": "pkg_id", "uuid": "uuid", "custom_id": "custom_id"}[args["by"]]
        result = {"cancelled": True, "by": args["by"], "ref": args["ref"], "reason": None}
        try:
            client.cancel_package(**{key: args["ref"]})
        except NotChangeableError as exc:
            if args["strict"]:
                raise AirflowFailException(
                    f"{self.failure_action}: {args['ref']} cannot be cancelled: {exc}"
                ) from exc
            self.log.warning("Package %s cannot be cancelled: %s", args["ref"], exc)
            result.update(cancelled=False, reason="not_changeable")
        except NotFoundError as exc:
            if not args["missing_ok"]:
                raise
            self.log.warning("Package %s not found: %s", args["ref"], exc)
            result.update(cancelled=False, reason="not_found")
        else:
            self.log.info("Package %s (%s) cancelled", args["ref"], args["by"])
        return result
