"""ZenML-client store helpers that need no ZenML: is the server up (and fast to say no)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kitaru.errors import StoreUnreachableError
from kitaru.store.zenml_client import check_reachable
from tests.server.endpoints import HOST, closing_port, silent_port, status_port
from tests.server.zenml_server import free_port


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("ZENML_STORE_URL", raising=False)
    monkeypatch.setenv("ZENML_CONFIG_PATH", str(tmp_path))
    return tmp_path


def unreachable(url: str, timeout: float = 3.0) -> str:
    with pytest.raises(StoreUnreachableError) as info:
        check_reachable(url, timeout=timeout)
    message = str(info.value)
    assert "\n" not in message and message.endswith("check ZENML_STORE_URL or `zenml login`")
    return message


def test_refused(no_proxy_env: Path) -> None:
    port = free_port()
    assert f"http://{HOST}:{port} (Connection refused)" in unreachable(f"http://{HOST}:{port}")


def test_silent_host_times_out(no_proxy_env: Path) -> None:
    with silent_port() as port:
        assert "(no answer within 0.5 s)" in unreachable(f"http://{HOST}:{port}", timeout=0.5)


def test_server_that_hangs_up(no_proxy_env: Path) -> None:
    with closing_port() as port:
        assert "closed the connection without answering" in unreachable(f"http://{HOST}:{port}")


def test_server_errors_are_down_but_other_answers_are_up(no_proxy_env: Path) -> None:
    with status_port(503) as port:
        assert "answered HTTP 503" in unreachable(f"http://{HOST}:{port}/")
    for status in (200, 401, 404):
        with status_port(status) as port:
            check_reachable(f"http://{HOST}:{port}/some/prefix")


def test_not_probed_through_a_proxy_or_for_a_database(
    no_proxy_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_reachable("sqlite:///tmp/zenml.db")
    monkeypatch.setenv("HTTP_PROXY", f"http://{HOST}:{free_port()}")
    check_reachable(f"http://{HOST}:{free_port()}")  # the proxy decides, not a direct probe


class ReadTimeout(Exception):
    """Named like requests' own: translate_errors goes by the name, not the import."""


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (RuntimeError("500 HTTP Error received from server: boom"), "server_failed"),
        (RuntimeError("too many 503 error responses"), "server_failed"),
        (ReadTimeout("read timed out"), "silent"),
    ],
)
def test_zenml_faults_get_the_rest_stores_words(
    no_proxy_env: Path, raised: Exception, expected: str
) -> None:
    from kitaru.errors import KitaruError
    from kitaru.store import failures
    from kitaru.store.zenml_client import translate_errors

    status = 503 if "503" in str(raised) else 500
    want = (
        failures.server_failed("reading secret", status)
        if expected == "server_failed"
        else failures.silent("reading secret", failures.no_answer(30))
    )
    with pytest.raises(KitaruError) as info, translate_errors("reading secret"):
        raise raised
    assert str(info.value) == str(want)
