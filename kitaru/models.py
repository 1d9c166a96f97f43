"""The SDK's public result types. ``SecretSummary`` never holds a value."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema


class SecretSummary(BaseModel):
    """Metadata of a secret: safe to print, log, return from a tool or serialise."""

    model_config = ConfigDict(frozen=True)

    name: str
    id: str
    private: bool
    keys: list[str] = Field(default_factory=list)
    unavailable_keys: list[str] = Field(default_factory=list)
    # Created without values (its creation was killed midway): set completes it, delete
    # removes it. Left out of model_dump and the schema: tool results keep their shape.
    incomplete: SkipJsonSchema[bool] = Field(default=False, exclude=True)

    @property
    def has_missing_values(self) -> bool:
        """True when the store withheld some values from the current user."""
        return bool(self.unavailable_keys)


class Secret(BaseModel):
    """A secret with its readable values; ``repr``/``str`` mask every value."""

    model_config = ConfigDict(frozen=True)

    name: str
    id: str
    private: bool
    values: dict[str, str] = Field(default_factory=dict, repr=False)
    unavailable_keys: list[str] = Field(default_factory=list)

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.values.get(key, default)

    @property
    def keys(self) -> list[str]:
        return sorted([*self.values, *self.unavailable_keys])

    def summary(self) -> SecretSummary:
        return SecretSummary(
            name=self.name,
            id=self.id,
            private=self.private,
            keys=self.keys,
            unavailable_keys=sorted(self.unavailable_keys),
        )

    def __repr_args__(self) -> Any:
        yield from ((name, value) for name, value in super().__repr_args__() if name != "values")
        yield "values", {key: "***" for key in self.values}

    def __str__(self) -> str:
        return repr(self)
