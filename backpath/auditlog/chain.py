"""The hash chain over access-log entries; pure, so a verifier needs nothing but the rows.

An entry's hash is the SHA-256 of the previous entry's hash and the entry's own fields as
canonical JSON (sorted keys, no spaces). Changing any field of an entry breaks its own hash;
deleting an entry breaks the next entry's link. The first entry links to ``GENESIS``, or,
after pruning, to the hash of the last pruned entry (which the prune entry records).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GENESIS = "0" * 64


def _document(previous: str, fields: Mapping[str, str]) -> str:
    # ASCII: json.dumps escapes every other character (ensure_ascii).
    return json.dumps({"previous": previous, **fields}, sort_keys=True, separators=(",", ":"))


def entry_hash(previous: str, fields: Mapping[str, str]) -> str:
    return hashlib.sha256(_document(previous, fields).encode("utf-8")).hexdigest()


_EMPTY_PREVIOUS = '"previous":""'


def hash_parts(fields: Mapping[str, str]) -> tuple[str, str]:
    """The entry's document split where the previous hash goes, for a database that links
    the entry under its own lock: the SHA-256 of ``before + previous + after`` is
    ``entry_hash(previous, fields)``. The key's own ``"previous":""`` occurs once in the
    document, since a quote inside a value is escaped."""
    document = _document("", fields)
    at = document.index(_EMPTY_PREVIOUS) + len(_EMPTY_PREVIOUS) - 1
    return document[:at], document[at:]


@dataclass(frozen=True, slots=True)
class Link:
    id: int
    previous: str  # the stored hash of the entry before
    hash: str  # the stored hash of this entry
    fields: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Break:
    id: int
    problem: str


def first_break(
    links: Iterable[Link], starts: frozenset[str] = frozenset({GENESIS})
) -> Break | None:
    """The first entry (in id order) whose hash or link does not hold, or None.

    ``starts`` are the hashes the first remaining entry may link to: ``GENESIS`` and the
    anchors that prune entries recorded.
    """
    expected: str | None = None
    for link in links:
        if expected is None:
            if link.previous not in starts:
                return Break(link.id, "the first entry does not start the chain")
        elif link.previous != expected:
            return Break(link.id, "the entry before it was changed or deleted")
        if entry_hash(link.previous, link.fields) != link.hash:
            return Break(link.id, "the entry was changed")
        expected = link.hash
    return None
