"""The few ZenML server resources kitaru reads, as its own small pydantic models.

Only the fields kitaru uses are declared; everything else the server sends is ignored,
so additions on the server side do not break parsing. Values never appear in ``repr``.
"""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from kitaru.store.base import SecretRef, StoredSecret, as_utc

# ZenML server versions whose /api/v1 secret, login and info shapes kitaru was built
# and tested against (0.98.0); older servers and a future 1.x go through ZenML's client.
MIN_SERVER_VERSION = (0, 80, 0)
MAX_SERVER_VERSION = (1, 0, 0)  # exclusive


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
    user_id: str | None = None  # the creating user, in every secret response's body
    created: datetime | None = None
    updated: datetime | None = None


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


def parse_version(text: str) -> tuple[int, int, int] | None:
    """``0.98.0`` -> (0, 98, 0); pre-release and build suffixes are ignored."""
    match = re.match(r"^\s*v?(\d+)\.(\d+)(?:\.(\d+))?", text)
    if match is None:
        return None
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch or 0)


def supported_version(text: str) -> bool:
    version = parse_version(text)
    return version is not None and MIN_SERVER_VERSION <= version < MAX_SERVER_VERSION
