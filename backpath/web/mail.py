"""Email in the demo and in development: printed on the console and kept in the outbox.

Invitation and password-reset links are one-time secrets, so the outbox lives in the data
directory (``var/outbox``), which is never committed or served.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class ConsoleAndFileBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        self._console = ConsoleBackend(fail_silently=fail_silently, **kwargs)
        self._file = FileBackend(fail_silently=fail_silently, **kwargs)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self._console.send_messages(email_messages)
        return self._file.send_messages(email_messages)
