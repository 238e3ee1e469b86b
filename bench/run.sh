#!/bin/sh
# Benchmarks, one command: `make bench` (or `sh bench/run.sh`).
#
# Prepares PostgreSQL database `bench` (emptied, migrated, 500 generated meetings),
# serves the app with gunicorn on 127.0.0.1 beside a hello-world Flask app under the
# same settings (the framework's ceiling), runs each section in BENCH_SECTIONS and
# writes the Markdown report to bench/results/latest.md (raw outputs: results/*.raw).
# Exits 1 if any request failed or answered outside 2xx.
#
# A section is a shell function `section_NAME` that appends Markdown to "$REPORT"
# and sets FAILED=1 on errors; add `section_registration`, `section_outbox`, ... and
# name them in BENCH_SECTIONS. A section measured against the ceiling is run again,
# up to BENCH_RERUNS times in all, while its two ceiling runs differ by more than
# BENCH_STEADY (bench/report.py and bench/registration.py record the spread); the last
# run is reported, led by its CPU ratio and marked unreliable if it never steadied.
#
# Every server runs with FLASK_CONFIG=production and the bench's own abuse limits: all its
# clients come from 127.0.0.1, so the form POSTs may come 1,000,000 times a minute
# (RATE_LIMIT_FORM_POSTS), counted in Redis (RATELIMIT_STORAGE_URI = BENCH_REDIS_URL,
# RATELIMIT_KEY_PREFIX=bench); BASE_URL is each server's own loopback address, the host
# the app accepts; PROXY_HOPS=0 bound directly, 1 behind nginx.
#
# Settings (environment, defaults in brackets):
#   BENCH_SECTIONS [catalogue pagetimes registration feed slowclients]   BENCH_MEETINGS [500]
#   BENCH_WORKERS [4]   BENCH_WORKER_CLASS [sync]
#   BENCH_GUNICORN_ARGS [] more gunicorn options for every server ("--threads 2" means gthread)
#   BENCH_THREADS [2]   BENCH_CONNECTIONS [8]   wrk's threads and connections
#   BENCH_DURATION [20]   BENCH_WARMUP [5]   seconds per URL
#   BENCH_UNCACHED [1]   also load the URLs on a server with PAGE_CACHE_SECONDS=0
#   BENCH_SEQUENTIAL [50]   requests per URL for the single-threaded page times
#   BENCH_DATABASE_URL [postgresql+psycopg://postgres@127.0.0.1:5432/bench]
#   BENCH_REDIS_URL [redis://127.0.0.1:6379/15]   the rate limits' store
#   BENCH_RERUNS [3]   BENCH_STEADY [0.10]   runs of a section at most; the ceiling spread allowed
#   BENCH_SLOW_CLIENTS [16]   BENCH_SLOW_INTERVAL [2]   slow clients, seconds between their header lines
set -eu
set -f  # no pathname expansion: URLs hold '?'

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/bench"
RESULTS="$BENCH/results"
BIN="$ROOT/.venv/bin"
PY="$BIN/python"

: "${BENCH_SECTIONS:=catalogue pagetimes registration feed slowclients}"
: "${BENCH_MEETINGS:=500}"
: "${BENCH_WORKERS:=4}"
: "${BENCH_WORKER_CLASS:=sync}"
: "${BENCH_THREADS:=2}"
: "${BENCH_CONNECTIONS:=8}"
: "${BENCH_DURATION:=20}"
: "${BENCH_WARMUP:=5}"
: "${BENCH_UNCACHED:=1}"
: "${BENCH_SEQUENTIAL:=50}"
: "${BENCH_GUNICORN_ARGS:=}"
: "${BENCH_DATABASE_URL:=postgresql+psycopg://postgres@127.0.0.1:5432/bench}"
: "${BENCH_REDIS_URL:=redis://127.0.0.1:6379/15}"
: "${BENCH_RERUNS:=3}"
: "${BENCH_STEADY:=0.10}"
: "${BENCH_SLOW_CLIENTS:=16}"
: "${BENCH_SLOW_INTERVAL:=2}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
REPORT="$WORK/report.md"
PIDS=""
SLOW_PID=""
FAILED=0

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# --- servers --------------------------------------------------------------------------

running() {  # a child that has exited stays a zombie until waited for; it is not running
    [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

children_of() {  # the pids whose parent is $1
    set +f
    for stat in /proc/[0-9]*/stat; do
        sed 's/^.*) //' "$stat" 2>/dev/null | awk -v pid="${stat#/proc/}" -v parent="$1" \
            '$2 == parent { sub("/stat", "", pid); print pid }'
    done
    set -f
}

stop_servers() {
    [ -n "$PIDS" ] || return 0
    workers=""
    for pid in $PIDS; do workers="$workers $(children_of "$pid")"; done
    for pid in $PIDS; do kill -TERM "$pid" 2>/dev/null || true; done
    tries=0
    while [ $tries -lt 50 ]; do  # up to 10 s for a graceful stop, then SIGKILL
        alive=""
        for pid in $PIDS; do running "$pid" && alive="$alive $pid"; done
        [ -n "$alive" ] || break
        sleep 0.2
        tries=$((tries + 1))
    done
    for pid in $PIDS; do
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    for pid in $workers; do  # a master killed before its workers leaves them behind
        running "$pid" && kill -KILL "$pid" 2>/dev/null || true
    done
    PIDS=""
    SERVERS_UP=0
}

cleanup() {
    status=$?
    [ -z "$SLOW_PID" ] || kill "$SLOW_PID" 2>/dev/null || true
    stop_servers
    if [ $status -eq 0 ] && [ "$FAILED" -eq 0 ]; then
        rm -rf "$WORK"
    else
        printf 'bench: logs kept in %s\n' "$WORK" >&2
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server NAME PORT VAR=VALUE GUNICORN_ARGS...: the same settings for every server,
# on loopback only; VAR=VALUE is added to that server's environment.
start_server() {
    name=$1 port=$2 setting=$3
    shift 3
    env BASE_URL="http://127.0.0.1:$port" PROXY_HOPS=0 "$setting" \
        "$BIN/gunicorn" --chdir "$ROOT" --bind "127.0.0.1:$port" --workers "$BENCH_WORKERS" \
        --worker-class "$BENCH_WORKER_CLASS" --graceful-timeout 5 --log-level warning \
        --error-logfile "$WORK/$name.log" $BENCH_GUNICORN_ARGS "$@" &
    LAST_PID=$!
    PIDS="$PIDS $LAST_PID"
}

wait_ready() {  # wait_ready NAME URL; workers import the app after they fork, several seconds each on a busy machine
    "$PY" "$BENCH/pagetime.py" --wait 120 "$2" || { cat "$WORK/$1.log" >&2; die "$1 did not answer 200 at $2"; }
}

SERVERS_UP=0
ensure_servers() {
    [ $SERVERS_UP -eq 0 ] || return 0
    APP_PORT=$(free_port); NOCACHE_PORT=$(free_port); HELLO_PORT=$(free_port)
    APP="http://127.0.0.1:$APP_PORT"
    NOCACHE="http://127.0.0.1:$NOCACHE_PORT"
    HELLO="http://127.0.0.1:$HELLO_PORT"
    say "starting gunicorn ($BENCH_WORKERS $BENCH_WORKER_CLASS workers each): app $APP, app without page cache $NOCACHE, hello $HELLO"
    start_server app "$APP_PORT" BENCH_SERVER=app wsgi:app
    APP_PID=$LAST_PID
    start_server nocache "$NOCACHE_PORT" PAGE_CACHE_SECONDS=0 wsgi:app
    NOCACHE_PID=$LAST_PID
    start_server hello "$HELLO_PORT" BENCH_SERVER=hello --pythonpath "$BENCH" hello:app
    HELLO_PID=$LAST_PID
    wait_ready app "$APP/"
    wait_ready nocache "$NOCACHE/"
    wait_ready hello "$HELLO/hello"
    SERVERS_UP=1
}

# --- load generator ---------------------------------------------------------------------

ensure_wrk() {
    command -v wrk >/dev/null 2>&1 && return 0
    [ "$(id -u)" = 0 ] || die "wrk is missing; install it with: sudo apt-get install wrk"
    say "installing wrk from Debian"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
}

# load RAWFILE URL MASTER_PID: a warm-up, then the measured run, with bench/report.lua's
# summary line and, before and after it, the CPU used by that server and by PostgreSQL.
load() {
    say "wrk $2 (${BENCH_WARMUP}s warm-up + ${BENCH_DURATION}s)"
    wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_WARMUP}s" "$2" >/dev/null
    "$PY" "$BENCH/cpu.py" "$3" "$DATABASE_NAME" >"$1"
    wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_DURATION}s" --timeout 5s --latency \
        -s "$BENCH/report.lua" "$2" >>"$1"
    "$PY" "$BENCH/cpu.py" "$3" "$DATABASE_NAME" >>"$1"
}

# --- database ---------------------------------------------------------------------------

prepare_database() {
    say "database bench: emptying, migrating, loading $BENCH_MEETINGS meetings"
    "$PY" "$BENCH/seed.py" reset || die "cannot prepare the database at $BENCH_DATABASE_URL (is PostgreSQL running?)"
    "$BIN/flask" db upgrade >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log" >&2; die "flask db upgrade failed"; }
    "$PY" "$BENCH/seed.py" load --count "$BENCH_MEETINGS" >"$WORK/seed.env" || die "loading the meetings failed"
    . "$WORK/seed.env"  # ARCHIVE_TYPE, ARCHIVE_PAGES, MEETING_SLUG, UPCOMING_COUNT, MEETING_COUNT
}

# --- sections ---------------------------------------------------------------------------

catalogue_paths() {
    printf '%s\n' / "/meetings/archive?page=3&type=$ARCHIVE_TYPE" "/meetings/$MEETING_SLUG" /api/v1/meetings
}

section_catalogue() {
    ensure_servers
    find "$RESULTS" -name 'catalogue-*.raw' -exec rm -f {} +
    for path in $(catalogue_paths); do  # every URL must answer 200 before it is loaded
        "$PY" "$BENCH/pagetime.py" --requests 1 "$APP$path" "$NOCACHE$path" >/dev/null \
            || die "$path does not answer 200"
    done
    load "$RESULTS/catalogue-hello-before.raw" "$HELLO/hello" "$HELLO_PID"
    rows="" n=0
    for path in $(catalogue_paths); do
        n=$((n + 1))
        load "$RESULTS/catalogue-$n.raw" "$APP$path" "$APP_PID"
        rows="$rows $path $RESULTS/catalogue-$n.raw"
    done
    uncached=""
    if [ "$BENCH_UNCACHED" = 1 ]; then
        for path in $(catalogue_paths); do
            n=$((n + 1))
            load "$RESULTS/catalogue-$n.raw" "$NOCACHE$path" "$NOCACHE_PID"
            uncached="$uncached $path $RESULTS/catalogue-$n.raw"
        done
    fi
    load "$RESULTS/catalogue-hello-after.raw" "$HELLO/hello" "$HELLO_PID"

    ceiling="$RESULTS/catalogue-hello-before.raw $RESULTS/catalogue-hello-after.raw"
    # shellcheck disable=SC2086  # the paths hold no spaces
    set -- $rows
    args=""
    while [ $# -gt 0 ]; do args="$args --row $1 $2"; shift 2; done
    # shellcheck disable=SC2086
    "$PY" "$BENCH/report.py" wrk --target 0.5 --ceiling $ceiling $args \
        --title "Public catalogue under load (production settings, page cache on)" >>"$REPORT" || FAILED=1
    if [ -n "$uncached" ]; then
        # shellcheck disable=SC2086
        set -- $uncached
        args=""
        while [ $# -gt 0 ]; do args="$args --row $1 $2"; shift 2; done
        # shellcheck disable=SC2086
        "$PY" "$BENCH/report.py" wrk --ceiling $ceiling $args \
            --title "The same URLs with PAGE_CACHE_SECONDS=0 (every request renders)" >>"$REPORT" || FAILED=1
    fi
}

section_pagetimes() {
    ensure_servers
    say "page times: $BENCH_SEQUENTIAL sequential requests per URL"
    urls="" nocache_urls=""
    for path in $(catalogue_paths); do urls="$urls $APP$path"; nocache_urls="$nocache_urls $NOCACHE$path"; done
    # shellcheck disable=SC2086
    "$PY" "$BENCH/pagetime.py" --requests "$BENCH_SEQUENTIAL" --label cached $urls "$HELLO/hello" \
        >"$RESULTS/pagetimes-cached.raw" || FAILED=1
    # shellcheck disable=SC2086
    "$PY" "$BENCH/pagetime.py" --requests "$BENCH_SEQUENTIAL" --label "no page cache" $nocache_urls \
        >"$RESULTS/pagetimes-uncached.raw" || FAILED=1
    "$PY" "$BENCH/report.py" pagetimes \
        --title "Page times, one request at a time ($BENCH_SEQUENTIAL each, new connection each)" \
        "$RESULTS/pagetimes-cached.raw" "$RESULTS/pagetimes-uncached.raw" >>"$REPORT" || FAILED=1
}

# --- slow clients -----------------------------------------------------------------------

ensure_nginx() {  # Debian's, in /usr/sbin (deploy/loopback.py finds it there)
    { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } && return 0
    [ "$(id -u)" = 0 ] || die "nginx is missing; install it with: sudo apt-get install nginx"
    say "installing nginx from Debian"
    sh "$ROOT/tools/install-nginx.sh" >&2 || die "nginx did not install"
}

# start_recipe NAME PORT BASE_URL PROXY_HOPS: the production recipe, deploy/gunicorn.conf.py,
# with the bench's workers on a loopback port.
start_recipe() {
    env BASE_URL="$3" PROXY_HOPS="$4" "$BIN/gunicorn" -c "$ROOT/deploy/gunicorn.conf.py" --chdir "$ROOT" \
        --bind "127.0.0.1:$2" --workers "$BENCH_WORKERS" --worker-class "$BENCH_WORKER_CLASS" \
        --error-logfile "$WORK/$1.log" $BENCH_GUNICORN_ARGS wsgi:app &
    LAST_PID=$!
    PIDS="$PIDS $LAST_PID"
}

# slow_phase NAME PORT MASTER_PID: BENCH_SLOW_CLIENTS slow clients and the probes, and after
# they have settled, wrk on / for BENCH_DURATION seconds beside them.
slow_phase() {
    settle=4
    probes=""
    for path in $(catalogue_paths) /static/css/site.css; do probes="$probes --probe $path"; done
    say "$BENCH_SLOW_CLIENTS slow clients on 127.0.0.1:$2, then wrk / beside them (${BENCH_DURATION}s)"
    # shellcheck disable=SC2086  # the paths hold no spaces
    "$PY" "$BENCH/slowclients.py" --port "$2" --clients "$BENCH_SLOW_CLIENTS" --interval "$BENCH_SLOW_INTERVAL" \
        --seconds $((settle + BENCH_DURATION + 3)) $probes >"$RESULTS/slowclients-$1-probes.raw" &
    SLOW_PID=$!
    sleep "$settle"
    "$PY" "$BENCH/cpu.py" "$3" "$DATABASE_NAME" >"$RESULTS/slowclients-$1-slow.raw"
    wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_DURATION}s" --timeout 5s --latency \
        -s "$BENCH/report.lua" "http://127.0.0.1:$2/" >>"$RESULTS/slowclients-$1-slow.raw"
    "$PY" "$BENCH/cpu.py" "$3" "$DATABASE_NAME" >>"$RESULTS/slowclients-$1-slow.raw"
    wait "$SLOW_PID" || FAILED=1
    SLOW_PID=""
}

section_slowclients() {
    stop_servers  # nothing else runs beside them
    ensure_nginx
    UPSTREAM_PORT=$(free_port); PROXIED_PORT=$(free_port); DIRECT_PORT=$(free_port)
    say "nginx on 127.0.0.1:$PROXIED_PORT (deploy/nginx.conf) in front of gunicorn on 127.0.0.1:$UPSTREAM_PORT" \
        "(deploy/gunicorn.conf.py); the same gunicorn bound directly on 127.0.0.1:$DIRECT_PORT"
    start_recipe proxied "$UPSTREAM_PORT" "http://127.0.0.1:$PROXIED_PORT" 1
    PROXIED_PID=$LAST_PID
    start_recipe direct "$DIRECT_PORT" "http://127.0.0.1:$DIRECT_PORT" 0
    DIRECT_PID=$LAST_PID
    nginx_command=$("$PY" "$ROOT/deploy/loopback.py" --prefix "$WORK/nginx" --listen "$PROXIED_PORT" \
        --redirect "$(free_port)" --upstream "$UPSTREAM_PORT")
    $nginx_command 2>"$WORK/nginx.log" &
    PIDS="$PIDS $!"
    wait_ready nginx "http://127.0.0.1:$PROXIED_PORT/"
    wait_ready direct "http://127.0.0.1:$DIRECT_PORT/"
    for target in proxied direct; do
        if [ $target = proxied ]; then port=$PROXIED_PORT master=$PROXIED_PID; else port=$DIRECT_PORT master=$DIRECT_PID; fi
        load "$RESULTS/slowclients-$target-calm.raw" "http://127.0.0.1:$port/" "$master"
        slow_phase $target "$port" "$master"
    done
    stop_servers
    "$PY" "$BENCH/report.py" slowclients \
        --title "Slow clients beside the load on \`/\` ($BENCH_WORKERS $BENCH_WORKER_CLASS workers each)" \
        --row "nginx → gunicorn" "$RESULTS/slowclients-proxied-calm.raw" "$RESULTS/slowclients-proxied-slow.raw" \
              "$RESULTS/slowclients-proxied-probes.raw" yes \
        --row "gunicorn bound directly" "$RESULTS/slowclients-direct-calm.raw" "$RESULTS/slowclients-direct-slow.raw" \
              "$RESULTS/slowclients-direct-probes.raw" no >>"$REPORT" || FAILED=1
}

# --- main -------------------------------------------------------------------------------

[ -x "$PY" ] || die "no virtualenv at $ROOT/.venv; run it through: make bench"
command -v wrk >/dev/null 2>&1 || ensure_wrk
mkdir -p "$RESULTS"
export FLASK_APP=wsgi FLASK_CONFIG=production DATABASE_URL="$BENCH_DATABASE_URL"
export RATELIMIT_STORAGE_URI="$BENCH_REDIS_URL" RATELIMIT_KEY_PREFIX=bench RATE_LIMIT_FORM_POSTS="1000000 per minute"
"$PY" -c 'import sys, redis; redis.Redis.from_url(sys.argv[1], socket_timeout=5).ping()' "$BENCH_REDIS_URL" \
    2>/dev/null || die "Redis does not answer at $BENCH_REDIS_URL (BENCH_REDIS_URL): the app's production settings need it"
DATABASE_NAME=$("$PY" -c 'import sys; from sqlalchemy.engine import make_url; print(make_url(sys.argv[1]).database)' \
    "$BENCH_DATABASE_URL")
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')
export SECRET_KEY
unset PAGE_CACHE_SECONDS 2>/dev/null || true  # the production default, unless a server sets it

prepare_database
section_registration() {  # its own database and servers; writes results/registration.md
    stop_servers
    say "registration flow (bench/registration.py)"
    "$PY" "$BENCH/registration.py" --seconds "$BENCH_DURATION" --clients "$BENCH_CONNECTIONS" || FAILED=1
    sed '1d' "$RESULTS/registration.md" >>"$REPORT"
}

section_feed() {
    say "calendar feed (bench/feed.py)"
    { printf '\n### Calendar feed of 1,000 meetings\n\n'; "$PY" "$BENCH/feed.py"; echo; } >>"$REPORT" || FAILED=1
}

# Each section writes into its own report; one whose ceiling did not steady runs again.
SECTIONS_REPORT="$WORK/sections.md"
: >"$SECTIONS_REPORT"
export BENCH_SPREAD_FILE="$WORK/spread" BENCH_RERUNS BENCH_STEADY
for section in $BENCH_SECTIONS; do
    attempt=1 earlier=""
    while :; do
        say "section $section$([ $attempt -eq 1 ] || echo " (run $attempt of $BENCH_RERUNS)")"
        REPORT="$WORK/section.md"
        : >"$REPORT"
        : >"$BENCH_SPREAD_FILE"
        failed_before=$FAILED
        FAILED=0
        BENCH_ATTEMPT=$attempt
        export BENCH_ATTEMPT
        "section_$section"
        section_failed=$FAILED
        [ "$failed_before" -eq 0 ] || FAILED=1
        spread=$(sort -g "$BENCH_SPREAD_FILE" | tail -n 1)
        [ -n "$spread" ] || break  # no ceiling in this section
        awk -v s="$spread" -v limit="$BENCH_STEADY" 'BEGIN { exit !(s > limit) }' || break  # steady
        [ "$section_failed" -eq 0 ] || break  # errors are not noise: that run's report stays
        [ "$attempt" -lt "$BENCH_RERUNS" ] || break
        spread=$(awk -v s="$spread" 'BEGIN { printf "%.0f%%", s * 100 }')
        earlier="$earlier${earlier:+, }$spread"
        say "its two ceiling runs differ by $spread: running section $section again"
        attempt=$((attempt + 1))
    done
    cat "$REPORT" >>"$SECTIONS_REPORT"
    [ -z "$earlier" ] || printf '\n_Section %s ran %d times; the earlier runs'"'"' ceilings differed by %s._\n\n' \
        "$section" "$attempt" "$earlier" >>"$SECTIONS_REPORT"
done
REPORT=$SECTIONS_REPORT

revision=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ] || revision="$revision + uncommitted changes"
{
    echo "# Benchmark results"
    echo
    echo "- Run: $(date -u '+%Y-%m-%d %H:%M UTC'), revision $revision"
    echo "- Machine: $(nproc) CPU ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), shared by" \
         "wrk, gunicorn and PostgreSQL; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- Servers: gunicorn $("$PY" -c 'import gunicorn; print(gunicorn.__version__)'), $BENCH_WORKERS" \
         "$BENCH_WORKER_CLASS workers${BENCH_GUNICORN_ARGS:+ ($BENCH_GUNICORN_ARGS)}, 127.0.0.1; the app with FLASK_CONFIG=production on PostgreSQL database bench"
    echo "- Load: wrk, $BENCH_THREADS threads, $BENCH_CONNECTIONS connections, ${BENCH_DURATION} s per URL after a" \
         "${BENCH_WARMUP} s warm-up; ceiling = mean of two hello-world runs, before and after the app's URLs;" \
         "a section whose two differ by more than $(awk -v s="$BENCH_STEADY" 'BEGIN { printf "%.0f%%", s * 100 }')" \
         "runs again, $BENCH_RERUNS runs at most"
    echo "- Data: $MEETING_COUNT meetings ($UPCOMING_COUNT upcoming on \`/\`); the archive of" \
         "\`$ARCHIVE_TYPE\` has $ARCHIVE_PAGES pages"
    echo
    cat "$REPORT"
} >"$RESULTS/latest.md"
cat "$RESULTS/latest.md"
[ "$FAILED" -eq 0 ] || { say "FAILED: some requests got errors or non-2xx answers (see above)"; exit 1; }
