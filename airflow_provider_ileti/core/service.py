"""The four services, named once (``Service.NODE == "node"``): errors, logs, connections and the sandbox."""

from __future__ import annotations

from enum import StrEnum


class Service(StrEnum):
    NODE = "node"
    ILETIMERKEZI = "iletimerkezi"
    ILETINIZ = "iletiniz"
    WISECP = "wisecp"
