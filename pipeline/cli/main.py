"""The command line: `halsocenter rapport|kontrollera|…` (and `python -m pipeline`).

Only parsing (cli/arguments.py), printing (cli/commands.py) and exit codes: the jobs
live in report/, comparison/ and coach/. Everything the coach sees is Swedish, help
and argument errors included; a problem the coach can fix ends in one Swedish line
(exit 1), an unexpected failure in one Swedish line and a log file in the user's cache
folder (exit 2), never a traceback.

Exit codes: 0 done, 1 something to fix (input, files, folders), 2 a program
error or a mistyped command, 130 interrupted.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from pipeline import config
from pipeline.cli.arguments import parse

# What a command needs is loaded when it runs: `halsocenter --help` loads the parser only.

LOG_NAME = "halsocenter-fel.log"


def replace_unencodable() -> None:
    """A console or a redirected file in cp1252 or cp850 (Windows) has no '⟨':
    such a character is printed as '?', never a UnicodeEncodeError that ends the run."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)  # None under pythonw
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a closed or odd stream
                reconfigure(errors="replace")


def main(argv: list[str] | None = None) -> int:
    replace_unencodable()
    config.command_line_run()  # charts, the template's variables: kept between runs
    try:
        args = parse(sys.argv[1:] if argv is None else list(argv))
        if isinstance(args, int):
            return args
        return run(args)
    except KeyboardInterrupt:
        from pipeline.cli import commands

        commands.say("Avbrutet. Inga filer ändrades.")
        return 130
    except Exception as error:
        return failed(error)
    finally:
        config.command_line_run(False)  # main() called by a test or a script: only its run


def failed(error: Exception) -> int:
    """A problem the coach can fix: one Swedish line, exit 1. Anything else is the last line
    of defence: one line, the traceback in a log, exit 2; never a traceback on screen."""
    from pipeline.cli import commands
    from pipeline.contract import schema as contract
    from pipeline.publish.folder import FolderProblem

    if isinstance(error, FolderProblem):
        commands.say(str(error))
        return 1
    if isinstance(error, PermissionError):  # a file open in another program, or read-only
        name = Path(error.filename).name if error.filename else "filen"
        commands.say(
            f"Filen {name} kunde inte skrivas: den är öppen i ett annat program eller "
            f"skrivskyddad ({error.filename}). Stäng den och kör igen."
        )
        return 1
    if isinstance(error, contract.ContractError):  # a schema file in data/schemas/ that is off
        commands.say(f"Fel i kontraktet i {config.SCHEMAS}: {error}")
        return 1
    from pipeline.publish.docx_fill import TemplateProblem

    if isinstance(error, TemplateProblem):
        commands.say(f"Fel i Word-mallen: {error}")
        return 1
    log_path = write_log()
    where = (
        f"Detaljer finns i {log_path}; skicka filen till den som sköter programmet."
        if log_path
        else "Ingen loggfil kunde skrivas."
    )
    commands.say(
        f"Ett oväntat fel inträffade ({type(error).__name__}). Inga filer ändrades. {where}"
    )
    return 2


def run(args) -> int:
    """One parsed command, run; its exit code."""
    from pipeline.cli import commands
    from pipeline.report import job as report_job

    out: Path = getattr(args, "ut", None) or config.OUTPUT
    if args.command == "mallar":
        return commands.run_mallar(args.ut or config.RAW, args.skriv_over)
    if args.command == "pdf":
        return commands.run_pdf(out, args.fil)
    if args.command == "jamfor":
        return commands.run_compare(args.indata or config.REGION, out, args.ar)
    if args.command == "exempel":
        return commands.run_exempel(args.kommun, args.ar, args.slumpfro, args.ut, args.skriv_over)
    if args.command == "konto":
        return commands.run_konto(args.namn, args.kommun, args.region, args.admin)
    folders = report_job.choose_folders(args.indata, out)
    commands.say_example(folders)
    if args.command == "nytt-ar":
        return commands.run_nytt_ar(folders.raw, folders.out, args.skriv_over)
    if args.command == "kontrollera":
        return 0 if commands.run_check(folders.raw, folders.out).validation.ok else 1
    return commands.run_report(folders.raw, folders.out, force=args.tvinga)


def log_folders() -> list[Path]:
    """Where the last-resort log may go: the user's cache folder, then the temp folder."""
    import tempfile

    folders = []
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        folders.append(Path(os.environ["LOCALAPPDATA"]) / "halsocenter")
    elif os.environ.get("XDG_CACHE_HOME"):
        folders.append(Path(os.environ["XDG_CACHE_HOME"]) / "halsocenter")
    else:
        folders.append(Path.home() / ".cache" / "halsocenter")
    folders.append(Path(tempfile.gettempdir()) / "halsocenter")
    return folders


def write_log() -> Path | None:
    """Append the traceback to the first log folder that can be written; None if none can."""
    import datetime as dt
    import traceback

    text = f"--- {dt.datetime.now().isoformat(timespec='seconds')}\n{traceback.format_exc()}"
    for folder in log_folders():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / LOG_NAME
            with path.open("a", encoding="utf-8") as handle:
                handle.write(text)
            return path
        except OSError:
            continue
    return None


if __name__ == "__main__":
    sys.exit(main())
