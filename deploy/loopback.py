"""deploy/nginx.conf made to run on loopback, for tests/deploy and the benchmarks.

    python deploy/loopback.py --prefix DIR --listen PORT --redirect PORT --upstream PORT [--tls CERT KEY]

Writes DIR/site.conf (deploy/nginx.conf with its ports, log folder, static folder and
certificates replaced, every other line as it is) and DIR/nginx.conf (a main
configuration around it: in the foreground, its pid, logs and temporary files in DIR),
then prints the command that runs it. The HTTPS server listens on 127.0.0.1:--listen,
the HTTP redirect on 127.0.0.1:--redirect; without --tls the HTTPS server speaks plain
HTTP (its ssl_* lines left out), which is what the benchmark loads.
"""

import argparse
import shlex
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "deploy" / "nginx.conf"
MIME_TYPES = Path("/etc/nginx/mime.types")


def nginx_binary() -> str | None:
    """Debian's nginx (in /usr/sbin, which a user's PATH may lack), or None."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def _replace(text: str, old: str, new: str, count: int) -> str:
    # Each line is replaced as often as deploy/nginx.conf has it, or the rendering fails:
    # an edit there must not leave a test running some other configuration.
    found = text.count(old)
    if found != count:
        raise ValueError(f"deploy/nginx.conf: expected {count} × {old!r}, found {found}")
    return text.replace(old, new)


def render_site(
    listen: int,
    redirect: int,
    upstream: int,
    logs: Path,
    static: Path,
    tls: tuple[Path, Path] | None = None,
    text: str | None = None,
) -> str:
    """deploy/nginx.conf with loopback ports and local paths."""
    text = SITE.read_text() if text is None else text
    text = _replace(text, "server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};", 1)
    text = _replace(text, "    listen [::]:80;\n", "", 1)
    text = _replace(text, "    listen [::]:443 ssl http2;\n", "", 1)
    text = _replace(text, "listen 80;", f"listen 127.0.0.1:{redirect};", 1)
    https = "ssl http2" if tls else ""
    text = _replace(text, "listen 443 ssl http2;", f"listen 127.0.0.1:{listen} {https};".replace(" ;", ";"), 1)
    text = _replace(text, "/var/log/nginx/", f"{logs}/", 4)
    text = _replace(text, "alias /srv/meetings/static/;", f"alias {static}/;", 1)
    if tls:
        text = _replace(text, "ssl_certificate /etc/ssl/meetings/fullchain.pem;", f"ssl_certificate {tls[0]};", 1)
        text = _replace(text, "ssl_certificate_key /etc/ssl/meetings/privkey.pem;", f"ssl_certificate_key {tls[1]};", 1)
    else:
        lines = text.splitlines(keepends=True)
        text = "".join(line for line in lines if not line.lstrip().startswith("ssl_"))
    return text


def main_conf(prefix: Path, workers: str = "auto") -> str:
    """An nginx.conf in the foreground with everything it writes under ``prefix``."""
    temp = prefix / "tmp"
    mime = f"include {MIME_TYPES};" if MIME_TYPES.exists() else "types { text/css css; application/javascript js; }"
    return f"""daemon off;
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    {mime}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {prefix}/site.conf;
}}
"""


def write(
    prefix: Path,
    listen: int,
    redirect: int,
    upstream: int,
    static: Path = ROOT / "static",
    tls: tuple[Path, Path] | None = None,
    workers: str = "auto",
) -> list[str]:
    """Write both files under ``prefix``; return the command that runs nginx on them."""
    prefix = prefix.resolve()
    for folder in (prefix, prefix / "logs", prefix / "tmp"):
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o755)  # nginx's workers run as another user when the master is root
    (prefix / "site.conf").write_text(render_site(listen, redirect, upstream, prefix / "logs", static, tls))
    (prefix / "nginx.conf").write_text(main_conf(prefix, workers))
    binary = nginx_binary() or "nginx"
    return [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "logs" / "error.log")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", type=Path, required=True)
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--redirect", type=int, required=True)
    parser.add_argument("--upstream", type=int, required=True)
    parser.add_argument("--static", type=Path, default=ROOT / "static")
    parser.add_argument("--tls", type=Path, nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--workers", default="auto")
    args = parser.parse_args()
    command = write(
        args.prefix,
        args.listen,
        args.redirect,
        args.upstream,
        args.static,
        tuple(args.tls) if args.tls else None,
        args.workers,
    )
    print(shlex.join(command))


if __name__ == "__main__":
    main()
