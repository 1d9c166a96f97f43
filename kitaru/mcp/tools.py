"""The tools: create secrets and read their metadata through the SDK, one call at a time.

There is deliberately no tool that deletes a secret, applies a manifest (whose
`state: absent` entries delete) or returns a value: an agent may store a credential it was
handed, but it can neither read one back nor destroy one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from mcp_types import CallToolResult
from pydantic import BaseModel, Field, RootModel, WithJsonSchema

from kitaru.errors import SecretExistsError
from kitaru.mcp.files import read_confined
from kitaru.mcp.results import run_tool
from kitaru.naming import check_name, visibility_word
from kitaru.secret_models import SecretSummary
from kitaru.secrets import (
    create_secret,
    describe_secret_found,
    find_by_name,
    list_secrets,
)
from kitaru.store import SecretStore, open_store

if TYPE_CHECKING:
    from kitaru.sync.manifest import Manifest

NO_VALUES = (
    "Never returns secret values: only names, IDs, visibility and key names. This server "
    "has no tool that reads values or deletes secrets."
)
VISIBILITY = (
    "Public means visible to the other users of the same ZenML store (not internet-public); "
    "private means visible to its creator only."
)

CREATE_DESCRIPTION = f"""Create a new secret in the ZenML secret store.

Fails if a secret with this name already exists, public or private; this tool never updates
or overwrites (use `kitaru secrets set` for that). Key names look like environment variables
(letters, digits and _, not starting with a digit, e.g. OPENAI_API_KEY); every value is a
string; keys and values together may hold at most 64 KiB. New secrets are public unless
private is true. {VISIBILITY} {NO_VALUES}"""

LIST_DESCRIPTION = f"""List every secret the configured ZenML user can see, sorted by name.

Each entry has the secret's name, ID, visibility (private true/false) and its created and
updated times, from one listing request per 10,000 secrets; keys is null. With keys=true,
each secret is also read (one request each): keys holds its key names and unavailable_keys
the keys whose values the store withholds from this user. {NO_VALUES}"""

SHOW_DESCRIPTION = f"""Show one secret's metadata: name, ID, visibility and key names.

name_or_id is an exact name or a full ID, never a partial match. When a public and a private
secret share the name, the private one (always the user's own) is shown and the public one is
named in shadowed; pass private=false or use the ID to see that one. {NO_VALUES}"""

PLAN_DESCRIPTION = f"""Plan a manifest (secrets.yaml) against the store: what apply would write.

Writes nothing and never compares values: a stored key is "present" whether or not its value
equals the source. Values come from this server's environment, then the .env file (env_file,
or the manifest's env_file). Only regular files of at most 1 MiB under the server's root
directory (kitaru-mcp --root, default its working directory) are read; relative paths are
resolved from that root. Returns (format_version 1, values_compared false): per secret the
action (create, exists, skip, or delete for a secret the manifest declares `state: absent`),
per key the action (add, present, remove, or kept for a create-only key the store holds) and
the source of its value, and drift other than value drift. targets limits the plan to those
manifest secrets (a name the manifest does not declare is an error); max_age (e.g. 90d; units
s, m, h, d) adds an age drift finding for each stored secret not updated for longer. This
server never applies a plan nor deletes: to apply it the user runs `kitaru secrets apply`.
{NO_VALUES}"""

MODELS_DESCRIPTION = f"""List the model aliases kitaru.llm() resolves (kitaru.yaml, and
KITARU_MODEL_REGISTRY over it), sorted by alias.

Each entry has the alias, its model (provider/model), provider, the reference (name or ID) of
the secret that holds the provider's key, its endpoint if it has its own, whether it is the
default, and its source (file or environment). Reads no secret and opens no store.
{NO_VALUES}"""

SecretName = Annotated[
    str, Field(description="The secret's name, e.g. openai-creds (at most 255 characters).")
]
SecretValues = Annotated[
    # Typed loosely so the SDK, not the schema layer, checks keys and values and reports
    # them in kitaru's own words; clients still see string values in the schema.
    dict[str, Any],
    WithJsonSchema(
        {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": 'Key names mapped to string values, e.g. {"OPENAI_API_KEY": "sk-..."}.',
        }
    ),
]
Private = Annotated[
    bool, Field(description="Create a private secret instead of a public one (default false).")
]
WithKeys = Annotated[
    bool,
    Field(description="Also read each secret for its key names (one request per secret)."),
]
NameOrId = Annotated[str, Field(description="The secret's exact name or its full ID.")]
Visibility = Annotated[
    bool | None,
    Field(
        description="Pick the private (true) or public (false) secret when both share the "
        "name; by default the private one."
    ),
]

ManifestPath = Annotated[
    str,
    Field(description="The manifest, under the server's root directory, e.g. secrets.yaml."),
]
EnvFile = Annotated[
    str | None,
    Field(
        description="A .env file under the server's root to read values from; overrides the "
        "manifest's env_file."
    ),
]

Targets = Annotated[
    list[str] | None,
    Field(description="Only these manifest secrets, by name (like `--target`); default all."),
]
MaxAge = Annotated[
    str | None,
    Field(description="Report stored secrets not updated for longer as age drift, e.g. 90d."),
]


class SecretList(BaseModel):
    """What the list tool returns: metadata of every visible secret, no values."""

    secrets: list[SecretSummary]


class ShadowedSecret(BaseModel):
    """A public secret passed over because the user's private one has the same name."""

    name: str
    id: str
    private: bool


class ShownSecret(SecretSummary):
    """What the show tool returns: the secret's metadata and the twin it shadows, if any."""

    shadowed: ShadowedSecret | None = None


def create_new(
    name: str, values: dict[str, Any], private: bool, store: SecretStore
) -> SecretSummary:
    """Create a secret under a name no visible secret has, in either visibility.

    A private secret wins every lookup by name, so a private twin of an existing public
    secret would silently redirect the user's reads of it to values the agent chose.
    """
    check_name(name)
    taken = find_by_name(store, name)
    if taken:
        which = " and ".join(sorted({visibility_word(ref.private) for ref in taken}))
        raise SecretExistsError(
            f"a {which} secret '{name}' already exists; this tool creates secrets under new "
            "names only (use `kitaru secrets set` to update one)"
        )
    return create_secret(name, values, private=private, store=store)


def show(name_or_id: str, private: bool | None, store: SecretStore) -> ShownSecret:
    found = describe_secret_found(name_or_id, private=private, store=store)
    shadowed = found.shadowed
    return ShownSecret(
        **found.result.model_dump(),
        shadowed=None
        if shadowed is None
        else ShadowedSecret(name=shadowed.name, id=shadowed.id, private=shadowed.private),
    )


class ModelAlias(BaseModel):
    """One model alias: references only, never a key."""

    alias: str
    model: str
    provider: str
    secret: str | None
    base_url: str | None
    default: bool
    source: str


class ModelList(BaseModel):
    """What the models tool returns: the default model and every alias."""

    default: str | None
    aliases: list[ModelAlias]


def model_aliases() -> ModelList:
    import os

    from kitaru.llm.registry import ENV_DEFAULT, load_registry

    registry = load_registry()
    default = os.environ.get(ENV_DEFAULT) or registry.default
    return ModelList(
        default=default,
        aliases=[
            ModelAlias(
                alias=alias.name,
                model=alias.model,
                provider=alias.provider,
                secret=alias.secret,
                base_url=alias.base_url,
                default=alias.name == default,
                source=alias.source,
            )
            for alias in (registry.aliases[name] for name in sorted(registry.aliases))
        ],
    )


class PlanReport(RootModel[dict[str, Any]]):
    """What would be written: actions, keys, sources, drift; never a value comparison."""


class SecretTools:
    """Tool bodies over one store, serialised: the embedded store takes one caller at a time."""

    def __init__(self, store: SecretStore | None = None, root: Path | None = None) -> None:
        self._store = store or open_store()
        self._lock = threading.Lock()
        self.root = (root or Path.cwd()).resolve()  # the only files a client may make us read

    def warm_up(self) -> None:
        """Open the store before the first call needs it: ZenML takes seconds to start.

        A failure here is left for that first call to report in its own words.
        """
        with self._lock:
            try:
                self._store.max_workers  # noqa: B018 - opens the store
            except Exception:
                return

    def _run(self, action: Callable[[SecretStore], BaseModel]) -> CallToolResult:
        with self._lock:
            return run_tool(lambda: action(self._store))

    def create(
        self, name: SecretName, values: SecretValues, private: Private = False
    ) -> Annotated[CallToolResult, SecretSummary]:
        return self._run(lambda store: create_new(name, values, private, store))

    def list_all(self, keys: WithKeys = False) -> Annotated[CallToolResult, SecretList]:
        return self._run(lambda store: SecretList(secrets=list_secrets(keys=keys, store=store)))

    def show(
        self, name_or_id: NameOrId, private: Visibility = None
    ) -> Annotated[CallToolResult, ShownSecret]:
        return self._run(lambda store: show(name_or_id, private, store))

    def models(self) -> Annotated[CallToolResult, ModelList]:
        return run_tool(model_aliases)  # a local file: no store, no lock

    def plan(
        self,
        manifest_path: ManifestPath,
        env_file: EnvFile = None,
        targets: Targets = None,
        max_age: MaxAge = None,
    ) -> Annotated[CallToolResult, PlanReport]:
        def report(store: SecretStore) -> PlanReport:
            from kitaru.ages import parse_duration
            from kitaru.mcp.plan_view import value_blind_report
            from kitaru.sync.pipeline import run

            age = parse_duration(max_age) if max_age is not None else None
            manifest = self._manifest(manifest_path)
            values_file = self._env_file(manifest, env_file)
            done = run(
                manifest, env_file=values_file, store=store, target=targets or (), max_age=age
            )
            return PlanReport(value_blind_report(done.plan))

        return self._run(report)

    def _manifest(self, given: str) -> Manifest:
        """The manifest at ``given`` (inside the root), refused unless it passes the team
        policy `validate` applies: the closest config walking up, no higher than the root."""
        from kitaru.config.discover import Finder
        from kitaru.sync.pipeline import checked

        read = read_confined(self.root, given, "manifest_path")
        config = Finder(stop_at=self.root).for_file(read.path)
        return checked(read.data, str(read.path), config)[0]

    def _env_file(self, manifest: Manifest, given: str | None) -> Path | None:
        """The .env file plan would read, checked like the manifest (the manifest's own
        ``env_file:`` may point anywhere too); None when the manifest's is absent."""
        if given is not None:
            return read_confined(self.root, given, "env_file").path
        declared = manifest.env_file_path()
        if declared is None or not declared.exists():
            return None
        return read_confined(self.root, str(declared), "the manifest's env_file").path
