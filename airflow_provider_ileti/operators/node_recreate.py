"""``NodeRecreatePackageOperator``: send a finished (or entirely failed) package again (``/sms/recreate``).

Recreate takes no ``customID`` and its new package cannot be told apart from others afterwards, so the
service cannot deduplicate it. A request that surely did not arrive (connection refused, 503 before
acceptance) fails as transient and Airflow's retries apply; one that may have arrived is an
``AmbiguousSendError`` from the client, which fails the task without retrying (a retry could send the
package a third time): check the panel before clearing the task.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_ileti.operators.node_base import (
    NodeBaseOperator,
    exactly_one,
    require_bool,
    require_int,
    require_text,
)


class NodeRecreatePackageOperator(NodeBaseOperator):
    """Recreate package ``package_id`` (or ``uuid``) as a new package titled ``title``.

    Only a package that completed or failed entirely can be recreated (else the task fails: SMS07).

    :param include_new_numbers: also send to numbers added to the package's contact group since.

    Returns ``{"package_id": <new>, "source": <id or uuid>}``.
    """

    template_fields: Sequence[str] = ("node_sms_conn_id", "package_id", "uuid", "title")
    failure_action = "recreate SMS package"

    def __init__(
        self,
        *,
        title: str,
        include_new_numbers: bool,
        package_id: int | str | None = None,
        uuid: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.package_id = package_id
        self.uuid = uuid
        self.title = title
        self.include_new_numbers = include_new_numbers

    def validate(self) -> dict[str, Any]:
        name, value = exactly_one(package_id=self.package_id, uuid=self.uuid)
        if name == "package_id":
            value = require_int("package_id", value, minimum=1)
        else:
            value = require_text("uuid", value)
        return {
            "by": name,
            "source": value,
            "title": require_text("title", self.title),
            "include_new_numbers": require_bool("include_new_numbers", self.include_new_numbers),
        }

    def run(self, client: Any, args: dict[str, Any], context: Any) -> dict[str, Any]:
        key = "pkg_id" if args["by"] == "package_id" else "uuid"
        new_id = client.recreate_package(
            **{key: args["source"]}, title=args["title"], include_new_numbers=args["include_new_numbers"]
        )
        self.log.info("Package %s recreated as %s", args["source"], new_id)
        return {"package_id": int(new_id), "source": args["source"]}
