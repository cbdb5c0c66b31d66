"""Every Node function by its path below ``/node``, with the HTTP methods it takes and its SOAP operation;
its documented fields are in ``fields.py``, checked by ``run`` before the handler."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from airflow_provider_ileti.sandbox.services.node import account, contacts, fields, sms
from airflow_provider_ileti.sandbox.services.node.state import NodeState

Handler = Callable[[NodeState, Any], dict[str, Any]]
POST = ("POST",)
GET_POST = ("GET", "POST")


@dataclasses.dataclass(frozen=True)
class Function:
    path: str
    handler: Handler
    methods: tuple[str, ...]


FUNCTIONS: dict[str, Function] = {
    f.path: f
    for f in (
        Function("sms/create-otp", sms.create_otp, POST),
        Function("sms/create", sms.create, POST),
        Function("sms/create-kvkk", sms.create_kvkk, POST),
        Function("sms/list", sms.list_packages, GET_POST),
        Function("sms/list-item", sms.list_items, GET_POST),
        Function("sms/list-sender", sms.list_senders, GET_POST),
        Function("sms/cancel", sms.cancel, GET_POST),
        Function("sms/recreate", sms.recreate, GET_POST),
        Function("sms/summary", sms.summary, GET_POST),
        Function("sms/inquiry-number", sms.inquiry_number, GET_POST),
        Function("contact/create", contacts.create_contact, POST),
        Function("contact/update", contacts.update_contact, POST),
        Function("contact/delete", contacts.delete_contacts, POST),
        Function("contact/import", contacts.import_contacts, POST),
        Function("contact/list", contacts.list_contacts, GET_POST),
        Function("contact/create-group", contacts.create_group, POST),
        Function("contact/update-group", contacts.update_group, POST),
        Function("contact/delete-group", contacts.delete_group, POST),
        Function("contact/list-group", contacts.list_groups, GET_POST),
        Function("contact/set-blacklist", contacts.set_blacklist, POST),
        Function("mo/list-request", account.list_mo_requests, GET_POST),
        Function("user/credit", account.credit, GET_POST),
    )
}

#: SOAP operation -> the function it runs (the seven operations the vendor's document shows).
SOAP_OPERATIONS: dict[str, Function] = {
    "sendOtp": FUNCTIONS["sms/create-otp"],
    "sendSms": FUNCTIONS["sms/create"],
    "getSmsPackages": FUNCTIONS["sms/list"],
    "getSmsPackageItems": FUNCTIONS["sms/list-item"],
    "getSmsSenders": FUNCTIONS["sms/list-sender"],
    "cancelSmsPackage": FUNCTIONS["sms/cancel"],
    "getUserCredit": FUNCTIONS["user/credit"],
}


def run(function: Function, state: NodeState, params: Any) -> dict[str, Any]:
    """The function on checked parameters: its documented fields only, every required one present
    (``fields.check``, SMS00 naming the field), then its handler — REST and SOAP alike."""
    fields.check(function.path, params)
    return function.handler(state, params)
