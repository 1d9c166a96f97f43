"""Find a secret value in what ZenML would store, without copying or printing it.

Two looks, because no list of Python types covers what a checkpoint may return:

1. A walk of the object graph: strings (and their subclasses), bytes-like objects,
   mappings, collections, pydantic models (their fields and their JSON dump, which is what
   ZenML stores for a model), and any object's ``__dict__`` and ``__slots__``. Bounded,
   with a cycle guard; iterators are not consumed. This also finds values shorter than
   ``MIN_LENGTH`` besides surrounding whitespace (as whole strings), and values in
   objects that refuse to be pickled. Models' JSON dumps come last: pydantic's dump
   consumes iterators, so when the walk met one the dump is taken of a copy (what ZenML
   stores stays as it was, and the pickle look still sees the iterator's items); a model
   that can be neither deep-copied nor pickled (a generator inside) is dumped itself:
   that dump is the only way to see what ZenML's pydantic materializer would store.
2. The object's pickle, as ZenML's fallback materializer writes it (cloudpickle), streamed
   through a sink that searches it for each value encoded as pickle (UTF-8) and as
   fixed-width arrays (UTF-16/32) store text. Whatever state an object hands to pickle,
   however it is shaped, ends up there; memory stays bounded whatever the size.
"""

from __future__ import annotations

import copy
import types
from collections import UserString
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from kitaru.runtime.redact import substantial

# Objects the walk visits at most; past it, the pickle scan still sees everything.
MAX_NODES = 50_000
_ENCODINGS = ("utf-8", "utf-16-le", "utf-32-le")
# Atoms hold no text; the rest is code or machinery the walk does not enter.
_SKIP = (
    int,
    float,
    complex,
    type(None),
    range,
    slice,
    type,
    types.ModuleType,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    types.CodeType,
    types.FrameType,
    types.TracebackType,
)


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
            return self.value in data if substantial(self.value) else data == self.value
        encoded = self.value.encode("utf-8", "surrogatepass")
        return encoded in data if substantial(self.value) else data == encoded


def _slot_values(obj: object) -> Iterable[object]:
    for cls in type(obj).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name not in ("__dict__", "__weakref__"):
                value = getattr(obj, name, _ABSENT)
                if value is not _ABSENT:
                    yield value


_ABSENT = object()


def _model_json(model: BaseModel) -> str | None:
    """What ZenML's pydantic materializer stores (computed fields, custom serialisers)."""
    try:
        return model.model_dump_json()
    except Exception:  # a model that cannot dump is not stored as JSON either
        return None


def _children(obj: object) -> Iterable[object]:
    """What ``obj`` holds: its state first, then its items."""
    attributes = getattr(obj, "__dict__", None)
    if isinstance(attributes, dict):
        yield from attributes.values()
    yield from _slot_values(obj)
    if isinstance(obj, BaseModel):
        yield obj.__pydantic_extra__
        yield obj.__pydantic_private__
    if isinstance(obj, Mapping):
        for key, value in obj.items():
            yield key
            yield value
    elif isinstance(obj, UserString):
        pass  # its items are new one-character UserStrings; its text is in __dict__
    elif isinstance(obj, (Sequence, AbstractSet, list, tuple, set, frozenset)):
        yield from obj


def _walk(obj: object, reads: Sequence[SecretRead]) -> SecretRead | None:
    stack: list[object] = [obj]
    # By id, holding each object, so an id is not reused by a new one (a mapping or sequence
    # may make its items anew).
    seen: dict[int, object] = {}
    models: list[BaseModel] = []
    met_iterator = False
    while stack and len(seen) < MAX_NODES:
        item = stack.pop()
        if id(item) in seen or isinstance(item, _SKIP):
            continue
        seen[id(item)] = item
        if isinstance(item, (str, bytes, bytearray, memoryview)):
            hit = _hit(item, reads)
            if hit is not None:
                return hit
            if type(item) in (str, bytes, bytearray, memoryview):
                continue
        elif type(item).__module__.split(".")[0] == "zenml":
            continue  # ZenML's own objects (artifact references): it resolves those itself
        met_iterator = met_iterator or isinstance(item, Iterator)
        if isinstance(item, BaseModel):
            models.append(item)
        try:
            stack.extend(reversed(list(_children(item))))
        except Exception:  # an object that cannot be looked into is left to the pickle scan
            continue
    dumps = (_model_json(_copy(model) if met_iterator else model) for model in models)
    return next((hit for text in dumps if text and (hit := _hit(text, reads))), None)


def _copy(model: BaseModel) -> BaseModel:
    """A copy to dump in place of a model whose dump would consume iterators; the model
    itself when it can be neither deep-copied nor pickled."""
    try:
        return copy.deepcopy(model)
    except Exception:  # state deepcopy refuses (a memoryview) may still pickle, as ZenML would
        pass
    pickle = _cloudpickle()
    try:
        copied: BaseModel = pickle.loads(pickle.dumps(model))
    except Exception:  # a generator: its dump, which consumes it, is the only look
        return model
    return copied


def _cloudpickle() -> Any:
    """ZenML's pickler, imported when first needed (most checkpoints never need it)."""
    import cloudpickle  # type: ignore[import-untyped]

    return cloudpickle


def _hit(
    data: str | bytes | bytearray | memoryview, reads: Sequence[SecretRead]
) -> SecretRead | None:
    text = data if isinstance(data, (str, bytes)) else bytes(data)
    return next((read for read in reads if read.found_in(text)), None)


class _Found(Exception):
    def __init__(self, read: SecretRead) -> None:
        self.read = read


class _ScanningSink:
    """A file for ``Pickler`` that keeps only the tail it needs to find values across
    writes, and stops the pickling at the first value found."""

    def __init__(self, reads: Sequence[SecretRead]) -> None:
        self.needles: dict[bytes, SecretRead] = {}
        for read in reads:
            if substantial(read.value):
                for encoding in _ENCODINGS:
                    self.needles.setdefault(read.value.encode(encoding, "surrogatepass"), read)
        self._keep = max((len(needle) for needle in self.needles), default=1) - 1
        self._tail = b""

    def _search(self, data: bytes) -> None:
        for needle, read in self.needles.items():
            if needle in data:
                raise _Found(read)

    def write(self, chunk: Any) -> int:
        data = chunk if isinstance(chunk, bytes) else bytes(chunk)
        # A value split across writes starts in the kept tail and ends in this chunk.
        self._search(self._tail + data[: self._keep])
        self._search(data)
        if self._keep:
            self._tail = (self._tail + data[-self._keep :])[-self._keep :]
        return len(data)


def _pickled(obj: object, reads: Sequence[SecretRead]) -> SecretRead | None:
    sink = _ScanningSink(reads)
    if not sink.needles:
        return None
    pickle = _cloudpickle()
    try:
        pickle.Pickler(sink, protocol=pickle.DEFAULT_PROTOCOL).dump(obj)
    except _Found as found:
        return found.read
    except Exception:  # unpicklable: ZenML's fallback could not store it either
        return None
    return None


def find_secret(
    obj: object, reads: Sequence[SecretRead], *, serialized: bool = True
) -> SecretRead | None:
    """The first read whose value occurs in ``obj`` or, with ``serialized``, in its pickle.

    Parameters (stored by ZenML as JSON) need only the walk; outputs get both looks.
    """
    if not reads:
        return None
    hit = _walk(obj, reads)
    if hit is None and serialized:
        hit = _pickled(obj, reads)
    return hit
