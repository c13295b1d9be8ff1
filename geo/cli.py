"""The command line: ``python -m geo ingest | extract | export | evaluate``."""
from __future__ import annotations

import argparse
import json
import sys
from contextlib import closing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo", description="Arabic news -> places and events.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="extract articles (.txt/.html files or folders with manifest.csv) into the store")
    p.add_argument("paths", nargs="+")
    p.add_argument("--store", help="SQLite file (default $ATLAS_STORE or data/atlas.sqlite)")
    add_optional_arguments(p)
    p = sub.add_parser("extract", help="JSON Lines in (id, text, published), JSON Lines out; a pure filter")
    add_optional_arguments(p)
    p = sub.add_parser("export", help="write the store's events as csv, geojson or json")
    p.add_argument("--format", choices=("csv", "geojson", "json"), default="csv")
    p.add_argument("--store")
    p.add_argument("--output", "-o", help="file to write (default standard output)")
    p = sub.add_parser("evaluate", help="score the pipeline against a gold file")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "extract":
        return run_extract(sys.stdin.buffer, sys.stdout, optional_resources(args))
    if args.command == "ingest":
        return run_ingest(args.paths, args.store, optional_resources(args))
    if args.command == "export":
        return run_export(args.format, args.store, args.output)
    from .evaluate import main as evaluate_main
    return evaluate_main(args.rest)


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


def run_ingest(paths: list[str], store: str | None, resources=None) -> int:
    from .ingest import ingest
    from .store import connect, store_path
    with closing(connect(store)) as conn:
        report = ingest(paths, conn, progress=sys.stderr.isatty(), resources=resources)
    print("\n".join(report.lines() + [f"store: {store_path(store)}"]))
    return 0 if not report.refused or report.added or report.replaced or report.unchanged else 1


def run_export(fmt: str, store: str | None, output: str | None) -> int:
    from .export import export_events
    from .store import connect, read_events
    with closing(connect(store)) as conn:
        data = export_events(read_events(conn), fmt)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as f:
            f.write(data)
    else:
        sys.stdout.write(data)
    return 0
