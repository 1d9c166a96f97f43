"""The merge and collision rule, and the child's base environment (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kitaru.errors import UsageError
from kitaru.naming import shown
from kitaru.programs.environment import (
    EnvironmentValueError,
    KeyCollisionError,
    SecretValues,
    SteeringKeyError,
    child_environment,
    merge,
)
from tests.programs.steering_strategies import ordinary_key, steering_key

CANARY = "canary-steer-8080"


def test_every_key_of_every_secret() -> None:
    merged = merge([SecretValues("a", {"A": "1", "B": "2"}), SecretValues("b", {"C": "3"})])
    assert merged == {"A": "1", "B": "2", "C": "3"}


def test_a_key_from_two_secrets_names_both_and_never_a_value() -> None:
    with pytest.raises(KeyCollisionError) as caught:
        merge(
            [SecretValues("one", {"K": "canary-1111"}), SecretValues("two", {"K": "canary-2222"})]
        )
    message = str(caught.value)
    assert "'K'" in message and "'one'" in message and "'two'" in message
    assert "canary" not in message


def test_override_lets_the_later_secret_win() -> None:
    secrets = [SecretValues("one", {"K": "1"}), SecretValues("two", {"K": "2"})]
    assert merge(secrets, override=True) == {"K": "2"}


@pytest.mark.parametrize(
    ("secret", "says"),
    [
        (SecretValues("s", {"not-a-var": "canary-3333"}), "not an environment-variable name"),
        (SecretValues("s", {"K": "canary\0-4444"}), "NUL"),
        (SecretValues("s", {"K": "canary-5555"}, ["HIDDEN"]), "withholds"),
    ],
)
def test_what_no_environment_can_carry_is_an_error(secret: SecretValues, says: str) -> None:
    with pytest.raises(EnvironmentValueError, match=says) as caught:
        merge([secret])
    assert "canary" not in str(caught.value)


def test_the_child_inherits_or_keeps_only_path_and_home() -> None:
    base = {"PATH": "/bin", "HOME": "/h", "OTHER": "x", "K": "old"}
    assert child_environment(base, {"K": "new"}) == {**base, "K": "new"}
    assert child_environment(base, {"K": "new"}, inherit=False) == {
        "PATH": "/bin",
        "HOME": "/h",
        "K": "new",
    }


@given(steering_key, st.sampled_from(["team", "team-deploy", "a.b_c"]))
def test_a_key_that_steers_programs_is_refused_naming_secret_and_key(key: str, name: str) -> None:
    """Fails on the old code: the merge handed every key to the program."""
    with pytest.raises(SteeringKeyError) as caught:
        merge([SecretValues("mine", {"OK": "1"}), SecretValues(name, {key: CANARY, "A": "a"})])
    message = str(caught.value)
    assert "\n" not in message and CANARY not in message
    assert f"secret {shown(name)}:" in message and f"key {shown(key)} " in message
    assert "--allow-key" in message and "allow_keys=" in message


@given(steering_key, steering_key)
def test_allow_keys_lets_exactly_the_named_keys_through(allowed: str, other: str) -> None:
    assert merge([SecretValues("s", {allowed: CANARY})], allow_keys=[allowed]) == {allowed: CANARY}
    both = [SecretValues("s", {allowed: CANARY}), SecretValues("t", {other: "o"})]
    if other == allowed:
        return
    with pytest.raises(SteeringKeyError) as caught:
        merge(both, allow_keys=[allowed])
    assert f"key {shown(other)} " in str(caught.value)
    assert merge(both, allow_keys=(allowed, other)) == {allowed: CANARY, other: "o"}


@given(st.dictionaries(ordinary_key, st.text(max_size=5).filter(lambda v: "\0" not in v)))
def test_keys_that_do_not_steer_are_unaffected(values: dict[str, str]) -> None:
    assert merge([SecretValues("s", values)]) == values


@pytest.mark.parametrize("allowed", ["LD_*", "not a key", "", "1ABC", 7])
def test_allow_keys_takes_exact_key_names_only(allowed: object) -> None:
    with pytest.raises(UsageError, match="exact key names"):
        merge([SecretValues("s", {"LD_PRELOAD": CANARY})], allow_keys=[allowed])  # type: ignore[list-item]


@pytest.mark.parametrize("given", [True, 1, b"LD_PRELOAD", 2.5])
def test_allow_keys_that_is_neither_a_name_nor_names_is_one_clear_error(given: object) -> None:
    # allow_keys=True ("let everything through") must not pass, nor end in a TypeError.
    with pytest.raises(UsageError, match="exact key names"):
        merge([SecretValues("s", {"LD_PRELOAD": CANARY})], allow_keys=given)  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["Path", "path", "pythonpath", "Bash_Env", "git_ssh_command"])
def test_where_the_environment_ignores_case_any_case_of_a_steering_key_is_refused(
    key: str,
) -> None:
    # On Windows `Path` is PATH: the case-sensitive list alone would let it through.
    secret = [SecretValues("team", {key: CANARY})]
    assert merge(secret, any_case=False) == {key: CANARY}
    with pytest.raises(SteeringKeyError, match=key):
        merge(secret, any_case=True)
    assert merge(secret, any_case=True, allow_keys=[key]) == {key: CANARY}


def test_a_refusal_names_the_other_steering_keys_so_one_run_shows_them_all() -> None:
    planted = {f"LD_{n}": CANARY for n in "ABCDEFGH"} | {"PATH": CANARY, "API_KEY": CANARY}
    with pytest.raises(SteeringKeyError) as caught:
        merge([SecretValues("team", planted)])
    message = str(caught.value)
    assert "key 'LD_A'" in message and "(so do LD_B, LD_C, LD_D, LD_E, LD_F, 3 more)" in message
    assert CANARY not in message and "API_KEY" not in message and "\n" not in message


def test_a_single_string_is_one_allowed_key() -> None:
    assert merge([SecretValues("s", {"PATH": "/x"})], allow_keys="PATH") == {"PATH": "/x"}


def test_a_name_or_key_that_is_not_name_shaped_is_described() -> None:
    odd = "LD_" + "aB3" * 10  # long, mixed case and digits: too close to a token to quote
    with pytest.raises(SteeringKeyError) as caught:
        merge([SecretValues("ghp_" + "x" * 36, {odd: CANARY})])
    message = str(caught.value)
    assert odd not in message and "ghp_" not in message and "not shown" in message
