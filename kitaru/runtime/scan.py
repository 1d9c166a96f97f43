"""Find a secret value inside a checkpoint's return value, without copying or printing it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from pydantic import BaseModel

from kitaru.runtime.redact import MIN_LENGTH


@dataclass(frozen=True)
class SecretRead:
    """One value a checkpoint read: which secret and key it came from."""

    secret: str
    key: str
    value: str = field(repr=False)

    def found_in(self, data: str | bytes) -> bool:
        """Substring match; values too short for that must match the whole string."""
        if not self.value:
            return False
        if isinstance(data, str):
            return data == self.value if len(self.value) < MIN_LENGTH else self.value in data
        encoded = self.value.encode("utf-8")
        return data == encoded if len(self.value) < MIN_LENGTH else encoded in data


def _children(obj: object) -> Iterable[object]:
    if isinstance(obj, Mapping):
        for key, value in obj.items():
            yield key
            yield value
    elif isinstance(obj, BaseModel):
        yield from (value for _, value in obj)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        yield from (getattr(obj, f.name) for f in dataclasses.fields(obj))
    elif isinstance(obj, (Sequence, AbstractSet)):
        yield from obj


def find_secret(obj: object, reads: Sequence[SecretRead]) -> SecretRead | None:
    """The first read whose value occurs in ``obj``.

    Looks through str, bytes, mappings (keys and values), sequences, sets, pydantic
    models and dataclasses, to any depth; other objects are opaque.
    """
    if not reads:
        return None
    stack: list[object] = [obj]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, (str, bytes, bytearray, memoryview)):
            data = item if isinstance(item, str) else bytes(item)
            hit = next((read for read in reads if read.found_in(data)), None)
        else:
            if id(item) in seen:
                continue
            seen.add(id(item))
            stack.extend(reversed(list(_children(item))))
            continue
        if hit is not None:
            return hit
    return None
