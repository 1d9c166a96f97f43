"""The list of keys that steer programs: what it holds, and how its patterns match (pure)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given

from kitaru.programs.steering_keys import STEERING_KEYS, matches, steering, steering_reason
from tests.programs.steering_strategies import ordinary_key, steering_key

# Named in the issue and the shells', loaders' and interpreters' own documentation.
DOCUMENTED = [
    "BASH_ENV", "ENV", "ZDOTDIR", "SHELLOPTS", "BASHOPTS", "PS4", "BASH_FUNC_ls", "IFS",
    "CDPATH", "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "DYLD_INSERT_LIBRARIES",
    "GCONV_PATH", "GLIBC_TUNABLES", "HOSTALIASES", "PATH", "PYTHONSTARTUP", "PYTHONPATH",
    "PYTHONHOME", "PYTHONINSPECT", "PYTHONWARNINGS", "PERL5OPT", "PERL5LIB", "PERLLIB",
    "RUBYOPT", "RUBYLIB", "NODE_OPTIONS", "NODE_PATH", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS",
    "JDK_JAVA_OPTIONS", "CLASSPATH", "http_proxy", "HTTP_PROXY", "https_proxy",
    "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY", "Https_Proxy",
    "ftp_proxy", "GIT_SSH_COMMAND", "GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0",
    "GIT_CONFIG_PARAMETERS", "GIT_EXEC_PATH", "GIT_ASKPASS", "SSL_CERT_FILE",
    "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "ZENML_STORE_URL", "ZENML_STORE_API_KEY",
    "KITARU_STORE_CLIENT", "GITHUB_ENV", "GITHUB_PATH", "npm_config_script_shell",
    "NPM_CONFIG_REGISTRY", "PIP_INDEX_URL", "HOME", "XDG_CONFIG_HOME", "LESSOPEN",
]  # fmt: skip

# Found missing by the attack on the first list: each runs code, picks the code that runs,
# or is another shell's name for a prompt already on the list.
RUN_CODE_TOO = [
    "PROMPT", "prompt", "PROMPT4", "RPROMPT", "RPS1", "SPROMPT", "PS3", "FCEDIT", "TAR_OPTIONS",
    "ZIPOPT", "MANOPT", "PSQLRC", "PSQL_PAGER", "SYSTEMD_PAGER", "SUDO_EDITOR", "GH_PAGER",
    "GH_EDITOR", "GH_BROWSER", "KUBE_EDITOR", "SYSTEM_WGETRC", "DBUS_SESSION_BUS_ADDRESS",
    "TERMINFO", "TERMINFO_DIRS", "TERMCAP", "PYTEST_ADDOPTS", "PYTEST_PLUGINS",
    "COVERAGE_PROCESS_START", "COVERAGE_RCFILE", "MPLBACKEND", "TCLLIBPATH",
    "JULIA_DEPOT_PATH", "GOROOT", "GOWORK", "GOPRIVATE", "CGO_LDFLAGS",
    "CARGO_BUILD_RUSTC_WRAPPER", "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER",
    "CARGO_REGISTRIES_MINE_CREDENTIAL_PROVIDER", "CARGO_REGISTRIES_MINE_INDEX",
    "CARGO_HTTP_CAINFO", "RUSTC_WORKSPACE_WRAPPER", "RUSTFLAGS", "RUSTUP_TOOLCHAIN",
    "GRADLE_USER_HOME", "SBT_OPTS", "YARN_YARN_PATH", "YARN_RC_FILENAME",
    "COREPACK_NPM_REGISTRY", "TF_CLI_CONFIG_FILE", "TF_PLUGIN_CACHE_DIR",
    "TF_CLI_ARGS_apply", "HELM_PLUGINS", "ANSIBLE_CONFIG", "ANSIBLE_CALLBACK_PLUGINS",
    "ANSIBLE_VAULT_PASSWORD_FILE", "CLOUDSDK_PYTHON", "DOCKER_CONTEXT", "DOCKER_CERT_PATH",
]  # fmt: skip

# Credentials people keep in secrets: never in the way.
CREDENTIALS = [
    "OPENAI_API_KEY", "GITHUB_TOKEN", "GH_TOKEN", "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "DATABASE_URL", "DB_PASSWORD", "NPM_TOKEN",
    "CARGO_REGISTRY_TOKEN", "ANTHROPIC_API_KEY", "HF_TOKEN", "SLACK_WEBHOOK_URL",
    "GOOGLE_APPLICATION_CREDENTIALS", "PYPI_TOKEN", "TOKEN", "API_KEY", "GITHUB_APP_ID",
    "TF_VAR_db_password", "CARGO_REGISTRIES_MINE_TOKEN", "YARN_NPM_AUTH_TOKEN",
    "DOCKER_PASSWORD", "DOCKER_USERNAME", "HELM_KUBETOKEN", "PGPASSWORD", "PROMPT_TEMPLATE",
]  # fmt: skip


def test_every_entry_has_a_pattern_and_a_reason_once() -> None:
    patterns = [pattern for pattern, _ in STEERING_KEYS]
    assert len(patterns) == len(set(patterns))
    for pattern, reason in STEERING_KEYS:
        assert pattern and reason and reason == reason.strip()
        assert "\n" not in reason


@pytest.mark.parametrize("key", DOCUMENTED)
def test_the_documented_keys_are_on_the_list(key: str) -> None:
    assert steering_reason(key) is not None


@pytest.mark.parametrize("key", RUN_CODE_TOO)
def test_keys_that_run_code_the_first_list_missed_are_on_it(key: str) -> None:
    assert steering_reason(key) is not None


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_takes_prompt4_from_the_environment_as_ps4() -> None:
    # PS4 was on the list; zsh's own name for it was not (a real zsh, traced).
    env = {"PATH": os.environ["PATH"], "PROMPT4": "planted> "}
    done = subprocess.run(
        ["zsh", "-f", "-x", "-c", "true"], env=env, capture_output=True, text=True, check=False
    )
    assert "planted> true" in done.stderr
    assert steering_reason("PROMPT4") is not None


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_runs_readnullcmd_from_the_environment(tmp_path: Path) -> None:
    planted = tmp_path / "planted"
    planted.write_text("#!/bin/sh\necho planted-ran\n")
    planted.chmod(0o755)
    env = {"PATH": os.environ["PATH"], "READNULLCMD": str(planted)}
    script = f"< {tmp_path / 'planted'}"
    done = subprocess.run(["zsh", "-f", "-c", script], env=env, capture_output=True, text=True)
    assert done.stdout == "planted-ran\n"
    assert steering_reason("READNULLCMD") and steering_reason("NULLCMD")


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_autoloads_functions_from_fish_function_path(tmp_path: Path) -> None:
    (tmp_path / "git.fish").write_text("function git; echo planted-ran; end\n")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "fish_function_path": str(tmp_path)}
    done = subprocess.run(["fish", "-c", "git --version"], env=env, capture_output=True, text=True)
    assert done.stdout == "planted-ran\n"
    assert steering_reason("fish_function_path") is not None


@pytest.mark.parametrize("key", CREDENTIALS)
def test_ordinary_credentials_are_not(key: str) -> None:
    assert steering_reason(key) is None


def test_names_are_case_sensitive_but_proxies_are_read_in_any_case() -> None:
    assert steering_reason("BASH_ENV") and steering_reason("bash_env") is None
    assert steering_reason("PATH") and steering_reason("Path") is None
    for key in ("http_proxy", "HTTP_PROXY", "Http_Proxy", "sOcKs_pRoXy", "no_proxy"):
        assert steering_reason(key) is not None, key
    assert steering_reason("PROXY") is None and steering_reason("MY_PROXY_URL") is None


@given(steering_key)
def test_every_key_a_pattern_describes_steers(key: str) -> None:
    assert steering_reason(key) is not None
    assert steering([key]) == [(key, steering_reason(key))]


@given(ordinary_key)
def test_keys_no_pattern_describes_do_not(key: str) -> None:
    assert not any(matches(pattern, key) for pattern, _ in STEERING_KEYS)
    assert steering([key]) == []


@given(steering_key, steering_key)
def test_allowing_a_key_lets_exactly_that_key_through(allowed: str, other: str) -> None:
    left = steering([allowed, other], allowed=[allowed])
    assert [key for key, _ in left] == ([] if other == allowed else [other])
    # an allowed name in another case is another key
    if allowed.swapcase() != allowed and steering_reason(allowed.swapcase()):
        assert steering([allowed.swapcase()], allowed=[allowed])
