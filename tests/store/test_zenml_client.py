"""ZenML-client store helpers that need no ZenML server: ZenML's faults in kitaru's words."""

from __future__ import annotations

from pathlib import Path

import pytest


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
