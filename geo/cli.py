"""The command line: ``python -m geo ingest | extract | export | evaluate | evaluate-incidents``."""
from __future__ import annotations

import argparse
import sys
from contextlib import closing


INGEST_HELP = """Extract articles into the store, one transaction each, and print what happened.
An article's id is its manifest.csv id, else its file's name without the extension, so a/report.txt and
b/report.txt (no manifest) are both "report": the second is refused, naming the first's source, unless
--replace is given; the summary lists each replaced id. A file already stored is skipped. A store that
can't be used (a folder, read-only, damaged, full) is one line on standard error; a batch it stops still
prints what was saved. Exit status: 0 if anything was stored or skipped, 1 if all was refused, 2 if the
store failed."""


STORE_HELP = "a SQLite file or a postgresql:// URL (default $ATLAS_STORE, else data/atlas.sqlite)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo", description="Arabic news -> places and events.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="extract articles (.txt/.html files or folders with manifest.csv) into the store",
                       description=INGEST_HELP)
    p.add_argument("paths", nargs="+")
    p.add_argument("--store", help=STORE_HELP)
    p.add_argument("--replace", action="store_true",
                   help="let an article replace the stored one with the same id and other text (listed by id)")
    p.add_argument("--workers", type=worker_count, default=1, metavar="N",
                   help="extract in N processes (default 1); the saves stay in one, in the files' order")
    add_optional_arguments(p)
    p = sub.add_parser("extract", help="JSON Lines in (id, text, published), JSON Lines out; a pure filter")
    add_optional_arguments(p)
    p = sub.add_parser("export", help="write the store's events (or its change history) as csv, geojson or json")
    p.add_argument("--format", choices=("csv", "geojson", "json"), default="csv")
    p.add_argument("--changes", action="store_true",
                   help="the change history instead (who, when, what: articles added and replaced, corrections, "
                        "undos; csv or json)")
    p.add_argument("--store", help=STORE_HELP)
    p.add_argument("--output", "-o", help="file to write (default standard output)")
    p = sub.add_parser("evaluate", help="score the pipeline against a gold file")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    sub.add_parser("evaluate-incidents", help="score the incident merging against tests/gold/incidents.jsonl")
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["evaluate-incidents"]:      # its options are its own (all optional, so not REMAINDER)
        from .evaluate_incidents import main as incidents_main
        return incidents_main(argv[1:])
    args = parser.parse_args(argv)
    if args.command == "extract":
        return run_extract(sys.stdin.buffer, sys.stdout, optional_resources(args))
    if args.command == "ingest":
        return run_ingest(args.paths, args.store, optional_resources(args), replace=args.replace,
                          workers=args.workers)
    if args.command == "export":
        return run_export(args.format, args.store, args.output, args.changes)
    from .evaluate import main as evaluate_main
    return evaluate_main(args.rest)


def worker_count(value: str) -> int:
    """--workers: a whole number from 1 (anything else is a usage error naming the option)."""
    n = int(value) if value.strip().isdigit() else 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"a whole number of processes, 1 or more, not {value!r}")
    return n


def add_optional_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ner-model", metavar="DIR",
                   help="also run CAMeL Tools' NER from this model directory (default $ATLAS_NER_MODEL, else the "
                        "model `camel_data -i ner-arabert` installed, if any; 'off' to disable)")
    p.add_argument("--online-geocoding", action="store_true", default=None,
                   help="look names the gazetteer can't place up on Nominatim (default $ATLAS_ONLINE_GEOCODING)")


def optional_resources(args):
    """The pipeline's resources with the NER / online options of the command line (None: the defaults)."""
    if args.ner_model is None and not args.online_geocoding:
        return None
    from .augment import resources_for
    return resources_for(args.ner_model, args.online_geocoding)


def run_extract(stdin, stdout, resources=None) -> int:
    """One output line per non-blank input line, same order (a line of only white space gets none).
    ``stdin`` gives bytes (read as UTF-8, so a bad byte spoils only its own line) or text. A line that
    can't be read or processed gets ``{"id", "error"}`` and the run goes on; only Ctrl-C stops it."""
    from .pipeline import extract_jsonl_line
    for line in stdin:
        out = extract_jsonl_line(line, resources)
        if out is not None:
            stdout.write(out + "\n")
    stdout.flush()
    return 0


def run_ingest(paths: list[str], store: str | None, resources=None, replace: bool = False, workers: int = 1) -> int:
    """Ingest and print the report (see INGEST_HELP); a store that can't be used, or options that can't go to
    ``workers`` processes, is one line, exit 2."""
    from .ingest import WorkersError, ingest
    from .store import StoreError, connect, store_target
    from .store.postgres import redacted
    try:
        with closing(connect(store, check=True)) as conn:
            report = ingest(paths, conn, progress=sys.stderr.isatty(), resources=resources, replace=replace,
                            workers=workers)
    except (StoreError, WorkersError) as e:
        return fail(str(e))
    print("\n".join(report.lines() + [f"store: {redacted(store_target(store))}"]))
    if report.stopped:
        return 2
    return 0 if not report.refused or report.added or report.replaced or report.unchanged else 1


def run_export(fmt: str, store: str | None, output: str | None, changes: bool = False) -> int:
    """Write the store's events, or with ``changes`` its change history (read-only: a read-only store or folder
    exports too); a store that can't be read or a file that can't be written is one line, exit 2."""
    from .export import export_changes, export_events
    from .store.history import changes as history
    from .store import StoreError, read_events
    if changes and fmt == "geojson":
        return fail("the change history has no places: export it as csv or json")
    try:
        with closing(readable_store(store)) as conn:
            data = export_changes(history(conn), fmt) if changes else export_events(read_events(conn), fmt)
    except StoreError as e:
        return fail(str(e))
    if not output:
        sys.stdout.write(data)
        return 0
    try:
        with open(output, "w", encoding="utf-8", newline="") as f:
            f.write(data)
    except OSError as e:
        return fail(f"cannot write {output}: {e.strerror}")
    return 0


def readable_store(store: str | None):
    """A checked read-only connection to the store, brought up to date first if an older Atlas made it (that one
    write fails as a StoreError on a read-only store)."""
    from .store import SCHEMA_VERSION, StoreError, connect
    conn = connect(store, readonly=True, check=True)
    if conn.schema_version() == SCHEMA_VERSION:
        return conn
    conn.close()
    try:
        connect(store).close()
    except StoreError as e:
        raise StoreError(f"{e} (an older Atlas made it: it must be brought up to date once)") from None
    return connect(store, readonly=True)


def fail(message: str) -> int:
    """A command that could not do its work: one line on standard error, exit status 2."""
    print(f"error: {message}", file=sys.stderr)
    return 2
