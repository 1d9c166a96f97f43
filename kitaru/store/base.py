"""The storage seam: what kitaru needs from a secret store, and nothing more."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

# Secrets per listing request: the largest page a ZenML server accepts (zenml 0.98's
# PAGE_SIZE_MAXIMUM, 10,000), so 10,000 secrets are listed in one request.
LIST_PAGE_SIZE = 10_000


@dataclass(frozen=True, slots=True)  # one per listed secret: 10,000 and more at scale
class SecretRef:
    """A secret as listed: identity and visibility, no values."""

    id: str
    name: str
    private: bool
    user_id: str | None = None  # who created it; None when the store does not say
    created: datetime | None = None  # aware, UTC; None when the store does not say
    updated: datetime | None = None


@dataclass(frozen=True)
class StoredSecret:
    """A secret as fetched. A value of ``None`` means the store withheld it."""

    id: str
    name: str
    private: bool
    values: Mapping[str, str | None] = field(default_factory=dict, repr=False)
    user_id: str | None = None  # who created it; None when the store does not say
    # The row exists but ZenML never stored its values (a create killed between ZenML's
    # two commits); only an embedded store hands such a secret on, for set/delete to fix.
    incomplete: bool = False
    created: datetime | None = None  # aware, UTC; None when the store does not say
    updated: datetime | None = None

    @property
    def ref(self) -> SecretRef:
        return SecretRef(
            id=self.id,
            name=self.name,
            private=self.private,
            user_id=self.user_id,
            created=self.created,
            updated=self.updated,
        )

    @property
    def readable(self) -> dict[str, str]:
        return {k: v for k, v in self.values.items() if v is not None}

    @property
    def unavailable(self) -> list[str]:
        return sorted(k for k, v in self.values.items() if v is None)


def as_utc(moment: datetime | None) -> datetime | None:
    """ZenML hands out naive datetimes that mean UTC; kitaru keeps them aware."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class SecretStore(Protocol):
    """Exact operations only: no name guessing happens below this line."""

    def list_all(self) -> list[SecretRef]:
        """Every secret the caller may see, across all pages."""
        ...

    def find(self, name: str) -> list[SecretRef]:
        """Secrets whose name equals ``name`` exactly (at most one per visibility)."""
        ...

    def get(self, secret_id: str) -> StoredSecret:
        """Raises ``SecretNotFoundError`` when the caller may not see it."""
        ...

    def create(self, name: str, values: Mapping[str, str], private: bool) -> StoredSecret: ...

    def update(
        self,
        secret_id: str,
        set_values: Mapping[str, str],
        remove_keys: Sequence[str],
        *,
        before: Mapping[str, str | None] | None = None,
    ) -> StoredSecret:
        """One call that adds/changes ``set_values`` and removes ``remove_keys``.

        ``before``: the secret's values as the caller read them before deciding to
        write (lets the lost-update guard tell a dropped write from a later writer's);
        a store that needs it and is not given it reads them first.
        """
        ...

    def delete(self, secret_id: str) -> None: ...

    def current_user_id(self) -> str | None:
        """The ID of the user (or service account) this store acts as; None if unknown.

        Compared with a secret's ``user_id``: another user's public secret is never
        the place for a value its caller declared private.
        """
        ...

    def close(self) -> None: ...

    @property
    def max_workers(self) -> int:
        """How many calls may run at once (1 for an embedded database)."""
        ...
