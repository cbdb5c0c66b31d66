"""``NodeRecreatePackageOperator``: send a finished (or entirely failed) package again (``/sms/recreate``).

Recreate takes no ``customID`` and its new package cannot be told apart from others afterwards, so the
service cannot deduplicate it. Exactly once across the tries of a task instance comes from a progress record
(Airflow 3.3 ``task_state_store``, else a Variable; see ``exactly_once.py``):

- before the request the record says "recreate in flight"; the answer's new package id replaces that in
  one write, and the record is kept (marked complete) after success;
- a later try that finds a new package id returns it and makes no request (the worker died after the
  recreate, or a person cleared the task);
- a later try that finds the recreate still "in flight" (the worker died between request and answer), or an
  ``AmbiguousSendError`` from the client (the request may have arrived), cannot know whether the package was
  recreated: ``on_ambiguous="fail"`` (default) fails naming the source package (check the panel),
  ``"skip"`` counts it as done (``package_id`` None), ``"resend"`` recreates again.

A request that surely did not arrive (connection refused, 503 before acceptance) fails as transient and
Airflow's retries apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_ileti.core.errors import AmbiguousSendError, ValidationError
from airflow_provider_ileti.exactly_once.progress import (
    ON_AMBIGUOUS,
    TaskIdentity,
    progress_store_for,
    recorded_request,
)
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

DECIDE = "clear the task with on_ambiguous='skip' (it was recreated) or 'resend' (it was not)"


class NodeRecreatePackageOperator(NodeBaseOperator):
    """Recreate package ``package_id`` (or ``uuid``) as a new package titled ``title``, once per task.

    Only a package that completed or failed entirely can be recreated (else the task fails: SMS07).

    :param include_new_numbers: also send to numbers added to the package's contact group since.
    :param on_ambiguous: when an earlier try may have recreated it without an answer: ``"fail"``
        (default), ``"skip"`` (count it as recreated) or ``"resend"`` (recreate again).
    :param persist_progress: keep the new package id across tries (turn off only in tests).

    Returns ``{"package_id": <new>, "source": <id or uuid>, "replayed": <from an earlier try>}``.
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
        on_ambiguous: str = "fail",
        persist_progress: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.package_id = package_id
        self.uuid = uuid
        self.title = title
        self.include_new_numbers = include_new_numbers
        self.on_ambiguous = on_ambiguous
        self.persist_progress = persist_progress

    def validate(self) -> dict[str, Any]:
        name, value = exactly_one(package_id=self.package_id, uuid=self.uuid)
        if name == "package_id":
            value = require_int("package_id", value, minimum=1)
        else:
            value = require_text("uuid", value)
        if self.on_ambiguous not in ON_AMBIGUOUS:
            raise ValidationError(
                "on_ambiguous", self.on_ambiguous, f"must be one of {', '.join(ON_AMBIGUOUS)}"
            )
        return {
            "by": name,
            "source": value,
            "title": require_text("title", self.title),
            "include_new_numbers": require_bool("include_new_numbers", self.include_new_numbers),
            "persist": require_bool("persist_progress", self.persist_progress),
        }

    def run(self, client: NodeClient, args: dict[str, Any], context: Context) -> dict[str, Any]:
        source = args["source"]
        store = progress_store_for(
            context, TaskIdentity.from_context(context), persist=args["persist"], required=True
        )
        progress = store.load()
        if progress.references:
            earlier_id = progress.references[0]
            self.log.info("Package %s was recreated as %s by an earlier try; not again", source, earlier_id)
            return {"package_id": int(earlier_id), "source": source, "replayed": True}
        if progress.complete:  # an ambiguous recreate counted as done (on_ambiguous="skip")
            return {"package_id": None, "source": source, "replayed": True}
        progress.settle_in_flight(found_by_lookup=False)  # recreate takes no client id
        if progress.ambiguous_chunk is not None:
            what = progress.ambiguous_message or f"the recreate of {source}"
            if self.on_ambiguous == "fail":
                raise AirflowFailException(
                    f"{self.failure_action} failed: an earlier try may have recreated package {source} "
                    f"({what}) without an answer. Check the panel for a new package titled "
                    f"{args['title']!r}, then {DECIDE}"
                )
            progress.resolve_ambiguous(self.on_ambiguous)
            if self.on_ambiguous == "skip":
                self.log.warning("Recreate of %s counted as done (on_ambiguous='skip')", source)
                progress.complete = True
                store.save(progress)
                return {"package_id": None, "source": source, "replayed": True}
            self.log.warning("Package %s recreated again (on_ambiguous='resend')", source)
        key = "pkg_id" if args["by"] == "package_id" else "uuid"
        try:
            with recorded_request(progress, store, 0, f"recreate of package {source}"):
                new_id = client.recreate_package(
                    **{key: source}, title=args["title"], include_new_numbers=args["include_new_numbers"]
                )
        except AmbiguousSendError as exc:
            raise AirflowFailException(
                f"{self.failure_action} failed: package {source} may have been recreated: {exc}. "
                f"Check the panel, then {DECIDE}"
            ) from exc
        progress.record(0, str(int(new_id)), 1)  # also clears "in flight", in the same write
        progress.complete = True
        store.save(progress)
        self.log.info("Package %s recreated as %s", source, new_id)
        return {"package_id": int(new_id), "source": source, "replayed": False}
