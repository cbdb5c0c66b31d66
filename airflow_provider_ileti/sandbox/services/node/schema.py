"""The SOAP types, written once: ``wsdl.py`` renders them as XSD and ``soap.py`` serialises answers by them.

Field names are the REST JSON names, so a zeep result reads like the REST ``data``. Arrays are wrapper
elements of ``<item>`` children (``ArrayOfX``), as in the vendor's samples. Every field is optional and
nillable: a JSON ``null`` is sent as ``xsi:nil="true"`` so zeep reads it as ``None``.
"""

from __future__ import annotations

SIMPLE = {"string", "int", "long", "boolean", "double"}

#: complex type -> [(field, type)]; a type "ArrayOfX" is a sequence of <item> of type X.
TYPES: dict[str, list[tuple[str, str]]] = {
    "PushSettings": [("url", "string")],
    "PeriodicSettings": [("periodType", "int"), ("interval", "int"), ("amount", "int")],
    # sendingType 1 sends <item><nr>..</nr></item> (the server also takes the vendor's <item>905..</item>),
    # sendingType 2 sends <item><nr>..</nr><msg>..</msg></item>.
    "NumberItem": [("nr", "string"), ("msg", "string")],
    "Err": [("status", "int"), ("code", "string"), ("message", "string")],
    "Stats": [("totalRecord", "int")],
    "Statistics": [
        ("total", "int"),
        ("credit", "int"),
        ("rCount", "int"),
        ("delivered", "int"),
        ("undelivered", "int"),
    ],
    "Package": [
        ("id", "long"),
        ("customID", "string"),
        ("type", "int"),
        ("uuid", "string"),
        ("error", "string"),
        ("state", "int"),
        ("title", "string"),
        ("content", "string"),
        ("senders", "ArrayOfString"),
        ("encoding", "int"),
        ("validity", "int"),
        ("statistics", "Statistics"),
        ("isScheduled", "int"),
        ("sendingDate", "string"),
    ],
    "PackageItem": [
        ("id", "string"),
        ("msg", "string"),
        ("error", "string"),
        ("credit", "int"),
        ("state", "int"),
        ("sender", "string"),
        ("target", "string"),
        ("setState", "int"),
        ("sendingDate", "string"),
        ("deliveryDate", "string"),
        ("processingDate", "string"),
    ],
    "Sender": [("uuid", "string"), ("status", "int"), ("title", "string")],
    "PkgIdData": [("pkgID", "long")],
    "StatusData": [("status", "int")],
    "CreditData": [("credit", "double")],
    "PackagesData": [("stats", "Stats"), ("list", "ArrayOfPackage")],
    "PackageItemsData": [("stats", "Stats"), ("list", "ArrayOfPackageItem")],
    "SendersData": [("stats", "Stats"), ("list", "ArrayOfSender")],
}
ARRAYS = {
    "ArrayOfString": "string",
    "ArrayOfLong": "long",
    "ArrayOfNumberItem": "NumberItem",
    "ArrayOfPackage": "Package",
    "ArrayOfPackageItem": "PackageItem",
    "ArrayOfSender": "Sender",
}

_AUTH = [("username", "string"), ("password", "string")]

#: operation -> (request fields after username/password, data type of the answer)
OPERATIONS: dict[str, tuple[list[tuple[str, str]], str]] = {
    "sendOtp": (
        [
            ("number", "string"),
            ("sender", "string"),
            ("content", "string"),
            ("encoding", "int"),
            ("validity", "int"),
            ("pushSettings", "PushSettings"),
            ("commercial", "boolean"),
            ("customID", "string"),
            ("trustDate", "string"),
        ],
        "PkgIdData",
    ),
    "sendSms": (
        [
            ("type", "int"),
            ("sendingType", "int"),
            ("number", "string"),
            ("numbers", "ArrayOfNumberItem"),
            ("sender", "string"),
            ("title", "string"),
            ("content", "string"),
            ("encoding", "int"),
            ("validity", "int"),
            ("sendingDate", "string"),
            ("periodicSettings", "PeriodicSettings"),
            ("pushSettings", "PushSettings"),
            ("commercial", "boolean"),
            ("customID", "string"),
        ],
        "PkgIdData",
    ),
    "getSmsPackages": (
        [
            ("ids", "ArrayOfLong"),
            ("customIDs", "ArrayOfString"),
            ("keyword", "string"),
            ("sender", "string"),
            ("status", "int"),
            ("startDate", "string"),
            ("finishDate", "string"),
            ("pageIndex", "int"),
            ("pageSize", "int"),
        ],
        "PackagesData",
    ),
    "getSmsPackageItems": (
        [
            ("pkgID", "long"),
            ("uuid", "string"),
            ("customID", "string"),
            ("target", "string"),
            ("operator", "int"),
            ("state", "int"),
            ("pageIndex", "int"),
            ("pageSize", "int"),
        ],
        "PackageItemsData",
    ),
    "getSmsSenders": (
        [("keyword", "string"), ("status", "int"), ("pageIndex", "int"), ("pageSize", "int")],
        "SendersData",
    ),
    "cancelSmsPackage": ([("id", "long"), ("uuid", "string"), ("customID", "string")], "StatusData"),
    "getUserCredit": ([], "CreditData"),
}


def request_fields(operation: str) -> list[tuple[str, str]]:
    return _AUTH + OPERATIONS[operation][0]


def result_type(operation: str) -> str:
    return operation[0].upper() + operation[1:] + "Result"
