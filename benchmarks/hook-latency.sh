#!/usr/bin/env bash
# Whole-process latency of the installed `autopilot` tool on the hot path (issue 12), against the most used peer,
# cc-safety-net 2.4.5, on the same Claude Code PreToolUse event. Packs the tool into a local feed, installs it with
# `dotnet tool install --tool-path`, installs the peer with npm, then times each command N times (hyperfine when
# it is installed, else a timing loop) and prints a markdown table (mean, max), peak RSS of a hook call and the
# installed size per RID. Usage: benchmarks/hook-latency.sh [runs]   (default 50; AUTOPILOT_FEED=dir uses packages packed before)
set -euo pipefail
runs="${1:-50}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

rid="$(dotnet --info | awk '/^ *RID:/ {print $2; exit}')"
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -1)"
feed="$work/feed"; tools="$work/tools"; peer="$work/peer"; project="$work/project"
if [ -n "${AUTOPILOT_FEED:-}" ]; then
  # Packages packed before (the same three), e.g. to measure on a quiet machine without packing first.
  feed="$AUTOPILOT_FEED"
else
  echo "== packing Autopilot.Tool $version (pointer, any, $rid) into $feed" >&2
  native="$repo/src/Autopilot.Native/Autopilot.Native.csproj"
  dotnet pack "$native" -c Release -o "$feed" -m:1 -v q -nologo >&2
  dotnet pack "$native" -c Release -r any -o "$feed" -m:1 -v q -nologo >&2
  dotnet pack "$native" -c Release -r "$rid" -o "$feed" -m:1 -v q -nologo >&2
fi
echo "== installing the tool and the peer" >&2
dotnet tool install --tool-path "$tools" --add-source "$feed" Autopilot.Tool --version "$version" >&2
mkdir -p "$peer" && (cd "$peer" && npm install --silent --no-audit --no-fund cc-safety-net@2.4.5 >&2)
ap="$tools/autopilot"
csn="$peer/node_modules/.bin/cc-safety-net"

# The project the agent works in: a git repository; a second one with a team's own policy (the default, renamed).
mkdir -p "$project" && git -C "$project" init -q
own="$work/own"; mkdir -p "$own/.autopilot" && git -C "$own" init -q
sed 's/^\(  name: \).*/\1team-own-policy/' "$repo/policies/default.policy.yaml" > "$own/.autopilot/policy.yaml"
event() { printf '{"session_id":"bench","transcript_path":"/tmp/t.jsonl","cwd":"%s","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git status && npm test","description":"status and tests"}}' "$1"; }
event "$project" > "$work/event.json"
event "$own" > "$work/event-own.json"
mkdir -p "$project/state/evidence/T-1/plan" && echo "1. do it" > "$project/state/evidence/T-1/plan/plan.md"

# Each case: a name, a folder to run in, a file for stdin (or -), the command.
cases=(
  "/bin/true (process start on this machine)|$project|-|/bin/true"
  "autopilot hook claude-code|$project|$work/event.json|$ap hook claude-code"
  "cc-safety-net hook --claude-code (peer)|$project|$work/event.json|$csn hook --claude-code"
  "autopilot check command|$project|-|$ap check command 'git status && npm test'"
  "autopilot check path|$project|-|$ap check path src/app.cs --op write"
  "autopilot transition (stateless)|$project|-|$ap transition --task T-1 --from plan --to think"
  "autopilot hook claude-code, own policy (after first call)|$own|$work/event-own.json|$ap hook claude-code"
  "autopilot check command, own policy (after first call)|$own|-|$ap check command 'git status && npm test'"
)

python3 - "$runs" "${cases[@]}" > "$work/table.md" <<'PY'
import shlex, statistics, subprocess, sys, time
runs = int(sys.argv[1])
print(f"| command | mean (ms) | max (ms) | runs |")
print("| --- | ---: | ---: | ---: |")
means = {}
for case in sys.argv[2:]:
    name, cwd, stdin_file, command = case.split("|", 3)
    data = open(stdin_file, "rb").read() if stdin_file != "-" else b""
    argv = shlex.split(command)
    # Warm-up: the first call after an edit writes the policy cache; three calls also warm the file cache.
    for _ in range(3):
        subprocess.run(argv, cwd=cwd, input=data, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, input=data, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    print(f"| `{name}` | {statistics.mean(times):.1f} | {max(times):.1f} | {runs} |")
    means[name] = statistics.mean(times)
hook = means.get("autopilot hook claude-code")
peer = next((m for n, m in means.items() if n.endswith("(peer)")), None)
if hook and peer:
    print(f"\nThe peer's mean over the hook's: {peer / hook:.1f}x (target: at least 10x).")
PY

# The decision the hook gave (so the table is about a real answer), peak memory, sizes.
decision="$(cd "$project" && "$ap" hook claude-code < "$work/event.json" || true)"
rss="$(cd "$project" && /usr/bin/time -v "$ap" hook claude-code < "$work/event.json" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); print $2}')"
peer_rss="$(cd "$project" && /usr/bin/time -v "$csn" hook --claude-code < "$work/event.json" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); print $2}')"
gate="$(cd "$project" && git commit -q --allow-empty -m init && "$ap" gate --base HEAD --format json >/dev/null 2>&1; echo $?)"
{
  echo "Machine: $(nproc) cores, $(uname -sm); $(date -u +%Y-%m-%dT%H:%MZ); load average $(cut -d' ' -f1-3 /proc/loadavg); $runs runs each, whole process, tool installed from a local feed."
  echo
  cat "$work/table.md"
  echo
  echo "| measure | value |"
  echo "| --- | ---: |"
  echo "| peak RSS, \`autopilot hook claude-code\` | $((rss / 1024)) MB |"
  echo "| peak RSS, peer hook | $((peer_rss / 1024)) MB |"
  for pkg in "$feed"/Autopilot.Tool.*.nupkg; do
    name="$(basename "$pkg" ".$version.nupkg")"
    size="$(python3 -c 'import sys,zipfile; print(sum(i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist()))' "$pkg")"
    echo "| installed size, $name | $((size / 1024 / 1024)) MB (nupkg $(( $(stat -c %s "$pkg") / 1024 / 1024 )) MB) |"
  done
  echo "| \`autopilot gate --base HEAD\` from the installed tool, exit code | $gate |"
  echo
  echo "The hook's answer: \`$decision\`"
}
