"""SMS backends. The setting ``SMS_BACKEND`` names a class with ``send(to, text)`` that
raises on failure; the default writes the message to the log (no SMS gateway is wired in
a demo or a test). A province plugs its gateway in by naming its own class."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("motcua.sms")


class SmsBackend(Protocol):
    def send(self, to: str, text: str) -> None: ...


class LoggingBackend:
    def send(self, to: str, text: str) -> None:
        log.info("SMS to %s: %s", to, text)


class MemoryBackend:
    """Keeps messages in ``outbox`` (tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, to: str, text: str) -> None:
        MemoryBackend.outbox.append((to, text))


def backend() -> SmsBackend:
    cls = import_string(getattr(settings, "SMS_BACKEND", "motcua.notifications.sms.LoggingBackend"))
    instance: SmsBackend = cls()
    return instance
