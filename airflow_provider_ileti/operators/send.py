"""``SendSmsOperator``: one text to many numbers, or one text per number, through any of our services.

The connection picks the service (``hooks.registry.get_sms_hook``) and the operator speaks only the
``SmsClient`` protocol, the way the common-sql operators speak DB-API to any database.

Recipients are streamed (see ``recipients.py``) in chunks of ``client.max_recipients_per_send`` (or a smaller
``chunk_size``), each chunk one request with its own deterministic idempotency key, so the send goes out
exactly once however often Airflow retries the task (see ``exactly_once.py``).

Personalisation: ``message`` is one text for everyone and is templated by Airflow like any field.
``message_template`` is a per-recipient Jinja template (``"Merhaba {{ r.first_name }}"``) rendered for each
recipient in a sandbox; it is deliberately *not* a template field, so Airflow's own rendering never eats the
per-recipient placeholders (no ``{% raw %}`` needed).
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import (
    AirflowException,
    AirflowFailException,
    BaseOperator,
    ResumableJobMixin,
    conf,
)

from airflow_provider_ileti.core.chunking import chunked
from airflow_provider_ileti.core.errors import AmbiguousSendError, IletiError, ValidationError
from airflow_provider_ileti.core.fingerprint import chunk_fingerprint
from airflow_provider_ileti.core.masking import mask_numbers, mask_text
from airflow_provider_ileti.core.models import DeliveryPhase, PreparedSend, SendBatch, SendReceipt, SmsMessage
from airflow_provider_ileti.core.prepared import prepare_send, send_prepared
from airflow_provider_ileti.delivery.events import complete_from_event
from airflow_provider_ileti.delivery.policy import DeliveryPolicy
from airflow_provider_ileti.delivery.statuses import read_statuses
from airflow_provider_ileti.exactly_once.claim import (
    SendClaimedError,
    confirm,
    hold,
    new_owner,
    release,
    stake,
)
from airflow_provider_ileti.exactly_once.progress import (
    ON_AMBIGUOUS,
    Progress,
    ProgressStore,
    SentLookup,
    TaskIdentity,
    progress_store_for,
    recorded_request,
    short_list,
)
from airflow_provider_ileti.tasks.failures import airflow_failures
from airflow_provider_ileti.tasks.gc_pause import each_paused
from airflow_provider_ileti.tasks.personal_data import HidesPersonalData, reveal
from airflow_provider_ileti.tasks.recipients import (
    MessageRenderer,
    Recipient,
    RecipientSource,
    RowSource,
    parse_recipients_value,
    to_recipient,
)
from airflow_provider_ileti.tasks.retry_policy import with_default_retry_policy
from airflow_provider_ileti.tasks.spill import ChunkSpill, SpilledChunk

if TYPE_CHECKING:
    import pendulum
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_ileti.core.protocol import SmsClient
    from airflow_provider_ileti.hooks.base import AnyIletiHook

IYS_RECIPIENT_TYPES = ("BIREYSEL", "TACIR")
#: The status the resumable-job mixin sees: all chunks sent / delivery final / still being delivered.
JOB_SENT, JOB_FINAL, JOB_DELIVERING = "SENT", "FINAL", "DELIVERING"
#: Some package was cancelled: not sent, not active; the mixin submits again (cancelled chunks only).
JOB_CANCELLED = "CANCELLED"


#: The longest ``campaign_id`` (it is hashed into the keys, so only its length is bounded).
MAX_CAMPAIGN_ID_LENGTH = 250


@dataclasses.dataclass(frozen=True)
class SendArguments:
    """The operator's arguments once rendered and checked (``validate_arguments``), normalised."""

    #: the per-recipient text template, or None when one ``message`` goes to everyone
    renderer: MessageRenderer | None
    #: when to send (UTC), or None for now
    send_at: pendulum.DateTime | None
    validity: int | None
    #: İYS recipient type (``BIREYSEL`` / ``TACIR``) of a commercial send, or None
    iys: str | None
    push_url: str | None
    policy: DeliveryPolicy
    source: RowSource


class SendSmsOperator(HidesPersonalData, ResumableJobMixin, BaseOperator):
    """Send SMS through the service of ``conn_id``, exactly once across retries.

    :param conn_id: any of our SMS connections (node_sms, iletimerkezi, iletiniz, wisecp).
    :param message: one text for every recipient (templated by Airflow).
    :param message_template: a Jinja template rendered per recipient with ``r`` = its fields
        (``"Merhaba {{ r.first_name }}"``); not templated by Airflow. Give exactly one of the two.
    :param recipients: numbers or mappings of fields: a list, any iterable, or a template such as
        ``"{{ ti.xcom_pull('load') }}"`` (a rendered string is read as JSON, a Python literal, or
        comma/newline separated numbers).
    :param recipients_csv: path of a CSV file with a header line, streamed row by row.
    :param number_field: the field holding the number in mapping recipients (default: the first of
        phone, number, gsm, msisdn, mobile, telefon).
    :param chunk_size: recipients per request (at most the service's limit, which is the default).
    :param send_at: schedule (datetime, pendulum or ISO 8601; naive means UTC).
    :param validity: validity period in minutes (or a timedelta).
    :param commercial: a commercial message (İYS rules apply); ``iys_recipient_type`` BIREYSEL or TACIR.
    :param wait_for_delivery: after sending, wait until every package is final (deferred when
        ``deferrable``) and apply ``fail_on_failed`` / ``min_delivered_ratio``.
    :param on_ambiguous: what a retry does after a chunk *may* have gone out on a service without client
        ids: ``"fail"`` (default: a person checks the panel), ``"skip"`` (count it as sent), ``"resend"``.
    :param persist_progress: record progress across tries (task_state_store on 3.3+, else a Variable).
    :param campaign_id: what makes two runs the same send (templated), e.g. one per ISO week
        ``"{{ (data_interval_end or dag_run.run_after).strftime('%G-W%V') }}"`` (not
        ``data_interval_start``: Airflow 3 runs cron schedules with an empty interval at the run's time):
        every run that names it (a manual trigger for the same week, a re-run, a backfill) shares its keys
        and its progress, so the campaign goes out once. By default each DAG run is its own send.
    :param show_personal_data: show the rendered ``recipients`` and ``message`` in Airflow's "Rendered
        Template" view (hidden by default: numbers and texts are personal data, see ``personal_data.py``).
    :param validate_first: check every recipient, and every chunk against the service's own rules,
        before the first request (each chunk's request is built then, once, and replayed by the send:
        ``core.prepared``); needs a re-readable source (a list, a string, a CSV file, an ordered query), a
        one-shot iterable is checked chunk by chunk.

    **Kill, then retry.** ``on_kill`` cancels this try's *scheduled* packages and records their chunks as
    cancelled; a cancelled package never counts as sent, so the next try sends those chunks again, once,
    under a new key (``...<chunk>.g1``: a customID cannot be reused). This operator *re-sends* rather than
    fails, because the kill came from Airflow (a timeout, a person stopping the task, a worker shutdown),
    not from a decision to drop the campaign, and a retry that succeeds with nothing scheduled would lose
    the messages silently. To stop a send for good, mark the task failed or skipped: do not only cancel
    its packages, since a later try re-sends cancelled ones (with ``send_at``, the retry reads the state
    of earlier packages and re-sends any that are cancelled). İleti Merkezi refuses the same text to the
    same numbers within 10 minutes (451), so a re-send there needs a ``retry_delay`` of 10 minutes or more.

    **In flight.** On services without client ids (İleti Merkezi, İletiniz, WISECP) the chunk being sent
    is recorded before its request; a try that dies before the answer is recorded leaves it ambiguous, and
    the next try follows ``on_ambiguous``. ``on_kill`` looks an in-flight chunk up by its key where the
    service has keys (Node) and cancels it with the rest; elsewhere it cannot be found, and stays ambiguous.
    """

    template_fields: Sequence[str] = (
        "conn_id",
        "message",
        "recipients",
        "recipients_csv",
        "sender",
        "send_at",
        "validity",
        "title",
        "push_url",
        "iys_recipient_type",
        "campaign_id",
    )
    personal_fields: Sequence[str] = ("recipients", "message")
    external_id_key = "ileti_send_result"
    ui_color = "#e8f4ea"

    def __init__(
        self,
        *,
        conn_id: str,
        message: str | None = None,
        message_template: str | None = None,
        recipients: Any = None,
        recipients_csv: str | None = None,
        number_field: str | None = None,
        csv_delimiter: str = ",",
        chunk_size: int | None = None,
        sender: str | None = None,
        send_at: Any = None,
        validity: int | timedelta | None = None,
        commercial: bool = False,
        iys_recipient_type: str | None = None,
        push_url: str | None = None,
        title: str | None = None,
        region: str = "TR",
        validate_first: bool = True,
        wait_for_delivery: bool = False,
        poll_interval: float = 60.0,
        fail_on_failed: bool = True,
        min_delivered_ratio: float | None = None,
        on_ambiguous: str = "fail",
        persist_progress: bool = True,
        show_personal_data: bool = False,
        campaign_id: str | None = None,
        deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False),
        **kwargs: Any,
    ) -> None:
        super().__init__(**with_default_retry_policy(kwargs))
        self.conn_id = conn_id
        self.message = message
        self.message_template = message_template
        self.recipients = recipients
        self.recipients_csv = recipients_csv
        self.number_field = number_field
        self.csv_delimiter = csv_delimiter
        self.chunk_size = chunk_size
        self.sender = sender
        self.send_at = send_at
        self.validity = validity
        self.commercial = commercial
        self.iys_recipient_type = iys_recipient_type
        self.push_url = push_url
        self.title = title
        self.region = region
        self.validate_first = validate_first
        self.wait_for_delivery = wait_for_delivery
        self.poll_interval = poll_interval
        self.fail_on_failed = fail_on_failed
        self.min_delivered_ratio = min_delivered_ratio
        self.on_ambiguous = on_ambiguous
        self.persist_progress = persist_progress
        self.show_personal_data = show_personal_data
        self.campaign_id = campaign_id
        self.deferrable = deferrable
        self._sent_references: list[str] = []
        self._delivery_summary: dict[str, int] | None = None
        self._hook_obj: AnyIletiHook | None = None
        self._store: ProgressStore | None = None
        self._progress: Progress | None = None
        self._identity: TaskIdentity | None = None
        #: (chunk number, key) of the request on the wire, for on_kill
        self._in_flight: tuple[int, str] | None = None
        #: This try's claim on the send (``send_claim.py``), when the progress is persisted.
        self._owner: str | None = None

    # -- validation: every argument, before any request ---------------------------------------------
    def validate_arguments(self) -> SendArguments:
        """Check the (rendered) arguments; return the normalised ones. Raises ``ValidationError``."""
        if not isinstance(self.conn_id, str) or not self.conn_id.strip():
            raise ValidationError("conn_id", self.conn_id, "must be a connection id")
        message, recipients = reveal(self.message), reveal(self.recipients)
        if (message is None) == (self.message_template is None):
            raise ValidationError(
                "message", mask_text(message), "give exactly one of message (same text) or message_template"
            )
        if message is not None and (not isinstance(message, str) or not message.strip()):
            raise ValidationError("message", mask_text(message), "must be a non-empty text")
        renderer = None
        if self.message_template is not None:
            renderer = MessageRenderer(self.message_template)
        source = self._recipient_source(recipients)
        if self.number_field is not None and (
            not isinstance(self.number_field, str) or not self.number_field
        ):
            raise ValidationError("number_field", self.number_field, "must be a field name")
        if self.chunk_size is not None and (
            isinstance(self.chunk_size, bool) or not isinstance(self.chunk_size, int) or self.chunk_size < 1
        ):
            raise ValidationError("chunk_size", self.chunk_size, "must be an integer >= 1")
        if self.sender is not None and (not isinstance(self.sender, str) or not self.sender.strip()):
            raise ValidationError("sender", self.sender, "must be a non-empty sender name (or None)")
        send_at = None
        if self.send_at not in (None, ""):
            from airflow_provider_ileti.core.localtime import ensure_aware

            send_at = ensure_aware(self.send_at, field="send_at")
        validity = self._validity_minutes()
        if not isinstance(self.commercial, bool):
            raise ValidationError("commercial", self.commercial, "must be True or False")
        iys = self.iys_recipient_type
        if iys not in (None, ""):
            if not isinstance(iys, str) or iys.upper() not in IYS_RECIPIENT_TYPES:
                raise ValidationError(
                    "iys_recipient_type", iys, f"must be one of {', '.join(IYS_RECIPIENT_TYPES)}"
                )
            if not self.commercial:
                raise ValidationError("iys_recipient_type", iys, "only for commercial=True messages")
            iys = iys.upper()
        else:
            iys = None
        if self.push_url not in (None, "") and (
            not isinstance(self.push_url, str) or not self.push_url.startswith(("http://", "https://"))
        ):
            raise ValidationError("push_url", self.push_url, "must be an http:// or https:// URL")
        if self.title is not None and not isinstance(self.title, str):
            raise ValidationError("title", self.title, "must be a text")
        if self.campaign_id is not None and (
            not isinstance(self.campaign_id, str)
            or not self.campaign_id.strip()
            or len(self.campaign_id) > MAX_CAMPAIGN_ID_LENGTH
        ):
            raise ValidationError(
                "campaign_id", self.campaign_id, f"must be a text of 1..{MAX_CAMPAIGN_ID_LENGTH} characters"
            )
        if not isinstance(self.region, str) or len(self.region) != 2:
            raise ValidationError("region", self.region, "must be a two-letter region code such as TR")
        for name in ("validate_first", "wait_for_delivery", "persist_progress", "deferrable"):
            if not isinstance(getattr(self, name), bool):
                raise ValidationError(name, getattr(self, name), "must be True or False")
        if (
            isinstance(self.poll_interval, bool)
            or not isinstance(self.poll_interval, int | float)
            or self.poll_interval <= 0
        ):
            raise ValidationError("poll_interval", self.poll_interval, "must be a number of seconds > 0")
        if self.on_ambiguous not in ON_AMBIGUOUS:
            raise ValidationError(
                "on_ambiguous", self.on_ambiguous, f"must be one of {', '.join(ON_AMBIGUOUS)}"
            )
        policy = DeliveryPolicy(
            fail_on_failed=self.fail_on_failed, min_delivered_ratio=self.min_delivered_ratio
        )
        return SendArguments(
            renderer=renderer,
            send_at=send_at,
            validity=validity,
            iys=iys,
            push_url=self.push_url or None,
            policy=policy,
            source=source,
        )

    def _recipient_source(self, recipients: Any) -> RowSource:
        """Where the recipients come from, checked (a subclass reads them elsewhere: ``SqlToSmsOperator``)."""
        if recipients is None and self.recipients_csv is None:
            raise ValidationError("recipients", None, "give recipients or recipients_csv")
        parse_recipients_value(recipients)  # the type check; a generator is not consumed here
        if self.recipients_csv is not None and (
            not isinstance(self.recipients_csv, str) or not self.recipients_csv.strip()
        ):
            raise ValidationError("recipients_csv", self.recipients_csv, "must be a file path")
        if not isinstance(self.csv_delimiter, str) or len(self.csv_delimiter) != 1:
            raise ValidationError("csv_delimiter", self.csv_delimiter, "must be one character")
        return RecipientSource(
            items=recipients, csv_path=self.recipients_csv or None, csv_delimiter=self.csv_delimiter
        )

    def _validity_minutes(self) -> int | None:
        value = self.validity
        if value in (None, ""):
            return None
        if isinstance(value, timedelta):
            minutes = value.total_seconds() / 60
            if minutes != int(minutes) or minutes < 1:
                raise ValidationError("validity", value, "must be a whole number of minutes >= 1")
            return int(minutes)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationError("validity", value, "must be a number of minutes >= 1 (or a timedelta)")
        return value

    # -- execution ----------------------------------------------------------------------------------
    def execute(self, context: Context) -> Any:
        with airflow_failures("send SMS"):
            self._args = self.validate_arguments()
        self._store = None  # one store per try (the record itself lives in Airflow, not in this object)
        return self.execute_resumable(context)

    def _hook(self) -> AnyIletiHook:
        if self._hook_obj is None:
            from airflow_provider_ileti.hooks.registry import get_sms_hook

            self._hook_obj = get_sms_hook(self.conn_id)
        return self._hook_obj

    # ResumableJobMixin: the "job" is the whole chunked send; its id is the JSON-safe result.
    def submit_job(self, context: Context) -> dict[str, Any]:
        with airflow_failures("send SMS"):
            return self._send_all(context)

    def get_job_status(self, external_id: Any, context: Context) -> str:
        """A cancelled package is never "sent": a recorded cancel, or a cancelled state, resubmits."""
        progress = self._progress_store(context).load()
        if progress.cancelled:
            return JOB_CANCELLED
        references = list(external_id.get("references", []))
        if not self.wait_for_delivery and not self.send_at:
            return JOB_SENT  # sent at once: nothing of ours can be cancelled (on_kill cancels scheduled ones)
        with airflow_failures("read SMS delivery"):
            statuses = self._read_statuses(references)
        if any(s.phase is DeliveryPhase.CANCELLED for s in statuses):
            return JOB_CANCELLED
        if not self.wait_for_delivery:
            return JOB_SENT
        return JOB_FINAL if all(s.final for s in statuses) else JOB_DELIVERING

    def is_job_active(self, status: str) -> bool:
        # when waiting for delivery, a send whose packages are all final is "reconnected" too, so that
        # poll_until_complete applies the delivery policy to it (the send itself never goes out again)
        return status in (JOB_DELIVERING, JOB_FINAL)

    def is_job_succeeded(self, status: str) -> bool:
        return status == JOB_SENT

    def poll_until_complete(self, external_id: Any, context: Context) -> Any:
        result = dict(external_id)
        if not self.wait_for_delivery or not result.get("references"):
            return self._finish(result, context)
        policy: DeliveryPolicy = self._policy()
        if self.deferrable:
            from airflow_provider_ileti.triggers.delivery import SmsDeliveryTrigger

            self.defer(
                trigger=SmsDeliveryTrigger(
                    conn_id=self.conn_id,
                    references=result["references"],
                    poll_interval=float(self.poll_interval),
                    fail_on_failed=self.fail_on_failed,
                ),
                method_name="execute_complete",
                kwargs={"result": result},
            )
        refs = list(result["references"])
        while True:
            with airflow_failures("read SMS delivery"):
                statuses = self._read_statuses(refs)
            verdict = policy.judge(statuses, len(refs))
            if verdict.message:
                raise AirflowFailException(verdict.message)
            if verdict.done:
                self._delivery_summary = verdict.summary
                return self._finish(result, context)
            self.log.info("%d of %d package(s) final", verdict.final, len(refs))
            time.sleep(float(self.poll_interval))

    def get_job_result(self, external_id: Any, context: Context) -> Any:
        return self._finish(dict(external_id), context)

    def execute_complete(
        self,
        context: Context,
        event: Mapping[str, Any] | None = None,
        result: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        self._delivery_summary = complete_from_event(self._policy(), event, log=self.log)
        return self._finish(dict(result or {}), context)

    def _policy(self) -> DeliveryPolicy:
        return DeliveryPolicy(
            fail_on_failed=self.fail_on_failed, min_delivered_ratio=self.min_delivered_ratio
        )

    def _campaign(self) -> str | None:
        return (
            self.campaign_id.strip()
            if isinstance(self.campaign_id, str) and self.campaign_id.strip()
            else None
        )

    def _task_identity(self, context: Context) -> TaskIdentity:
        """Whose keys and record these are: the task instance's, or the campaign's (``campaign_id``)."""
        return TaskIdentity.from_context(context, self._campaign())

    def _progress_store(self, context: Context) -> ProgressStore:
        if self._store is None:
            # without client ids the record is all a retry knows: no record, no send
            required = not self._hook().get_client().supports_idempotency
            self._store = progress_store_for(
                context,
                self._task_identity(context),
                persist=bool(self.persist_progress),
                required=required,
                across_runs=self._campaign() is not None,
            )
        return self._store

    def _finish(self, result: dict[str, Any], context: Context) -> dict[str, Any]:
        if self._delivery_summary is not None:
            result["delivery"] = self._delivery_summary
        if self.persist_progress and context is not None and "ti" in context:
            # Keep the record, marked complete, instead of deleting it: between here and Airflow recording
            # success the worker can still die, and a person can clear the task; the next try must find
            # what went out, not an empty record (see exactly_once.py for how long it stays).
            store = self._progress_store(context)
            progress = store.load()
            if not progress.complete and not progress.cancelled and progress.next_chunk:
                progress.complete = True
                store.save(progress)
        if self._hook_obj is not None:
            self._hook_obj.close()
        return result

    def _read_statuses(self, refs: list[str]) -> list[Any]:
        return read_statuses(self._hook().get_client(), refs)

    # -- the chunked send ---------------------------------------------------------------------------
    def _send_all(self, context: Context) -> dict[str, Any]:
        args = getattr(self, "_args", None) or self.validate_arguments()
        source: RowSource = args.source
        identity = self._task_identity(context)
        try_number = int(getattr(context["ti"], "try_number", 1) or 1)
        if try_number > 1:
            args = self._late_retry(args)
        rows: Iterator[Any] | None = None
        if self.validate_first and source.rereadable:
            # the first row before the service is touched: an empty source or a bad first row (a wrong
            # column, a template that cannot render) fails without even a connection
            rows = iter(source.iterate())
            head = list(itertools.islice(rows, 1))
            if not head:
                raise ValidationError("recipients", "<empty>", "no recipients to send to")
            list(self._recipients(head, 0, args.renderer))
            rows = itertools.chain(head, rows)
        client: SmsClient = self._hook().get_client()
        limit = int(client.max_recipients_per_send)
        size = min(self.chunk_size or limit, limit)
        return self._claim_and_send(context, client, args, identity, try_number, size, rows)

    def _claim_and_send(
        self,
        context: Context,
        client: SmsClient,
        args: SendArguments,
        identity: TaskIdentity,
        try_number: int,
        size: int,
        rows: Iterator[Any] | None,
    ) -> dict[str, Any]:
        """The claim staked, the first pass over ``rows`` (when the source is re-readable) run while the
        claim settles (``claim.stake``/``confirm``: the pass is time the claim would have slept), then the
        send."""
        owner = new_owner(try_number) if self.persist_progress else None
        staked: float | None = None
        try:
            store = self._progress_store(context)
            progress = store.load()
            progress.campaign = self._campaign() is not None
            if owner is not None:  # the record is shared by every process running this task instance
                run_id = TaskIdentity.from_context(context).run_id
                staked = stake(store, progress, owner, try_number, run_id)  # refused: nothing written
        except SendClaimedError:
            raise
        except Exception:
            if rows is not None:  # a bad row is reported before a store that fails: the pass raises it
                self._prepare_all(client, args, identity, size, rows).close()
            raise
        self._owner = owner
        spill: ChunkSpill | None = None
        try:
            if rows is not None:
                spill = self._prepare_all(client, args, identity, size, rows)
            if owner is not None:
                progress = confirm(store, progress, owner, staked)
            return self._send_chunks(client, args, identity, try_number, size, store, progress, spill)
        finally:
            if owner is not None:
                release(store, self._progress or progress, owner)
            if spill is not None:
                spill.close()

    def _send_chunks(
        self,
        client: SmsClient,
        args: SendArguments,
        identity: TaskIdentity,
        try_number: int,
        size: int,
        store: ProgressStore,
        progress: Progress,
        spill: ChunkSpill | None = None,
    ) -> dict[str, Any]:
        """The send, claimed: settle what earlier tries left, then every chunk not yet out, in order.

        With a ``spill`` (the first pass's prepared chunks) the chunks are replayed from it, each
        recipient rendered, normalised and checked once; without one the source is read and each chunk
        prepared here, just before it goes out."""
        source: RowSource = args.source
        self._progress = progress
        self._identity = identity
        self._in_flight = None
        self._sent_references = progress.references  # the same list: on_kill sees every chunk sent so far
        self._reconcile_cancelled(client, progress, store)
        self._resolve_in_flight(client, progress, store)
        self._resolve_ambiguous(progress, store)
        if progress.complete:
            self.log.info("Try %d: the send completed in an earlier try; nothing is sent again", try_number)
            return self._result(client, progress)
        lookup = None
        # another run of the same campaign may have sent: look its keys up as a retry would
        resuming = (
            try_number > 1
            or progress.next_chunk > 0
            or bool(progress.cancelled)
            or self._campaign() is not None
        )
        if client.supports_idempotency and resuming:
            lookup = SentLookup(
                client,
                identity,
                generations=progress.generations,
                check_cancelled=bool(self.send_at),  # the schedule as given (a late retry drops it)
            )
        redo = set(progress.cancelled)
        if progress.next_chunk or redo:
            self.log.info(
                "Try %d resumes at chunk %d: %d chunk(s) with %d recipient(s) went out before; "
                "%d cancelled chunk(s) go out again under new keys",
                try_number,
                progress.next_chunk,
                len(progress.references),
                progress.recipients,
                len(redo),
            )
        start = min([progress.next_chunk, *redo])
        if progress.fingerprints and source.rereadable:
            # every chunk an earlier try recorded, before this try sends anything
            self._check_fingerprints(self._chunks(client, args, identity, size, spill), size, progress)
        for chunk_no, chunk in self._chunks(client, args, identity, size, spill, start=start):
            if chunk_no < progress.next_chunk and chunk_no not in redo:
                if chunk_no in progress.fingerprints and not source.rereadable:
                    self._check_fingerprint(chunk_no, chunk.fingerprint, size, progress)
                del chunk
                continue  # surely out, from an earlier try
            receipt = lookup.existing(chunk_no) if lookup is not None else None
            if lookup is not None and lookup.generation(chunk_no) > progress.generation(chunk_no):
                # found cancelled without a record (no progress store, or on_kill could not write it)
                progress.generations[chunk_no] = lookup.generation(chunk_no)
            if receipt is None and self._owner is not None:
                hold(store, progress, self._owner)  # still ours: no other try took over meanwhile
            if receipt is not None:
                self.log.info("Chunk %d went out in an earlier try: package %s", chunk_no, receipt.reference)
                progress.replayed_chunks += 1
            else:
                receipt = self._send_chunk(client, args, identity, chunk_no, chunk, progress, store)
                if receipt.replayed:
                    progress.replayed_chunks += 1
            progress.record(chunk_no, str(receipt.reference), chunk.recipients, chunk.fingerprint)
            store.save(progress)  # the reference and "no longer in flight", in one write
            self._in_flight = None
            del chunk  # not held while the next chunk is read: one chunk in memory at a time
        if progress.next_chunk == 0:
            raise ValidationError("recipients", "<empty>", "no recipients to send to")
        if progress.cancelled:
            missing = ", ".join(map(str, progress.cancelled[:10]))
            raise AirflowFailException(
                f"send SMS: cancelled chunk(s) {missing} are no longer in the recipients "
                f"(the source changed between tries); they were not sent again"
            )
        if lookup is not None:
            self.log.info("Looked up earlier chunks in %d request(s)", lookup.requests)
        return self._result(client, progress)

    def _result(self, client: SmsClient, progress: Progress) -> dict[str, Any]:
        result: dict[str, Any] = {
            "service": str(client.service),
            "references": list(progress.references),
            "chunks": progress.next_chunk,
            "recipients": progress.recipients,
            "replayed_chunks": progress.replayed_chunks,
        }
        self.log.info(
            "Sent %d recipient(s) in %d chunk(s) (%d from earlier tries) via %s: %s",
            result["recipients"],
            result["chunks"],
            result["replayed_chunks"],
            result["service"],
            short_list(result["references"]),
        )
        return result

    def _batch(self, args: SendArguments, recipients: list[Any], key: str | None) -> SendBatch:
        if args.renderer is not None:
            messages = tuple([SmsMessage(r.text, (r.number,)) for r in recipients])
        else:
            text = reveal(self.message) or ""
            messages = (SmsMessage(text=text, numbers=tuple(r.number for r in recipients)),)
        return SendBatch(
            messages=messages,
            sender=self.sender or None,
            send_at=args.send_at,
            validity_minutes=args.validity,
            commercial=self.commercial,
            iys_recipient_type=args.iys,
            push_url=args.push_url,
            title=self.title or None,
            idempotency_key=key,
        )

    def _recipients(
        self, rows: Iterable[Any], first: int, renderer: MessageRenderer | None
    ) -> Iterator[Recipient]:
        """Rows as checked recipients, one at a time (numbered from ``first``, texts rendered per person)."""
        field, region = self.number_field, self.region
        for index, row in enumerate(rows, start=first):
            yield to_recipient(row, index, number_field=field, renderer=renderer, region=region)

    def _late_retry(self, args: SendArguments) -> SendArguments:
        """A retry that starts after ``send_at`` sends what is left now (the schedule has passed).

        A first try with a past ``send_at`` is refused (a stale template, most likely); a retry is not:
        earlier chunks went out on that schedule, so the rest follow at once rather than never.
        """
        import pendulum

        from airflow_provider_ileti.core.schedule import SEND_AT_PAST_TOLERANCE

        send_at = args.send_at
        if send_at is None or send_at >= pendulum.now("UTC") - SEND_AT_PAST_TOLERANCE:
            return args
        self.log.warning(
            "send_at %s has passed during earlier tries: the chunks still to send go out now",
            send_at.to_iso8601_string(),
        )
        return dataclasses.replace(args, send_at=None)

    def _fingerprint(self, recipients: Sequence[Any]) -> str:
        text = reveal(self.message) or ""
        return chunk_fingerprint((r.number, r.text if r.text is not None else text) for r in recipients)

    def _chunks(
        self,
        client: SmsClient,
        args: SendArguments,
        identity: TaskIdentity,
        size: int,
        spill: ChunkSpill | None,
        *,
        start: int = 0,
        rows: Iterator[Any] | None = None,
    ) -> Iterator[tuple[int, SpilledChunk]]:
        """This try's chunks from ``start``, prepared: replayed from the first pass's spill, or read from
        the source (or ``rows`` of it), rendered and prepared one at a time. Each row becomes its recipient
        as it is read (a chunk's raw rows are never held); rows before ``start`` are skipped unread."""
        if spill is not None:
            return spill.replay(start)
        source = args.source.iterate() if rows is None else rows
        first = start * size
        recipients = self._recipients(itertools.islice(source, first, None), first, args.renderer)
        return each_paused(  # each chunk read and prepared with the cyclic collector off (gc_pause.py)
            (chunk_no, self._prepare(client, args, identity, chunk_no, size, chunk))
            for chunk_no, chunk in enumerate(chunked(recipients, size), start=start)
        )

    def _prepare(
        self,
        client: SmsClient,
        args: SendArguments,
        identity: TaskIdentity,
        chunk_no: int,
        size: int,
        recipients: list[Recipient],
    ) -> SpilledChunk:
        """One chunk's recipients checked by the service's rules and built into its request
        (``core.prepared``); an error names the chunk's rows."""
        first = chunk_no * size
        try:
            prepared = prepare_send(client, self._batch(args, recipients, identity.chunk_key(chunk_no)))
        except ValidationError as exc:
            where = f"recipients[{first}..{first + len(recipients) - 1}] (chunk {chunk_no})"
            raise ValidationError(f"{where} {exc.field}", exc.value, exc.rule, service=exc.service) from exc
        return SpilledChunk(
            prepared.body,
            prepared.recipients,
            self._fingerprint(recipients),
            mask_numbers(r.number for r in recipients),
        )

    def _check_fingerprints(
        self, chunks: Iterator[tuple[int, SpilledChunk]], size: int, progress: Progress
    ) -> None:
        """Every chunk an earlier try recorded is still the same chunk in this try's source."""
        last = max(progress.fingerprints)
        for chunk_no, chunk in chunks:
            if chunk_no in progress.fingerprints:
                self._check_fingerprint(chunk_no, chunk.fingerprint, size, progress)
            if chunk_no == last:
                return
        raise AirflowFailException(_changed(last, size, "is no longer in the source, which is shorter"))

    def _check_fingerprint(self, chunk_no: int, fingerprint: str, size: int, progress: Progress) -> None:
        if fingerprint != progress.fingerprints[chunk_no]:
            what = "holds other numbers or texts than an earlier try sent"
            raise AirflowFailException(_changed(chunk_no, size, what))

    def _prepare_all(
        self, client: SmsClient, args: SendArguments, identity: TaskIdentity, size: int, rows: Iterator[Any]
    ) -> ChunkSpill:
        """The first pass, before any request: every recipient normalised and rendered once, every chunk
        checked by the service's rules and built into its request, kept in a spill the send replays."""
        spill = ChunkSpill()
        try:
            for _, chunk in self._chunks(client, args, identity, size, None, rows=rows):
                spill.add(chunk)
                del chunk  # not held while the next chunk is prepared: one chunk in memory at a time
            if spill.recipients == 0:
                raise ValidationError("recipients", "<empty>", "no recipients to send to")
        except BaseException:
            spill.close()
            raise
        self.log.info(
            "%d recipient(s) in %d chunk(s) checked (and by the %s rules) before sending",
            spill.recipients,
            spill.chunks,
            client.service,
        )
        return spill

    def _send_chunk(
        self,
        client: SmsClient,
        args: SendArguments,
        identity: TaskIdentity,
        chunk_no: int,
        chunk: SpilledChunk,
        progress: Progress,
        store: ProgressStore,
    ) -> SendReceipt:
        generation = progress.generation(chunk_no)
        key = identity.chunk_key(chunk_no, generation)
        prepared = PreparedSend(service=str(client.service), body=chunk.body, recipients=chunk.recipients)
        masked = chunk.masked
        self._in_flight = (chunk_no, key)
        try:
            # no key to find it by: "in flight" is saved before the request (see recorded_request)
            with recorded_request(
                progress,
                store,
                chunk_no,
                f"chunk {chunk_no} ({masked})",
                mark=not client.supports_idempotency,
                fingerprint=chunk.fingerprint,
            ):
                receipt = send_prepared(client, prepared, idempotency_key=key, send_at=args.send_at)
        except AmbiguousSendError as exc:
            before = (
                f"chunks 0..{chunk_no - 1} surely went out (packages {short_list(progress.references)})"
                if chunk_no
                else "no earlier chunk went out"
            )
            raise AirflowFailException(
                f"send SMS: chunk {chunk_no} of {chunk.recipients} recipient(s) may have gone out "
                f"(key {key}): {exc}. {before}. Check the panel; then clear the task with "
                f"on_ambiguous='skip' (it went out) or 'resend' (it did not)"
            ) from exc
        self.log.info(
            "Chunk %d: %s -> package %s%s",
            chunk_no,
            masked,
            receipt.reference,
            " (already there: replayed)" if receipt.replayed else "",
        )
        return receipt

    def _reconcile_cancelled(self, client: SmsClient, progress: Progress, store: ProgressStore) -> None:
        """Earlier packages that are cancelled (a scheduled send) no longer count: they go out again."""
        if progress.cancelled:
            self.log.warning(
                "Chunk(s) %s were cancelled (on_kill) after they went out; they go out again under new keys",
                short_list([str(c) for c in progress.cancelled]),
            )
        if not self.send_at or not progress.references:
            return
        statuses = read_statuses(client, list(progress.references))
        gone = [s.reference for s in statuses if s.phase is DeliveryPhase.CANCELLED]
        chunks = progress.mark_cancelled(gone)
        if chunks:
            self.log.warning(
                "%d earlier package(s) are cancelled (chunks %s); they are sent again under new keys",
                len(gone),
                short_list([str(c) for c in chunks]),
            )
            store.save(progress)

    def _resolve_in_flight(self, client: SmsClient, progress: Progress, store: ProgressStore) -> None:
        """A chunk an earlier try was sending when it died: ambiguous on a service without client ids."""
        if progress.settle_in_flight(found_by_lookup=client.supports_idempotency):
            store.save(progress)

    def _resolve_ambiguous(self, progress: Progress, store: ProgressStore) -> None:
        chunk = progress.resolve_ambiguous(self.on_ambiguous)
        if chunk is None:
            return
        if self.on_ambiguous == "skip":
            self.log.warning("Chunk %d counted as sent (on_ambiguous='skip')", chunk)
        else:
            self.log.warning("Chunk %d sent again (on_ambiguous='resend')", chunk)
        store.save(progress)

    # -- on_kill: cancel what has not started going out ----------------------------------------------
    def on_kill(self) -> None:
        """Cancel this try's scheduled packages and record them, so the next try sends them again.

        The chunk whose request is in flight is looked up by its key first (services with client ids),
        and cancelled too if the service has it; on a service without client ids it cannot be found,
        stays ``in_flight`` in the record and the next try treats it as ambiguous (``on_ambiguous``).
        Packages that already started going out cannot be cancelled and stay sent.
        """
        refs = list(self._sent_references)
        in_flight = self._in_flight
        client = None
        try:
            client = self._hook().get_client()
            if in_flight is not None and client.supports_idempotency:
                found = client.find_sent([in_flight[1]])
                if in_flight[1] in found:
                    receipt = found[in_flight[1]]
                    if self._progress is not None:
                        self._progress.record(in_flight[0], str(receipt.reference), receipt.recipients)
                    refs.append(str(receipt.reference))
            if not refs:
                return
            statuses = self._read_statuses(refs)
            scheduled = [s.reference for s in statuses if s.phase is DeliveryPhase.SCHEDULED]
            cancelled: list[str] = []
            for ref in scheduled:
                try:
                    client.cancel(ref)
                    cancelled.append(str(ref))
                except IletiError as exc:
                    self.log.warning("Could not cancel package %s: %s", ref, exc)
            self.log.info("on_kill: cancelled %d scheduled package(s) of %d", len(cancelled), len(refs))
        except (IletiError, AirflowException) as exc:
            self.log.warning("on_kill could not cancel packages: %s", exc)
            return
        progress, store = self._progress, self._store
        if progress is not None and store is not None and cancelled:
            chunks = progress.mark_cancelled(cancelled)
            store.save(progress)
            self.log.info("on_kill: chunk(s) %s recorded as cancelled", short_list([str(c) for c in chunks]))


def _changed(chunk_no: int, size: int, what: str) -> str:
    """Why a retry stops: its source differs from what an earlier try sent, and what to do."""
    return (
        f"send SMS: the recipients changed between tries: chunk {chunk_no} (recipients[{chunk_no * size}..]) "
        f"{what} (rows re-ordered, added or removed). Nothing more was sent: resuming by position would "
        "reach some people twice and miss others. Restore the source and give it a stable order (ORDER BY, "
        "a fixed file), then clear the task; or start a new DAG run to send the current list"
    )
