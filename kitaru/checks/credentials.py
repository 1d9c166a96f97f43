"""Spot pasted credentials in text that should hold only names, without ever showing them.

Used by `validate` (manifests hold names, never values) and `validate-env` (an
``.env.example`` should hold placeholders). Two kinds of evidence:

- a known token shape: ``sk-``, ``ghp_``, ``github_pat_``, ``AKIA``, ``xox?-``, JWTs, PEM
  headers and a few more, each with enough random-looking body that names such as
  ``sk-learn-models`` do not match;
- a long random-looking string: high entropy, frequent switches between letters and digits,
  and little that reads like words (``MyService2Database`` stays a name).

This is the only detector: `validate`, `validate-env`, the manifest rules and the SDK's
name rules (``kitaru.naming.looks_like_value``) all ask it, so a string is a credential
everywhere or nowhere. A bare prefix is not evidence: ``sk-learn-models``, ``pk_name`` and
``xoxo-party`` are names (the token types need a random body, Stripe's ``live``/``test``,
Slack's digits); ``AKIAfoo`` is too short for an AWS key ID (AKIA + 16); ``eyJhbGciOi`` is
only a JWT header prefix (a token has three dot-separated parts); and
``MyService2DatabaseConnectionX`` reads as words (tests/checks/test_credentials.py pins them).

Nothing here returns the suspected text: callers get its kind, its public prefix (``ghp_``)
and its length, which is all a finding may show.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from kitaru.checks.findings import Finding

# (kind, public prefix shown in findings, full-token pattern)
_SHAPES: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (kind, prefix, re.compile(pattern))
    for kind, prefix, pattern in (
        ("an Anthropic API key", "sk-ant-", r"sk-ant-[A-Za-z0-9_-]{20,}"),
        ("an OpenAI-style API key", "sk-", r"sk-(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{16,}"),
        ("a Stripe key", "", r"(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}"),
        ("a GitHub token", "gh?_", r"gh[pousr]_[A-Za-z0-9]{30,}"),
        ("a GitHub fine-grained token", "github_pat_", r"github_pat_[A-Za-z0-9_]{22,}"),
        ("a GitLab token", "glpat-", r"glpat-[A-Za-z0-9_-]{20,}"),
        ("an AWS access key ID", "AKIA", r"(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}"),
        ("a Slack token", "xox?-", r"xox[abposre]-(?=[A-Za-z0-9-]*\d)[A-Za-z0-9-]{10,}"),
        ("a Google API key", "AIza", r"AIza[A-Za-z0-9_-]{35}"),
        ("a Hugging Face token", "hf_", r"hf_[A-Za-z0-9]{30,}"),
        ("a JSON Web Token", "eyJ", r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
    )
)
_SHAPE_START = re.compile(
    r"sk-|[srp]k_|gh[pousr]_|github_pat_|glpat-|A[KSGIR]|xox|AIza|hf_|eyJ|-----BEGIN"
)
_PEM = re.compile(r"-----BEGIN[A-Z0-9 ]*-----|-----BEGIN [A-Z]")
_TOKEN = re.compile(r"[A-Za-z0-9+/=_.~-]{16,}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_HEX = re.compile(r"[0-9a-f]{32,}|[0-9A-F]{32,}")
# Letter pairs frequent in English and in technical names; random strings hit ~40% of them,
# names 75-100%.
_COMMON_PAIRS = frozenset(
    re.findall(
        "[a-z]{2}",
        "th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io "
        "le ve co me de hi ri ro ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di fo ho "
        "pe ec pr no ct us ac ot il tr ly nc et ut ss so rs un lo wa ge ie wh ee wi em ad ol rt "
        "po we na ul ni ts mo ow pa im mi ai sh ir su id os iv ia am fi ci vi pl ig tu ev ld ry "
        "mp fe bl ab gh ty op wo sa ay ex ke fr oo av ag if ap gr od bo sp rd do uc bu ei ov by "
        "rm ep tt oc fa ef cu rn sc gi da yo cr cl du ga qu ue ff ba ey ls va um pp ua up lu go "
        "ht ru ug ds lt pi rc rr eg au ck ew mu br bi pt ak pu ui rg ib tl ny ki rk ys ob mm fu "
        "ph og ms ye ud mb ip ub oi rl gu dr hr cc tw ft wn nu af hu nn eo vo rv nf xp gn sm fl "
        "iz ok nl my gl aw ju oa eq sy sl ps jo lf nv je nk kn gs dy hy ze ks xt bs ik dd cy rp "
        "sk xi oe oy ws lv dl rf eu dg wr xa yi ",
    )
)
_SEPARATOR = re.compile(r"[-_./+=~]")
_SEGMENT = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_PEM_KIND = "a PEM key or certificate"
RANDOM_KIND = "a random-looking string"
MIN_RANDOM_LENGTH = 20


@dataclass(frozen=True)
class Suspect:
    """Where a suspected credential sits in the scanned text, and what it looks like."""

    kind: str
    prefix: str
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start

    def describe(self) -> str:
        """Safe to print: the kind, the token type's public prefix and the length."""
        marker = f"{self.prefix}…, " if self.prefix else ""
        return f"{self.kind} ({marker}{self.length} characters)"


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    size = len(text)
    return -sum(n / size * math.log2(n / size) for n in Counter(text).values()) if size else 0.0


def _class_switches(alnum: str) -> float:
    """How often neighbouring characters change between upper, lower and digit (0..1)."""
    kinds = ["d" if c.isdigit() else "u" if c.isupper() else "l" for c in alnum]
    return sum(a != b for a, b in itertools.pairwise(kinds)) / max(1, len(kinds) - 1)


def _wordish_share(text: str) -> float:
    """Share of letter pairs, inside words split at case changes, that are common in English."""
    pairs = [
        w[i : i + 2] for w in map(str.lower, _SEGMENT.findall(text)) for i in range(len(w) - 1)
    ]
    return sum(p in _COMMON_PAIRS for p in pairs) / len(pairs) if pairs else 0.0


def is_random_looking(text: str) -> bool:
    """A long string with the statistics of generated secrets rather than of names."""
    text = text.rstrip("=")
    if len(text) < MIN_RANDOM_LENGTH or _UUID.fullmatch(text):
        return False
    parts = _SEPARATOR.split(text)
    if len(parts) >= 3 and max(map(len, parts)) <= 12:
        return False  # short words joined by separators: a name such as prod-db-eu-2024-v2
    alnum = "".join(c for c in text if c.isalnum() and c.isascii())
    if len(alnum) < MIN_RANDOM_LENGTH * 0.8:
        return False
    has_digit = any(c.isdigit() for c in alnum)
    if not has_digit or not any(c.isalpha() for c in alnum):
        return False
    if _HEX.fullmatch(alnum):
        return entropy(alnum) >= 3.0
    return entropy(alnum) >= 3.0 and _class_switches(alnum) >= 0.2 and _wordish_share(text) < 0.6


def _shape(text: str) -> tuple[str, str] | None:
    """(kind, public prefix) when ``text`` has the shape of a known token type."""
    if not _SHAPE_START.match(text):
        return None  # one regex for the common case: most words start like no token
    if _PEM.match(text):
        return _PEM_KIND, "-----BEGIN"
    for kind, prefix, pattern in _SHAPES:
        if pattern.fullmatch(text):
            return kind, prefix if "?" not in prefix else text[: len(prefix)]
    return None


def classify(text: str) -> tuple[str, str] | None:
    """(kind, public prefix) when the whole of ``text`` looks like a credential."""
    shape = _shape(text)
    if shape is None and is_random_looking(text):
        return RANDOM_KIND, ""
    return shape


def find_suspects(text: str) -> list[Suspect]:
    """Every suspected credential inside free text (a line, a comment), in order."""
    found: list[Suspect] = [
        Suspect(_PEM_KIND, "-----BEGIN", m.start(), m.end()) for m in _PEM.finditer(text)
    ]
    for match in _TOKEN.finditer(text):
        token = match.group().strip(".~-")
        start = match.start() + match.group().index(token) if token else match.start()
        shape = _shape(token) if token else None
        if shape is not None:
            found.append(Suspect(*shape, start, start + len(token)))
            continue
        # anything else is judged part by part, so that a dotted host or file name is
        # not one long random-looking string, and a finding points at the token itself
        for part in token.split("."):
            hit = classify(part) if len(part) >= MIN_RANDOM_LENGTH else _shape(part)
            if hit is not None:
                found.append(Suspect(*hit, start, start + len(part)))
            start += len(part) + 1
    return sorted(found, key=lambda s: s.start)


def looks_like_credential(text: str) -> bool:
    """``text`` as a whole, or some word in it, looks like a pasted secret value."""
    return classify(text) is not None or bool(find_suspects(text))


def redact_findings(findings: Iterable[Finding], texts: list[str]) -> list[Finding]:
    """Defence in depth: no message may quote text that looked like a credential (any case)."""
    patterns = [(re.compile(re.escape(text), re.IGNORECASE), len(text)) for text in set(texts)]
    out = []
    for finding in findings:
        message = finding.message
        for pattern, length in patterns:
            message = pattern.sub(f"(a {length}-character string, not shown)", message)
        out.append(finding if message == finding.message else replace(finding, message=message))
    return out
