"""``kitaru model check``: each alias's linked secret exists and holds its provider's key.

Key names only: the secret's metadata is read (as ``kitaru secrets show`` does), never a
value. An alias without a linked secret passes when the environment has the key. A public
linked secret passes with a warning: any user of the server can replace its key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kitaru.errors import SecretNotFoundError
from kitaru.llm.providers import environment_key, split_model
from kitaru.llm.registry import Alias, Registry
from kitaru.naming import shown


@dataclass(frozen=True)
class AliasCheck:
    alias: Alias
    key: str | None  # the provider's key name; None: the provider needs none
    problem: str | None  # None: fine
    warning: str | None = None  # fine, but worth knowing (a public linked secret)

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_alias(
    alias: Alias, describe: Callable[[str], Any], environ: Mapping[str, str]
) -> AliasCheck:
    verdict = _verdict(alias, describe, environ)
    clear = cleartext_warning(alias)
    if clear is None:
        return verdict
    warning = f"{verdict.warning}; {clear}" if verdict.warning else clear
    return AliasCheck(alias, verdict.key, verdict.problem, warning)


def _verdict(
    alias: Alias, describe: Callable[[str], Any], environ: Mapping[str, str]
) -> AliasCheck:
    provider, _ = split_model(alias.model)
    variable = provider.key_variable
    if variable is None:
        return AliasCheck(alias, None, None)
    if not alias.secret:
        if environment_key(provider, environ) is not None:
            return AliasCheck(alias, variable, None)
        return AliasCheck(
            alias, variable, f"no linked secret, and {variable} is not set (link one: --secret)"
        )
    try:
        summary = describe(alias.secret)
    except SecretNotFoundError:
        return AliasCheck(alias, variable, f"linked secret {shown(alias.secret)} not found")
    if variable in (summary.unavailable_keys or []):
        return AliasCheck(
            alias, variable, f"linked secret {shown(alias.secret)} withholds {variable} from you"
        )
    if variable not in (summary.keys or []):
        return AliasCheck(
            alias, variable, f"linked secret {shown(alias.secret)} has no key {variable}"
        )
    return AliasCheck(alias, variable, None, None if summary.private else public_warning(alias))


LOOPBACK = ("localhost", "::1")


def cleartext_warning(alias: Alias) -> str | None:
    """An ``http://`` endpoint off this machine gets the key (and prompts) unencrypted."""
    url = alias.base_url or ""
    if not url.lower().startswith("http://") or split_model(alias.model)[0].key_variable is None:
        return None
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    if host in LOOPBACK or host.startswith("127.") or host.endswith(".localhost"):
        return None
    return "base URL is http:// to another host: the key and prompts travel unencrypted"


def public_warning(alias: Alias) -> str:
    return (
        f"linked secret {shown(alias.secret or '')} is public: any user of the server can "
        "replace its key and receive your prompts (link a private secret)"
    )


def check_registry(
    registry: Registry, describe: Callable[[str], Any], environ: Mapping[str, str]
) -> list[AliasCheck]:
    return [
        check_alias(registry.aliases[name], describe, environ) for name in sorted(registry.aliases)
    ]
