"""CPU time used so far by a gunicorn server's workers and PostgreSQL's backends of one database.

    python bench/cpu.py MASTER_PID DATABASE   # prints: CPU {"ticks_per_second": 100, ...}

bench/run.sh appends one such line before and one after each measured wrk run;
bench/report.py turns the difference into CPU milliseconds per request. Unlike
requests per second, that figure hardly moves when other jobs share the machine.
Reads /proc only (Linux); backends are found by their process title
("postgres: 15/main: USER DATABASE HOST(PORT) STATE").
"""

import json
import os
import sys
from pathlib import Path


def _stat(pid: str) -> tuple[int, int] | None:
    """(parent pid, user + system clock ticks) of a process, or None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _title(pid: str) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").split()
    except OSError:
        return []


def snapshot(master: int, database: str) -> dict:
    workers, backends = {}, {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        stat = _stat(pid)
        if stat is None:
            continue
        parent, ticks = stat
        if parent == master:
            workers[pid] = ticks
            continue
        title = _title(pid)
        # ["postgres:", "15/main:", USER, DATABASE, ...]
        if len(title) >= 4 and title[0] == "postgres:" and title[3] == database:
            backends[pid] = ticks
    return {"ticks_per_second": os.sysconf("SC_CLK_TCK"), "workers": workers, "postgres": backends}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print("CPU " + json.dumps(snapshot(int(sys.argv[1]), sys.argv[2])))


if __name__ == "__main__":
    main()
