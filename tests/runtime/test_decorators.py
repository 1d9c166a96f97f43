"""@checkpoint and @flow on a real embedded ZenML store: direct calls and real runs."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

import kitaru
from kitaru.errors import SecretLeakError
from kitaru.runtime import Checkpoint, Flow, checkpoint
from tests.conftest import KitaruEnv
from tests.runtime import workflows

REPO = Path(__file__).resolve().parents[2]


def make_token() -> str:
    return f"ghp_{uuid.uuid4().hex}"


def store_token() -> str:
    value = make_token()
    kitaru.create_secret("github-creds", {"GITHUB_TOKEN": value})
    return value


@pytest.fixture
def token(kitaru_env: KitaruEnv) -> str:
    return store_token()


@pytest.fixture
def flow_token(flow_env: KitaruEnv) -> str:
    return store_token()


def files_containing(root: Path, needle: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_importing_kitaru_imports_no_zenml_but_decorating_does() -> None:
    code = (
        "import sys, kitaru, kitaru.secrets\n"
        "from kitaru import checkpoint, flow\n"
        "assert 'zenml' not in sys.modules, 'import'\n"
        "@checkpoint\n"
        "def f() -> int:\n"
        "    return 1\n"
        "assert 'zenml' in sys.modules, 'decorate'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def test_bare_and_configured_forms_are_zenml_objects() -> None:
    from zenml.pipelines.pipeline_definition import Pipeline
    from zenml.steps import BaseStep

    @checkpoint
    def bare() -> int:
        return 1

    @checkpoint(name="renamed", enable_cache=False)
    def configured() -> int:
        return 2

    assert isinstance(bare, Checkpoint) and isinstance(bare, BaseStep)
    assert bare.name == "bare" and configured.name == "renamed"
    assert configured.configuration.enable_cache is False
    assert bare() == 1 and configured() == 2  # outside a flow: a plain call
    assert isinstance(workflows.documented_flow, Flow)
    assert isinstance(workflows.leaking_flow, Pipeline)
    assert workflows.leaking_flow.configuration.enable_cache is False


def test_documented_example_called_directly(token: str) -> None:
    assert workflows.call_external_service() == f"Loaded token with length {len(token)}"


def test_missing_key_gives_the_documented_error(kitaru_env: KitaruEnv) -> None:
    kitaru.create_secret("github-creds", {"OTHER_KEY": make_token()})
    with pytest.raises(RuntimeError) as caught:
        workflows.call_external_service()
    assert str(caught.value) == "Secret `github-creds` is missing GITHUB_TOKEN."


def test_returning_a_read_value_fails_without_showing_it(
    token: str, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(SecretLeakError) as caught:
        workflows.leak_token()
    message = str(caught.value)
    assert "'leak_token'" in message and "'GITHUB_TOKEN'" in message
    assert "'github-creds'" in message and "allow_secret_output=True" in message
    assert token not in message and token not in caplog.text
    assert "about to use token ***" in caplog.text
    assert workflows.hand_out_token() == token


def test_leaks_are_found_inside_containers_and_through_nesting(token: str) -> None:
    @checkpoint
    def as_mapping() -> dict[str, list[bytes]]:
        value = kitaru.get_secret("github-creds").values["GITHUB_TOKEN"]
        return {"headers": [f"Authorization: Bearer {value}".encode()]}

    @checkpoint
    def returns_whole_secret() -> kitaru.Secret:
        return kitaru.get_secret("github-creds")

    @checkpoint
    def outer() -> str:
        return str(workflows.hand_out_token())  # the inner one may; the outer may not

    for leaky in (as_mapping, returns_whole_secret, outer):
        with pytest.raises(SecretLeakError, match="'GITHUB_TOKEN' of secret 'github-creds'"):
            leaky()


def test_async_checkpoints_are_guarded(token: str) -> None:
    @checkpoint
    async def fetch() -> str:
        await asyncio.sleep(0)
        return str(kitaru.get_secret("github-creds").get("GITHUB_TOKEN"))

    with pytest.raises(SecretLeakError):
        asyncio.run(fetch())


# Pipeline runs (seconds each): the embedded store only.


def test_documented_example_runs_inside_a_flow(flow_token: str) -> None:
    run = workflows.documented_flow()
    output = run.steps["call_external_service"].output.load()
    assert output == f"Loaded token with length {len(flow_token)}"


def test_leak_inside_a_flow_is_not_persisted_anywhere(
    flow_token: str, flow_env: KitaruEnv, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(SecretLeakError) as caught:
        workflows.leaking_flow()
    assert "'GITHUB_TOKEN' of secret 'github-creds'" in str(caught.value)
    assert flow_token not in str(caught.value)
    assert flow_token not in caplog.text
    assert "about to use token ***" in caplog.text
    # Nothing under the store's root holds the raw value: no artifact, no step log
    # (the store keeps the secret itself base64-encoded, so it does not match either).
    assert files_containing(flow_env.root, flow_token.encode()) == []
    step_logs = files_containing(flow_env.root, b"about to use token ***")
    assert step_logs and all(p.suffix == ".log" for p in step_logs)


def test_a_wrapped_value_is_refused_before_zenml_pickles_it(
    flow_token: str, flow_env: KitaruEnv
) -> None:
    with pytest.raises(SecretLeakError, match="'wrap_token' returned the value of key"):
        workflows.wrapping_flow()
    assert files_containing(flow_env.root, flow_token.encode()) == []


def test_prints_inside_a_flow_are_masked_in_stored_logs_and_console(
    flow_token: str, flow_env: KitaruEnv
) -> None:
    """A real process: ZenML keeps a step's prints only where it wrapped sys.stdout and
    sys.stderr itself, which pytest's capture prevents in this one."""
    env = {**flow_env.env, "ZENML_LOGGING_VERBOSITY": "INFO", "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "tests.runtime.run_flow", "printing_flow"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert flow_token not in result.stdout + result.stderr
    assert "printed token ***" in result.stdout + result.stderr
    assert files_containing(flow_env.root, flow_token.encode()) == []
    step_logs = files_containing(flow_env.root, b"printed token ***")
    assert step_logs and all(p.suffix == ".log" for p in step_logs)


def test_a_value_read_by_the_flow_body_never_becomes_a_step_parameter(
    flow_token: str, flow_env: KitaruEnv, capfd: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SecretLeakError) as caught:
        workflows.argument_flow()
    message = str(caught.value)
    assert "'GITHUB_TOKEN' of secret 'github-creds' is passed to checkpoint 'use_token'" in message
    assert flow_token not in message
    assert flow_token not in "".join(capfd.readouterr())
    assert files_containing(flow_env.root, flow_token.encode()) == []
    from zenml.client import Client

    assert Client().list_pipeline_runs().total == 0  # refused before a run was made


def test_a_value_read_anywhere_never_becomes_a_flow_parameter(
    flow_token: str, flow_env: KitaruEnv
) -> None:
    token = kitaru.get_secret("github-creds").values["GITHUB_TOKEN"]
    with pytest.raises(SecretLeakError) as caught:
        workflows.parameter_flow(token=f"prefix-{token}")
    message = str(caught.value)
    assert "'GITHUB_TOKEN' of secret 'github-creds' is passed to flow 'parameter_flow'" in message
    assert flow_token not in message
    assert files_containing(flow_env.root, flow_token.encode()) == []
    from zenml.client import Client

    assert Client().list_pipeline_runs().total == 0


def test_allow_secret_output_lets_the_value_through(flow_token: str) -> None:
    run = workflows.allowed_flow()
    assert run.steps["hand_out_token"].output.load() == flow_token


def test_a_checkpoint_exception_is_masked_before_zenml_records_it(
    flow_token: str, flow_env: KitaruEnv
) -> None:
    """A real process, so ZenML's step-log capture of stderr is in place too."""
    env = {**flow_env.env, "ZENML_LOGGING_VERBOSITY": "INFO", "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "tests.runtime.run_flow", "run_failing_flow"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert flow_token not in output
    # The caller gets ZenML's error caused by the user's exceptions: types and chain kept,
    # messages masked.
    raised = [line for line in result.stdout.splitlines() if line.startswith("RAISED ")]
    assert raised == [
        "RAISED RuntimeError: Pipeline run has failed due to failure in step(s): failing_auth",
        "RAISED RuntimeError: auth failed with token ***",
        "RAISED TokenRejected: server rejected ***",
    ]
    # Nothing ZenML wrote holds the value: step logs, artifact store, zenml.db.
    assert files_containing(flow_env.root, flow_token.encode()) == []
    from zenml.client import Client

    (run,) = Client().list_pipeline_runs(hydrate=True).items
    step = Client().get_pipeline_run(run.id).steps["failing_auth"]
    if not hasattr(step, "exception_info"):  # older ZenML clients record none: nothing to mask
        return
    info = step.exception_info
    assert info is not None and info.message == "auth failed with token ***"
    assert info.source == "builtins.RuntimeError"
    assert "TokenRejected: server rejected ***" in info.traceback
    assert flow_token not in info.model_dump_json() + str(step.model_dump_json())
