from tests.personas import _fast_passwords, world

__all__ = ["_fast_passwords", "world"]
