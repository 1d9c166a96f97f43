"""Every fault reads the same through ZenML's client and kitaru's REST store.

Each test here runs once per client (tests/server/fixtures.py parametrizes
``server_session``) and compares the error with the one text kitaru.store.failures
builds for that fault, so the two clients cannot drift apart. Bad credentials are
covered the same way in test_faults.py::test_bad_credentials_give_one_clear_line.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

import kitaru
from kitaru.errors import KitaruError
from kitaru.store import close_open_stores, failures, open_store
from kitaru.store.server_config import display_url
from tests.conftest import Cli
from tests.server.endpoints import closing_port, silent_port, status_port, untrusted_tls_port
from tests.server.fixtures import ServerSession
from tests.server.zenml_server import HOST, free_port


@contextmanager
def refused_port() -> Iterator[int]:
    yield free_port()


FIRST_CONTACT: dict[str, tuple[str, Callable[[Path], AbstractContextManager[int]], str]] = {
    "connection refused": ("http", lambda _: refused_port(), "Connection refused"),
    "timeout": ("http", lambda _: silent_port(), failures.no_answer(3)),
    "server hangs up": ("http", lambda _: closing_port(), failures.HUNG_UP),
    "server says 503": ("http", lambda _: status_port(503), failures.answered_down(503)),
    "TLS untrusted": ("https", untrusted_tls_port, failures.TLS_UNTRUSTED),
}


@pytest.mark.parametrize("fault", list(FIRST_CONTACT))
def test_first_contact_faults_read_the_same(
    server_session: ServerSession, cli: Cli, tmp_path: Path, fault: str
) -> None:
    scheme, endpoint, reason = FIRST_CONTACT[fault]
    with endpoint(tmp_path) as port:
        url = f"{scheme}://{HOST}:{port}"
        server_session.use(server_session.users.alice, url=url, connect=False)
        close_open_stores()
        expected = str(failures.unreachable(display_url(url), reason))
        with pytest.raises(KitaruError) as info:
            kitaru.list_secrets()
        assert str(info.value) == expected
        close_open_stores()
        result = cli("secrets", "list")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {expected}\n"


def test_store_answers_read_the_same(server_session: ServerSession) -> None:
    """Not found, exists and too big, straight from the store under kitaru's SDK."""
    store = open_store()
    cases: list[tuple[Callable[[], object], KitaruError]] = [
        (lambda: store.get(str(uuid.uuid4())), failures.not_found("reading secret")),
        (lambda: store.create("dup", {"A": "1"}, False), failures.exists("creating secret 'dup'")),
        (
            lambda: store.create("big", {"A": "x" * 70_000}, False),
            failures.too_big("creating secret 'big'"),
        ),
    ]
    store.create("dup", {"A": "1"}, False)
    for call, expected in cases:
        with pytest.raises(type(expected)) as info:
            call()
        assert str(info.value) == str(expected)
