"""``dr-designer``: the console command (and ``python -m designer``).

A thin layer above the two front ends: it parses the command line, sets up logging,
and hands ``gui`` and ``export`` to :mod:`designer.ui` and every other command to the
headless :mod:`designer.cli`, importing only the side it needs. It turns errors into
the exit codes of :mod:`designer.cli.parser`: a design that cannot be used is one line
and 2; anything unexpected is one line naming the log file and 3, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from designer.cli import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    GUI_COMMANDS,
    UsageError,
)
from designer.cli.argv import apply_repeated, quick_check, split_repeated
from designer.streams import (
    EXIT_OUTPUT,
    OutputError,
    configure_streams,
    error_line,
    guarded_stdout,
    say,
)

TYPE_CHECKING = False  # typing itself is not imported: `--help` starts without it
if TYPE_CHECKING:
    import argparse

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``dr-designer`` with ``argv`` (default: the process's arguments).

    Standard output is guarded while the command runs (:mod:`designer.streams`): a full
    disk or a standard output closed before the start is exit 4, never a traceback or a
    misleading exit 1; a reader that went away is the command's own exit code, quietly.

    Run as the process's own command (``argv`` None: the console script, ``python -m
    designer``), a headless command leaves its objects to the exit
    (:func:`_leave_objects_to_exit`), and a read-only one called from the main module's
    own code ends the process when it is done (:func:`_end_process`), and so does a
    command line the parse itself ends (``--help``, ``--version``, a usage error); the
    window (``gui``) ends it once its session has ended (:func:`designer.ui.app.leave`)."""
    configure_streams()
    ran: list[str] = []
    own = argv is None and _called_by_main_module()
    try:
        with guarded_stdout():
            code = _main(argv, ran, own)
    except OutputError as exc:
        if exc.broken_pipe:  # export -o -: the reader went away after the drawing was made
            code = EXIT_OK  # the command's own code, quietly, as for the text commands
        else:
            say(error_line(exc))  # standard error may be unwritable too
            code = EXIT_OUTPUT
    finally:
        if argv is None and ran and ran[0] not in (*GUI_COMMANDS, PARSE_ENDED):
            _leave_objects_to_exit()
    if own and ran and ran[0] in ENDS_THE_PROCESS:
        _end_process(code)
    return code


#: What :func:`_main` puts in ``ran`` when the parse itself ended the command line:
#: ``--help`` (of the program or a command), ``--version``, a usage error.
PARSE_ENDED = "(parse ended)"

#: Headless commands that only read files and write to standard output and error, and
#: the parse's own ends (help, version, usage error): run as the process's own, they end
#: it as soon as they are done (:func:`_end_process`).
ENDS_THE_PROCESS = ("check", "rules", "rule", "schema", PARSE_ENDED)


def _called_by_main_module() -> bool:
    """Whether :func:`main` was called by the top-level code of the console script
    (``sys.exit(main())`` in the ``dr-designer`` script pip writes) or of ``python -m
    designer``: the process is the command's own and ends with it. A program calling
    ``main()`` (from a function, or from its own top level), or a test, goes on after
    it."""
    caller = sys._getframe(2)  # main's caller (this function is called by main)
    main_module = sys.modules.get("__main__")
    if (
        main_module is None
        or caller.f_code.co_name != "<module>"
        or caller.f_globals is not vars(main_module)
    ):
        return False
    spec = getattr(main_module, "__spec__", None)
    if spec is not None and spec.name == "designer.__main__":
        return True
    script = os.path.basename(getattr(main_module, "__file__", None) or "")
    return os.path.splitext(script)[0] in ("dr-designer", "dr-designer-script")


def _end_process(code: int) -> None:
    """End the process now with ``code``, as the interpreter's exit would, without its
    teardown: the atexit handlers run (the log's flush and close, anything registered),
    standard output and error are flushed, then :func:`os._exit`. What is skipped is
    freeing every module's objects one by one and the collector's last passes (~4 ms
    CPU after ``check`` of a sample, 7 % of importing pydantic; issue 10). Only when
    nothing else could still need the process: no thread other than daemons is alive
    (the interpreter would wait for it), no interactive prompt is to follow (``python
    -i``), and the streams flush without an error (else the interpreter's own exit says
    and does what it always did)."""
    # Without threading imported, no thread the interpreter would wait for was started
    # (it waits only for threading's non-daemon threads): not imported for --help.
    threading = sys.modules.get("threading")
    if threading is not None:
        main_thread = threading.main_thread()
        if any(t is not main_thread and not t.daemon for t in threading.enumerate()):
            return
    if sys.flags.inspect or os.environ.get("PYTHONINSPECT"):  # python -i: a prompt follows
        return
    import atexit

    atexit._run_exitfuncs()  # run once: the interpreter's exit would find none left
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except Exception:  # the interpreter's exit reports it as before
        return
    os._exit(code & 0xFF)


def _leave_objects_to_exit() -> None:
    """The command is done and the process ends: the garbage collector's passes while
    the interpreter shuts down need not walk its objects again (``gc.freeze``). They
    walked every object left (~34,000 after ``check`` of a sample: ~25 ms, a sixth of
    the command's CPU, issue 10). The exit is otherwise as before: atexit handlers
    (the log's flush), standard streams flushed, modules cleared, objects freed by
    their reference counts. Only objects in reference cycles still alive at the end
    are not collected before the process ends (Python does not promise their
    ``__del__`` at exit); the commands write their files with ``with``, and the log
    file is closed by :mod:`logging`'s atexit handler. Not for the window's commands
    (Qt's objects are left to its own shutdown order)."""
    import gc

    gc.freeze()


def _main(argv: Sequence[str] | None, ran: list[str], own: bool = False) -> int:
    """The command line's command; its name is put in ``ran`` once parsed. ``own``:
    the process is the command's (the window's command then ends it itself)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    # `check FILE…`: what the parser would give, without building it (nor argparse).
    args = quick_check(arguments)
    if args is None:
        parsed = _parse(arguments)
        if isinstance(parsed, int):  # --help, --version, a usage error: its exit code
            ran.append(PARSE_ENDED)
            return parsed
        args = parsed
    command = args.command or "gui"
    ran.append(command)
    from designer.collector import pause, resume

    # A headless command's set-up (the code cache, logging, the commands' module: modules
    # imported, no reference cycles in bulk) runs with the cyclic collector paused and what
    # it made frozen after: a dozen collections less (~1.5 ms of check's start); the
    # command itself runs with the collector as before, the window's set-up too.
    paused = command not in GUI_COMMANDS
    if paused:
        pause()
    try:
        from designer.codecache import compiled_dataclasses

        # Each dataclass's methods compiled once, not by every run (a cache per command).
        with compiled_dataclasses(command):
            from designer.diagnostics import setup_logging

            # A headless command imports logging only if something logs beyond its
            # command line (diagnostics.note); the window's set-up is as before.
            setup_logging(args.verbose or 0, args.log_file, lazy=command not in GUI_COMMANDS)
            if paused:
                import designer.cli.main  # noqa: F401 (the headless commands' module)

                paused = False
                resume(freeze=True)
            return _run(args, arguments, own)
    finally:
        if paused:  # the set-up failed
            resume(freeze=True)


def _parse(arguments: list[str]) -> argparse.Namespace | int:
    """The command line as the parser reads it, or the exit code when the parse itself
    ended it (``--help``, ``--version``, a usage error: argparse has said why)."""
    from designer.cli.parser import build_parser, untranslated_messages

    # argparse's messages without gettext's lookups when there is nothing to find.
    with untranslated_messages():
        parser = build_parser()
        if _opens_a_file(parser, arguments):  # dr-designer FILE: the window on FILE
            arguments = ["gui", *arguments]
        # Thousands of --fail options: collected in one pass (argparse is quadratic in them).
        rest, repeated = split_repeated(arguments)
        try:
            args = parser.parse_args(rest)
            if args.command is None:  # no command: the designer window
                args = parser.parse_args([*rest, "gui"])
            apply_repeated(parser, args, repeated)
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    return args


def _opens_a_file(parser: argparse.ArgumentParser, arguments: list[str]) -> bool:
    """``dr-designer design.json``: the first argument is a file, not a command."""
    if not arguments or arguments[0].startswith("-"):
        return False
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    return arguments[0] not in dict(commands or {}) and os.path.isfile(arguments[0])


def _is_design_error(exc: BaseException) -> bool:
    """A DesignError (bad input) — without importing the domain model to ask: if it
    was never imported, nothing raised one."""
    errors = sys.modules.get("designer.domain.errors")
    return errors is not None and isinstance(exc, errors.DesignError)


def _run(args: argparse.Namespace, arguments: list[str], own: bool = False) -> int:
    from designer import version
    from designer.bundled import MissingDataError
    from designer.diagnostics import internal_error_message, log, log_path, note

    quiet = {"file_only": True}  # the log file's record; stderr gets one line at most
    note(f"dr-designer {version()}: {' '.join(arguments) or 'gui'}")
    try:
        if args.command in GUI_COMMANDS:
            return _run_ui(args, own)
        from designer.cli.main import run

        return run(args)
    except UsageError as exc:
        print(error_line(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except OutputError:
        raise
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except MissingDataError as exc:  # a broken installation
        log.error("%s", exc, extra=quiet)
        where = log_path()
        print(f"dr-designer: {exc}" + (f" (logged in {where})" if where else ""), file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:
        if _is_design_error(exc):  # the input cannot be used: it says what and where
            log.info("bad input: %s", exc, extra=quiet)
            print(error_line(exc), file=sys.stderr)  # escaped, at most ~1,000 characters
            return EXIT_BAD_INPUT
        print(f"dr-designer: {internal_error_message(exc)}", file=sys.stderr)
        return EXIT_INTERNAL


def _run_ui(args: argparse.Namespace, own: bool = False) -> int:
    if args.command == "export":
        from designer.cli.interop_cmd import exports_headless

        if exports_headless(args.output):  # draw.io, GraphML, GEXF, calculator CSVs
            from designer.cli.main import cmd_export_headless

            return cmd_export_headless(args)
        from designer.ui.export import export_command

        return export_command(args)
    if args.command == "report":
        from designer.ui.review import report_command

        return report_command(args)
    file = getattr(args, "file", None)
    if file:
        from designer import bytecheck

        # A big file's keys counted by a child process on the other core while this one
        # imports the window's modules and builds it (the loader takes its answer).
        bytecheck.start(file)
    try:
        from designer.ui.app import run_gui

        # The process's own window ends the process once its session has ended, without
        # the interpreter's teardown (designer.ui.app.leave).
        return run_gui(args, _end_process if own else None)
    finally:
        if file:
            bytecheck.forget()  # a child no load took (no window, the recovery offer)


if __name__ == "__main__":
    raise SystemExit(main())
