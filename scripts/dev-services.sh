#!/usr/bin/env bash
# Starts a PostgreSQL and a Redis for developing and benchmarking the collector's production path, from Debian's
# packages (scripts/install-test-deps.sh installs them), as throwaway servers on loopback in one directory: no system
# service is touched. The tests do not need this: they start their own servers.
#
#   scripts/dev-services.sh start     # start both (creating them on first use), print the settings to export
#   scripts/dev-services.sh env       # print the settings again
#   scripts/dev-services.sh stop      # stop both
#   scripts/dev-services.sh destroy   # stop both and delete their data
#
# Settings: INSIDELLM_DEV_DIR (default ~/.insidellm/dev-services; /var/tmp/insidellm-dev-services as root),
# PG_PORT (55432), REDIS_PORT (56379).
set -euo pipefail

# As root the server runs as the postgres user, which cannot enter /root: keep the data under /var/tmp then.
if [ "$(id -u)" -eq 0 ]; then default_dir=/var/tmp/insidellm-dev-services; else default_dir="$HOME/.insidellm/dev-services"; fi
dir="${INSIDELLM_DEV_DIR:-$default_dir}"
pg_port="${PG_PORT:-55432}"
redis_port="${REDIS_PORT:-56379}"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"

need() {
  if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    echo "PostgreSQL is not installed: run scripts/install-test-deps.sh" >&2; exit 1
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "redis-server is not installed: run scripts/install-test-deps.sh" >&2; exit 1
  fi
}

# PostgreSQL refuses to run as root; as root its files belong to the postgres user.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

print_env() {
  echo "export INSIDELLM_COLLECTOR_DB=postgresql://insidellm@127.0.0.1:$pg_port/insidellm"
  echo "export INSIDELLM_COLLECTOR_REDIS=redis://127.0.0.1:$redis_port"
}

start() {
  need
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
  if [ ! -f "$dir/pg/PG_VERSION" ]; then
    as_pg "$pg_bin/initdb" -D "$dir/pg" -U insidellm --auth=trust -E UTF8 --locale=C >/dev/null
  fi
  if ! as_pg "$pg_bin/pg_ctl" -D "$dir/pg" status >/dev/null 2>&1; then
    as_pg "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -o "-p $pg_port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  fi
  if ! "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U insidellm -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'insidellm'" | grep -q 1; then
    "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U insidellm insidellm
  fi
  if [ ! -f "$dir/redis.pid" ] || ! kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
  fi
  echo "PostgreSQL on 127.0.0.1:$pg_port (database insidellm, user insidellm), Redis on 127.0.0.1:$redis_port; data in $dir" >&2
  print_env
}

stop() {
  if [ -n "$pg_bin" ] && [ -f "$dir/pg/PG_VERSION" ]; then
    as_pg "$pg_bin/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ -f "$dir/redis.pid" ]; then
    kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
    rm -f "$dir/redis.pid"
  fi
  echo "stopped"
}

case "${1:-start}" in
  start) start ;;
  env) print_env ;;
  stop) stop ;;
  destroy) stop; rm -rf "$dir" ;;
  *) echo "usage: $0 start|env|stop|destroy" >&2; exit 2 ;;
esac
