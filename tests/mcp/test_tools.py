"""The tool layer in-process: registration, error shaping, and what imports what."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kitaru.errors import SecretNotFoundError
from kitaru.mcp.results import failed, run_tool, succeeded
from kitaru.mcp.server import build_tools
from kitaru.mcp.tools import SecretList, SecretTools
from kitaru.secret_models import SecretSummary
from tests.test_imports import imported_modules

CANARY = "kc4n4ry-tools-0d41"


def test_registered_tools_hide_rejected_inputs() -> None:
    tools = {tool.name: tool for tool in build_tools(SecretTools())}
    create = tools["kitaru_secrets_create"]
    for arguments in [
        {"name": "x", "values": CANARY},
        {"name": "x", "values": {"A": "b"}, "private": CANARY},
        {"name": [CANARY], "values": {}},
    ]:
        with pytest.raises(ValidationError) as caught:
            create.fn_metadata.validate_arguments(arguments)
        assert CANARY not in str(caught.value)
    # the advertised schema still says what a valid call looks like
    values_schema = create.parameters["properties"]["values"]
    assert values_schema["additionalProperties"] == {"type": "string"}
    assert create.parameters["required"] == ["name", "values"]


def test_results_carry_metadata_and_errors_carry_kitarus_message() -> None:
    summary = SecretSummary(name="n", id="i", private=False, keys=["A"])
    ok = succeeded(SecretList(secrets=[summary]))
    assert ok.structured_content == {"secrets": [summary.model_dump()]}
    assert not ok.is_error

    def missing() -> SecretSummary:
        raise SecretNotFoundError("no secret 'n' found")

    assert run_tool(missing) == failed("no secret 'n' found")


def test_unexpected_failures_never_show_their_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash() -> SecretSummary:
        raise RuntimeError(f"backend said {CANARY}")

    monkeypatch.delenv("KITARU_DEBUG", raising=False)
    result = run_tool(crash)
    assert result.is_error
    assert result.content[0].text == (  # type: ignore[union-attr]
        "unexpected RuntimeError; set KITARU_DEBUG=1 to see the traceback"
    )
    monkeypatch.setenv("KITARU_DEBUG", "1")
    with pytest.raises(RuntimeError):
        run_tool(crash)


def test_importing_the_server_imports_no_zenml() -> None:
    package = imported_modules("import kitaru.mcp")
    assert "mcp" not in package
    assert "zenml" not in package
    server = imported_modules("from kitaru.mcp.server import build_server; build_server()")
    assert "mcp" in server
    assert "zenml" not in server
