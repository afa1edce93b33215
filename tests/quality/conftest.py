from tests.personas import _fast_passwords, english, world

__all__ = ["_fast_passwords", "english", "world"]
