#!/usr/bin/env bash
# The PostgreSQL store's figures (issue 15): starts a throwaway cluster (initdb + pg_ctl in a temp
# folder, a free port, as a non-root user when run as root; synchronous_commit on), runs the
# 64-appender load, the BenchmarkDotNet class and its interleaved cross-check against it, stops the cluster.
#   benchmarks/postgres-load.sh [appenders=64] [seconds=10]
set -euo pipefail
cd "$(dirname "$0")/.."
appenders="${1:-64}"; seconds="${2:-10}"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)"; exit 2; }
root=$(mktemp -d /tmp/autopilot-pgbench-XXXX)
run=()
if [ "$(id -u)" -eq 0 ]; then
  id -u autopilot-pg >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin autopilot-pg
  chown autopilot-pg "$root"; run=(runuser -u autopilot-pg --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${run[@]}" "$bin/initdb" -D "$root/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
"${run[@]}" "$bin/pg_ctl" -D "$root/data" -l "$root/log" -w -o "-p $port -k $root -c listen_addresses=127.0.0.1 -c max_connections=300 -c synchronous_commit=on -c fsync=on" start >/dev/null
trap '"${run[@]}" "$bin/pg_ctl" -D "$root/data" -m immediate -w stop >/dev/null; rm -rf "$root"' EXIT
export AUTOPILOT_BENCH_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Maximum Pool Size=200"
echo "== server: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $root (synchronous_commit=on, fsync=on)"
# A fresh cluster has no WAL segment files to recycle: the first ~100 MB of WAL pay for creating and zero-filling
# them (1,156 appends/s against 4,000+ on a cluster that had run before, same load). Warm it up first.
echo "== warm-up: $appenders appenders, 10 s (not a result)"
dotnet run -c Release --project benchmarks/Autopilot.Benchmarks -- postgres-load "$AUTOPILOT_BENCH_POSTGRES" "$appenders" 10
echo "== load: $appenders appenders, $seconds s ($(uptime | sed 's/.*load/load/'))"
dotnet run -c Release --no-build --project benchmarks/Autopilot.Benchmarks -- postgres-load "$AUTOPILOT_BENCH_POSTGRES" "$appenders" "$seconds"
echo "== BenchmarkDotNet: PostgresStoreBenchmarks ($(uptime | sed 's/.*load/load/'))"
dotnet run -c Release --no-build --project benchmarks/Autopilot.Benchmarks -- --filter '*PostgresStoreBenchmarks*' --job short --iterationCount 15 --inProcess
echo "== interleaved cross-check ($(uptime | sed 's/.*load/load/'))"
dotnet run -c Release --no-build --project benchmarks/Autopilot.Benchmarks -- interleaved PostgresStoreBenchmarks 1500
echo "== done ($(uptime | sed 's/.*load/load/'))"
