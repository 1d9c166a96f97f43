"""The merge and collision rule, and the child's base environment (pure)."""

from __future__ import annotations

import pytest

from kitaru.programs.environment import (
    EnvironmentValueError,
    KeyCollisionError,
    SecretValues,
    child_environment,
    merge,
)


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
