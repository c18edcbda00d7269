"""The pages' forms, read through the API's own models: a form is refused exactly where the
same request to the API would be, with the same message (422)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from evidence.web.errors import bad_input

__all__ = ["validated"]

M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], fields: Mapping[str, object]) -> M:
    """``fields`` as ``model``, or the API's 422 (an :class:`ApiError`) naming what is wrong.

    Form values are strings; the models read whole numbers from them strictly as decimal
    digits, so ``version=¹`` is refused with a message, not a server error.
    """
    try:
        return model.model_validate(dict(fields))
    except ValidationError as exc:
        raise bad_input(exc.errors(include_url=False, include_input=False)) from exc
