"""The ``trustlab`` command line.

Each family of commands lives in its own module with a ``register(app)`` function, and is added
here explicitly, one line each in :func:`_register` (no import side effects, no plugin magic).
:func:`main` is the console script: it turns every bad input into one line on stderr and exit
code 2, never a traceback.
"""

from __future__ import annotations

import sys
from typing import Annotated, NoReturn

import typer
from typer._click import exceptions as click_exceptions

from trustlab.domain.errors import TrustlabError
from trustlab.interfaces.cli._common import UsageFailure, set_threads

__all__ = ["app", "main"]

EXAMPLES = """Examples:

  trustlab strategies --tag explorable

  trustlab match copycat always-defect --turns 10 --seed 1 --format json

  trustlab tournament --noise 0.05 --repetitions 20 --seed 1

Every command takes --format table|json|csv and --help; bad input exits with code 2."""

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
        from trustlab.domain.matches import version

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
    try:
        code = app(args=argv, prog_name="trustlab", standalone_mode=False)
    except (TrustlabError, UsageFailure) as exc:
        _error(str(exc))
    except click_exceptions.NoArgsIsHelpError as exc:
        exc.show()
        raise SystemExit(0) from None
    except click_exceptions.UsageError as exc:
        _error(exc.format_message() + _usage_hint(exc))
    except click_exceptions.ClickException as exc:
        _error(exc.format_message())
    except typer.Abort:
        sys.stderr.write("aborted\n")
        raise SystemExit(130) from None
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None
    except BrokenPipeError:
        # `trustlab strategies | head`: the reader left; say nothing more.
        sys.stderr.close()
        raise SystemExit(0) from None
    if isinstance(code, int) and code != 0:
        raise SystemExit(code)


def _error(message: str) -> NoReturn:
    """One line on stderr, exit code 2."""
    line = " ".join(message.split())
    sys.stderr.write(f"error: {line}\n")
    raise SystemExit(2) from None
