"""Benchmark: what refusing keys that steer programs adds to the environment merge.

In one process, cases taking turns (min of rounds): ``merge`` of 10 secrets x 100
ordinary keys with the steering check, the same merge with the check stubbed out (the
floor), and the check written as a plain loop over the patterns (what one combined regular
expression replaces). Ratios are to the floor measured in the same run.

Run:  .venv/bin/python benchmarks/steering_keys.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import timeit
from collections.abc import Callable, Iterable
from fnmatch import fnmatchcase

from kitaru.programs import environment, steering_keys
from kitaru.programs.environment import SecretValues, merge

SECRETS = [SecretValues(f"s{i}", {f"APP_{i}_KEY_{j}": "v" for j in range(100)}) for i in range(10)]


def _no_check(
    keys: Iterable[str], allowed: Iterable[str] = (), *, any_case: bool = False
) -> list[tuple[str, str]]:
    return []


def _loop(
    keys: Iterable[str], allowed: Iterable[str] = (), *, any_case: bool = False
) -> list[tuple[str, str]]:
    found = []
    for key in keys:
        for pattern, reason in steering_keys.STEERING_KEYS:
            if fnmatchcase(key, pattern):
                found.append((key, reason))
                break
    return found


def timed(check: Callable[..., list[tuple[str, str]]], number: int) -> float:
    environment.steering = check  # type: ignore[assignment]
    try:
        return timeit.timeit(lambda: merge(SECRETS), number=number) / number
    finally:
        environment.steering = steering_keys.steering


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    cases = {"floor (no check)": _no_check, "check": steering_keys.steering, "plain loop": _loop}
    best = {name: float("inf") for name in cases}
    for _ in range(rounds):
        for name, check in cases.items():
            number = 2 if check is _loop else 50
            best[name] = min(best[name], timed(check, number))
    floor = best["floor (no check)"]
    for name, seconds in best.items():
        print(f"{name:<18} {seconds * 1e3:8.3f} ms  {seconds / floor:6.2f}x floor")


if __name__ == "__main__":
    main()
