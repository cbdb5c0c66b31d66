"""``NodeKvkkConsentOperator``: KVKK consent links (``/sms/create-kvkk``), one package per person, once.

``create-kvkk`` takes no ``customID``, so a retry cannot ask the service what went out. Instead a progress
record (Airflow 3.3 ``task_state_store``, else a Variable; see ``exactly_once.py``) holds the persons
already served, written after every package; a retry resumes at the next person. The person about to be
served is recorded "in flight" before the request and cleared in the write that records the package, so a
try that dies in between leaves an ambiguous person, not a silent gap. A request that may have reached the
server without an answer (``AmbiguousSendError``, or that in-flight person) fails the task until a person
decides (``on_ambiguous="skip"`` if the link went out, ``"resend"`` if it did not). A skipped person has no
package id: the result counts them (``ambiguous_skipped``) and lists their masked numbers, it never puts a
placeholder among ``package_ids``. The record is kept, marked complete, after the last person: a later try
(the worker died before Airflow recorded success, or the task was cleared) sends no second link.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_ileti.core.errors import AmbiguousSendError, ValidationError
from airflow_provider_ileti.core.fingerprint import chunk_fingerprint
from airflow_provider_ileti.core.masking import mask_number
from airflow_provider_ileti.exactly_once.progress import (
    ON_AMBIGUOUS,
    TaskIdentity,
    progress_store_for,
    recorded_request,
)
from airflow_provider_ileti.operators.node_base import (
    NodeBaseOperator,
    optional_encoding,
    optional_int,
    optional_text,
    optional_url,
    require_bool,
    require_text,
)
from airflow_provider_ileti.tasks.personal_data import reveal
from airflow_provider_ileti.tasks.recipients import RecipientSource, parse_recipients_value

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_ileti.clients.node.client import NodeClient

#: The tag the server replaces with the consent link; a KVKK text without it is refused.
SHORT_LINK_TAG = "SHORT_LINK"
#: Field names read from each recipient mapping, first match wins (case-insensitive).
NUMBER_FIELDS = ("number", "nr", "gsm", "phone", "msisdn")
FIRST_NAME_FIELDS = ("first_name", "firstname", "FIRST_NAME", "ad")
LAST_NAME_FIELDS = ("last_name", "lastname", "LAST_NAME", "soyad")
#: Validity of a non-OTP package, in minutes.
VALIDITY_RANGE = (60, 1440)


@dataclass(frozen=True)
class Person:
    number: str
    first_name: str
    last_name: str


class NodeKvkkConsentOperator(NodeBaseOperator):
    """Send each person a KVKK consent link (one ``create-kvkk`` package per person), exactly once.

    :param recipients: mappings with a number and ``first_name``/``last_name`` (also ``FIRST_NAME``,
        ``LAST_NAME``, ``gsm``, ``phone``...); a list, an iterable or a rendered JSON string (XCom).
    :param recipients_csv: or a CSV file with a header line holding those columns, read when the task
        runs: names and numbers then never pass through XCom or a rendered template field.
    :param content: the text; must contain ``SHORT_LINK`` (the link) and may contain ``FIRST_NAME`` and
        ``LAST_NAME`` (filled in by the server).
    :param on_ambiguous: after a request that may have gone out without an answer: ``"fail"`` (default),
        ``"skip"`` (count it as sent) or ``"resend"``.
    :param persist_progress: keep the served persons across tries (turn off only in tests).

    Returns ``{"package_ids": [...], "persons", "sent", "from_earlier_tries", "ambiguous_skipped",
    "ambiguous_persons": [masked numbers]}``.
    """

    template_fields: Sequence[str] = (
        "node_sms_conn_id",
        "recipients",
        "recipients_csv",
        "content",
        "sender",
        "push_url",
    )
    failure_action = "send KVKK consent links"
    personal_fields: Sequence[str] = ("recipients",)

    def __init__(
        self,
        *,
        recipients: Any = None,
        content: str,
        recipients_csv: str | None = None,
        sender: str | None = None,
        encoding: int | str | None = None,
        validity: int | None = None,
        push_url: str | None = None,
        on_ambiguous: str = "fail",
        persist_progress: bool = True,
        region: str = "TR",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.recipients = recipients
        self.recipients_csv = recipients_csv
        self.content = content
        self.sender = sender
        self.encoding = encoding
        self.validity = validity
        self.push_url = push_url
        self.on_ambiguous = on_ambiguous
        self.persist_progress = persist_progress
        self.region = region

    def validate(self) -> dict[str, Any]:
        content = require_text("content", self.content)
        if SHORT_LINK_TAG not in content:
            raise ValidationError("content", "<text>", f"must contain the tag {SHORT_LINK_TAG} (the link)")
        if self.on_ambiguous not in ON_AMBIGUOUS:
            raise ValidationError(
                "on_ambiguous", self.on_ambiguous, f"must be one of {', '.join(ON_AMBIGUOUS)}"
            )
        low, high = VALIDITY_RANGE
        return {
            "persons": self._persons(),
            "content": content,
            "sender": optional_text("sender", self.sender),
            "encoding": optional_encoding("encoding", self.encoding),
            "validity": optional_int("validity", self.validity, minimum=low, maximum=high),
            "push_url": optional_url("push_url", self.push_url),
            "persist": require_bool("persist_progress", self.persist_progress),
        }

    def _persons(self) -> list[Person]:
        from airflow_provider_ileti.core.phone import normalize_number

        recipients = reveal(self.recipients)
        if (recipients is None) == (self.recipients_csv in (None, "")):
            raise ValidationError("recipients", "<value>", "give one of recipients and recipients_csv")
        try:
            if self.recipients_csv:
                items = list(RecipientSource(csv_path=str(self.recipients_csv)).iterate())
            else:
                items = list(parse_recipients_value(recipients))
        except ValidationError as exc:
            if exc.field == "recipients_csv":
                raise
            raise ValidationError(
                "recipients", type(recipients).__name__, "must be a list of mappings"
            ) from None
        if not items:
            raise ValidationError("recipients", "<empty>", "needs at least one person")
        persons: list[Person] = []
        for index, item in enumerate(items):
            where = f"recipients[{index}]"
            if not isinstance(item, Mapping):
                raise ValidationError(
                    where, "<value>", "must be a mapping with number, first_name, last_name"
                )
            number = _pick(item, NUMBER_FIELDS)
            if number in (None, ""):
                raise ValidationError(f"{where}.number", None, f"missing (one of {', '.join(NUMBER_FIELDS)})")
            persons.append(
                Person(
                    number=normalize_number(str(number), field=f"{where}.number", region=self.region),
                    first_name=require_text(f"{where}.first_name", _pick(item, FIRST_NAME_FIELDS)),
                    last_name=require_text(f"{where}.last_name", _pick(item, LAST_NAME_FIELDS)),
                )
            )
        return persons

    def run(self, client: NodeClient, args: dict[str, Any], context: Context) -> dict[str, Any]:
        persons: list[Person] = args["persons"]
        identity = TaskIdentity.from_context(context)
        store = progress_store_for(context, identity, persist=args["persist"], required=True)
        progress = store.load()
        # an earlier try that died while a person's request went out left that person ambiguous
        if progress.settle_in_flight(found_by_lookup=False):
            store.save(progress)
        index = progress.resolve_ambiguous(self.on_ambiguous)
        if index is not None:
            self.log.warning("Person %d: on_ambiguous=%r", index, self.on_ambiguous)
            store.save(progress)
        earlier = min(progress.next_chunk, len(persons))
        changed = [
            i
            for i, fp in progress.fingerprints.items()
            if i < len(persons) and fp != _fingerprint(persons[i])
        ]
        if changed or any(i >= len(persons) for i in progress.fingerprints):
            at = min(changed) if changed else len(persons)
            raise AirflowFailException(
                f"{self.failure_action}: the recipients changed between tries: recipients[{at}] is not the "
                "person an earlier try served (rows re-ordered, added or removed). Nothing more was sent. "
                "Restore the source, then clear the task; or start a new DAG run to serve the current list"
            )
        if progress.complete:
            self.log.info("Every person was served by earlier tries; no link is sent again")
        elif earlier:
            self.log.info("%d person(s) served by earlier tries; resuming at person %d", earlier, earlier)
        for index in range(progress.next_chunk, len(persons)):
            person = persons[index]
            who = f"person {index} ({mask_number(person.number)})"
            try:
                with recorded_request(progress, store, index, who, fingerprint=_fingerprint(person)):
                    package_id = client.create_kvkk(
                        person.number,
                        person.first_name,
                        person.last_name,
                        args["content"],
                        sender=args["sender"],
                        encoding=args["encoding"],
                        validity=args["validity"],
                        push_url=args["push_url"],
                    )
            except AmbiguousSendError as exc:
                raise AirflowFailException(
                    f"{self.failure_action}: the link to {who} may have gone out: {exc}. {index} earlier "
                    "person(s) surely served. Check the panel, then clear the task with "
                    "on_ambiguous='skip' (it went out) or 'resend' (it did not)"
                ) from exc
            # the answer, with the person's fingerprint, clears "in flight" in the same write
            progress.record(index, str(package_id), 1, _fingerprint(person))
            store.save(progress)
            self.log.info("KVKK link to %s: package %s", mask_number(person.number), package_id)
        skipped = [i for i in progress.skipped if i < len(persons)]
        result = {
            "package_ids": [int(r) if r.isdigit() else r for r in progress.references],
            "persons": len(persons),
            "sent": len(persons) - earlier,
            "from_earlier_tries": earlier,
            "ambiguous_skipped": len(skipped),
            "ambiguous_persons": [mask_number(persons[i].number) for i in skipped],
        }
        if not progress.complete:
            progress.complete = True
            store.save(progress)
        self.log.info("KVKK consent links: %d package(s), %d from earlier tries", len(persons), earlier)
        return result


def _fingerprint(person: Person) -> str:
    """Who was served at a position: a retry serves the next position only if these still match."""
    return chunk_fingerprint([(person.number, f"{person.first_name}\x1f{person.last_name}")])


def _pick(item: Mapping[str, Any], names: Sequence[str]) -> Any:
    lowered = {str(k).lower(): v for k, v in item.items()}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None
