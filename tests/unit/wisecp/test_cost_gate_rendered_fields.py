"""The WISECP cost gate keeps its rendered numbers and text out of Airflow's Rendered Template view."""

from __future__ import annotations

from airflow_provider_ileti.operators.wisecp import WisecpCostGateOperator
from airflow_provider_ileti.tasks.personal_data import Hidden


def test_rendered_numbers_and_text_are_hidden_and_still_read_by_the_task() -> None:
    task = WisecpCostGateOperator(task_id="gate", message="{{ params.text }}", recipients="{{ params.to }}")
    task.render_template_fields({"params": {"text": "Merhaba", "to": "+447911123456,+4915123456789"}})
    assert isinstance(task.recipients, Hidden) and "7911" not in str(task.recipients)
    assert str(task.message) == "<hidden: text of 7 characters; show_personal_data=True shows it>"
    assert task.arguments()[:2] == ("Merhaba", ["+447911123456", "+4915123456789"])


def test_show_personal_data_keeps_them_visible() -> None:
    task = WisecpCostGateOperator(
        task_id="gate", message="{{ params.text }}", recipients=["+447911123456"], show_personal_data=True
    )
    task.render_template_fields({"params": {"text": "Merhaba"}})
    assert task.message == "Merhaba" and task.recipients == ["+447911123456"]
