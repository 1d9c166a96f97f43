"""Environment keys that change how programs start, in one place, each with its reason.

Whoever can write a secret decides its key names (every user of the server, for a public
secret). A key such as ``BASH_ENV`` or ``LD_PRELOAD`` injected into a program's environment
runs the writer's code in the reader's program, so `run`, `export` and
``secret_environment`` refuse these keys unless the user names them, and the offline checks
flag them (KS206). Pure data and one lookup; no imports beyond the standard library.

A pattern is a case-sensitive shell glob (``fnmatch.fnmatchcase``): an exact key, a prefix
ending in ``*``, or, for the few keys programs read in any case (proxies, npm's
configuration), a glob whose letters are written ``[Pp]``. Environment names are
case-sensitive: ``bash_env`` is not ``BASH_ENV``, and no shell reads it. Use ``matches``
(or ``steering_reason``) to apply a pattern, never a hand-written prefix test.

Sources: the manuals of bash (INVOCATION, Shell Variables), dash and zsh (STARTUP/SHUTDOWN
FILES), fish; ld.so(8) and glibc's list of variables it drops for set-user-ID programs
(``unsecvars.h``); python(1), perlrun, ruby(1), node's CLI reference, the JDK's launcher
documentation; git(1) ENVIRONMENT VARIABLES; curl's and Python's ``urllib`` proxy rules (any
``*_proxy`` in any case); OpenSSL's and requests' certificate variables; GitHub's runner,
which refuses ``NODE_OPTIONS`` in ``$GITHUB_ENV`` (runner 2.309.0).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fnmatch import fnmatchcase, translate

_SHELL_RUNS = "runs its value as commands"
_PROXY = "sends the program's network traffic through this proxy"
_TRUST = "decides which TLS certificates the program trusts"
_GIT = "steers git (its config, the commands it runs, where it connects)"
_CONFIG = "decides which configuration files a tool reads (some run commands)"

# (pattern, reason): see the module docstring for the pattern language.
STEERING_KEYS: tuple[tuple[str, str], ...] = (
    # --- shells: start-up files, options, functions, word splitting -------------------------
    ("BASH_ENV", "bash runs this file before a non-interactive script"),
    ("ENV", "sh, dash, ksh and bash in POSIX mode run this file at start-up"),
    ("ZDOTDIR", "zsh reads its start-up files (.zshenv runs for every zsh) from here"),
    ("SHELLOPTS", "bash turns these options on at start (xtrace with PS4 runs code)"),
    ("BASHOPTS", "bash turns these shopt options on at start"),
    ("PS0", f"an interactive shell expands it before each command: it {_SHELL_RUNS}"),
    ("PS1", f"an interactive shell expands its prompt: it {_SHELL_RUNS}"),
    ("PS2", f"an interactive shell expands it: it {_SHELL_RUNS}"),
    ("PS4", f"bash expands it for every traced command: it {_SHELL_RUNS}"),
    ("PS3", f"a shell expands it as the prompt of `select`: it {_SHELL_RUNS}"),
    ("PROMPT", f"zsh takes it as PS1: it {_SHELL_RUNS}"),
    ("prompt", f"zsh takes it as PS1 (zsh reads this lowercase name too): it {_SHELL_RUNS}"),
    ("PROMPT2", f"zsh takes it as PS2: it {_SHELL_RUNS}"),
    ("PROMPT3", f"zsh takes it as PS3: it {_SHELL_RUNS}"),
    ("PROMPT4", f"zsh takes it as PS4 (expanded for every traced command): it {_SHELL_RUNS}"),
    ("RPROMPT*", f"zsh expands it as its right prompt: it {_SHELL_RUNS}"),
    ("RPS1", f"zsh expands it as its right prompt: it {_SHELL_RUNS}"),
    ("RPS2", f"zsh expands it as its right prompt: it {_SHELL_RUNS}"),
    ("SPROMPT", f"zsh expands it when it offers a spelling correction: it {_SHELL_RUNS}"),
    ("FCEDIT", "bash's and zsh's fc run this editor"),
    ("NULLCMD", "zsh runs this program for a redirection with no command (`> file`)"),
    ("READNULLCMD", "zsh runs this program for an input redirection with no command"),
    ("fish_function_path", "fish autoloads functions (they replace commands) from here"),
    ("fish_complete_path", "fish loads completions (code) from here"),
    ("PROMPT_COMMAND", f"interactive bash {_SHELL_RUNS} before each prompt"),
    ("BASH_FUNC_*", "bash imports these as shell functions (they replace commands)"),
    ("BASH_XTRACEFD", "bash writes its trace (command lines, values) to this descriptor"),
    ("BASH_LOADABLES_PATH", "bash loads builtins (shared libraries) from here"),
    ("BASH_COMPAT", "changes how bash interprets scripts"),
    ("POSIXLY_CORRECT", "changes how bash and GNU tools interpret their input"),
    ("IFS", "changes how shells split words"),
    ("CDPATH", "redirects a script's `cd` to another directory"),
    ("GLOBIGNORE", "changes which files a shell's globs match"),
    ("EXECIGNORE", "changes which programs bash finds"),
    ("FPATH", "ksh and zsh autoload functions from here"),
    ("MODULE_PATH", "zsh loads modules (shared libraries) from here"),
    ("HISTFILE", "an interactive shell writes its history (typed secrets) to this file"),
    ("INPUTRC", "readline reads key bindings (which can run macros) from this file"),
    ("TERMINFO", "curses programs read the terminal's description (what they write) here"),
    ("TERMINFO_DIRS", "curses programs read the terminal's description (what they write) here"),
    ("TERMCAP", "curses programs take this as the terminal's description (what they write)"),
    (
        "DBUS_SESSION_BUS_ADDRESS",
        "programs connect to this bus (a unixexec: address runs a command)",
    ),
    (
        "DBUS_SYSTEM_BUS_ADDRESS",
        "programs connect to this bus (a unixexec: address runs a command)",
    ),
    ("SHELL", "programs that start a shell (editors, make, npm, tmux) start this one"),
    ("HOME", "programs read their start-up and configuration files from here"),
    ("XDG_*", "programs (git, fish, pip, gh) read their configuration from here"),
    # --- the dynamic loader and the C library --------------------------------------------------
    ("LD_*", "steers the dynamic loader (LD_PRELOAD loads a library into every program)"),
    ("DYLD_*", "steers macOS's dynamic loader (DYLD_INSERT_LIBRARIES loads a library)"),
    ("GCONV_PATH", "the C library loads character-set modules (shared libraries) from here"),
    ("GETCONF_DIR", "the C library is told where getconf's helpers are"),
    ("GLIBC_TUNABLES", "changes the C library's allocator and security settings"),
    ("HOSTALIASES", "the resolver maps host names through this file (redirects connections)"),
    ("LOCALDOMAIN", "changes how the resolver completes host names"),
    ("RES_OPTIONS", "changes the resolver's options"),
    ("RESOLV_HOST_CONF", "the resolver reads its configuration from this file"),
    ("LOCPATH", "the C library loads locale data from here"),
    ("NLSPATH", "the C library loads message catalogues from here"),
    ("NIS_PATH", "the C library looks NIS+ names up here"),
    ("MALLOC_*", "changes the C library's allocator (MALLOC_TRACE writes a file)"),
    ("TMPDIR", "programs create their temporary files here"),
    ("TZDIR", "the C library reads time-zone files from here"),
    # --- the executable search path ----------------------------------------------------------
    ("PATH", "decides which program a command name runs"),
    # --- interpreters: options, module paths, start-up files ---------------------------------
    ("PYTHON*", "steers Python's start-up (PYTHONPATH, PYTHONSTARTUP, PYTHONHOME, ...)"),
    ("VIRTUAL_ENV", "tools take this as the Python environment to run"),
    ("PERL*", "steers Perl's start-up (PERL5OPT options, PERL5LIB module paths, ...)"),
    ("RUBY*", "steers Ruby's start-up (RUBYOPT options, RUBYLIB module paths, ...)"),
    ("GEM_HOME", "Ruby loads gems (code) from here"),
    ("GEM_PATH", "Ruby loads gems (code) from here"),
    ("BUNDLE_GEMFILE", "bundler evaluates this Gemfile (Ruby code)"),
    ("NODE_OPTIONS", "Node.js takes these as options (--require loads code)"),
    ("NODE_PATH", "Node.js loads modules from here"),
    ("NODE_REPL_EXTERNAL_MODULE", "Node.js loads this module instead of its REPL"),
    ("NODE_EXTRA_CA_CERTS", f"Node.js adds these certificates: it {_TRUST}"),
    ("NODE_TLS_REJECT_UNAUTHORIZED", "0 turns Node.js's TLS certificate checks off"),
    ("JAVA_TOOL_OPTIONS", "every JVM takes these as options (-javaagent loads code)"),
    ("_JAVA_OPTIONS", "every JVM takes these as options (-javaagent loads code)"),
    ("JDK_JAVA_OPTIONS", "the java launcher takes these as options (-javaagent loads code)"),
    ("JAVA_OPTS", "JVM launch scripts pass these options to java"),
    ("JAVA_HOME", "build tools run the java found here"),
    ("CLASSPATH", "the JVM loads classes (code) from here"),
    ("MAVEN_OPTS", "Maven passes these options to its JVM"),
    ("GRADLE_OPTS", "Gradle passes these options to its JVM"),
    ("GRADLE_USER_HOME", "Gradle runs the init scripts (code) it finds here"),
    ("MAVEN_ARGS", "Maven takes these as arguments"),
    ("SBT_OPTS", "sbt passes these options to its JVM"),
    ("ANT_OPTS", "Ant passes these options to its JVM"),
    ("GOFLAGS", "go commands take these flags (-toolexec runs a program)"),
    ("GOTOOLCHAIN", "go downloads and runs this toolchain"),
    ("GOPROXY", "go downloads modules (code) from here"),
    ("GOSUMDB", "go checks downloaded modules against this database"),
    ("GONOSUMDB", "go skips its checksum database for these modules"),
    ("GONOSUMCHECK", "go skips checksum checks for these modules"),
    ("GOINSECURE", "go fetches these modules without TLS checks"),
    ("GOENV", "go reads its settings from this file"),
    ("GOROOT", "go runs its compiler and tools from here"),
    ("GOPATH", "go keeps downloaded modules (code) and installed programs here"),
    ("GOMODCACHE", "go builds downloaded modules (code) from here"),
    ("GOWORK", "go reads this workspace file (its replace directives choose the code built)"),
    ("GOPRIVATE", "go fetches these modules directly and skips its checksum database"),
    ("GONOPROXY", "go fetches these modules directly, not through its proxy"),
    ("GOVCS", "decides which version-control tools go runs to fetch modules"),
    ("CGO_*", "cgo passes these compiler and linker flags (-fplugin loads code)"),
    ("RUSTC_WRAPPER", "cargo runs every compiler call through this program"),
    ("RUSTC", "cargo runs this program as the compiler"),
    ("CARGO_HOME", "cargo reads its configuration and tools from here"),
    ("CARGO_BUILD_*", "cargo's build settings (rustc, rustc-wrapper, rustflags: what it runs)"),
    ("CARGO_TARGET_*", "cargo's target settings (runner, linker: programs it runs)"),
    ("CARGO_HOST_*", "cargo's host settings (linker: a program it runs)"),
    ("CARGO_ENCODED_RUSTFLAGS", "cargo passes these flags to every compiler call"),
    ("CARGO_HTTP_*", "cargo's network settings (proxy, trusted certificates)"),
    ("CARGO_REGISTRY_CREDENTIAL_PROVIDER", "cargo runs this credential provider (a program)"),
    ("CARGO_REGISTRIES_*_CREDENTIAL_PROVIDER", "cargo runs this credential provider"),
    ("CARGO_CREDENTIAL_ALIAS_*", "cargo runs these credential providers (programs)"),
    ("CARGO_REGISTRIES_*_INDEX", "cargo downloads crates (code) from this index"),
    ("RUSTC_WORKSPACE_WRAPPER", "cargo runs every workspace compiler call through this program"),
    ("RUSTDOC", "cargo runs this program as rustdoc"),
    ("RUSTFLAGS", "cargo passes these flags to every compiler call (-C linker= runs a program)"),
    ("RUSTDOCFLAGS", "cargo passes these flags to rustdoc"),
    ("RUSTUP_*", "rustup's settings (the toolchain it runs, the server it downloads from)"),
    ("LUA_*", "steers Lua's start-up (LUA_INIT runs code, LUA_PATH module paths)"),
    ("PHPRC", "PHP reads this php.ini (auto_prepend_file runs code)"),
    ("PHP_INI_SCAN_DIR", "PHP reads more ini files from here (auto_prepend_file runs code)"),
    ("R_PROFILE*", "R runs this start-up file"),
    ("R_ENVIRON*", "R reads this start-up file"),
    ("R_LIBS*", "R loads packages (code) from here"),
    ("ERL_*", "Erlang takes these as options (-eval runs code)"),
    ("ELIXIR_ERL_OPTIONS", "Elixir passes these options to Erlang (-eval runs code)"),
    ("DOTNET_STARTUP_HOOKS", ".NET loads these assemblies (code) at start"),
    ("CORECLR_*", ".NET loads a profiler (a shared library) named here"),
    ("IPYTHONDIR", "IPython runs the start-up files it finds here"),
    ("PYTEST_ADDOPTS", "pytest takes these as options (-p loads a plugin: code)"),
    ("PYTEST_PLUGINS", "pytest imports these modules as plugins (code)"),
    ("COVERAGE_PROCESS_START", "coverage starts in every Python process with this config"),
    ("COVERAGE_RCFILE", "coverage reads this configuration (its plugins are code)"),
    ("MPLBACKEND", "matplotlib imports a module://... backend named here (code)"),
    ("MPLCONFIGDIR", "matplotlib reads matplotlibrc (its backend may be a module) here"),
    ("TCLLIBPATH", "Tcl loads packages (code) from here"),
    ("JULIA_*", "steers Julia's start-up (JULIA_DEPOT_PATH's startup.jl runs code)"),
    ("JUPYTER_CONFIG_DIR", "Jupyter runs the configuration files (Python) it finds here"),
    ("MAKEFLAGS", "make takes these as options (--eval runs code)"),
    ("MAKEFILES", "make reads these makefiles first (they run commands)"),
    ("CC", "build tools (pip, make, cargo) run this compiler"),
    ("CXX", "build tools (pip, make, cargo) run this compiler"),
    ("CPP", "build tools run this preprocessor"),
    ("LD", "build tools run this linker"),
    ("CFLAGS", "build tools pass these compiler flags (-fplugin loads code)"),
    ("CXXFLAGS", "build tools pass these compiler flags (-fplugin loads code)"),
    ("CPPFLAGS", "build tools pass these preprocessor flags"),
    ("LDFLAGS", "build tools pass these linker flags (which libraries are linked)"),
    ("PIP_*", "pip's options (the index it installs code from, its configuration file)"),
    ("UV_*", "uv's options (the index it installs code from, its configuration file)"),
    (
        "[Nn][Pp][Mm]_[Cc][Oo][Nn][Ff][Ii][Gg]_*",
        "npm's options, in any case (script-shell, registry)",
    ),
    ("YARN_YARN_PATH", "Yarn runs this file (JavaScript) in place of itself"),
    ("YARN_RC_FILENAME", "Yarn reads its settings (yarnPath runs code) from this file"),
    ("YARN_NPM_REGISTRY_SERVER", "Yarn downloads packages (code) from here"),
    ("COREPACK_*", "Corepack's settings (where it downloads package managers, code, from)"),
    ("TF_CLI_CONFIG_FILE", "Terraform reads this CLI configuration (provider sources: code)"),
    ("TERRAFORM_CONFIG", "Terraform reads this CLI configuration (provider sources: code)"),
    ("TF_PLUGIN_CACHE_DIR", "Terraform runs the providers (programs) it finds here"),
    ("TF_DATA_DIR", "Terraform runs the providers (programs) it finds here"),
    ("TF_CLI_ARGS*", "Terraform adds these arguments to its commands (-auto-approve)"),
    ("HELM_PLUGINS", "helm runs the plugins (programs) it finds here"),
    ("HELM_DATA_HOME", "helm runs the plugins (programs) it finds here"),
    ("HELM_CONFIG_HOME", f"{_CONFIG}: helm's repositories and registries"),
    ("ANSIBLE_CONFIG", f"{_CONFIG}: Ansible's (plugin paths load code)"),
    ("ANSIBLE_LIBRARY", "Ansible loads modules (code) from here"),
    ("ANSIBLE_MODULE_UTILS", "Ansible loads module utilities (code) from here"),
    ("ANSIBLE_*_PLUGINS", "Ansible loads plugins (code) from here"),
    ("ANSIBLE_ROLES_PATH", "Ansible loads roles (tasks that run commands) from here"),
    ("ANSIBLE_COLLECTIONS_PATH*", "Ansible loads collections (code) from here"),
    ("ANSIBLE_VAULT_PASSWORD_FILE", "Ansible runs this file when it is executable"),
    ("CLOUDSDK_PYTHON", "gcloud runs this Python"),
    ("CLOUDSDK_PYTHON_ARGS", "gcloud passes these options to its Python"),
    ("CLOUDSDK_CONFIG", f"{_CONFIG}: gcloud's accounts and properties"),
    # --- proxies: read lowercase and uppercase (Python's urllib: any *_proxy in any case) ----
    ("http_proxy", _PROXY),
    ("HTTP_PROXY", _PROXY),
    ("https_proxy", _PROXY),
    ("HTTPS_PROXY", _PROXY),
    ("all_proxy", _PROXY),
    ("ALL_PROXY", _PROXY),
    ("no_proxy", "decides which hosts bypass the proxy"),
    ("NO_PROXY", "decides which hosts bypass the proxy"),
    ("*_[Pp][Rr][Oo][Xx][Yy]", "Python, curl and others take any <scheme>_proxy as a proxy"),
    # --- TLS trust ---------------------------------------------------------------------------
    ("SSL_CERT_FILE", _TRUST),
    ("SSL_CERT_DIR", _TRUST),
    ("REQUESTS_CA_BUNDLE", _TRUST),
    ("CURL_CA_BUNDLE", _TRUST),
    ("AWS_CA_BUNDLE", _TRUST),
    ("GRPC_DEFAULT_SSL_ROOTS_FILE_PATH", _TRUST),
    ("OPENSSL_CONF", "OpenSSL reads this configuration (it can load engines: code)"),
    ("OPENSSL_ENGINES", "OpenSSL loads engines (shared libraries) from here"),
    ("OPENSSL_MODULES", "OpenSSL loads providers (shared libraries) from here"),
    ("SSLKEYLOGFILE", "TLS libraries write session keys here (decrypts the traffic)"),
    # --- git, ssh and the commands tools run -------------------------------------------------
    ("GIT_*", _GIT),
    ("SSH_ASKPASS", "ssh runs this program to ask for a passphrase"),
    ("SSH_ASKPASS_REQUIRE", "makes ssh run SSH_ASKPASS"),
    ("SSH_AUTH_SOCK", "ssh and git use the agent (its keys) behind this socket"),
    ("SUDO_ASKPASS", "sudo runs this program to ask for a password"),
    ("EDITOR", "git and other tools run this command"),
    ("VISUAL", "git and other tools run this command"),
    ("PAGER", "git, man and other tools run this command"),
    ("MANPAGER", "man runs this command"),
    ("LESSOPEN", "less runs this command on every file it opens"),
    ("LESSCLOSE", "less runs this command on every file it closes"),
    ("TAR_OPTIONS", "GNU tar takes these as options (--checkpoint-action=exec runs commands)"),
    ("ZIPOPT", "zip takes these as options (-TT runs a command)"),
    ("MANOPT", "man takes these as options (-P names the pager it runs)"),
    ("SYSTEMD_PAGER", "systemd's tools run this command"),
    ("SYSTEMD_EDITOR", "systemd's tools run this command"),
    ("SUDO_EDITOR", "sudoedit runs this command"),
    ("GH_PAGER", "the GitHub CLI runs this command"),
    ("GH_EDITOR", "the GitHub CLI runs this command"),
    ("GH_BROWSER", "the GitHub CLI runs this command"),
    ("KUBE_EDITOR", "kubectl edit runs this command"),
    ("PSQL_PAGER", "psql runs this command"),
    ("PSQL_EDITOR", "psql runs this command"),
    ("PSQLRC", "psql runs the commands of this file at start (\\! runs shell commands)"),
    ("BROWSER", "tools (Python's webbrowser, gh) run this command"),
    ("CURL_HOME", f"{_CONFIG}: curl reads its .curlrc (proxy, output files) from here"),
    ("WGETRC", f"{_CONFIG}: wget reads its options (proxy, output files) from this file"),
    ("SYSTEM_WGETRC", f"{_CONFIG}: wget reads its options (proxy, output files) from it"),
    ("HGRCPATH", f"{_CONFIG}: Mercurial runs the hooks its files name"),
    ("GNUPGHOME", "gpg (git's signing and verifying among others) uses the keys found here"),
    ("CVS_RSH", "cvs runs this command to connect"),
    ("RSYNC_RSH", "rsync runs this command to connect"),
    ("RSYNC_CONNECT_PROG", "rsync runs this command to connect"),
    ("KUBECONFIG", f"{_CONFIG}: kubectl runs its exec credential plugins"),
    ("AWS_CONFIG_FILE", f"{_CONFIG}: the AWS SDKs run its credential_process"),
    ("AWS_SHARED_CREDENTIALS_FILE", f"{_CONFIG}: the AWS SDKs read credentials from it"),
    ("DOCKER_HOST", "docker sends its commands (and registry logins) to this daemon"),
    ("DOCKER_CONFIG", f"{_CONFIG}: docker runs its credential helpers"),
    ("DOCKER_CONTEXT", "docker sends its commands to this context's daemon"),
    ("DOCKER_CERT_PATH", "docker takes its TLS certificates (whom it trusts) from here"),
    ("GH_HOST", "the GitHub CLI sends its token to this host"),
    ("GH_CONFIG_DIR", f"{_CONFIG}: the GitHub CLI"),
    # --- CI runners: what steers the job (GitHub refuses NODE_OPTIONS in $GITHUB_ENV) --------
    ("GITHUB_ACTIONS", "tools (kitaru's masking among them) detect GitHub Actions by it"),
    ("GITHUB_ENV", "later steps of the job read their environment from this file"),
    ("GITHUB_PATH", "later steps of the job read their PATH from this file"),
    ("GITHUB_OUTPUT", "the step's outputs are written to this file"),
    ("GITHUB_STATE", "the action's state is written to this file"),
    ("GITHUB_STEP_SUMMARY", "the job's summary is written to this file"),
    ("GITHUB_WORKSPACE", "actions work in this directory"),
    ("GITHUB_EVENT_PATH", "actions read the triggering event from this file"),
    ("GITHUB_API_URL", "actions send the job's token to this API"),
    ("GITHUB_SERVER_URL", "actions send the job's token to this server"),
    ("GITHUB_GRAPHQL_URL", "actions send the job's token to this API"),
    ("RUNNER_*", "the GitHub runner's own settings (tool cache, temp directory)"),
    ("ACTIONS_*", "the GitHub runner's own settings (cache, OIDC token endpoints)"),
    # --- ZenML's and kitaru's own configuration ----------------------------------------------
    ("ZENML_*", "ZenML's configuration (which server a program talks to, with which key)"),
    ("KITARU_*", "kitaru's own configuration"),
)


# Most keys steer nothing: a set lookup (exact names), one startswith (prefixes) and one
# small regular expression (the other globs) answer that for every pattern at once; the
# per-pattern loop, which finds the reason, runs only for keys that do steer.
_GLOB = re.compile(r"[*?\[]")
_EXACT = frozenset(p for p, _ in STEERING_KEYS if not _GLOB.search(p))
_PREFIXES = tuple(p[:-1] for p, _ in STEERING_KEYS if p.endswith("*") and not _GLOB.search(p[:-1]))
_OTHER = re.compile(
    "|".join(
        f"(?:{translate(p)})"
        for p, _ in STEERING_KEYS
        if _GLOB.search(p) and not (p.endswith("*") and not _GLOB.search(p[:-1]))
    )
)


def _may_steer(key: str) -> bool:
    return key in _EXACT or key.startswith(_PREFIXES) or bool(_OTHER.match(key))


def matches(pattern: str, key: str) -> bool:
    """Does ``key`` fall under ``pattern`` (case-sensitive glob, see the module doc)?"""
    return fnmatchcase(key, pattern)


def steering_reason(key: str) -> str | None:
    """Why ``key`` changes how a program starts, or None when it does not."""
    if not _may_steer(key):
        return None
    for pattern, reason in STEERING_KEYS:
        if fnmatchcase(key, pattern):
            return reason
    return None  # pragma: no cover - _may_steer said one pattern matches


def _reason(key: str, any_case: bool) -> str | None:
    reason = steering_reason(key)
    if reason is None and any_case and key != key.upper():
        reason = steering_reason(key.upper())
    return reason


def steering(
    keys: Iterable[str], allowed: Iterable[str] = (), *, any_case: bool = False
) -> list[tuple[str, str]]:
    """(key, reason) for each of ``keys`` that steers programs and is not in ``allowed``
    (exact names, as the user typed them), sorted by key. ``any_case``: the environment
    ignores case (Windows: ``Path`` is ``PATH``), so a key steers if its upper case does."""
    let_through = set(allowed)
    found = ((key, _reason(key, any_case)) for key in sorted(set(keys)) if key not in let_through)
    return [(key, reason) for key, reason in found if reason is not None]
