"""The SDK's public result types. ``SecretSummary`` never holds a value."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, NoReturn

from pydantic import BaseModel, ConfigDict, Field, SerializationInfo, field_serializer
from pydantic.json_schema import SkipJsonSchema

MASK = "***"
# ``secret.model_dump(context={REVEAL_VALUES: True})`` (or ``model_dump_json``) is how a
# caller asks a serialisation for the values; every other one shows ``***``.
REVEAL_VALUES = "reveal_values"


class SecretSummary(BaseModel):
    """Metadata of a secret: safe to print, log, return from a tool or serialise."""

    model_config = ConfigDict(frozen=True)

    name: str
    id: str
    private: bool
    # None: not read (``list_secrets()`` lists names without one read per secret; ask
    # for ``keys=True``). Otherwise the key names, sorted.
    keys: list[str] | None = Field(default_factory=list)
    unavailable_keys: list[str] = Field(default_factory=list)
    created: datetime | None = None  # aware UTC; None when the store does not say
    updated: datetime | None = None
    # Created without values (its creation was killed midway): set completes it, delete
    # removes it. Left out of model_dump and the schema: tool results keep their shape.
    incomplete: SkipJsonSchema[bool] = Field(default=False, exclude=True)
    # Incomplete on a server, which can neither read, update nor delete it (an admin
    # removes its row: README, "Against a ZenML server"). Left out like ``incomplete``.
    orphaned: SkipJsonSchema[bool] = Field(default=False, exclude=True)

    @property
    def has_missing_values(self) -> bool:
        """True when the store withheld some values from the current user."""
        return bool(self.unavailable_keys)


class Secret(BaseModel):
    """A secret with its readable values, read through ``.values`` and ``.get()``.

    Every other way out masks them: ``repr``/``str``, iterating it, ``model_dump`` and
    ``model_dump_json`` (so a FastAPI response, a JSON logger or a cache), unless the dump
    is given ``context={"reveal_values": True}``. ``pickle`` refuses: a pickle is a copy
    of the values nobody asked for. ``copy``/``deepcopy`` work.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    id: str
    private: bool
    values: dict[str, str] = Field(default_factory=dict, repr=False)
    unavailable_keys: list[str] = Field(default_factory=list)
    created: datetime | None = None  # aware UTC; None when the store does not say
    updated: datetime | None = None

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.values.get(key, default)

    @property
    def keys(self) -> list[str]:
        return sorted([*self.values, *self.unavailable_keys])

    def summary(self, *, incomplete: bool = False) -> SecretSummary:
        """Its metadata; ``incomplete``: the store says its creation was killed midway."""
        return SecretSummary(
            name=self.name,
            id=self.id,
            private=self.private,
            keys=self.keys,
            unavailable_keys=sorted(self.unavailable_keys),
            created=self.created,
            updated=self.updated,
            incomplete=incomplete,
        )

    @field_serializer("values")
    def _dump_values(self, values: dict[str, str], info: SerializationInfo) -> dict[str, str]:
        context = info.context
        if isinstance(context, dict) and context.get(REVEAL_VALUES) is True:
            return dict(values)
        return {key: MASK for key in values}

    def __repr_args__(self) -> Any:
        yield from ((name, value) for name, value in super().__repr_args__() if name != "values")
        yield "values", {key: MASK for key in self.values}

    def __iter__(self) -> Iterator[tuple[str, Any]]:  # type: ignore[override]
        """``dict(secret)`` masks values too (``secret.values`` has them)."""
        for name, value in super().__iter__():
            yield name, ({key: MASK for key in self.values} if name == "values" else value)

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError(
            f"a Secret is not pickled, so its values are not copied where nobody asked for "
            f"them (secret '{self.name}'); pickle secret.summary(), or the values you need"
        )

    def __getstate__(self) -> NoReturn:
        self.__reduce_ex__(None)

    def __str__(self) -> str:
        return repr(self)
