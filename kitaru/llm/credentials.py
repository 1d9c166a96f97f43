"""The key for one call: the environment's, else only the provider's key of the alias's
linked secret (found exactly as ``get_secret`` finds it).

The key is handed to the SDK client directly; nothing here writes ``os.environ``, and no
other key of the secret (a base URL a co-user added, say) is looked at. A key read from a
secret is kept for the life of the process, so only the first call pays the read; a
provider's refusal of a kept key forgets it. It is kept per store and identity: a process
that changes its ZenML store, login or config (``ZENML_STORE_*``, ``ZENML_CONFIG_PATH``,
``zenml login``) reads the secret again instead of using another identity's key.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from kitaru.llm.errors import LLMCredentialsError
from kitaru.llm.providers import Provider, environment_key
from kitaru.llm.registry import Alias
from kitaru.naming import shown

log = logging.getLogger("kitaru")
ENVIRONMENT = "environment"
SECRET = "secret"
NONE = "none"  # a provider that needs no key (ollama)


@dataclass(frozen=True)
class Credential:
    key: str | None = field(repr=False)
    source: str  # ENVIRONMENT, SECRET or NONE
    secret: str | None = None  # the linked secret's reference, when it gave the key


_kept: dict[tuple[str, str, str], str] = {}
_kept_lock = threading.Lock()
# What decides which store, and which identity in it, a secret reference is read from.
_STORE_PREFIXES = ("ZENML_STORE_", "ZENML_SECRETS_STORE_", "ZENML_BACKUP_SECRETS_STORE_")
_STORE_VARIABLES = (
    "ZENML_CONFIG_PATH",
    "KITARU_STORE_CLIENT",
    "HOME",
    "XDG_CONFIG_HOME",
    "APPDATA",
)
_STORE_FILES = ("config.yaml", "credentials.yaml")


def store_identity(environ: Mapping[str, str] | None = None) -> str:
    """A digest of what picks the store and the identity a secret is read as: the
    store's environment and ZenML's config files (changed by ``zenml login``). No file is
    parsed, so a call pays a few ``stat``s; the digest keeps no password in memory."""
    from kitaru.store.server_config import zenml_config_dir

    environ = os.environ if environ is None else environ
    digest = hashlib.sha256()
    for name in sorted(environ):
        if name.startswith(_STORE_PREFIXES) or name in _STORE_VARIABLES:
            digest.update(f"{name}={environ[name]}\0".encode(errors="surrogateescape"))
    folder = zenml_config_dir(environ)
    digest.update(str(folder).encode(errors="surrogateescape"))
    for file in _STORE_FILES:
        try:
            info = os.stat(folder / file)
        except OSError:
            digest.update(b"-")
            continue
        digest.update(
            f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}".encode()
        )
    return digest.hexdigest()


def forget(credential: Credential | None = None) -> None:
    """Drop the kept key of ``credential`` (None: every kept key)."""
    with _kept_lock:
        if credential is None:
            _kept.clear()
            return
        for slot, key in list(_kept.items()):
            if key == credential.key:
                del _kept[slot]


def sendable(key: str, variable: str, where: str) -> str:
    """The key without surrounding whitespace (a pasted newline), if an HTTP header can
    carry it: printable ASCII, no inner space. Else one line that never shows the key (the
    HTTP stack would fail with a vague "Connection error." and the key in its text)."""
    key = key.strip()
    if key.isascii() and key.isprintable() and not any(c.isspace() for c in key):
        return key
    raise LLMCredentialsError(
        f"{variable} from {where} cannot be sent: it holds spaces, control or non-ASCII "
        "characters (a pasted line break?)"
    )


def _label(model: str, alias: Alias | None) -> str:
    return f"alias '{alias.name}' ({model})" if alias else f"model {shown(model)}"


def _from_secret(variable: str, alias: Alias, secret_ref: str) -> str:
    from kitaru.errors import SecretNotFoundError
    from kitaru.secrets import get_secret

    try:
        secret = get_secret(secret_ref)
    except SecretNotFoundError:
        raise LLMCredentialsError(
            f"secret {shown(secret_ref)} linked to alias '{alias.name}' not found "
            f"(set {variable}, or link another: kitaru model register {alias.name} "
            f"--model {alias.model} --secret NAME)"
        ) from None
    if not secret.private:
        from kitaru.llm.check import public_warning

        # Once per process and identity: the key is kept after this read.
        log.warning("alias '%s': %s", alias.name, public_warning(alias))
    key = secret.values.get(variable)
    if key is None or not key.strip():
        if variable in secret.unavailable_keys:
            raise LLMCredentialsError(
                f"secret {shown(secret_ref)} linked to alias '{alias.name}': the store "
                f"withholds its {variable} from you"
            )
        raise LLMCredentialsError(
            f"secret {shown(secret_ref)} linked to alias '{alias.name}' has no key {variable} "
            f"(add it: kitaru secrets set NAME --{variable}=-)"
        )
    return key


def resolve_credential(
    provider: Provider,
    model: str,
    alias: Alias | None,
    environ: Mapping[str, str] | None = None,
) -> Credential:
    """Environment first (the secret is then not read), else the linked secret."""
    variable = provider.key_variable
    if variable is None:
        return Credential(None, NONE)
    key = environment_key(provider, environ)
    if key is not None:
        return Credential(sendable(key, variable, "the environment"), ENVIRONMENT)
    secret_ref = alias.secret if alias is not None else None
    if alias is None or not secret_ref:
        register = (
            f"kitaru model register {alias.name} --model {model} --secret NAME"
            if alias
            else "kitaru model register ALIAS --model ... --secret NAME"
        )
        raise LLMCredentialsError(
            f"no credentials for {_label(model, alias)}: set {variable}, or link a secret "
            f"holding it ({register})"
        )
    slot = (store_identity(), secret_ref, variable)
    with _kept_lock:
        kept = _kept.get(slot)
    if kept is None:
        where = f"secret {shown(secret_ref)} (alias '{alias.name}')"
        kept = sendable(_from_secret(variable, alias, secret_ref), variable, where)
        with _kept_lock:
            _kept[slot] = kept
    return Credential(kept, SECRET, secret_ref)
