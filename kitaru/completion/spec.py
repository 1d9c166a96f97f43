"""What `kitaru` accepts, as data the completer walks without importing typer.

Kept equal to the typer application by tests/completion/test_spec.py (every command,
option spelling, flag and positional), so completion never offers what the CLI refuses.
"""

from __future__ import annotations

from typing import NamedTuple

# Plain classes and tuples, not dataclasses or enums: their imports and class set-up
# would cost a Tab press more than everything else it does.


class Kind:
    """What a value (of an option or a positional argument) is, for completion."""

    text = "text"  # free text: nothing to offer
    choice = "choice"  # one of ``choices``
    file = "file"  # a path: the shell completes it
    secret = "secret"  # a secret name from the store the command would open
    target = "target"  # a secret declared in the manifest given with -f
    alias = "alias"  # a model alias from the local registry


class Option(NamedTuple):
    names: tuple[str, ...]
    help: str
    kind: str | None = None  # a Kind; None: a flag, which takes no value
    choices: tuple[str, ...] = ()
    repeat: bool = False  # may be given again (offered again once given)

    @property
    def takes_value(self) -> bool:
        return self.kind is not None


class Command(NamedTuple):
    name: str
    help: str
    options: tuple[Option, ...] = ()
    args: str | None = None  # a Kind: what positional arguments are; None: none
    arg_choices: tuple[str, ...] = ()
    many: bool = False  # more than one positional argument
    commands: tuple[Command, ...] = ()
    child_after_dashdash: bool = False  # `run ... -- CMD`: what follows is another program
    manifest_default: str | None = None  # the manifest --target reads when -f is not given

    def option(self, spelling: str) -> Option | None:
        return next((o for o in self.options if spelling in o.names), None)

    def command(self, name: str) -> Command | None:
        return next((c for c in self.commands if c.name == name), None)


HELP = Option(("--help",), "Show help and exit.")
OUTPUT = Option(
    ("-o", "--output", "--format"), "Output format.", Kind.choice, choices=("text", "json")
)
PRIVATE = Option(("--private",), "The private secret.")
PUBLIC = Option(("--public",), "The public secret.")
FILE = Option(("-f", "--file"), "The manifest.", Kind.file)
FILES = Option(("-f", "--file"), "A manifest (again for several).", Kind.file, repeat=True)
TARGET = Option(("--target",), "Only this manifest secret.", Kind.target, repeat=True)
OVERRIDE = Option(("--override",), "A key two secrets provide takes the later value.")
ALLOW_KEY = Option(
    ("--allow-key",), "Let this key through although it steers programs.", Kind.text, repeat=True
)
POLICY = Option(("--config",), "The team policy (kitaru.toml or pyproject.toml).", Kind.file)
SYNC_OUTPUT = Option(
    ("-o", "--output", "--format"),
    "Output format.",
    Kind.choice,
    choices=("text", "json", "markdown", "github"),
)
CHECK_OUTPUT = Option(
    ("-o", "--output", "--format"),
    "Output format.",
    Kind.choice,
    choices=("text", "json", "github"),
)
ENV_FILE = Option(("--env-file",), "A .env file to read values from.", Kind.file)
DETAILED = Option(("--detailed-exitcode",), "Exit 2 when there are changes or drift.")
PRUNE = Option(("--prune",), "Remove undeclared keys of prune: true secrets.")
GITHUB_MASK = Option(("--github-mask",), "Write ::add-mask:: lines for every value read.")
STRICT = Option(("--strict",), "Fail on warnings too.")
SHELLS = ("bash", "zsh", "fish")

SECRETS = Command(
    "secrets",
    "Create, inspect, list, delete and sync secrets.",
    options=(HELP,),
    commands=(
        Command(
            "set",
            "Create a secret, or update keys of an existing one.",
            options=(
                HELP,
                PRIVATE,
                PUBLIC,
                Option(("--from-env",), "Take KEY's value from an env var.", Kind.text, (), True),
                Option(("--from-dotenv",), "Take every key of a .env file.", Kind.file),
                Option(("--allow-empty",), "Store empty values."),
                OUTPUT,
            ),
            args=Kind.secret,
        ),
        Command(
            "show",
            "Print a secret's metadata and key names.",
            options=(
                HELP,
                Option(("--show-values",), "Also print raw values."),
                PRIVATE,
                PUBLIC,
                OUTPUT,
            ),
            args=Kind.secret,
        ),
        Command(
            "list",
            "List every secret you can see.",
            options=(HELP, Option(("--keys",), "Also show key names."), OUTPUT),
        ),
        Command(
            "delete",
            "Delete one secret.",
            options=(HELP, PRIVATE, PUBLIC, OUTPUT),
            args=Kind.secret,
        ),
        Command(
            "run",
            "Run a program with the secrets in its environment.",
            options=(
                HELP,
                FILE,
                TARGET,
                PRIVATE,
                PUBLIC,
                OVERRIDE,
                Option(("--no-inherit",), "Start from an empty environment."),
                Option(("--redact",), "Replace injected values in the output with ***."),
                ALLOW_KEY,
            ),
            args=Kind.secret,
            many=True,
            child_after_dashdash=True,
        ),
        Command(
            "export",
            "Print the secrets' keys and values for other tools.",
            options=(
                HELP,
                FILE,
                TARGET,
                PRIVATE,
                PUBLIC,
                OVERRIDE,
                Option(
                    ("--format",),
                    "Export format.",
                    Kind.choice,
                    choices=("dotenv", "json", "shell", "github-env"),
                ),
                Option(("--out",), "Write a new 0600 file.", Kind.file),
                Option(("--force",), "With --out: replace an existing file."),
                ALLOW_KEY,
            ),
            args=Kind.secret,
            many=True,
        ),
        Command(
            "plan",
            "Show what apply would change, and any drift.",
            options=(
                HELP,
                FILES,
                ENV_FILE,
                POLICY,
                SYNC_OUTPUT,
                DETAILED,
                PRUNE,
                Option(("--out",), "Also save the plan.", Kind.file),
                TARGET,
                Option(("--max-age",), "Report secrets older than AGE as drift.", Kind.text),
                GITHUB_MASK,
            ),
            manifest_default="secrets.yaml",
        ),
        Command(
            "apply",
            "Create and update secrets to match the manifest.",
            options=(
                HELP,
                FILES,
                ENV_FILE,
                POLICY,
                Option(("--dry-run",), "Plan only; write nothing."),
                PRUNE,
                Option(("--plan",), "Apply a plan saved by plan --out.", Kind.file),
                TARGET,
                SYNC_OUTPUT,
                DETAILED,
                GITHUB_MASK,
            ),
            manifest_default="secrets.yaml",
        ),
        Command(
            "adopt",
            "Print manifest entries for existing secrets.",
            options=(
                HELP,
                FILE,
                Option(("--write",), "Append the entries to the -f manifest."),
                PRIVATE,
                PUBLIC,
                OUTPUT,
            ),
            args=Kind.secret,
            many=True,
        ),
        Command(
            "validate",
            "Check secrets manifests offline.",
            options=(
                HELP,
                CHECK_OUTPUT,
                STRICT,
                POLICY,
                Option(("--show-config",), "Print the configuration that applies, and its file."),
            ),
            args=Kind.file,
            many=True,
        ),
        Command(
            "validate-env",
            "Check committed .env-style files.",
            options=(HELP, CHECK_OUTPUT, STRICT, POLICY),
            args=Kind.file,
            many=True,
        ),
        Command(
            "schema",
            "Print the manifest JSON Schema.",
            options=(
                HELP,
                Option(("--write",), "Write the schema to PATH.", Kind.file),
                Option(("--config",), "The schema of kitaru.toml instead."),
            ),
        ),
    ),
)

COMPLETION = Command(
    "completion",
    "Print the shell completion script for bash, zsh or fish.",
    options=(HELP,),
    args=Kind.choice,
    arg_choices=SHELLS,
)

MODEL = Command(
    "model",
    "Model aliases for kitaru.llm().",
    options=(HELP,),
    commands=(
        Command(
            "register",
            "Save or update a model alias.",
            options=(
                HELP,
                Option(("--model",), "PROVIDER/MODEL.", Kind.text),
                Option(("--secret",), "The secret holding the provider's key.", Kind.secret),
                Option(("--base-url",), "Another endpoint for this alias.", Kind.text),
                Option(("--default",), "Make it the default alias."),
                OUTPUT,
            ),
            args=Kind.alias,
        ),
        Command("list", "List model aliases.", options=(HELP, OUTPUT)),
        Command("remove", "Remove a model alias.", options=(HELP, OUTPUT), args=Kind.alias),
        Command("check", "Check every alias's linked secret.", options=(HELP, OUTPUT)),
    ),
)

ROOT = Command(
    "kitaru",
    "Secrets in ZenML.",
    options=(HELP, Option(("--version",), "Print the version and exit.")),
    commands=(SECRETS, MODEL, COMPLETION),
)
