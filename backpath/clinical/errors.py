"""The one error type of the clinical core: input that breaks a published rule or a contract."""

from __future__ import annotations


class ClinicalInputError(ValueError):
    """Bad input, named by the field it concerns and what would have been allowed.

    ``field`` is a dotted path into the input (``answers.q3``, ``patient.age``) so an adapter
    can show the problem next to the right form field or print it on one line.
    """

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
