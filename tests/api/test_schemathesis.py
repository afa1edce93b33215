"""Generated requests against the API's own OpenAPI schema (schemathesis over the WSGI app).

Every operation gets at least ``EXAMPLES`` generated cases (fewer only where its inputs allow
fewer distinct cases) with a valid key of clinic X: no answer is a 5xx, and each answer has a
documented status, the documented content type, headers and body schema. Then each record
operation is called once with the ids of Amy's real records, so the 200 shapes are checked
against the schema too. In all more than 1,000 cases.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, Phase, given, settings

from backpath.web.wsgi import application
from tests.api.conftest import Keys
from tests.personas import World

# Per operation with parameters (17 of them): 1,700 cases, and some more below. The run on
# PostgreSQL (the suite's second pass) takes a third: the same derandomized inputs, first
# ones first, to check that the other database answers them the same.
EXAMPLES = {"sqlite": 100, "postgresql": 35}
MINIMUM_CASES = {"sqlite": 1000, "postgresql": 350}
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.fixture
def wsgi_in_test_transaction() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request, which would end
    the test's transaction; the test client switches that off, and so does this."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_generated_requests_get_documented_answers_and_never_a_5xx(
    world: World, keys: Keys, wsgi_in_test_transaction: None
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    headers = {"Authorization": f"Bearer {keys.x}"}
    cases: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    seconds: dict[str, float] = {}
    started = time.monotonic()

    def call(case: Any) -> None:
        response = case.call(headers=headers)
        statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 20
    for operation in operations:
        label = operation.label

        @settings(
            max_examples=EXAMPLES[connection.vendor],
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def generated(case: Any) -> None:
            cases[label] += 1  # noqa: B023 (each run is over before the loop moves on)
            call(case)

        began = time.monotonic()
        generated()
        seconds[label] = time.monotonic() - began

    # The records themselves: a 200 for each, checked against its documented schema.
    amy = {"patient_id": str(world.amy_patient.id), "episode_id": str(world.amy_episode.id)}
    real = 0
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        if names and names <= set(amy):
            case = operation.Case(path_parameters={name: amy[name] for name in names})
            call(case)
            real += 1
    assert real == 12

    total = sum(cases.values()) + real
    elapsed = time.monotonic() - started
    print(f"\nschemathesis: {total} cases over {len(operations)} operations in {elapsed:.1f} s")
    print("  statuses:", dict(sorted(statuses.items())))
    for label, count in sorted(cases.items()):
        print(f"  {count:4d}  {seconds[label]:5.1f} s  {label}")
    assert total >= MINIMUM_CASES[connection.vendor]
    assert not any(status >= 500 for status in statuses)
