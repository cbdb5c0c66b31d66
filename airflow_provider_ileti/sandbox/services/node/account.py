"""``/mo/list-request`` (opt-out requests by SMS, seeded) and ``/user/credit``."""

from __future__ import annotations

from typing import Any

from airflow_provider_ileti.sandbox.services.node import validation as v
from airflow_provider_ileti.sandbox.services.node.state import USERNAME_SHOWN, NodeState


def list_mo_requests(state: NodeState, params: v.Params) -> dict[str, Any]:
    keyword = v.get_str(params, "keyword")
    user_uuid = v.get_str(params, "userUUID")
    start, finish = v.date_range(params)
    index, size = v.page(params)
    with state.lock:
        rows = [
            mo
            for mo in state.mo_requests
            if (keyword is None or keyword.lower() in f"{mo.keyword} {mo.msg} {mo.gsm}".lower())
            and (user_uuid is None or user_uuid == state.user_uuid)
            and (start is None or mo.date >= start)
            and (finish is None or mo.date <= finish)
        ]
        shown = rows[index * size : (index + 1) * size]
        return {
            "stats": {"totalRecord": len(rows)},
            "list": [
                {
                    "uuid": mo.uuid,
                    "gsm": mo.gsm,
                    "msg": mo.msg,
                    "state": mo.state,
                    "keyword": mo.keyword,
                    "shortNr": mo.short_nr,
                    "userInfo": {"uuid": state.user_uuid, "username": USERNAME_SHOWN},
                    "processInfo": {"date": v.iso_local(mo.date), "blacklisted": 1 if mo.state == 2 else 0},
                }
                for mo in shown
            ],
        }


def credit(state: NodeState, params: v.Params) -> dict[str, Any]:
    with state.lock:
        return {"credit": state.credit}
