"""The credential detector: known token shapes, random-looking strings, never the text."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kitaru.checks.credentials import (
    classify,
    find_suspects,
    is_random_looking,
    looks_like_credential,
    redact_findings,
)
from kitaru.checks.findings import Finding
from kitaru.naming import shown

# Built at run time so that no token-shaped literal sits in the repository.
_RNG = random.Random(20240611)
_ALNUM = string.ascii_letters + string.digits


def _rand(length: int, alphabet: str = _ALNUM) -> str:
    while True:
        text = "".join(_RNG.choice(alphabet) for _ in range(length))
        if any(c.isdigit() for c in text):
            return text


TOKENS = {
    "openai": ("sk-" + "proj-" + _rand(40), "an OpenAI-style API key", "sk-"),
    "anthropic": ("sk-" + "ant-api03-" + _rand(40), "an Anthropic API key", "sk-ant-"),
    "github": ("ghp" + "_" + _rand(36), "a GitHub token", "ghp_"),
    "github_app": ("ghs" + "_" + _rand(36), "a GitHub token", "ghs_"),
    "github_pat": (
        "github" + "_pat_" + _rand(22) + "_" + _rand(59),
        "a GitHub fine-grained token",
        "github_pat_",
    ),
    "aws": (
        "AK" + "IA" + _rand(16, string.ascii_uppercase + string.digits),
        "an AWS access key ID",
        "AKIA",
    ),
    "slack": ("xo" + "xb-" + _rand(12, string.digits) + "-" + _rand(24), "a Slack token", "xoxb-"),
    "gitlab": ("gl" + "pat-" + _rand(20), "a GitLab token", "glpat-"),
    "google": ("AI" + "za" + _rand(35), "a Google API key", "AIza"),
    "huggingface": ("hf" + "_" + _rand(34), "a Hugging Face token", "hf_"),
    "stripe": ("sk" + "_live_" + _rand(24), "a Stripe key", ""),
    "jwt": (
        "ey" + "J" + _rand(20) + ".ey" + "J" + _rand(30) + "." + _rand(20),
        "a JSON Web Token",
        "eyJ",
    ),
    "pem": ("-----BEGIN " + "OPENSSH PRIVATE KEY-----", "a PEM key or certificate", "-----BEGIN"),
    "random40": (_rand(40), "a random-looking string", ""),
    "hex": (_rand(40, "0123456789abcdef"), "a random-looking string", ""),
    "base64": (_rand(30, _ALNUM + "+/") + "==", "a random-looking string", ""),
}

NAMES = [
    "example-openai-creds",
    "EXAMPLE_OPENAI_ORGANIZATION",
    "GOOGLE_APPLICATION_CREDENTIALS_JSON",
    "AWS_SECRET_ACCESS_KEY_2",
    "MyService2ProductionDatabase",
    "HuggingFaceHubTokenForCI2025",
    "OpenAIApiKeyForTesting123",
    "s3-bucket-eu-west-1-credentials",
    "gke-prod-europe-west4-cluster-01",
    "prod.database-v2-replica-03",
    "python3.11-slim-bookworm",
    "x86_64-unknown-linux-gnu",
    "com.example.service.v1.Api2Client",
    "3f1c9a52-7d0e-4b8a-9c61-2e5f8d4a7b90",  # a UUID: secret IDs are not credentials
    "sk-learn-model-registry-creds",
    "sk-your-key-here",
    "ghp_your_token_here",
    "xoxb-your-bot-token",
    "AKIA_EXAMPLE",
    "../kitaru/sync/manifest.schema.json",
    "https://docs.zenml.io/how-to/project-setup-and-management/interact-with-secrets",
    "postgres://user:password@localhost:5432/app",
]


@pytest.mark.parametrize("name", sorted(TOKENS))
def test_known_shapes_are_recognised_and_described_without_the_text(name: str) -> None:
    token, kind, prefix = TOKENS[name]
    assert classify(token) is not None
    (suspect,) = find_suspects(f"  - key: SOME_KEY  # was {token}")
    assert suspect.kind == kind
    assert suspect.prefix == prefix
    described = suspect.describe()
    assert f"{len(token)} characters" in described
    assert token not in described
    assert token[len(prefix) : len(prefix) + 4] not in described.replace(prefix, "")


@pytest.mark.parametrize("name", NAMES)
def test_names_paths_and_ids_are_not_credentials(name: str) -> None:
    assert find_suspects(name) == []
    assert not looks_like_credential(name)


def test_suspect_positions_point_at_the_token() -> None:
    token = TOKENS["github"][0]
    line = f"# old: {token}, new: none"
    (suspect,) = find_suspects(line)
    assert line[suspect.start : suspect.end] == token


def test_dotted_text_is_judged_part_by_part() -> None:
    token = TOKENS["random40"][0]
    (suspect,) = find_suspects(f"see host.{token}.example.com")
    assert suspect.length == len(token)


_WORDS = ["prod", "dev", "api", "db", "eu", "west", "team", "creds", "ml", "2024", "v2", "01"]


@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=8).map("-".join))
def test_hyphenated_words_are_never_credentials(name: str) -> None:
    assert not looks_like_credential(name)


@given(st.text(alphabet=string.ascii_uppercase + "_", min_size=1, max_size=60))
def test_upper_case_key_names_without_digits_are_never_credentials(name: str) -> None:
    assert not is_random_looking(name)


@pytest.mark.parametrize(
    ("length", "alphabet", "share"),
    [
        (40, _ALNUM, 0.88),
        (32, "0123456789abcdef", 0.99),
        (24, string.ascii_lowercase + string.digits, 0.7),
        (20, _ALNUM, 0.7),
    ],
)
def test_most_random_tokens_are_caught(length: int, alphabet: str, share: float) -> None:
    """A heuristic, measured: the share of generated tokens it catches, from a fixed seed."""
    rng = random.Random(length)
    tokens = ["".join(rng.choice(alphabet) for _ in range(length)) for _ in range(500)]
    assert sum(map(is_random_looking, tokens)) >= share * len(tokens)


def test_shown_hides_what_looks_like_a_value() -> None:
    token = TOKENS["github"][0]
    assert shown("api_key") == "'api_key'"
    assert shown(token) == f"(a {len(token)}-character string, not shown)"
    assert shown("a\x00b") == "(a 3-character string, not shown)"


def test_redact_findings_replaces_every_occurrence() -> None:
    token = TOKENS["random40"][0]
    finding = Finding("m.yaml", 1, 1, "KS103", f"name {token!r} and {token}")
    (redacted,) = redact_findings([finding], [token])
    assert token not in redacted.message
    assert redacted.message.count("(a 40-character string, not shown)") == 2
    assert redact_findings([finding], []) == [finding]


# The six strings on which the two detectors kitaru used to have gave opposite answers.
# There is one detector now; each answer is pinned here and asked of every checker.
ONE_ANSWER = {
    # a name: scikit-learn models; an OpenAI key after `sk-` is long and holds digits
    "sk-learn-models": False,
    # an AWS access key ID is AKIA plus 16 upper-case letters or digits; 3 is a name
    "AKIAfoo": False,
    # words joined in CamelCase with a digit: reads as a name, not generated text
    "MyService2DatabaseConnectionX": False,
    # Stripe keys are pk_live_/pk_test_ plus a random body; `pk_name` is a key name
    "pk_name": False,
    # Slack tokens are xox?- plus digits and a long body; this is a party
    "xoxo-party": False,
    # only a JWT header prefix: a token has three dot-separated parts
    "eyJhbGciOi": False,
}


@pytest.mark.parametrize("text", sorted(ONE_ANSWER))
def test_one_detector_gives_one_answer(text: str) -> None:
    from kitaru.checks.manifest_rules import check_manifest
    from kitaru.naming import key_problem, looks_like_value, name_problem

    expected = ONE_ANSWER[text]
    assert looks_like_credential(text) is expected
    assert (classify(text) is not None) is expected
    assert bool(find_suspects(text)) is expected
    assert looks_like_value(text) is expected  # the SDK's name rules ask the same detector
    problems = [name_problem(text), key_problem(text)]
    assert ("KS301" in {p.code for p in problems if p}) is expected
    manifest = "version: 1\nsecrets:\n  - name: app\n    keys:\n      - key: A\n"
    codes = {f.code for f in check_manifest(f"{manifest}        from: {text}\n", "m.yaml")}
    assert ("KS301" in codes) is expected  # not a variable name, not a value: KS205
