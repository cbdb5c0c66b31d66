"""Wait until SMS packages (any of our services) reach a final state, then apply a success policy.

Poke, reschedule or deferrable (the triggerer polls, no worker slot is held). Returns the counts of
``summarise()`` to XCom: packages, delivered, undelivered, pending, failed packages...

What one poll costs depends on the service; only Node reads many packages in one request. The others
answer one order, job or report per request, so a poll sends one request per reference, at most
``status_concurrency`` at a time per client (the client's constant ``STATUS_CONCURRENCY``, a guess meant to
be gentle on the service; ``clients.http.fanout``), on the worker (threads over the client's one pooled
session) and in the triggerer (tasks on its event loop) alike:

- Node: one ``/sms/list`` (with ``ids``) per 1000 packages; 1000 packages are one request.
- İleti Merkezi: one ``get-report`` per order, 8 at a time; 1000 orders are 1000 requests.
- İletiniz: one ``GET /v1/messages/{id}`` per job (a send's reference holds one job per recipient), 8 at a
  time; a job already final is kept in the process's cache and not asked again while the process lives.
- WISECP: one ``report`` per submit (a reference of several texts holds several), 4 at a time.

References are read ``client.max_status_batch`` per call (Node 1000, İleti Merkezi and WISECP 100,
İletiniz 50 references), one call after another. The trigger asks no reference again once it is final; a
poke asks every reference each time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import (
    AirflowFailException,
    BaseSensorOperator,
    PokeReturnValue,
    conf,
)

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.delivery.events import complete_from_event
from airflow_provider_ileti.delivery.log_lines import final_line, progress_line
from airflow_provider_ileti.delivery.policy import DeliveryPolicy
from airflow_provider_ileti.delivery.statuses import read_statuses
from airflow_provider_ileti.tasks.failures import airflow_failures
from airflow_provider_ileti.tasks.recipients import parse_recipients_value
from airflow_provider_ileti.tasks.retry_policy import with_default_retry_policy

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_ileti.hooks.base import AnyIletiHook


class SmsDeliverySensor(BaseSensorOperator):
    """Succeeds when every package in ``references`` is final and the policy accepts the outcome.

    :param conn_id: any of our SMS connections (node_sms, iletimerkezi, iletiniz, wisecp).
    :param references: package/order ids: a list, one id, or a template such as
        ``"{{ ti.xcom_pull('send')['references'] }}"``.
    :param fail_on_failed: fail as soon as a package is failed or cancelled.
    :param min_delivered_ratio: once all are final, delivered/total must be at least this (0.0–1.0).
    :param deferrable: poll in the triggerer (default ``[operators] default_deferrable``).
    """

    template_fields: Sequence[str] = ("conn_id", "references")

    def __init__(
        self,
        *,
        conn_id: str,
        references: Any,
        fail_on_failed: bool = True,
        min_delivered_ratio: float | None = None,
        deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False),
        **kwargs: Any,
    ) -> None:
        super().__init__(**with_default_retry_policy(kwargs))
        self.conn_id = conn_id
        self.references = references
        self.fail_on_failed = fail_on_failed
        self.min_delivered_ratio = min_delivered_ratio
        self.deferrable = deferrable
        self._policy = DeliveryPolicy(fail_on_failed=fail_on_failed, min_delivered_ratio=min_delivered_ratio)

    # -- arguments ----------------------------------------------------------------------------------
    def _reference_list(self) -> list[str]:
        refs = [str(r).strip() for r in parse_recipients_value(self.references)]
        if not refs or any(not r for r in refs):
            raise ValidationError("references", self.references, "needs at least one non-empty package id")
        return list(dict.fromkeys(refs))

    def _check_conn_id(self) -> None:
        if not isinstance(self.conn_id, str) or not self.conn_id.strip():
            raise ValidationError("conn_id", self.conn_id, "must be a connection id")

    def _hook(self) -> AnyIletiHook:
        from airflow_provider_ileti.hooks.registry import get_sms_hook

        return get_sms_hook(self.conn_id)

    # -- execution ----------------------------------------------------------------------------------
    def execute(self, context: Context) -> Any:
        with airflow_failures("watch SMS delivery"):
            self._check_conn_id()
            refs = self._reference_list()
        if not self.deferrable:
            return super().execute(context)
        # one poke first: packages that are already final need no trigger
        done = self.poke(context)
        if done.is_done:
            return done.xcom_value
        from airflow_provider_ileti.triggers.delivery import SmsDeliveryTrigger

        self.defer(
            trigger=SmsDeliveryTrigger(
                conn_id=self.conn_id,
                references=refs,
                poll_interval=float(self.poke_interval),
                fail_on_failed=self.fail_on_failed,
            ),
            method_name="execute_complete",
            timeout=timedelta(seconds=float(self.timeout)) if self.timeout else None,
        )

    def poke(self, context: Context) -> PokeReturnValue:
        with airflow_failures("watch SMS delivery"):
            self._check_conn_id()
            refs = self._reference_list()
            hook = self._hook()
            try:
                statuses = read_statuses(hook.get_client(), refs)
            finally:
                hook.close()
        verdict = self._policy.judge(statuses, len(refs))
        if verdict.message:
            raise AirflowFailException(verdict.message)
        if not verdict.done or verdict.summary is None:
            self.log.info("%s; next look in %gs", progress_line(statuses, len(refs)), self.poke_interval)
            return PokeReturnValue(is_done=False)
        self.log.info("%s", final_line(verdict.summary))
        return PokeReturnValue(is_done=True, xcom_value=verdict.summary)

    def execute_complete(self, context: Context, event: Mapping[str, Any] | None = None) -> dict[str, int]:
        return complete_from_event(self._policy, event, log=self.log)
