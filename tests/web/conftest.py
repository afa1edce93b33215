from tests.web.personas import world

__all__ = ["world"]
