"""The ``trustlab`` command line.

Each family of commands lives in its own module with a ``register(app)`` function, and is added
here explicitly, one line each in :func:`_register` (no import side effects, no plugin magic).
:func:`main` is the console script: it turns every bad input into one line on stderr and exit
code 2, never a traceback.
"""

from __future__ import annotations

import re
import sys
from typing import Annotated, NoReturn

import typer
from typer._click import exceptions as click_exceptions

from trustlab.domain.errors import TrustlabError
from trustlab.interfaces.cli._common import ECHO_CHARS, UsageFailure, set_threads

__all__ = ["app", "main"]

EXAMPLES = """Examples:

  trustlab strategies --tag explorable

  trustlab match copycat always-defect --turns 10 --seed 1 --format json

  trustlab tournament --noise 0.05 --repetitions 20 --seed 1

Every command takes --format table|json|csv and --help; bad input exits with code 2.
Commands that draw random numbers (match, tournament, evolve, society, critical-mass) take
--seed."""

app = typer.Typer(
    name="trustlab",
    help="A laboratory for the evolution of trust: games, characters, matches, tournaments, "
    "analysis, evolving populations and a society of agents.",
    epilog=EXAMPLES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from trustlab.domain.provenance import version

        sys.stdout.write(f"trustlab {version()}\n")
        raise typer.Exit()


@app.callback()
def _options(
    threads: Annotated[
        int | None,
        typer.Option(
            "--threads",
            help="Threads for the compiled kernels (default: all cores). Results do not change.",
        ),
    ] = None,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Options shared by every command (given before the command's name)."""
    if threads is not None:
        set_threads(threads)


_registered = False


def _register() -> None:
    global _registered
    if _registered:
        return
    _registered = True
    # Per command module, in help order: import it and call its `register(app)`, which adds its
    # commands (plain functions) with `app.command(...)`.
    from trustlab.interfaces.cli import evolve, play

    play.register(app)
    from trustlab.interfaces.cli import analysis as analysis_cli

    analysis_cli.register(app)
    evolve.register(app)
    from trustlab.interfaces.cli import society as society_cli

    society_cli.register(app)
    from trustlab.interfaces.cli import experiments as experiments_cli

    experiments_cli.register(app)
    __import__("trustlab.interfaces.cli.serve", fromlist=["register"]).register(app)


def _usage_hint(exc: click_exceptions.UsageError) -> str:
    """`` (see 'trustlab match --help')`` for a usage error inside a command."""
    ctx = exc.ctx
    return f" (see '{ctx.command_path} --help')" if ctx is not None else ""


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; bad input exits with code 2 and one line on stderr.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after ``trustlab`` (default: ``sys.argv[1:]``).
    """
    _register()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = app(args=args, prog_name="trustlab", standalone_mode=False)
    except TrustlabError as exc:
        _error(_with_option_names(str(exc), args))
    except UsageFailure as exc:
        _error(str(exc))
    except click_exceptions.NoArgsIsHelpError as exc:
        # `trustlab` alone, or a group such as `trustlab analyze` without its subcommand: the
        # usage, and exit code 2 (nothing was done)
        exc.show()
        raise SystemExit(2) from None
    except click_exceptions.UsageError as exc:
        _error(exc.format_message() + _usage_hint(exc))
    except click_exceptions.ClickException as exc:
        _error(exc.format_message())
    except typer.Abort:
        sys.stderr.write("aborted\n")
        raise SystemExit(130) from None
    except MemoryError:
        # the sizes are checked before work; this is the net under an estimate that fell short
        _error("out of memory: ask for fewer repetitions, turns, runs or a smaller population")
    except KeyboardInterrupt:
        _interrupted()
    except BrokenPipeError:
        # `trustlab strategies | head`: the reader left; say nothing more.
        sys.stderr.close()
        raise SystemExit(0) from None
    if code == 130:  # typer turns Ctrl-C inside a command into this return code
        _interrupted()
    if isinstance(code, int) and code != 0:
        raise SystemExit(code)


def _interrupted() -> NoReturn:
    sys.stderr.write("interrupted (Ctrl-C); nothing more was written\n")
    raise SystemExit(130) from None


def _command(args: list[str]) -> typer.core.TyperCommand | None:
    """The (sub)command ``args`` invoke, for naming its options in messages."""
    cmd: object = typer.main.get_command(app)
    for word in args:
        sub = getattr(cmd, "commands", None)
        if sub is None:
            break
        if word in sub:
            cmd = sub[word]
    return cmd if not hasattr(cmd, "commands") else None  # type: ignore[return-value]


#: Words of domain messages that are not a command's parameter name, and their options.
_ALIASES = {
    "exploiters share": "--exploiters",
    "t_max": "--t-max",
    "n_agents": "--agents",
    "record_every": "--record-every",
    "n_population": "--population",
}


def _with_option_names(message: str, args: list[str]) -> str:
    """A domain message with the parameters it names written as the command's options:
    ``t_max must be positive`` → ``--t-max must be positive``; ``repetitions = 10`` →
    ``--repetitions 10``. Only a name at the start of the message or of a clause (before ``must``,
    ``=`` or ``(``) is rewritten, so ordinary words stay words."""
    cmd = _command(args)
    names: dict[str, str] = {}
    for p in getattr(cmd, "params", []):
        longs = [o for o in p.opts if o.startswith("--")]
        if longs and p.name:
            names[p.name] = longs[0]
            names.setdefault(p.name.replace("_", " "), longs[0])
    for word, opt in _ALIASES.items():
        if cmd is None or any(opt == o for p in cmd.params for o in p.opts):
            names.setdefault(word, opt)
    if not names:
        return message
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w'\"-])({alternatives})(?=( must\b| = | \())")

    def swap(m: re.Match[str]) -> str:
        return names[m.group(1)]

    out = pattern.sub(swap, message)
    return re.sub(r"(--[\w-]+) = ", r"\1 ", out)


def _error(message: str) -> NoReturn:
    """One line on stderr, exit code 2; quoted user input is cut short."""
    line = " ".join(message.split())
    limit = ECHO_CHARS
    line = re.sub(
        rf"'([^']{{{limit + 1},}})'", lambda m: "'" + m.group(1)[: limit - 1] + "…'", line
    )
    if len(line) > 400:
        line = line[:399] + "…"
    sys.stderr.write(f"error: {line}\n")
    raise SystemExit(2) from None
