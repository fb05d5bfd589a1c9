"""Command line of the poverty engine (no Django needed).

python -m giamngheo.poverty classify INPUT.csv [--standard CODE | --year YYYY [--province CODE]] [-o OUT.csv]
    (an empty cell or "?" is a fact not known: a household whose category it could change is "undetermined")
python -m giamngheo.poverty af INPUT.csv --indicators a,b,c --k K [--weights equal|w1,w2,...]
python -m giamngheo.poverty whatif INPUT.csv --from CODE --to CODE [--group-column commune]
python -m giamngheo.poverty standards
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .bulk import CATEGORIES, UNDETERMINED, classify_bulk
from .standard import Standard, StandardError, all_standards, get_standard, standard_for
from .table import TableError, read_csv


def _pick_standard(args: argparse.Namespace) -> Standard:
    if args.standard:
        return get_standard(args.standard)
    if args.year:
        return standard_for(args.year, args.province)
    raise StandardError("give --standard CODE or --year YYYY")


def _report_errors(exc: TableError) -> int:
    for error in exc.errors:
        print(f"error: {error}", file=sys.stderr)
    print(f"{len(exc.errors)} error(s); nothing was written.", file=sys.stderr)
    return 2


def cmd_classify(args: argparse.Namespace) -> int:
    standard = _pick_standard(args)
    try:
        table = read_csv(args.input, standard.indicator_keys, allow_unknown=True)
    except TableError as exc:
        return _report_errors(exc)
    result = classify_bulk(
        area=table.area,
        income=table.income,
        deprivations=table.deprivations,
        indicators=table.indicators,
        standard=standard,
        unknown=table.unknown,
        income_known=table.income_known,
    )
    keys = table.indicators
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["household_id", "category", "deprivation_count", "deprived", "standard", "unknown"])
    categories = [str(c) for c in CATEGORIES]
    categories.insert(UNDETERMINED, "undetermined")
    unknown = table.unknown if table.unknown is not None else np.zeros_like(table.deprivations)
    income_known = table.income_known if table.income_known is not None else np.ones(len(table), bool)
    for i, hid in enumerate(table.ids):
        deprived = ";".join(k for k, flag in zip(keys, table.deprivations[i].tolist(), strict=True) if flag)
        missing = [
            k
            for k, flag, known in zip(keys, table.deprivations[i].tolist(), unknown[i].tolist(), strict=True)
            if known and not flag
        ]
        if not income_known[i]:
            missing.insert(0, "income_per_capita")
        writer.writerow(
            [
                hid,
                categories[result.category[i]],
                int(result.deprivation_count[i]),
                deprived,
                standard.code,
                ";".join(missing),
            ]
        )
    if args.output:
        # Write to a temporary file and rename: never a partial output file.
        target = Path(args.output)
        fd, tmp = tempfile.mkstemp(dir=target.parent or Path("."), prefix=".classify-", suffix=".csv")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(buffer.getvalue())
        os.replace(tmp, target)
    else:
        sys.stdout.write(buffer.getvalue())
    counts = result.counts()
    summary = ", ".join(f"{c}={n}" for c, n in counts.items())
    if result.undetermined:
        summary += f", undetermined={result.undetermined}"
    print(f"{len(table)} households classified under {standard.code}: {summary}", file=sys.stderr)
    return 0


def _parse_weights(raw: str, count: int) -> list[float] | None:
    if raw == "equal":
        return None
    try:
        weights = [float(w) for w in raw.split(",")]
    except ValueError:
        raise StandardError(f"--weights must be 'equal' or {count} numbers separated by commas") from None
    if len(weights) != count:
        raise StandardError(f"--weights has {len(weights)} numbers for {count} indicators")
    return weights


def cmd_af(args: argparse.Namespace) -> int:
    from .measures import alkire_foster

    indicators = [k.strip() for k in args.indicators.split(",") if k.strip()]
    if not indicators:
        raise StandardError("--indicators needs at least one column name")
    if not 0 < args.k <= 1:
        raise StandardError("--k must be above 0 and at most 1 (a share of the total weight)")
    weights = _parse_weights(args.weights, len(indicators))
    try:
        table = read_csv(args.input, indicators, require_income=False)
    except TableError as exc:
        return _report_errors(exc)
    result = alkire_foster(table.deprivations, indicators, args.k, weights)
    payload = result.to_dict()
    print(json.dumps(payload, ensure_ascii=False, indent=2))
    return 0


def cmd_whatif(args: argparse.Namespace) -> int:
    from .whatif import what_if

    current, proposed = get_standard(args.current), get_standard(args.proposed)
    keys = tuple(dict.fromkeys((*current.indicator_keys, *proposed.indicator_keys)))
    try:
        table = read_csv(args.input, keys, group_column=args.group_column)
    except TableError as exc:
        return _report_errors(exc)
    report = what_if(table, current, proposed)
    payload = {
        "households": report.households,
        "current": current.code,
        "proposed": proposed.code,
        "before": {str(c): n for c, n in report.before.items()},
        "after": {str(c): n for c, n in report.after.items()},
        "transitions": [
            {"from": str(a), "to": str(b), "households": n} for (a, b), n in report.transitions.items()
        ],
        "groups": [
            {
                "group": g.group,
                "households": g.households,
                "poor_change": g.change(CATEGORIES[0]),
                "before": {str(c): n for c, n in g.before.items()},
                "after": {str(c): n for c, n in g.after.items()},
            }
            for g in report.groups
        ],
    }
    print(json.dumps(payload, ensure_ascii=False, indent=2))
    return 0


def cmd_standards(args: argparse.Namespace) -> int:
    for s in all_standards():
        where = "national" if s.is_national else f"province {s.jurisdiction}"
        middle = (
            f"; middle-living up to {s.middle_upper.rural:,} / {s.middle_upper.urban:,}"
            if s.middle_upper
            else "; no middle-living band"
        )
        print(f"{s.code}  [{s.status}]  {where}, {s.first_year}–{s.last_year}")
        print(f"    {s.name_vi}")
        print(f"    {s.legal_source}")
        print(
            f"    income line rural {s.income_line.rural:,} / urban {s.income_line.urban:,} VND{middle}; "
            f"poor if ≥ {s.cutoff} of {len(s.indicators)} indicators: {', '.join(s.indicator_keys)}"
        )
        for item in s.all_provisional():
            print(f"    provisional: {item}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m giamngheo.poverty",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("classify", help="classify the households of a CSV file")
    p.add_argument("input")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--standard", help="standard code, e.g. ND07-2021")
    group.add_argument("--year", type=int, help="the standard in force that year")
    p.add_argument("--province", help="with --year: the province's own standard (e.g. 75)")
    p.add_argument("-o", "--output", help="output CSV (default: standard output)")
    p.set_defaults(func=cmd_classify)
    p = sub.add_parser("af", help="Alkire–Foster measures of a 0/1 deprivation table")
    p.add_argument("input")
    p.add_argument("--indicators", required=True, help="column names, comma-separated")
    p.add_argument(
        "--k", type=float, required=True, help="poverty cut-off, share of the total weight (0 < K ≤ 1)"
    )
    p.add_argument("--weights", default="equal", help="'equal' or one weight per indicator, comma-separated")
    p.set_defaults(func=cmd_af)
    p = sub.add_parser("whatif", help="compare two standards on the same households")
    p.add_argument("input")
    p.add_argument("--from", dest="current", required=True)
    p.add_argument("--to", dest="proposed", required=True)
    p.add_argument("--group-column", help="column to break the changes down by (e.g. commune)")
    p.set_defaults(func=cmd_whatif)
    p = sub.add_parser("standards", help="list the standards, their years and provisional items")
    p.set_defaults(func=cmd_standards)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "province", None) and not getattr(args, "year", None):
        print("error: --province needs --year", file=sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except (StandardError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
