"""kitaru.store.compat: the supported ZenML ranges and every difference inside them."""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kitaru.store import compat, failures
from tests.conftest import REPO, Cli, KitaruEnv

versions = st.tuples(st.integers(0, 3), st.integers(0, 200), st.integers(0, 50))


def test_parse_version() -> None:
    assert compat.parse_version("0.98.0") == (0, 98, 0)
    assert compat.parse_version("v0.98") == (0, 98, 0)
    assert compat.parse_version("0.98.1rc2+local") == (0, 98, 1)
    assert compat.parse_version("nightly") is None


@given(versions)
def test_server_support_is_the_declared_range(version: tuple[int, int, int]) -> None:
    inside = compat.SERVER_FLOOR <= version < compat.SERVER_CEILING
    assert compat.server_supported(".".join(map(str, version))) == inside


def test_tested_versions_are_in_range() -> None:
    for shown in compat.SERVER_TESTED:
        assert compat.server_supported(shown), shown
    for shown in compat.CLIENT_TESTED:
        assert compat.client_refusal(shown) is None, shown
    assert compat.client_refusal("0.85.0") is not None
    assert compat.client_refusal("0.99.0") is not None
    assert not compat.server_supported("0.75.1") and not compat.server_supported("")


def test_server_refusal_is_one_line_naming_version_and_range() -> None:
    older = compat.server_refused("http://127.0.0.1:8080", "0.75.1")
    assert str(older) == (
        "the ZenML server at http://127.0.0.1:8080 runs version 0.75.1; "
        "kitaru supports ZenML servers 0.80.0 to 0.98.x"
    )
    newer = compat.server_refused("http://h", "0.99.2")
    assert str(newer).endswith("0.80.0 to 0.98.x; set KITARU_STORE_CLIENT=rest to try it anyway")


@given(st.text(max_size=80))
def test_a_servers_version_text_is_never_quoted(text: str) -> None:
    """The version comes from the server: only the numbers parsed from it are shown."""
    line = str(compat.server_refused("http://h", text))
    assert "\n" not in line
    shown = re.search(r"runs (.+?); kitaru", line)
    assert shown is not None
    assert re.fullmatch(r"version \d+\.\d+\.\d+|an unknown version", shown.group(1))


def test_the_declared_client_range_is_pyprojects() -> None:
    text = (REPO / "pyproject.toml").read_text()
    dependencies = text.split("dependencies = [", 1)[1].split("]\n", 1)[0]
    assert f'"zenml[local]{compat.CLIENT_RANGE}"' in dependencies
    low, high = compat.CLIENT_RANGE.split(",")
    assert compat.parse_version(low.lstrip(">=")) == compat.CLIENT_FLOOR
    assert compat.parse_version(high.lstrip("<")) == compat.CLIENT_CEILING


def test_client_refusals() -> None:
    missing = compat.client_refusal(None)
    assert missing is not None
    assert str(missing) == "zenml is not installed; run: pip install 'zenml[local]>=0.90.0,<0.99'"
    old = compat.client_refusal("0.85.0")
    assert str(old) == (
        "the installed zenml is version 0.85.0; kitaru supports ZenML clients 0.90.0 to 0.98.x; "
        "run: pip install 'zenml[local]>=0.90.0,<0.99'"
    )


@pytest.mark.parametrize(
    ("body", "owner"),
    [
        ({"user_id": "u-1", "private": True}, "u-1"),  # 0.83 and later
        ({"user": {"id": "u-2", "name": "alice"}}, "u-2"),  # 0.80-0.82
        ({"user": None}, None),
        ({"user": {"id": 7}}, None),  # not an ID: never taken for anyone
        ({}, None),
    ],
)
def test_rest_owner_reads_both_shapes(body: dict[str, Any], owner: str | None) -> None:
    assert compat.rest_owner(body).get("user_id") == owner


def test_client_owner_reads_both_shapes() -> None:
    assert compat.client_owner(SimpleNamespace(user_id="u-1")) == "u-1"
    assert compat.client_owner(SimpleNamespace(user=SimpleNamespace(id="u-2"))) == "u-2"
    assert compat.client_owner(SimpleNamespace(user=None)) is None


def test_an_import_error_inside_zenml_names_what_is_missing() -> None:
    """Never "zenml is not installed" while zenml is installed."""
    lacking = ImportError(
        "cannot import name 'ZenMLConsoleHandler' from 'zenml.logger'", name="zenml.logger"
    )
    assert compat.missing_in_zenml(lacking) == "zenml.logger.ZenMLConsoleHandler"
    error = str(failures.missing_part("connecting to the ZenML store", lacking))
    assert "not installed" not in error
    assert re.fullmatch(
        r"connecting to the ZenML store: the installed zenml \S+ has no "
        r"'zenml\.logger\.ZenMLConsoleHandler'; kitaru supports ZenML clients 0\.90\.0 to 0\.98\.x",
        error,
    )
    assert compat.missing_in_zenml(ModuleNotFoundError(name="zenml.integrations.x")) == (
        "zenml.integrations.x"
    )
    assert compat.missing_in_zenml(ModuleNotFoundError(name="pymysql")) is None


def test_console_handlers_are_zenmls_own() -> None:
    import zenml.logger  # noqa: F401 - installs ZenML's console handler

    mine = logging.StreamHandler(sys.stderr)
    logging.getLogger().addHandler(mine)
    try:
        found = compat.console_handlers()
    finally:
        logging.getLogger().removeHandler(mine)
    assert found and mine not in found


def test_only_compat_names_version_differences() -> None:
    """No scattered `try: import` of ZenML parts: version differences live in compat."""
    for path in (REPO / "kitaru").rglob("*.py"):
        if path.name == "compat.py":
            continue
        text = path.read_text()
        assert "ZenMLConsoleHandler" not in text, path
        assert "MIN_SERVER_VERSION" not in text and "supported_version" not in text, path


def test_too_big_in_every_supported_versions_words() -> None:
    assert compat.too_big("Secret key and value strings exceed the maximum total size (64 KiB")
    assert compat.too_big("Database representation of secret values exceeds max length. Please")
    assert not compat.too_big("Secret name is too long")


def test_a_string_annotation_reaches_zenml_as_a_type() -> None:
    """ZenML before 0.94.5 reads a step's output type from the signature as written."""
    import functools
    import inspect

    def step(x: int) -> str:
        return str(x)

    step.__annotations__ = {"x": "int", "return": "str"}  # `from __future__ import annotations`

    @functools.wraps(step)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return step(*args, **kwargs)

    resolved = inspect.signature(compat.with_resolved_signature(wrapper, step))
    assert resolved.return_annotation is str and resolved.parameters["x"].annotation is int
    assert step.__annotations__ == {"x": "int", "return": "str"}  # the user's own untouched

    def unknown() -> NotDefinedAnywhere:  # type: ignore[name-defined]  # noqa: F821
        raise AssertionError

    kept = compat.with_resolved_signature(functools.wraps(unknown)(lambda: None), unknown)
    assert inspect.signature(kept).return_annotation == "NotDefinedAnywhere"


def test_schema_revisions_of_the_client_range() -> None:
    assert compat.schema_revision_in_range("0.90.0") and compat.schema_revision_in_range("0.98.0")
    for outside in ("0.85.0", "0.99.0", "0.90.0x", "a1b2c3d4e5f6", ""):
        assert not compat.schema_revision_in_range(outside), outside


def test_this_zenmls_schema_head_is_in_range() -> None:
    """The installed client's newest migration is named after a release in the range."""
    import ast

    import zenml

    versions_dir = Path(zenml.__file__).parent / "zen_stores" / "migrations" / "versions"
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions_dir.glob("*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                name, value = node.targets[0].id, node.value
                if name in ("revision", "down_revision"):
                    found = ast.literal_eval(value)
                    found = found if isinstance(found, (tuple, list)) else [found]
                    (revisions if name == "revision" else parents).update(f for f in found if f)
    heads = revisions - parents
    assert len(heads) == 1 and all(compat.schema_revision_in_range(h) for h in heads), heads


def test_prints_reach_an_older_zenmls_print_wrapper_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    """ZenML 0.90-0.92 store a step's prints from their own print wrapper."""
    import builtins

    seen: list[tuple[tuple[object, ...], dict[str, object]]] = []

    def zenml_print(*args: object, **kwargs: object) -> None:
        seen.append((args, kwargs))

    monkeypatch.setattr(builtins, "_zenml_original_print", print, raising=False)
    monkeypatch.setattr(builtins, "print", zenml_print)
    active = [True]
    for _ in range(2):  # installed once
        compat.mask_zenml_prints(lambda: active[0], lambda text: text.replace("tok", "***"))
    builtins.print("a", "tok", sep="-", end="")
    builtins.print("tok", file=sys.stderr)
    active[0] = False
    builtins.print("tok", 1)
    assert seen == [
        (("a-***",), {"end": ""}),
        (("***",), {"file": sys.stderr}),
        (("tok", 1), {}),
    ]


def test_the_readme_states_the_declared_ranges() -> None:
    text = " ".join((REPO / "README.md").read_text().replace("**", "").split())
    assert (
        f"ZenML clients {compat.client_range_text()} (`zenml[local]{compat.CLIENT_RANGE}`)" in text
    )
    assert f"Supported servers: ZenML {compat.server_range_text()}, tested on" in text
    for version in {*compat.SERVER_TESTED, *compat.CLIENT_TESTED, "0.75.1"}:
        assert f"| {version} |" in text, version


def test_a_client_outside_the_range_is_refused_in_one_line(
    embedded_store: KitaruEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ZenML that pip did not vet (``--no-deps``): one line, exit 1, before it loads."""
    monkeypatch.setattr(compat, "installed_client", lambda: "0.85.0")
    result = Cli()("secrets", "list", "-o", "json")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: the installed zenml is version 0.85.0; kitaru supports ZenML clients "
        "0.90.0 to 0.98.x; run: pip install 'zenml[local]>=0.90.0,<0.99'\n"
    )
    from kitaru import checkpoint
    from kitaru.errors import StoreError

    with pytest.raises(StoreError, match=r"the installed zenml is version 0\.85\.0"):
        checkpoint(lambda: None)
