from tests.personas import _fast_passwords, english, licensed_qbpds, world

__all__ = ["_fast_passwords", "english", "licensed_qbpds", "world"]
