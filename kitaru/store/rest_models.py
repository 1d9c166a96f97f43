"""The few ZenML server resources kitaru reads, as its own small pydantic models.

Only the fields kitaru uses are declared; everything else the server sends is ignored,
so additions on the server side do not break parsing. Values never appear in ``repr``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kitaru.store import compat
from kitaru.store.base import SecretRef, StoredSecret, as_utc


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ServerInfo(_Lenient):
    """``GET /api/v1/info``: asked first, without a token."""

    version: str = ""
    auth_scheme: str = ""


class TokenResponse(_Lenient):
    """``POST /api/v1/login``: an OAuth2 bearer token."""

    access_token: str = Field(repr=False)
    expires_in: float | None = None


class SecretBody(_Lenient):
    private: bool = False
    values: dict[str, str | None] = Field(default_factory=dict, repr=False)
    user_id: str | None = None  # the creating user (compat.rest_owner reads both shapes)
    created: datetime | None = None
    updated: datetime | None = None

    @model_validator(mode="before")
    @classmethod
    def _owner(cls, data: Any) -> Any:
        return compat.rest_owner(data)


class SecretResource(_Lenient):
    """One secret as the server returns it; listed secrets carry no values."""

    id: str
    name: str
    body: SecretBody = Field(default_factory=SecretBody)

    def ref(self) -> SecretRef:
        return SecretRef(
            id=self.id,
            name=self.name,
            private=self.body.private,
            user_id=self.body.user_id,
            created=as_utc(self.body.created),
            updated=as_utc(self.body.updated),
        )

    def stored(self) -> StoredSecret:
        return StoredSecret(
            id=self.id,
            name=self.name,
            private=self.body.private,
            values=dict(self.body.values),
            user_id=self.body.user_id,
            created=as_utc(self.body.created),
            updated=as_utc(self.body.updated),
        )


class CurrentUser(_Lenient):
    """``GET /api/v1/current-user``: the user or service account a token belongs to."""

    id: str


class SecretPage(_Lenient):
    """``GET /api/v1/secrets``: one page of a paginated listing."""

    index: int = 1
    total_pages: int = 0
    items: list[SecretResource] = Field(default_factory=list)
