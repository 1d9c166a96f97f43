"""The completer on its own: words in, candidates out, with sources that only record."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kitaru import naming
from kitaru.completion.engine import MAX_OFFERED, Reply, complete, secret_name_offered

HOSTILE = [
    "$(touch /tmp/pwned)",
    "`id`",
    "a;rm -rf ~",
    "name with space",
    "--help",
    "-rf",
    "line\nbreak",
    "\x1b]0;title\x07",
    "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",  # a GitHub token's shape
    "123e4567-e89b-12d3-a456-426614174000",  # an ID's shape
    "a" * 300,
    "x:y",
    "k=v",
]


class Recorder:
    """Sources with fixed answers that remember what they were asked."""

    def __init__(
        self,
        names: dict[str, bool] | None = None,
        targets: dict[str, list[str]] | None = None,
        aliases: list[str] | None = None,
    ) -> None:
        self.names = names or {}
        self.targets = targets or {}
        self.aliases = aliases or []
        self.asked: list[str] = []

    def secret_names(self, private: bool | None) -> list[str]:
        self.asked.append(f"names:{private}")
        return [n for n, p in self.names.items() if private in (None, p)]

    def manifest_targets(self, manifest: str) -> list[str]:
        self.asked.append(f"targets:{manifest}")
        return self.targets.get(manifest, [])

    def model_aliases(self) -> list[str]:
        self.asked.append("aliases")
        return self.aliases


def values(reply: Reply) -> list[str]:
    return [value for value, _ in reply.candidates]


def test_subcommands_and_flags_without_the_store() -> None:
    sources = Recorder({"openai-creds": False})
    assert values(complete([], "s", sources)) == ["secrets"]
    assert values(complete(["secrets"], "sh", sources)) == ["show"]
    assert values(complete(["secrets"], "v", sources)) == ["validate", "validate-env"]
    assert "--show-values" in values(complete(["secrets", "show"], "--s", sources))
    assert values(complete([], "co", sources)) == ["completion"]
    assert values(complete(["completion"], "", sources)) == ["bash", "zsh", "fish"]
    assert sources.asked == []


def test_flag_values() -> None:
    sources = Recorder()
    assert values(complete(["secrets", "list", "-o"], "", sources)) == ["text", "json"]
    assert values(complete(["secrets", "plan", "--format"], "m", sources)) == ["markdown"]
    assert values(complete(["secrets", "validate", "--output"], "g", sources)) == ["github"]
    assert values(complete(["secrets", "export", "--format"], "", sources)) == [
        "dotenv",
        "json",
        "shell",
        "github-env",
    ]
    assert values(complete(["secrets", "apply"], "--output=j", sources)) == ["--output=json"]
    assert sources.asked == []


def test_files_where_a_file_is_expected() -> None:
    sources = Recorder()
    for words in (
        ["secrets", "plan", "-f"],
        ["secrets", "apply", "--env-file"],
        ["secrets", "apply", "--plan"],
        ["secrets", "export", "--out"],
        ["secrets", "set", "x", "--from-dotenv"],
        ["secrets", "validate"],
        ["secrets", "validate", "a.yaml"],
        ["secrets", "schema", "--write"],
        ["secrets", "run", "app", "--"],  # the program's own arguments
    ):
        reply = complete(words, "", sources)
        assert reply.files and not reply.candidates, words
    reply = complete(["secrets", "export"], "--out=sub/x", sources)
    assert reply.files and reply.file_prefix == "--out="
    assert not complete(["secrets", "plan", "--max-age"], "", sources).files
    assert sources.asked == []


def test_secret_names_where_a_secret_is_expected() -> None:
    sources = Recorder({"openai-creds": False, "org-creds": True, "db": False})
    for command in ("show", "set", "delete", "run", "export", "adopt"):
        assert values(complete(["secrets", command], "o", sources)) == [
            "openai-creds",
            "org-creds",
        ], command
    assert values(complete(["secrets", "show", "--private"], "", sources)) == ["org-creds"]
    assert values(complete(["secrets", "adopt", "--public"], "", sources)) == ["db", "openai-creds"]
    # names already typed are not offered again; a single-name command takes one
    assert values(complete(["secrets", "run", "db"], "", sources)) == ["openai-creds", "org-creds"]
    assert "db" not in values(complete(["secrets", "show", "db"], "", sources))
    # run/export take names or -f, not both
    assert values(complete(["secrets", "export", "-f", "m.yaml"], "", sources)) == []


def test_targets_from_the_manifest_given_with_f() -> None:
    sources = Recorder(
        {"stored": False},
        targets={"team.yaml": ["db-creds", "api-creds"], "secrets.yaml": ["default-one"]},
    )
    assert values(complete(["secrets", "plan", "-f", "team.yaml", "--target"], "", sources)) == [
        "api-creds",
        "db-creds",
    ]
    words = ["secrets", "run", "--file=team.yaml", "--target", "db-creds", "--target"]
    assert values(complete(words, "", sources)) == ["api-creds"]
    # plan/apply read secrets.yaml when -f is not given; run/export need -f
    assert values(complete(["secrets", "apply", "--target"], "", sources)) == ["default-one"]
    assert values(complete(["secrets", "export", "--target"], "", sources)) == []
    assert not any(asked.startswith("names") for asked in sources.asked)


def test_model_commands_offer_aliases_and_secret_names() -> None:
    sources = Recorder({"openai-creds": False}, aliases=["fast", "smart", "Bad Alias", "$(x)"])
    assert values(complete(["model"], "", sources)) == ["register", "list", "remove", "check"]
    assert values(complete(["model", "remove"], "", sources)) == ["fast", "smart"]
    assert values(complete(["model", "register", "f"], "--secret=o", sources)) == [
        "--secret=openai-creds"
    ]
    assert values(complete(["model", "register", "f", "--model"], "", sources)) == []


def test_targets_of_every_manifest_given() -> None:
    sources = Recorder(targets={"a.yaml": ["db-creds"], "b.yaml": ["api-creds", "db-creds"]})
    words = ["secrets", "plan", "-f", "a.yaml", "--file", "b.yaml", "--target"]
    assert values(complete(words, "", sources)) == ["api-creds", "db-creds"]


def test_hostile_names_are_never_offered() -> None:
    names = dict.fromkeys(HOSTILE, False) | {"good-name": False}
    targets = {"secrets.yaml": [*HOSTILE, "good-target"]}
    sources = Recorder(names, targets)
    assert values(complete(["secrets", "show"], "", sources)) == ["good-name"]
    assert values(complete(["secrets", "plan", "--target"], "", sources)) == ["good-target"]


def test_a_flood_of_names_is_cut_and_only_matches_are_judged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A co-user's 20,000 long names: the name rule (the costly part) runs only on names
    that match what is typed, and a reply stays a size a shell can show."""
    judged: list[str] = []
    rule = naming.name_problem

    def counted(name: str) -> naming.Problem | None:
        judged.append(name)
        return rule(name)

    monkeypatch.setattr(naming, "name_problem", counted)
    flood = {f"flood-{i:05d}-" + "x" * 200: False for i in range(20_000)}
    sources = Recorder(flood | {"db-creds": False})
    assert values(complete(["secrets", "show"], "db", sources)) == ["db-creds"]
    assert judged == ["db-creds"]
    offered = values(complete(["secrets", "show"], "", sources))
    assert len(offered) == MAX_OFFERED and offered[0] == "db-creds"
    targets = Recorder(targets={"secrets.yaml": list(flood)})
    assert len(values(complete(["secrets", "plan", "--target"], "fl", targets))) == MAX_OFFERED


SHELL_SAFE = set(string.ascii_letters + string.digits + "._-")


@given(
    st.lists(st.text(min_size=1, max_size=40), max_size=8),
    st.text(max_size=4).filter(lambda typed: not typed.startswith("-")),  # not an option
)
def test_every_offered_name_is_plain_text(names: list[str], typed: str) -> None:
    """Whatever a co-user names a secret, what reaches a command line is name-shaped."""
    sources = Recorder(dict.fromkeys(names, False), {"secrets.yaml": names})
    for words in (["secrets", "show"], ["secrets", "plan", "--target"]):
        for value in values(complete(words, typed, sources)):
            assert set(value) <= SHELL_SAFE and value[0].isalnum()
            assert secret_name_offered(value)


def test_unknown_words_offer_nothing_quietly() -> None:
    sources = Recorder()
    assert values(complete(["nope"], "", sources)) == []
    assert values(complete(["secrets", "show"], "--nope=", sources)) == []
    assert values(complete(["secrets", "set", "x", "--API_KEY=v"], "--al", sources)) == [
        "--allow-empty"
    ]
