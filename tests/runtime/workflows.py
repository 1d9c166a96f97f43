"""Checkpoints and flows for the runtime tests.

ZenML reloads a step from its source when it runs, so these live at module level.
The first checkpoint is the documented example, verbatim.
"""

from __future__ import annotations

import logging
import sys
from collections import UserString

from kitaru import checkpoint, flow, get_secret

log = logging.getLogger("tests.runtime.workflows")


@checkpoint
def call_external_service() -> str:
    secret = get_secret("github-creds")
    token = secret.get("GITHUB_TOKEN")
    if token is None:
        raise RuntimeError("Secret `github-creds` is missing GITHUB_TOKEN.")
    return f"Loaded token with length {len(token)}"


@checkpoint(enable_cache=False)
def leak_token() -> str:
    token = get_secret("github-creds").values["GITHUB_TOKEN"]
    log.warning("about to use token %s", token)
    return token


@checkpoint(allow_secret_output=True, enable_cache=False)
def hand_out_token() -> str:
    token = get_secret("github-creds").values["GITHUB_TOKEN"]
    return token


@checkpoint(enable_cache=False)
def print_token() -> int:
    token = get_secret("github-creds").values["GITHUB_TOKEN"]
    print(f"printed token {token}")
    print(token, file=sys.stderr)
    return len(token)


@flow
def documented_flow() -> None:
    call_external_service()


@flow(enable_cache=False)
def leaking_flow() -> None:
    leak_token()


@flow(enable_cache=False)
def printing_flow() -> None:
    print_token()


@checkpoint(enable_cache=False)
def use_token(token: str, settings: dict[str, str]) -> int:
    return len(token) + len(settings)


@flow(enable_cache=False)
def argument_flow() -> None:
    token = get_secret("github-creds").values["GITHUB_TOKEN"]
    use_token("public", {"header": f"Bearer {token}"})


@flow(enable_cache=False)
def parameter_flow(token: str) -> None:
    use_token("public", {"length": str(len(token))})


@flow(enable_cache=False)
def allowed_flow() -> None:
    hand_out_token()


class TokenRejected(Exception):
    """A user's own exception type whose message is built from an attribute."""

    def __init__(self, token: str) -> None:
        super().__init__("rejected")
        self.token = token

    def __str__(self) -> str:
        return f"server rejected {self.token}"


@checkpoint(enable_cache=False)
def failing_auth() -> int:
    token = get_secret("github-creds").values["GITHUB_TOKEN"]
    try:
        raise TokenRejected(token)
    except TokenRejected as rejected:
        raise RuntimeError(f"auth failed with token {token}") from rejected


@flow(enable_cache=False)
def failing_flow() -> None:
    failing_auth()


def run_failing_flow() -> None:
    """Run failing_flow and report what reached the caller (type, message), masked."""
    try:
        failing_flow()
    except Exception as error:
        link: BaseException | None = error
        while link is not None:
            print(f"RAISED {type(link).__name__}: {link}")
            link = link.__cause__
    else:
        raise SystemExit("failing_flow did not fail")


@checkpoint(enable_cache=False)
def wrap_token() -> UserString:
    return UserString(get_secret("github-creds").values["GITHUB_TOKEN"])


@flow(enable_cache=False)
def wrapping_flow() -> None:
    wrap_token()
