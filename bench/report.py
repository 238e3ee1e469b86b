"""Turns raw benchmark output into Markdown tables (bench/run.sh calls it per section).

    python bench/report.py wrk --title T --ceiling before.raw after.raw --row / upcoming.raw ...
    python bench/report.py pagetimes --title T cached.raw uncached.raw
    python bench/report.py slowclients --title T --row LABEL calm.raw slow.raw probes.json yes|no ...

``wrk`` reads the ``BENCH ...`` line that bench/report.lua appends to wrk's output and
the ``CPU {...}`` lines bench/cpu.py writes before and after it. When the two ceiling runs
differ by more than BENCH_STEADY (a fraction, 0.10), the requests-per-second ratios are
no fair measure: the table leads with the CPU ratio instead, and on the last run bench/run.sh
allows (BENCH_ATTEMPT = BENCH_RERUNS) the section is marked unreliable. The spread is
appended to the file BENCH_SPREAD_FILE names, from which bench/run.sh decides to run the
section again. ``slowclients`` puts the runs with and without bench/slowclients.py side by
side. Each prints Markdown on stdout and exits 2 when a run had errors or non-2xx answers
(for ``slowclients``: a row that must stay up, or any row without slow clients), after
printing the table with those runs flagged.
"""

import argparse
import json
import os
import statistics
import sys
from pathlib import Path
from urllib.parse import urlsplit

FIELDS = (
    "requests",
    "duration_us",
    "rps",
    "p50_us",
    "p90_us",
    "p99_us",
    "max_us",
    "non2xx",
    "connect",
    "read",
    "write",
    "timeout",
)


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


def ceiling_state(spread: float) -> tuple[bool, bool]:
    """(unsteady, unreliable) for a section whose two ceiling runs differ by ``spread``;
    records the spread for bench/run.sh, which runs an unsteady section again."""
    if os.environ.get("BENCH_SPREAD_FILE"):
        with open(os.environ["BENCH_SPREAD_FILE"], "a") as spreads:
            spreads.write(f"{spread:.4f}\n")
    unsteady = spread > float(os.environ.get("BENCH_STEADY", "0.10"))
    last = int(os.environ.get("BENCH_ATTEMPT", "1")) >= int(os.environ.get("BENCH_RERUNS", "1"))
    return unsteady, unsteady and last


def unsteady_note(spread: float, unreliable: bool) -> str:
    runs = os.environ.get("BENCH_RERUNS", "1")
    limit = float(os.environ.get("BENCH_STEADY", "0.10"))
    note = (
        f"**The two ceiling runs differ by {spread:.0%}, more than {limit:.0%}**: the machine's load "
        "changed during the section, so requests per second divided by the ceiling are no fair ratio; "
        "the CPU ratio leads."
    )
    if unreliable:
        note += f" **Unreliable: the ceiling did not steady in {runs} runs of this section.**"
    return note


def wrk_table(args) -> int:
    before, after = (read_wrk(path) for path in args.ceiling)
    ceiling = (before["rps"] + after["rps"]) / 2
    spread = abs(before["rps"] - after["rps"]) / ceiling
    unsteady, unreliable = ceiling_state(spread)
    ceiling_cpu = (before["cpu_ms"] + after["cpu_ms"]) / 2 if before["cpu_ms"] and after["cpu_ms"] else None
    columns = ["URL", "req/s", "p50", "p99", "ratio to ceiling", "CPU per request", "CPU ratio", "non-2xx / errors"]
    if unsteady:  # the CPU figures first: other jobs hardly move them
        columns = ["URL", "CPU ratio", "CPU per request", "req/s", "p50", "p99", "ratio to ceiling", "non-2xx / errors"]
    title = f"### {args.title}" + (" (unreliable: unsteady ceiling)" if unreliable else "")
    lines = [
        title,
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---" if c in ("URL", "non-2xx / errors") else "---:" for c in columns) + "|",
    ]

    def row(**cells):
        lines.append("| " + " | ".join(cells.get(c, "") for c in columns) + " |")

    failed = problems(before) + problems(after)
    for name, run in (("ceiling, before", before), ("ceiling, after", after)):
        row(
            **{
                "URL": f"`{args.ceiling_url}` ({name})",
                "req/s": f"{run['rps']:.0f}",
                "p50": ms(run["p50_us"]),
                "p99": ms(run["p99_us"]),
                "ratio to ceiling": f"{run['rps'] / ceiling:.2f}",
                "CPU per request": _cpu(run["cpu_ms"]),
                "non-2xx / errors": _errors(run),
            }
        )
    row(
        **{
            "URL": "**ceiling (mean)**",
            "req/s": f"**{ceiling:.0f}**",
            "ratio to ceiling": "1.00",
            "CPU per request": _cpu(ceiling_cpu),
            "CPU ratio": "1.00",
        }
    )
    for label, path in args.row:
        run = read_wrk(path)
        failed += problems(run)
        ratio = run["rps"] / ceiling
        mark = "" if args.target is None else (" ✓" if ratio >= args.target else " ✗")
        cpu_ratio = f"{ceiling_cpu / run['cpu_ms']:.2f}" if ceiling_cpu and run["cpu_ms"] else ""
        row(
            **{
                "URL": f"`{label}`",
                "req/s": f"{run['rps']:.0f}",
                "p50": ms(run["p50_us"]),
                "p99": ms(run["p99_us"]),
                "ratio to ceiling": f"{ratio:.2f}{mark}",
                "CPU per request": _cpu(run["cpu_ms"]),
                "CPU ratio": f"**{cpu_ratio}**" if unsteady and cpu_ratio else cpu_ratio,
                "non-2xx / errors": _errors(run),
            }
        )
    lines.append("")
    if unsteady:
        lines += [unsteady_note(spread, unreliable), ""]
    if args.target is not None:
        lines.append(f"Target: {args.target} of the ceiling or better in requests per second (✓ met, ✗ missed).")
    if not unsteady:
        lines.append(f"The two ceiling runs differ by {spread:.0%} (the machine's noise over this section).")
    lines.append(
        "CPU per request is the CPU time of the server's workers and of PostgreSQL's backends "
        "divided by the requests served; other jobs on the machine hardly move it. "
        "CPU ratio = the ceiling's CPU per request ÷ the URL's; it leaves out wrk's own CPU "
        "and so understates what a quiet machine would reach."
    )
    if failed:
        lines.append(
            f"\n**This section FAILED: {failed} requests got errors or non-2xx answers; its figures are not valid.**"
        )
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


def slowclients_table(args) -> int:
    """Each server with and without slow clients; probes say whether its pages still answered."""
    lines = [
        f"### {args.title}",
        "",
        "| server | slow clients | requests answered | req/s | p50 | p99 | req/s ÷ without | errors "
        "| probes answered 200 | slowest probe | slow connections opened / ended by the server |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    failed, verdicts = 0, []
    for label, calm_path, slow_path, probes_path, must_stay_up in args.row:
        calm, slow = read_wrk(calm_path), read_wrk(slow_path)
        attack = json.loads(Path(probes_path).read_text())
        probes = attack["probes"]
        answered = [p for p in probes if p["status"] == 200]
        slowest = max((p["seconds"] for p in probes), default=0.0)
        ratio = slow["rps"] / calm["rps"] if calm["rps"] else 0.0
        failed += problems(calm)
        lines.append(
            f"| {label} | 0 | {calm['requests']:.0f} | {calm['rps']:.0f} | {_latency(calm, 'p50_us')} "
            f"| {_latency(calm, 'p99_us')} | 1.00 | {_errors(calm)} | | | |"
        )
        lines.append(
            f"| {label} | {attack['clients']} | {slow['requests']:.0f} | {slow['rps']:.0f} "
            f"| {_latency(slow, 'p50_us')} | {_latency(slow, 'p99_us')} | **{ratio:.2f}** | {_errors(slow)} "
            f"| {len(answered)} of {len(probes)} | {slowest * 1000:.0f} ms "
            f"| {attack['opened']} / {attack['ended_by_server']} |"
        )
        up = problems(slow) == 0 and probes and len(answered) == len(probes)
        if must_stay_up == "yes":
            failed += problems(slow) + len(probes) - len(answered) + (0 if probes else 1)
            verdicts.append(
                f"- **{label}: {'the pages still answer ✓' if up else 'the pages did NOT all answer ✗'}** "
                f"with {attack['clients']} slow clients: {len(answered)} of {len(probes)} probes "
                f"answered 200 (median {_median_ms(probes)}, slowest {slowest * 1000:.0f} ms), and "
                f"wrk kept {ratio:.2f} of its requests per second."
            )
        else:
            down = ratio < 0.1 or len(answered) < len(probes) / 2
            verdicts.append(
                f"- {label}: {'**taken down**' if down else 'still answering'} by {attack['clients']} "
                f"slow clients: {len(answered)} of {len(probes)} probes answered 200 within 5 s, and "
                f"wrk got {slow['requests']:.0f} answers, {ratio:.2f} of its requests per second "
                "without them."
            )
    lines += [
        "",
        *verdicts,
        "",
        "Slow clients: bench/slowclients.py, each sending one header line every "
        f"{attack['interval']:g} s and never the end of its headers, opening a new connection when the server "
        "ends one. Probes: one GET a second, in turn, of each page, each with a 5 s timeout. wrk's p50 and "
        "p99 count only the requests that were answered, and wrk counts no error for a request that is never "
        "answered: the requests answered and the probes tell.",
    ]
    if failed:
        lines.append(f"\n**This section FAILED: {failed} requests that had to be answered were not.**")
    print("\n".join(lines) + "\n")
    return 2 if failed else 0


def _latency(run: dict, key: str) -> str:
    return ms(run[key]) if run["requests"] else "–"


def _median_ms(probes) -> str:
    return f"{statistics.median(p['seconds'] for p in probes) * 1000:.0f} ms" if probes else "-"


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
    slow = commands.add_parser("slowclients")
    slow.add_argument("--title", required=True)
    slow.add_argument(
        "--row",
        nargs=5,
        action="append",
        required=True,
        metavar=("LABEL", "CALM_RAW", "SLOW_RAW", "PROBES_JSON", "MUST_STAY_UP"),
    )
    args = parser.parse_args()
    tables = {"wrk": wrk_table, "pagetimes": pagetimes_table, "slowclients": slowclients_table}
    sys.exit(tables[args.command](args))


if __name__ == "__main__":
    main()
