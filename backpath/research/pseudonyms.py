"""Pseudonyms for one export: a keyed hash (HMAC-SHA256) of a record's id.

The key is made at random for each export and lives only in this object: it is never
written, logged or shown. Without it nobody (the operator included) can link a pseudonym to
a record, or the rows of two exports to each other; within one export the same id always
gets the same pseudonym, so the tables join. Each kind of record hashes under its own
label, so a patient and an episode never share a pseudonym.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from backpath.research.tables import PSEUDONYM_DIGITS

KEY_BYTES = 32  # as long as the hash: a shorter key would be the weak part


class Pseudonyms:
    __slots__ = ("_key",)

    def __init__(self) -> None:
        self._key = secrets.token_bytes(KEY_BYTES)

    def __repr__(self) -> str:
        return "Pseudonyms(<key withheld>)"

    def of(self, kind: str, record_id: uuid.UUID) -> str:
        message = f"{kind}:{record_id}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:PSEUDONYM_DIGITS]
