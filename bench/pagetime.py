"""Single-threaded page times: N sequential GETs per URL, one at a time, a new connection each.

    python bench/pagetime.py --requests 50 --label cached http://127.0.0.1:8000/ ...
    python bench/pagetime.py --wait 30 http://127.0.0.1:8000/   # wait until it answers 200

Prints one JSON object per URL (status codes seen, median, p90, min and max in ms,
body size), which bench/report.py turns into a table. Exits 1 if any answer was not 200.
"""

import argparse
import http.client
import json
import statistics
import sys
import time
from urllib.parse import urlsplit


def fetch(url: str, timeout: float = 10.0) -> tuple[int, int, float]:
    """GET ``url``; return the status, the body's length and the seconds it took."""
    parts = urlsplit(url)
    started = time.perf_counter()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response.status, len(body), time.perf_counter() - started


def wait_until_ready(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if fetch(url, timeout=2)[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def measure(url: str, requests: int, label: str) -> dict:
    statuses, times, size = {}, [], 0
    for _ in range(requests):
        status, size, seconds = fetch(url)
        statuses[status] = statuses.get(status, 0) + 1
        times.append(seconds * 1000)
    times.sort()
    return {
        "label": label,
        "url": url,
        "statuses": statuses,
        "requests": requests,
        "bytes": size,
        "median_ms": statistics.median(times),
        "p90_ms": times[int(0.9 * (len(times) - 1))],
        "min_ms": times[0],
        "max_ms": times[-1],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--label", default="")
    parser.add_argument("--wait", type=float, help="only wait (up to this many seconds) for a 200")
    args = parser.parse_args()
    if args.wait is not None:
        sys.exit(0 if all(wait_until_ready(url, args.wait) for url in args.urls) else 1)
    ok = True
    for url in args.urls:
        result = measure(url, args.requests, args.label)
        ok = ok and set(result["statuses"]) == {200}
        print(json.dumps(result), flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
