"""Turns raw benchmark output into Markdown tables (bench/run.sh calls it per section).

    python bench/report.py wrk --title T --ceiling before.raw after.raw --row / upcoming.raw ...
    python bench/report.py pagetimes --title T cached.raw uncached.raw

``wrk`` reads the ``BENCH ...`` line that bench/report.lua appends to wrk's output and
the ``CPU {...}`` lines bench/cpu.py writes before and after it. Both print Markdown on stdout and exit 2 when a run had errors or non-2xx answers,
after printing the table with those runs flagged.
"""
import argparse
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

FIELDS = ("requests", "duration_us", "rps", "p50_us", "p90_us", "p99_us", "max_us",
          "non2xx", "connect", "read", "write", "timeout")


def read_wrk(path: str) -> dict:
    """The figures of one wrk run; raises ValueError if its summary line is missing."""
    run, cpu = None, []
    for line in Path(path).read_text().splitlines():
        if line.startswith("BENCH "):
            values = dict(item.split("=", 1) for item in line.split()[1:])
            run = {key: float(values[key]) for key in FIELDS}
        elif line.startswith("CPU "):
            cpu.append(json.loads(line[4:]))
    if run is None:
        raise ValueError(f"{path}: no BENCH line; did wrk run with bench/report.lua?")
    run["cpu_ms"] = _cpu_ms(cpu[0], cpu[-1], run["requests"]) if len(cpu) >= 2 and run["requests"] else None
    return run


def _cpu_ms(before: dict, after: dict, requests: float) -> float:
    """Milliseconds of CPU (server workers + PostgreSQL backends) per request between two snapshots."""
    ticks = 0
    for group in ("workers", "postgres"):
        ticks += sum(value - before[group].get(pid, 0) for pid, value in after[group].items())
    return ticks / after["ticks_per_second"] * 1000 / requests


def problems(run: dict) -> int:
    return int(run["non2xx"] + run["connect"] + run["read"] + run["write"] + run["timeout"])


def ms(microseconds: float) -> str:
    value = microseconds / 1000
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def _errors(run: dict) -> str:
    count = problems(run)
    if not count:
        return "0"
    parts = [f"{int(run[key])} {key}" for key in ("non2xx", "connect", "read", "write", "timeout") if run[key]]
    return f"**FAILED: {', '.join(parts)}**"


def wrk_table(args) -> int:
    before, after = (read_wrk(path) for path in args.ceiling)
    ceiling = (before["rps"] + after["rps"]) / 2
    spread = abs(before["rps"] - after["rps"]) / ceiling
    ceiling_cpu = (before["cpu_ms"] + after["cpu_ms"]) / 2 if before["cpu_ms"] and after["cpu_ms"] else None
    lines = [f"### {args.title}", "",
             "| URL | req/s | p50 | p99 | ratio to ceiling | CPU per request | CPU ratio | non-2xx / errors |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    failed = problems(before) + problems(after)
    for name, run in (("ceiling, before", before), ("ceiling, after", after)):
        lines.append(f"| `{args.ceiling_url}` ({name}) | {run['rps']:.0f} | {ms(run['p50_us'])} "
                     f"| {ms(run['p99_us'])} | {run['rps'] / ceiling:.2f} | {_cpu(run['cpu_ms'])} | "
                     f"| {_errors(run)} |")
    lines.append(f"| **ceiling (mean)** | **{ceiling:.0f}** | | | 1.00 | {_cpu(ceiling_cpu)} | 1.00 | |")
    for label, path in args.row:
        run = read_wrk(path)
        failed += problems(run)
        ratio = run["rps"] / ceiling
        mark = "" if args.target is None else (" ✓" if ratio >= args.target else " ✗")
        cpu_ratio = f"{ceiling_cpu / run['cpu_ms']:.2f}" if ceiling_cpu and run["cpu_ms"] else ""
        lines.append(f"| `{label}` | {run['rps']:.0f} | {ms(run['p50_us'])} | {ms(run['p99_us'])} "
                     f"| {ratio:.2f}{mark} | {_cpu(run['cpu_ms'])} | {cpu_ratio} | {_errors(run)} |")
    lines.append("")
    if args.target is not None:
        lines.append(f"Target: {args.target} of the ceiling or better in requests per second (✓ met, ✗ missed).")
    lines.append(f"The two ceiling runs differ by {spread:.0%} (the machine's noise over this section). "
                 "CPU per request is the CPU time of the server's workers and of PostgreSQL's backends "
                 "divided by the requests served; other jobs on the machine hardly move it. "
                 "CPU ratio = the ceiling's CPU per request ÷ the URL's; it leaves out wrk's own CPU "
                 "and so understates what a quiet machine would reach.")
    if failed:
        lines.append(f"\n**This section FAILED: {failed} requests got errors or non-2xx answers; "
                     "its figures are not valid.**")
    print("\n".join(lines) + "\n")
    return 2 if failed else 0


def _cpu(value) -> str:
    return f"{value:.2f} ms" if value else ""


def pagetimes_table(args) -> int:
    results = [json.loads(line) for path in args.files for line in Path(path).read_text().splitlines() if line]
    labels = list(dict.fromkeys(r["label"] for r in results))
    paths = list(dict.fromkeys(_path(r["url"]) for r in results))
    by_key = {(r["label"], _path(r["url"])): r for r in results}
    header = "| URL | " + " | ".join(f"{label}: median | {label}: p90" for label in labels) + " | bytes |"
    lines = [f"### {args.title}", "", header, "|---|" + "---:|---:|" * len(labels) + "---:|"]
    failed = 0
    for path in paths:
        cells = []
        for label in labels:
            r = by_key.get((label, path))
            if r is None:
                cells += ["", ""]
                continue
            bad = sum(count for status, count in r["statuses"].items() if status != "200")
            failed += bad
            flag = f" **({bad} not 200)**" if bad else ""
            cells += [f"{r['median_ms']:.1f} ms{flag}", f"{r['p90_ms']:.1f} ms"]
        size = next(by_key[(label, path)]["bytes"] for label in labels if (label, path) in by_key)
        lines.append(f"| `{path}` | " + " | ".join(cells) + f" | {size} |")
    if failed:
        lines.append(f"\n**This section FAILED: {failed} answers were not 200.**")
    print("\n".join(lines) + "\n")
    return 2 if failed else 0


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    wrk = commands.add_parser("wrk")
    wrk.add_argument("--title", required=True)
    wrk.add_argument("--ceiling", nargs=2, required=True, metavar=("BEFORE", "AFTER"))
    wrk.add_argument("--ceiling-url", default="/hello")
    wrk.add_argument("--row", nargs=2, action="append", default=[], metavar=("URL", "RAW"))
    wrk.add_argument("--target", type=float)
    pages = commands.add_parser("pagetimes")
    pages.add_argument("--title", required=True)
    pages.add_argument("files", nargs="+")
    args = parser.parse_args()
    sys.exit(wrk_table(args) if args.command == "wrk" else pagetimes_table(args))


if __name__ == "__main__":
    main()
