#!/usr/bin/env bash
# The gate over real history: public-API precision/recall against the maintainers' PublicAPI files,
# escalations, crashes, parse failures and whole-process times. See benchmarks/results/real-history.md.
#
#   benchmarks/real-history.sh REPO [COMMITS=400] [extra real_history.py options, e.g. --details --out x.jsonl]
#
# REPO: a git repository or a bare mirror of a .NET library that keeps PublicAPI.Shipped/Unshipped.txt.
# A bare mirror is cloned (shared objects, no checkout) into a temporary folder: the gate judges commits by
# range and needs no work tree. AUTOPILOT (default: build src/Autopilot.Cli in Release and run its dll)
# names the command to run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
repo="${1:?usage: real-history.sh REPO [COMMITS] [options]}"
commits="${2:-400}"
shift; [ $# -gt 0 ] && shift

if [ -z "${AUTOPILOT:-}" ]; then
  out="$root/artifacts/real-history-tool"
  dotnet publish "$root/src/Autopilot.Cli" -c Release -m:1 -v q -nologo -o "$out" >&2
  AUTOPILOT="dotnet $out/autopilot.dll"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ "$(git -C "$repo" rev-parse --is-bare-repository)" = "true" ]; then
  git clone -q --shared --no-checkout "$repo" "$work/repo"
  repo="$work/repo"
fi

exec python3 "$here/real_history.py" "$repo" --commits "$commits" --autopilot "$AUTOPILOT" \
  --policy "$root/policies/default.policy.yaml" "$@"
