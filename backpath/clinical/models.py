"""The base of every pydantic model in the core: immutable, and unknown fields are errors.

Content files and input alike are refused when they carry a field nobody reads, so a typo
(``red_flag`` for ``red_flags``, ``uper`` for ``upper``) can never be silently ignored.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FrozenModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
