"""Reading the core's own packaged data files; the only I/O the clinical core does."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

_DATA = resources.files("backpath.clinical") / "data"

ModelT = TypeVar("ModelT", bound=BaseModel)


class DataFileError(RuntimeError):
    """A packaged data file breaks its schema: a release defect, so it fails loudly."""


# libyaml's loader is ten times faster than the pure-Python one; both are safe loaders.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(relative_path: str) -> Any:
    return yaml.load((_DATA / relative_path).read_text(encoding="utf-8"), Loader=_Loader)


@cache
def data_names(folder: str) -> list[str]:
    """The YAML files in one data folder, sorted so that loading order is stable."""
    return sorted(
        f"{folder}/{entry.name}"
        for entry in (_DATA / folder).iterdir()
        if entry.name.endswith(".yaml")
    )


def parse(model: type[ModelT], raw: Any, source: str) -> ModelT:
    """Validate a data file into its model, naming the file and field when it is broken."""
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise DataFileError(f"{source}: {where}: {first['msg']}") from error
