"""The hash chain, without a database: a verifier needs nothing but the rows.

Each entry's hash covers the hash before it and its own fields, so changing a field breaks
that entry and deleting one breaks the next one's link.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backpath.auditlog.chain import GENESIS, Link, entry_hash, first_break, hash_parts

# The fields AccessEntry.chained_fields() hands to the chain.
FIELDS = (
    "at",
    "actor",
    "actor_label",
    "role",
    "clinic",
    "patient",
    "object_type",
    "object_id",
    "action",
    "detail",
    "outcome",
    "address",
)


def fields(n: int) -> dict[str, str]:
    return {
        "at": f"2025-01-0{n % 9 + 1}T10:00:00+00:00",
        "actor": str(n),
        "actor_label": f"user{n}@x.example",
        "role": "clinician",
        "clinic": "",
        "patient": "",
        "object_type": "episode",
        "object_id": f"object-{n}",
        "action": "view",
        "detail": "episode_detail",
        "outcome": "ok",
        "address": "127.0.0.1",
    }


def build(
    documents: Sequence[Mapping[str, str]], start: str = GENESIS, first_id: int = 1
) -> list[Link]:
    """A chain as ``record`` writes it: each entry linked to the hash before it."""
    links = []
    previous = start
    for number, document in enumerate(documents, start=first_id):
        digest = entry_hash(previous, document)
        links.append(Link(number, previous, digest, dict(document)))
        previous = digest
    return links


def chain(length: int) -> list[Link]:
    return build([fields(n) for n in range(length)])


def test_a_chain_built_with_entry_hash_verifies() -> None:
    assert first_break(chain(5)) is None


def test_an_empty_chain_verifies() -> None:
    assert first_break([]) is None


def test_the_hash_is_canonical_and_covers_the_previous_hash() -> None:
    document = fields(1)
    reordered = dict(reversed(list(document.items())))

    assert entry_hash(GENESIS, document) == entry_hash(GENESIS, reordered)
    assert len(entry_hash(GENESIS, document)) == 64
    assert entry_hash(GENESIS, document) != entry_hash("1" * 64, document)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("index", [0, 2, 4])
def test_changing_any_field_of_any_entry_is_found_at_that_entry(index: int, field: str) -> None:
    links = chain(5)
    changed = dict(links[index].fields) | {field: links[index].fields[field] + "x"}
    links[index] = dataclasses.replace(links[index], fields=changed)

    broken = first_break(links)

    assert broken is not None
    assert broken.id == links[index].id
    assert broken.problem == "the entry was changed"


@pytest.mark.parametrize("index", [0, 2, 4])
def test_changing_a_stored_hash_is_found_at_that_entry(index: int) -> None:
    links = chain(5)
    links[index] = dataclasses.replace(links[index], hash="f" * 64)

    broken = first_break(links)

    assert broken is not None
    assert broken.id == links[index].id


def test_deleting_a_middle_entry_is_found_at_the_next() -> None:
    links = chain(5)
    del links[2]

    broken = first_break(links)

    assert broken is not None
    assert broken.id == 4  # ids 1..5; entry 3 is gone
    assert broken.problem == "the entry before it was changed or deleted"


def test_deleting_the_first_entry_is_found_at_the_new_first() -> None:
    links = chain(4)[1:]

    broken = first_break(links)

    assert broken is not None
    assert broken.id == 2
    assert broken.problem == "the first entry does not start the chain"


def test_a_first_entry_not_linked_to_genesis_is_refused() -> None:
    anchor = "a" * 64
    links = build([fields(n) for n in range(3)], start=anchor, first_id=10)

    broken = first_break(links)

    assert broken is not None
    assert broken.id == 10
    assert broken.problem == "the first entry does not start the chain"


def test_a_first_entry_linked_to_a_given_anchor_is_accepted_and_another_is_refused() -> None:
    anchor = "a" * 64
    links = build([fields(n) for n in range(3)], start=anchor, first_id=10)

    assert first_break(links, starts=frozenset({GENESIS, anchor})) is None
    refused = first_break(links, starts=frozenset({GENESIS, "b" * 64}))
    assert refused is not None
    assert refused.id == 10


def test_an_anchor_is_accepted_only_for_the_first_entry() -> None:
    """A prune anchor cannot hide a deletion later in the chain."""
    links = chain(4)
    anchor = links[1].hash
    del links[1:3]  # entry 4 now follows entry 1 but links to entry 3

    broken = first_break(links, starts=frozenset({GENESIS, anchor}))

    assert broken is not None
    assert broken.id == 4


documents = st.lists(
    st.fixed_dictionaries({name: st.text(max_size=12) for name in FIELDS}),
    min_size=1,
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(documents=documents, data=st.data())
def test_any_field_edit_of_any_entry_in_a_random_chain_is_found_at_exactly_that_entry(
    documents: list[dict[str, str]], data: st.DataObject
) -> None:
    links = build(documents)
    assert first_break(links) is None

    index = data.draw(st.integers(min_value=0, max_value=len(links) - 1), label="entry")
    field = data.draw(st.sampled_from((*FIELDS, "previous", "hash")), label="field")
    link = links[index]
    old = link.fields[field] if field in FIELDS else getattr(link, field)
    new = data.draw(st.text(max_size=70).filter(lambda value: value != old), label="new value")
    if field in FIELDS:
        links[index] = dataclasses.replace(link, fields=dict(link.fields) | {field: new})
    elif field == "previous":
        links[index] = dataclasses.replace(link, previous=new)
    else:
        links[index] = dataclasses.replace(link, hash=new)

    broken = first_break(links)

    assert broken is not None
    assert broken.id == link.id


@settings(max_examples=100, deadline=None)
@given(documents=documents.filter(lambda d: len(d) >= 2), data=st.data())
def test_deleting_any_entry_but_the_last_is_found_at_the_one_after_it(
    documents: list[dict[str, str]], data: st.DataObject
) -> None:
    links = build(documents)
    index = data.draw(st.integers(min_value=0, max_value=len(links) - 2), label="deleted")
    after = links[index + 1].id
    del links[index]

    broken = first_break(links)

    assert broken is not None
    assert broken.id == after


# --- the document split for the database -----------------------------------------------------

HEX = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)


@given(
    previous=HEX,
    values=st.lists(st.text(), min_size=len(FIELDS), max_size=len(FIELDS)),
)
@settings(max_examples=300)
def test_the_split_document_hashes_as_entry_hash_whatever_the_fields_hold(
    previous: str, values: list[str]
) -> None:
    """Quotes, backslashes, non-ASCII and even the text '"previous":""' in a field: the
    database's sha256(before || previous || after) is the chain's own hash."""
    document = dict(zip(FIELDS, values, strict=True))
    before, after = hash_parts(document)

    assert (before + after).isascii()  # the same bytes in Python and in PostgreSQL
    joined = (before + previous + after).encode()
    assert hashlib.sha256(joined).hexdigest() == entry_hash(previous, document)


def test_the_split_holds_when_a_field_looks_like_the_previous_key() -> None:
    document = fields(1) | {"actor_label": '"previous":""', "detail": '","previous":"x'}
    before, after = hash_parts(document)
    joined = (before + GENESIS + after).encode()
    assert hashlib.sha256(joined).hexdigest() == entry_hash(GENESIS, document)
