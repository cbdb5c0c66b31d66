"""İleti Merkezi (iletimerkezi.com): XML/JSON POST API, GET send, reports, balance, senders, black list."""

from __future__ import annotations

from airflow_provider_ileti.clients.iletimerkezi.auth import Credentials, hash_from_secret
from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient
from airflow_provider_ileti.clients.iletimerkezi.models import Message, Order, ReportMessage
from airflow_provider_ileti.clients.iletimerkezi.webhook import WebhookReport, parse_webhook

__all__ = [
    "Credentials",
    "IletiMerkeziClient",
    "Message",
    "Order",
    "ReportMessage",
    "WebhookReport",
    "hash_from_secret",
    "parse_webhook",
]
