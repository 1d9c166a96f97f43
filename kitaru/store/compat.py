"""Every difference between the ZenML versions kitaru supports, and the ranges themselves.

kitaru runs on a range of ZenML clients (the ``zenml`` package installed beside it) and
talks to a range of ZenML servers; both ranges are tested in CI (``.ci/compat``). What
differs between versions inside them is handled here and nowhere else:

- the owner of a secret in a server's response: ``body.user`` (a user object) on servers
  before 0.83, ``body.user_id`` from 0.83 on;
- ZenML's console log handler: ``zenml.logger.ZenMLConsoleHandler`` since 0.94.5, a plain
  ``logging.StreamHandler`` on stdout before (which prints a stack set-up line on a fresh
  store);
- the words for a secret too big to store: "maximum total size" (64 KiB of keys and
  values) since 0.94.5, "exceeds max length" (64 KiB of the stored, encoded form) before;
- a step's annotations: clients before 0.94.5 take them as written (text, under
  ``from __future__ import annotations``), later ones evaluate them;
- printing in a step: clients 0.90 to 0.92 wrap ``builtins.print`` and store the text in
  the step's logs apart from the streams kitaru masks;
- which versions are in range, and the one line that refuses the others.

Importing this module imports neither zenml nor pydantic.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any

from kitaru.errors import StoreError

Version = tuple[int, int, int]

# The ZenML clients kitaru declares (pyproject.toml) and tests: the floor and the newest.
CLIENT_FLOOR: Version = (0, 90, 0)
CLIENT_CEILING: Version = (0, 99, 0)  # exclusive
CLIENT_RANGE = ">=0.90.0,<0.99"  # as pip writes it; pyproject.toml says the same
CLIENT_TESTED = ("0.90.0", "0.98.0")

# The ZenML servers whose secret, login and info API kitaru's REST store speaks.
SERVER_FLOOR: Version = (0, 80, 0)
SERVER_CEILING: Version = (0, 99, 0)  # exclusive
SERVER_TESTED = ("0.80.2", "0.90.0", "0.98.0")

# The MCP SDK (the kitaru[mcp] extra) needs pydantic 2.12, which ZenML allows from 0.94.1.
MCP_CLIENT_FLOOR: Version = (0, 94, 1)

# Servers before this one carry a secret's owner as ``body.user`` (an object with an id).
OWNER_ID_SINCE: Version = (0, 83, 0)


def parse_version(text: str) -> Version | None:
    """``0.98.0`` -> (0, 98, 0); pre-release and build suffixes are ignored."""
    match = re.match(r"^\s*v?(\d+)\.(\d+)(?:\.(\d+))?", text)
    if match is None:
        return None
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch or 0)


def _shown(version: Version) -> str:
    return ".".join(str(part) for part in version)


def client_range_text() -> str:
    """``0.90.0 to 0.98.x``: the client range as the README and errors say it."""
    return f"{_shown(CLIENT_FLOOR)} to 0.{CLIENT_CEILING[1] - 1}.x"


def server_range_text() -> str:
    return f"{_shown(SERVER_FLOOR)} to 0.{SERVER_CEILING[1] - 1}.x"


def _version_shown(text: str) -> str:
    """A version string as it may appear in output: its parsed numbers, or 'unknown'."""
    version = parse_version(text)
    return "an unknown version" if version is None else f"version {_shown(version)}"


# ZenML names each release's alembic head revision after the release that added it
# (zenml/zen_stores/migrations/versions; measured: 0.90.0 -> "0.90.0", 0.91.0, 0.92.0,
# 0.93.3, 0.94.0, 0.94.6, 0.98.0 likewise; 0.75.1 -> "0.75.0", a patch release without a
# migration keeps its predecessor's). A store a client in the range made or migrated is
# at a revision in the range.
def schema_revision_in_range(revision: str) -> bool:
    """An embedded store's alembic revision is one a ZenML client in range writes."""
    version = parse_version(revision)
    shaped = re.fullmatch(r"\d+\.\d+\.\d+", revision.strip()) is not None
    return shaped and version is not None and CLIENT_FLOOR <= version < CLIENT_CEILING


# --- servers -------------------------------------------------------------------------


def server_supported(text: str) -> bool:
    version = parse_version(text)
    return version is not None and SERVER_FLOOR <= version < SERVER_CEILING


def server_refused(where: str, text: str) -> StoreError:
    """The one line for a server outside the range (``where`` is a display URL). A newer
    server may still speak the same API: the user may insist; an older one does not."""
    version = parse_version(text)
    newer = version is not None and version >= SERVER_CEILING
    insist = "; set KITARU_STORE_CLIENT=rest to try it anyway" if newer else ""
    return StoreError(
        f"the ZenML server at {where} runs {_version_shown(text)}; kitaru supports ZenML "
        f"servers {server_range_text()}{insist}"
    )


def rest_owner(body: Any) -> Any:
    """A secret response body with its owner's ID as ``user_id``, whichever shape the
    server sent: ``user_id`` (0.83 and later) or ``user: {"id": ...}`` (0.80-0.82)."""
    if not isinstance(body, Mapping) or body.get("user_id") is not None:
        return body
    user = body.get("user")
    owner = user.get("id") if isinstance(user, Mapping) else None
    return {**body, "user_id": owner if isinstance(owner, str) else None}


_TOO_BIG = ("maximum total size", "exceeds max length")


def too_big(text: str) -> bool:
    """ZenML's error text (a server's response or the client's ValueError) says the
    secret is over its size limit, in any supported version's words."""
    return any(words in text for words in _TOO_BIG)


# --- clients -------------------------------------------------------------------------


def installed_client() -> str | None:
    """The installed zenml's version (package metadata: no zenml import), or None."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("zenml")
    except PackageNotFoundError:
        return None


def client_refusal(installed: str | None) -> StoreError | None:
    """Why the installed ZenML client cannot serve kitaru, or None when it can."""
    fix = f"pip install 'zenml[local]{CLIENT_RANGE}'"
    if installed is None:
        return StoreError(f"zenml is not installed; run: {fix}")
    version = parse_version(installed)
    if version is None or not CLIENT_FLOOR <= version < CLIENT_CEILING:
        return StoreError(
            f"the installed zenml is {_version_shown(installed)}; kitaru supports ZenML "
            f"clients {client_range_text()}; run: {fix}"
        )
    return None


def check_client() -> None:
    """Refuse a ZenML client outside the range before any of it is imported."""
    refusal = client_refusal(installed_client())
    if refusal is not None:
        raise refusal


def missing_in_zenml(exc: ImportError) -> str | None:
    """What an ImportError raised inside ZenML lacks, when the missing part is ZenML's own
    (a module or a name of the ``zenml`` package); None when it is another package."""
    name = exc.name or ""
    if name != "zenml" and not name.startswith("zenml."):
        return None
    found = re.search(r"cannot import name '([A-Za-z_][A-Za-z0-9_]*)'", str(exc))
    if found is not None and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name):
        return f"{name}.{found.group(1)}"
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name) else "zenml"


def client_owner(response: Any) -> str | None:
    """The creating user's ID on a ZenML client's secret model (``user_id``, or the
    ``user`` object of clients that carry no ``user_id``)."""
    owner = getattr(response, "user_id", None)
    if owner is None:
        user = getattr(response, "user", None)
        owner = getattr(user, "id", None)
    return None if owner is None else str(owner)


def console_handlers() -> list[logging.StreamHandler[Any]]:
    """ZenML's console handlers on the root logger: ``ZenMLConsoleHandler`` (0.94.5 and
    later), else the plain ``StreamHandler`` older clients add, on the stdout of the
    moment they were imported, with ZenML's formatter."""
    import zenml.logger

    handler_type = getattr(zenml.logger, "ZenMLConsoleHandler", None)
    if handler_type is not None:
        return [h for h in logging.getLogger().handlers if isinstance(h, handler_type)]
    formatter_type = getattr(zenml.logger, "CustomFormatter", None)
    found: list[logging.StreamHandler[Any]] = []
    for handler in logging.getLogger().handlers:
        if type(handler) is not logging.StreamHandler:
            continue
        on_stdout = handler.stream is sys.stdout or handler.stream is sys.__stdout__
        zenmls = formatter_type is not None and isinstance(handler.formatter, formatter_type)
        if on_stdout or zenmls:
            found.append(handler)
    return found


def with_resolved_signature(wrapper: Any, func: Any) -> Any:
    """``wrapper`` (which wraps ``func``) carrying ``func``'s signature and annotations
    with their text evaluated. ZenML clients before 0.94.5 take a step's types as
    written, so a module with ``from __future__ import annotations`` hands them the text
    ``'str'`` instead of the type (and pydantic evaluates that text in the wrapper's
    module, where the name is unknown); later clients evaluate it in ``func``'s module
    themselves. Annotations that cannot be evaluated are left as written."""
    import inspect

    try:
        signature = inspect.signature(func, eval_str=True)
    except Exception:  # a name only a type checker knows: ZenML decides, as before
        return wrapper
    annotations = {
        name: parameter.annotation
        for name, parameter in signature.parameters.items()
        if parameter.annotation is not parameter.empty
    }
    if signature.return_annotation is not signature.empty:
        annotations["return"] = signature.return_annotation
    wrapper.__signature__ = signature
    wrapper.__annotations__ = annotations  # a new dict: func's own stays as written
    return wrapper


_PRINT_MARK = "_kitaru_masks_prints"


def mask_zenml_prints(active: Callable[[], bool], mask: Callable[[str], str]) -> None:
    """ZenML 0.90 to 0.92 replace ``builtins.print`` with a wrapper that hands the printed
    text to the step's log handlers as a record, before and apart from the stream it
    writes to, so masking the streams does not reach a step's stored logs (later clients
    capture the streams instead). Put a print in front of ZenML's, once: while
    ``active()``, it joins the arguments, masks the text and passes it on as one
    argument (ZenML's wrapper also repeats every argument after the first)."""
    import builtins

    zenml_print = builtins.print
    if not hasattr(builtins, "_zenml_original_print") or getattr(zenml_print, _PRINT_MARK, False):
        return

    def print_masked(*args: object, **kwargs: Any) -> None:
        if not active() or kwargs.get("file") not in (None, sys.stdout, sys.stderr):
            zenml_print(*args, **kwargs)
            return
        sep = kwargs.pop("sep", None)
        zenml_print(mask((" " if sep is None else str(sep)).join(map(str, args))), **kwargs)

    setattr(print_masked, _PRINT_MARK, True)
    builtins.print = print_masked
