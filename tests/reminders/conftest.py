from tests.web.conftest import _fast_passwords
from tests.web.personas import english, world

__all__ = ["_fast_passwords", "english", "world"]
