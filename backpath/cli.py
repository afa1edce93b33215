"""The ``backpath`` command line: JSON in, JSON out; CSV batches for research.

Exit codes: 0 success; 2 bad input (one line on stderr naming the field and what is
allowed), also when some rows of a CSV batch were bad. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from backpath import __version__
from backpath.clinical.batch import RowScorer, output_columns
from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import instrument
from backpath.clinical.language import Lang, Text
from backpath.research.options import DEFAULT_MIN_CELL, Format

if TYPE_CHECKING:
    from backpath.education.modules import Module
    from backpath.exercises.library import Exercise

# The JSON commands import their modules when they run, so that the batch command, which
# researchers call on many files, starts without loading the whole clinical flow.

BAD_INPUT = 2


class BadInput(Exception):
    """Bad input found by the command line itself (files, JSON, CSV shape)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(BAD_INPUT, f"backpath: error: {message}\n")


def _read_text(path: str) -> str:
    try:
        if path == "-":
            return sys.stdin.read()
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as error:
        raise BadInput(f"{path}: cannot read ({error.__class__.__name__})") from None


def _read_json(path: str) -> Any:
    text = _read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BadInput(
            f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except RecursionError:
        raise BadInput(f"{path}: not valid JSON (nested too deeply)") from None


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cmd_instruments(args: argparse.Namespace) -> int:
    from backpath import interchange
    from backpath.clinical.instruments import instruments

    if args.action is None:  # argparse allows only "show" otherwise
        _print_json([interchange.instrument_summary_json(d) for d in instruments().values()])
        return 0
    if not args.id:
        raise BadInput("instruments show: name an instrument id")
    definition = instrument(args.id)
    if args.wording:
        definition = definition.with_wording(_read_wording(args.wording))
    _print_json(interchange.instrument_json(definition))
    return 0


def _read_wording(path: str) -> Any:
    import yaml

    try:
        data = yaml.safe_load(_read_text(path))
    except yaml.YAMLError as error:
        raise BadInput(f"{path}: not valid YAML or JSON ({error.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise BadInput(f"{path}: a wording file holds one object")
    return data


def cmd_score(args: argparse.Namespace) -> int:
    from backpath import interchange
    from backpath.clinical.scoring import score

    definition = instrument(args.id)
    lang = Lang(args.lang)
    if args.csv:
        if args.file:
            raise BadInput("score: give either FILE or --csv, not both")
        return _score_csv(definition.id, args.csv, sys.stdout)
    data = _read_json(args.file or "-")
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise BadInput('input: expected an object {"answers": {"q1": ..., ...}}')
    if extra := sorted(set(data) - {"answers"}):
        raise BadInput(f"{extra[0]}: unknown field; the input has only 'answers'")
    _print_json(interchange.score_json(score(definition, data["answers"]), lang))
    return 0


def _score_csv(instrument_id: str, path: str, out: TextIO) -> int:
    definition = instrument(instrument_id)
    try:
        handle = sys.stdin if path == "-" else open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as error:
        raise BadInput(f"{path}: cannot read ({error.strerror})") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as error:
            raise BadInput(f"{path}: line 1: not readable CSV ({error})") from None
        if not header:
            raise BadInput(f"{path}: empty file; the first line must name the columns")
        header = [name.strip() for name in header]
        if header.count("id") > 1:
            raise BadInput(f"{path}: line 1: header: the id column appears twice")
        has_id = "id" in header
        id_at = header.index("id") if has_id else -1
        columns = [name for name in header if name != "id"]
        try:
            scorer = RowScorer(definition, columns)
        except ClinicalInputError as error:
            raise BadInput(f"{path}: line 1: {error}") from None
        if isinstance(out, io.TextIOWrapper):
            # Under PYTHONUNBUFFERED every row would be one system call; batch the writes.
            out.reconfigure(write_through=False)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow((["id"] if has_id else []) + output_columns(definition))
        bad = _BadRows(path)
        writer.writerows(_score_rows(reader, scorer, id_at, bad))
        out.flush()
    if bad.count:
        print(f"{path}: {bad.count} bad row(s) skipped; the others were scored", file=sys.stderr)
        return BAD_INPUT
    return 0


class _BadRows:
    """Reports each bad row on stderr as it is met, and counts them."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.count = 0

    def report(self, where: str, problem: object) -> None:
        self.count += 1
        print(f"{self.path}: {where}: {problem}", file=sys.stderr)


def _score_rows(
    reader: Any, scorer: RowScorer, id_at: int, bad: _BadRows
) -> Iterator[Sequence[str]]:
    """The result rows of the good input rows; bad rows are reported and skipped."""
    score_row = scorer.score
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as error:
            bad.report(f"line {reader.line_num}", f"not readable CSV ({error})")
            continue
        if not row:
            continue  # a blank line is no response
        try:
            if id_at < 0:
                yield score_row(row)
            elif id_at == 0:
                yield (row[0], *score_row(row[1:]))
            else:
                yield (row[id_at], *score_row(row[:id_at] + row[id_at + 1 :]))
        except (ClinicalInputError, IndexError) as error:
            where = f"line {reader.line_num}"
            if 0 <= id_at < len(row):
                where += f" (id {row[id_at]})"
            problem = error if isinstance(error, ClinicalInputError) else "row: too few cells"
            bad.report(where, problem)


def cmd_redflags(args: argparse.Namespace) -> int:
    from backpath import interchange
    from backpath.clinical.redflags import red_flag_bank

    _print_json(interchange.red_flags_json(red_flag_bank()))
    return 0


def cmd_assess(args: argparse.Namespace) -> int:
    from backpath import interchange
    from backpath.clinical.intake import assess, parse_intake

    text = _read_text(args.file)
    assessment = assess(parse_intake(text))
    _print_json(interchange.assessment_json(assessment, Lang(args.lang)))
    return 0


def cmd_exercises(args: argparse.Namespace) -> int:
    from backpath.exercises.library import library

    exercises = library()
    if args.action is None:  # argparse allows only "render" otherwise
        _print_json([_exercise_json(exercise) for exercise in exercises.values()])
        return 0
    if not args.id:
        raise BadInput("exercises render: name an exercise id")
    if args.id not in exercises:
        raise BadInput(f"{args.id}: no such exercise; `backpath exercises` lists them")
    from backpath.exercises.render import render_svg

    sys.stdout.write(render_svg(exercises[args.id]) + "\n")
    return 0


def _exercise_json(exercise: Exercise) -> dict[str, Any]:
    dosage = exercise.dosage.model_dump(exclude_none=True)
    return {
        "id": exercise.id,
        "name": {"nl": exercise.name.nl, "en": exercise.name.en},
        "category": exercise.category.value,
        "position": exercise.position.value,
        "level": exercise.level,
        "equipment": [item.value for item in exercise.equipment],
        "dosage": dosage,
        "profiles": [profile.value for profile in exercise.profiles],
        "progressions": list(exercise.progressions),
        "regressions": list(exercise.regressions),
    }


def cmd_education(args: argparse.Namespace) -> int:
    from backpath.education.modules import curriculum, modules

    if args.profile is None:
        _print_json([_module_json(module) for module in modules().values()])
        return 0
    from backpath.clinical.stratification import Profile

    plan = curriculum(Profile(args.profile))
    _print_json([{"week": week, "id": module_id} for week, module_id in plan])
    return 0


def _text(value: Text) -> dict[str, str]:
    return {"nl": value.nl, "en": value.en}


def _module_json(module: Module) -> dict[str, Any]:
    return {
        "id": module.id,
        "title": _text(module.title),
        "body": _text(module.body),
        "week": module.week,
        "psychosocial": module.psychosocial,
        "sources": list(module.sources),
        "questions": [
            {
                "question": _text(question.question),
                "options": [_text(option) for option in question.options],
                "answer": question.answer,
            }
            for question in module.questions
        ],
    }


def cmd_walkthrough(args: argparse.Namespace) -> int:
    from backpath.walkthrough import run_walkthrough

    return run_walkthrough(Lang(args.lang), sys.stdout)


def _django_setup(demo: bool = False) -> None:
    if demo:
        # The demo runs over plain HTTP on this machine with a throwaway key.
        os.environ.setdefault("BACKPATH_DEMO", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backpath.web.settings")
    import django

    django.setup()


def cmd_demo(args: argparse.Namespace) -> int:
    _django_setup(demo=True)
    from django.conf import settings
    from django.core.management import call_command

    from backpath.web.demo_data import DEMO_PASSWORD, LOGINS, load_demo, load_history

    call_command("migrate", interactive=False, verbosity=0)
    created = load_demo()
    url = f"http://{args.host}:{args.port}/"
    print(f"backpath demo: {'demo data loaded' if created else 'demo data already present'}")
    if created:
        print(f"  {load_history()} past patients generated for the quality page")
    print(f"  data directory: {settings.DATA_DIR}")
    print(f"  open {url}  (all demo accounts use the password {DEMO_PASSWORD})")
    for login in LOGINS:
        print(f"  {login.email:<24} {login.role:<13} {login.what}")
    print(f"  emails (invitations, resets) are printed here and kept in {settings.OUTBOX_DIR}")
    sys.stdout.flush()
    if args.no_serve:
        return 0
    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False, skip_checks=True)
    return 0


def cmd_booklet(args: argparse.Namespace) -> int:
    output = Path(args.output)
    if output.suffix.lower() != ".pdf":
        raise BadInput(f"{args.output}: the e-book is a PDF; name the file *.pdf")
    if not output.parent.is_dir():
        raise BadInput(f"{args.output}: no such folder {str(output.parent)!r}")
    # Templates and translations come from the web app's settings; no database is used.
    _django_setup(demo=True)
    from datetime import date

    from backpath.programs.booklets import library_booklet

    try:
        output.write_bytes(library_booklet(Lang(args.lang), args.clinic, date.today()))
    except OSError as error:
        raise BadInput(f"{args.output}: cannot write ({error.strerror})") from None
    print(f"backpath booklet: wrote {output}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from django.core.exceptions import ImproperlyConfigured

    try:
        _django_setup()
    except ImproperlyConfigured as error:
        raise BadInput(str(error)) from None
    from backpath.research.export import ExportRefused, ExportRequest, export

    request = ExportRequest(
        start=args.start,
        end=args.end,
        format=Format(args.format),
        output=Path(args.output),
        clinic=args.clinic,
        min_cell=args.min_cell,
    )
    try:
        done = export(request)
    except ExportRefused as error:
        raise BadInput(str(error)) from None
    rows = ", ".join(f"{count} {table}" for table, count in done.rows.items())
    print(f"backpath export: wrote {rows} to {done.output}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from django.core.exceptions import ImproperlyConfigured

    try:
        _django_setup()
    except ImproperlyConfigured as error:
        raise BadInput(str(error)) from None
    from backpath.synthetic.generate import GenerateRefused, generate

    try:
        done = generate(clinics=args.clinics, patients=args.patients, seed=args.seed)
    except GenerateRefused as error:
        raise BadInput(str(error)) from None
    rows = sum(done.rows.values())
    counted = ", ".join(
        f"{n} {word if n == 1 else word + 's'}"
        for n, word in (
            (done.clinics, "synthetic clinic"),
            (done.clinicians, "clinician"),
            (done.patients, "patient"),
        )
    )
    print(f"backpath generate: {counted} ({rows} records)")
    return 0


def _day(raw: str) -> date:
    # fromisoformat alone would also take 20260501 and week dates; the option says YYYY-MM-DD.
    try:
        day = date.fromisoformat(raw) if len(raw) == len("YYYY-MM-DD") else None
    except ValueError:
        day = None
    if day is None:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {raw!r}")
    return day


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {raw!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 1-65535, not {port}")
    return port


def run_django(argv: Sequence[str]) -> int:
    """Any other command is one of Django's management commands (migrate, createsuperuser...)."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        _django_setup()
    except ImproperlyConfigured as error:
        raise BadInput(str(error)) from None
    from django.core.management import execute_from_command_line

    execute_from_command_line(["backpath", *argv])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="backpath", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"backpath {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = commands.add_parser("instruments", help="list instruments, or show one as JSON")
    p.add_argument("action", nargs="?", choices=["show"], help="show one definition")
    p.add_argument("id", nargs="?", help="instrument id, e.g. startback")
    p.add_argument("--wording", metavar="FILE", help="a clinic's licensed wording (YAML/JSON)")
    p.set_defaults(run=cmd_instruments)

    lang_help = "language of the texts in the output (default: en)"
    p = commands.add_parser("score", help="score one response (JSON) or a CSV batch")
    p.add_argument("id", help="instrument id, e.g. startback")
    p.add_argument("file", nargs="?", help='JSON file {"answers": {...}}, or - for stdin')
    p.add_argument("--csv", metavar="IN.csv", help="score a CSV batch, one row per response")
    p.add_argument("--lang", choices=[lang.value for lang in Lang], default="en", help=lang_help)
    p.set_defaults(run=cmd_score)

    p = commands.add_parser("redflags", help="print the red-flag question bank as JSON")
    p.set_defaults(run=cmd_redflags)

    p = commands.add_parser("assess", help="triage, stratify and plan one intake (JSON)")
    p.add_argument("file", help="intake JSON file, or - for stdin")
    p.add_argument("--lang", choices=[lang.value for lang in Lang], default="en", help=lang_help)
    p.set_defaults(run=cmd_assess)

    p = commands.add_parser("exercises", help="list the exercise library, or draw one as SVG")
    p.add_argument("action", nargs="?", choices=["render"], help="draw one exercise as SVG")
    p.add_argument("id", nargs="?", help="exercise id, e.g. bridge")
    p.set_defaults(run=cmd_exercises)

    p = commands.add_parser("education", help="list the education modules, or one curriculum")
    p.add_argument(
        "--profile",
        choices=["low", "medium", "high"],
        help="print the (week, id) curriculum for this risk profile instead",
    )
    p.set_defaults(run=cmd_education)

    p = commands.add_parser("booklet", help="write the whole exercise library as a PDF e-book")
    p.add_argument("--lang", choices=[lang.value for lang in Lang], default="nl", help="nl or en")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="where to write it")
    p.add_argument("--clinic", default="backpath", help="the clinic name on the cover")
    p.set_defaults(run=cmd_booklet)

    p = commands.add_parser("walkthrough", help="walk through the example intakes (text)")
    p.add_argument("--lang", choices=[lang.value for lang in Lang], default="en", help=lang_help)
    p.set_defaults(run=cmd_walkthrough)

    p = commands.add_parser("demo", help="run the web app with demo data (SQLite in var/)")
    p.add_argument("--port", type=_port, default=8000, help="port to serve on (default 8000)")
    p.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    p.add_argument("--no-serve", action="store_true", help="migrate and load the demo, then stop")
    p.set_defaults(run=cmd_demo)

    p = commands.add_parser("export", help="the pseudonymised research export of a period")
    for option, dest, what in (("--from", "start", "on or after"), ("--to", "end", "up to")):
        p.add_argument(
            option,
            dest=dest,
            type=_day,
            required=True,
            metavar="YYYY-MM-DD",
            help=f"episodes opened {what} this day",
        )
    p.add_argument("--clinic", help="only this clinic's episodes (its name or id)")
    p.add_argument("--format", choices=[f.value for f in Format], required=True)
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="a new or empty folder")
    p.add_argument(
        "--min-cell",
        type=int,
        default=DEFAULT_MIN_CELL,
        metavar="N",
        help=f"suppress a value found in fewer than N rows (default {DEFAULT_MIN_CELL})",
    )
    p.set_defaults(run=cmd_export)

    p = commands.add_parser("generate", help="synthetic clinics and patients, for tests at scale")
    p.add_argument("--clinics", type=int, required=True, metavar="N", help="new clinics to make")
    p.add_argument("--patients", type=int, required=True, metavar="M", help="patients in all")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="the same seed, the same data")
    p.set_defaults(run=cmd_generate)
    return parser


OWN_COMMANDS = frozenset(
    {
        "instruments",
        "score",
        "redflags",
        "assess",
        "exercises",
        "education",
        "booklet",
        "walkthrough",
        "demo",
        "export",
        "generate",
        "-h",
        "--help",
        "--version",
    }
)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] not in OWN_COMMANDS:
            return run_django(argv)
        args = build_parser().parse_args(argv)
        code: int = args.run(args)
    except (BadInput, ClinicalInputError) as error:
        print(f"backpath: error: {error}", file=sys.stderr)
        return BAD_INPUT
    except BrokenPipeError:  # e.g. `backpath score ... | head`
        sys.stderr.close()
        return 0
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
