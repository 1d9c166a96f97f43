"""HTTP set-up shared by kitaru's REST clients, without pydantic: importing httpx cheaply,
and the TLS verification a server's configuration asks for."""

from __future__ import annotations

import ssl
import sys
from typing import Any

from kitaru.errors import StoreError
from kitaru.store.server_config import ServerConfig


def import_httpx() -> Any:
    """httpx, without the command-line tool its package imports (click, rich, pygments:
    ~0.1 s that no kitaru command uses). A ``None`` entry in ``sys.modules`` makes
    that one import fail, which httpx handles; the entry is removed right after."""
    if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
        sys.modules["httpx._main"] = None  # type: ignore[assignment]
        try:
            import httpx
        finally:
            if sys.modules.get("httpx._main", False) is None:
                del sys.modules["httpx._main"]
    import httpx

    return httpx


def tls_setting(config: ServerConfig) -> bool | ssl.SSLContext:
    """Verification on by default; ``False`` or a CA bundle only when configured so.

    A plain ``http://`` server has no TLS to verify; it gets a strict context that
    loads no CA certificates (loading them costs ~0.08 s per process) and is never used.
    """
    verify = config.verify
    if verify is True and config.url.startswith("http://"):
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if verify is True or verify is False:
        return verify
    text = str(verify)
    if text.lstrip().startswith("-----BEGIN"):
        return ssl.create_default_context(cadata=text)
    try:
        return ssl.create_default_context(cafile=text)
    except (OSError, ssl.SSLError):
        raise StoreError(
            "ZENML_STORE_VERIFY_SSL names a CA bundle that cannot be read "
            "(use true, false, or the path of a PEM file)"
        ) from None
