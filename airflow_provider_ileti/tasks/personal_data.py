"""Personal data in rendered template fields: the task reads it, Airflow's "Rendered Template" view does not.

Airflow stores every template field once rendered (and shows it to whoever may see the DAG): for an SMS
operator that is a list of phone numbers, names, the texts people get. Under KVKK that must not be on
display. Airflow's secrets masker is the wrong tool for it: it compiles every registered value into one
regular expression, and a campaign has a million numbers.

So an operator names its ``personal_fields``; once rendered, each of their values is wrapped in ``Hidden``.
The task reads the value through ``reveal()``; Airflow, which serialises a rendered field it cannot encode as
JSON with ``str()``, stores and shows the summary (``<hidden: 3 items>``, ``<hidden: text of 42
characters>``). ``show_personal_data=True`` on the operator opts out (a test DAG, a sandbox run).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


class Hidden:
    """A rendered value that is personal data: ``value`` for the task, a summary for everyone else."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __str__(self) -> str:
        return f"<hidden: {describe(self.value)}; show_personal_data=True shows it>"

    __repr__ = __str__


def describe(value: Any) -> str:
    """What may be said of a personal value: its kind and size."""
    if isinstance(value, str):
        return f"text of {len(value)} characters"
    if isinstance(value, Mapping):
        return f"a mapping of {len(value)} fields"
    if isinstance(value, Sequence):
        return f"{len(value)} items"
    return type(value).__name__


def reveal(value: Any) -> Any:
    """The value a ``Hidden`` wraps (anything else as it is: an operator run without rendering)."""
    return value.value if isinstance(value, Hidden) else value


class HidesPersonalData:
    """Mixin for operators: after rendering, their ``personal_fields`` are ``Hidden`` unless shown."""

    personal_fields: Sequence[str] = ()
    show_personal_data: bool = False

    def render_template_fields(self, context: Context, jinja_env: Any = None) -> None:
        super().render_template_fields(context, jinja_env)  # type: ignore[misc]
        if self.show_personal_data:
            return
        for name in self.personal_fields:
            value = getattr(self, name)
            if value is not None and not isinstance(value, Hidden):
                setattr(self, name, Hidden(value))
