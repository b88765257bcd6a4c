#!/usr/bin/env bash
# Records the public API of the tracked libraries (docs/public-api.md) from the analyzer's own diagnostics.
#
#   eng/update-public-api.sh            rewrite each PublicAPI.Unshipped.txt: every public symbol that is not in
#                                       PublicAPI.Shipped.txt (RS0016), and a *REMOVED* line for every shipped symbol
#                                       that is gone (RS0017); then build again and fail if anything is still unrecorded
#   eng/update-public-api.sh --ship     first do the above, then move the Unshipped entries into Shipped (at a release)
#   eng/update-public-api.sh --check    only build and report unrecorded changes (exit 1 if there are any)
#
# After merging branches that added or changed public types, run it once and commit the Unshipped files. Nothing is
# hand-written: the lines are the RS0016/RS0017 messages of Microsoft.CodeAnalysis.PublicApiAnalyzers, verbatim.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
projects=(Autopilot.Policy Autopilot.Core Autopilot.Changes)
mode="${1:-update}"
header='#nullable enable'
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# Builds one project (its references are built first, once) with the public API diagnostics as plain warnings.
build() {
  dotnet build "$root/src/$1/$1.csproj" -m:1 -nologo -v q --no-incremental --no-dependencies \
    -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= >"$log" 2>&1 || true
}

# The symbols named by one diagnostic id in the last build's output, one per line, sorted and unique.
symbols() {
  local id="$1" tail="$2"
  grep -oE "warning $id: Symbol '.*' $tail" "$log" | sed -E "s/^warning $id: Symbol '(.*)' $tail$/\1/" | LC_ALL=C sort -u || true
}

# Anything the analyzer still reports, and build errors that are not about the public API.
problems() {
  grep -E "(warning|error) RS00(16|17|36|37|41)|error [A-Z]+[0-9]+" "$log" | grep -v "RS0016: Symbol .* is not part of the declared public API" | LC_ALL=C sort -u || true
}

dotnet build "$root/src/Autopilot.Changes/Autopilot.Changes.csproj" -m:1 -nologo -v q -p:TreatWarningsAsErrors=false >/dev/null 2>&1 || true

status=0
for project in "${projects[@]}"; do
  dir="$root/src/$project"
  if [[ "$mode" == "--check" ]]; then
    build "$project"
    if grep -qE "(warning|error) RS00(16|17|36|37)" "$log"; then
      echo "$project: the public API changed and is not recorded (run eng/update-public-api.sh):"
      grep -oE "(warning|error) RS00(16|17|36|37): [^[]*" "$log" | LC_ALL=C sort -u | sed 's/^/  /'
      status=1
    fi
    continue
  fi

  printf '%s\n' "$header" >"$dir/PublicAPI.Unshipped.txt"
  build "$project"
  {
    printf '%s\n' "$header"
    { symbols RS0016 "is not part of the declared public API"
      symbols RS0017 "is part of the declared API, but is either not public or could not be found" | sed 's/^/*REMOVED*/'
    } | LC_ALL=C sort -u
  } >"$dir/PublicAPI.Unshipped.txt"

  build "$project"
  if [[ -n "$(problems)" ]]; then
    echo "$project: still not clean after recording:" >&2
    problems >&2
    status=1
    continue
  fi

  if [[ "$mode" == "--ship" ]]; then
    # Shipped = (Shipped - removed) + added; Unshipped starts empty again.
    removed="$(grep '^\*REMOVED\*' "$dir/PublicAPI.Unshipped.txt" | sed 's/^\*REMOVED\*//' || true)"
    {
      printf '%s\n' "$header"
      { grep -v "^$header$" "$dir/PublicAPI.Shipped.txt" | grep -vxF -f <(printf '%s\n' "$removed") || true
        grep -v "^$header$" "$dir/PublicAPI.Unshipped.txt" | grep -v '^\*REMOVED\*' || true
      } | grep -v '^$' | LC_ALL=C sort -u
    } >"$dir/PublicAPI.Shipped.txt.new"
    mv "$dir/PublicAPI.Shipped.txt.new" "$dir/PublicAPI.Shipped.txt"
    printf '%s\n' "$header" >"$dir/PublicAPI.Unshipped.txt"
  fi

  echo "$project: $(grep -vc "^$header$" "$dir/PublicAPI.Shipped.txt") shipped, $(grep -vc "^$header$" "$dir/PublicAPI.Unshipped.txt") unshipped"
done
exit $status
