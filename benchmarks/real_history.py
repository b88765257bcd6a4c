#!/usr/bin/env python3
"""Runs `autopilot gate` over the last N first-parent commits of a .NET library that keeps PublicAPI files.

Truth for "the public API changed" in a commit: the maintainers' PublicAPI*.txt files say so. Per folder
holding such files, the effective API is Shipped + Unshipped minus the Unshipped lines marked *REMOVED*;
a commit changed the public API when the effective API of some folder differs before and after (so a
release that only moves entries from Unshipped to Shipped is not an API change).

Prediction: the gate's JSON output holds a finding of the public-api rule (any severity: an addition is
an info finding, a break escalates). The rule reports a change of only the attributes PublicAPI files cannot
record ([Obsolete], [EditorBrowsable], ...) as AP-DIFF-API-ATTRIBUTE: not a prediction, but counted and listed
(commits whose only API finding is that one), so nothing is hidden.

Usage: real_history.py REPO [--commits N] [--autopilot "dotnet path/to/autopilot.dll"] [--policy FILE]
                           [--out results.jsonl] [--details]
REPO is a git repository (a clone; `benchmarks/real-history.sh` makes one from a bare mirror).
"""
import argparse
import json
import os
import re
import resource
import shlex
import statistics
import subprocess
import sys
import time

PUBLIC_API_RULE = "AP-DIFF-PUBLIC-API"
ATTRIBUTE_RULE = "AP-DIFF-API-ATTRIBUTE"
PARSE_RULE = "AP-CSHARP-PARSE"
API_FILE = re.compile(r"(^|/)PublicAPI\.(Shipped|Unshipped)\.txt$|(^|/)PublicAPI\.txt$")


def git(repo, *args, check=True):
    out = subprocess.run(["git", "-C", repo, *args], capture_output=True, check=check)
    return out.stdout.decode("utf-8", "replace")


def show(repo, commit, path):
    out = subprocess.run(["git", "-C", repo, "show", f"{commit}:{path}"], capture_output=True)
    return out.stdout.decode("utf-8", "replace") if out.returncode == 0 else None


def changed_files(repo, parent, commit):
    """(status, old path, new path, added, removed) per file, renames followed."""
    raw = git(repo, "diff", "--no-color", "-M", "--numstat", "-z", parent, commit)
    parts = raw.split("\0")
    files, i = [], 0
    while i < len(parts) and parts[i]:
        head = parts[i].split("\t")
        added = int(head[0]) if head[0].isdigit() else 0
        removed = int(head[1]) if head[1].isdigit() else 0
        if head[2] == "":  # rename: old and new follow
            files.append((parts[i + 1], parts[i + 2], added, removed))
            i += 3
        else:
            files.append((head[2], head[2], added, removed))
            i += 1
    return files


def api_owner(path):
    """The project folder a PublicAPI file belongs to: the folder above a PublicAPI/.PublicAPI folder, else its own."""
    parts = os.path.dirname(path).split("/")
    for i, part in enumerate(parts):
        if part in ("PublicAPI", ".PublicAPI"):
            return "/".join(parts[:i])
    return "/".join(parts)


def effective_api(repo, commit, owner):
    """Per folder: Shipped + Unshipped minus Unshipped *REMOVED*; united over the owner's folders (frameworks, configs)."""
    per_folder = {}
    listing = git(repo, "ls-tree", "-r", "--name-only", commit, "--", owner + "/" if owner else ".", check=False)
    for path in listing.splitlines():
        if not API_FILE.search(path) or api_owner(path) != owner:
            continue
        entries, removed = per_folder.setdefault(os.path.dirname(path), (set(), set()))
        for line in (show(repo, commit, path) or "").splitlines():
            line = line.strip().lstrip("\ufeff")
            if not line or line.startswith("#nullable"):
                continue
            if line.startswith("*REMOVED*"):
                removed.add(line[len("*REMOVED*"):])
            else:
                entries.add(line)
    return set().union(*[entries - removed for entries, removed in per_folder.values()])


def api_changed(repo, parent, commit, files):
    owners = {api_owner(p) for f in files for p in (f[0], f[1]) if API_FILE.search(p)}
    return sorted(o for o in owners if effective_api(repo, parent, o) != effective_api(repo, commit, o))


COMMENT_OR_SPACE = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\s+', re.S)


def strip_trivia(text):
    # Strings are kept (a comment marker inside a string is text); comments and whitespace go.
    return COMMENT_OR_SPACE.sub(lambda m: m.group(0) if m.group(0).startswith('"') else "", text)


def trivia_only(repo, parent, commit, files):
    """True when every changed .cs file differs only in comments and whitespace (and some .cs file changed)."""
    cs = [f for f in files if f[1].endswith(".cs") or f[0].endswith(".cs")]
    if not cs or len(cs) != len([f for f in files if not f[1].endswith((".md", ".txt"))]):
        return False
    for old, new, _, _ in cs:
        a, b = show(repo, parent, old), show(repo, commit, new)
        if a is None or b is None or strip_trivia(a) != strip_trivia(b):
            return False
    return True


def run_gate(autopilot, repo, commit, policy):
    cmd = autopilot + ["gate", "--head", commit, "--format", "json", "--repo", repo]
    if policy:
        cmd += ["--policy", policy]
    started = time.perf_counter()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, capture_output=True)
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    run_gate.cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    try:
        decision = json.loads(out.stdout.decode("utf-8", "replace"))
    except json.JSONDecodeError:
        decision = None
    return out.returncode, decision, elapsed, out.stderr.decode("utf-8", "replace")[-2000:]


def judge(repo, autopilot, policy, commit):
    """One commit: the truth from the PublicAPI files, the gate's decision, times; a JSON-able record."""
    parent = commit + "^"
    files = changed_files(repo, parent, commit)
    truth_folders = api_changed(repo, parent, commit, files)
    code, decision, elapsed, stderr = run_gate(autopilot, repo, commit, policy)
    record = {"commit": commit, "files": len(files), "lines": sum(f[2] + f[3] for f in files), "truth": bool(truth_folders),
              "apiFolders": truth_folders, "exit": code, "seconds": round(elapsed, 3), "cpuSeconds": round(run_gate.cpu, 3),
              "trivia": trivia_only(repo, parent, commit, files)}
    if decision is None or code in (4, 5) or not isinstance(decision, dict) or "verdict" not in decision:
        record["crash"] = stderr
        return record
    findings = decision.get("findings", [])
    api_findings = [f for f in findings if f.get("ruleId") == PUBLIC_API_RULE]
    attribute_findings = [f for f in findings if f.get("ruleId") == ATTRIBUTE_RULE]
    verdict = decision["verdict"]
    record.update(
        verdict=verdict,
        deciding=sorted({f["ruleId"] for f in findings if f.get("severity") == verdict}) if verdict != "allow" else [],
        predicted=bool(api_findings),
        apiFindings=[f.get("message", "") for f in api_findings[:5]],
        attributeOnly=bool(attribute_findings) and not api_findings,
        attributeFindings=[f"{f.get('severity')}: {f.get('message', '')}" for f in attribute_findings[:5]],
        parseFailures=[f.get("message", "") for f in findings if f.get("ruleId") == PARSE_RULE and f.get("severity") == "deny"][:3])
    return record


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def summarize(repo, records, details):
    judged = [r for r in records if "crash" not in r]
    tp = sum(1 for r in judged if r["predicted"] and r["truth"])
    fp = [r for r in judged if r["predicted"] and not r["truth"]]
    fn = [r for r in judged if not r["predicted"] and r["truth"]]
    tn = len(judged) - tp - len(fp) - len(fn)
    precision = tp / (tp + len(fp)) if tp + len(fp) else 1.0
    recall = tp / (tp + len(fn)) if tp + len(fn) else 1.0
    rule_counts = {}
    for r in judged:
        for rule in r["deciding"]:
            rule_counts[rule] = rule_counts.get(rule, 0) + 1
    trivia = [r for r in judged if r.get("trivia")]
    trivia_escalated = [r for r in trivia if r["verdict"] != "allow"]
    parse = [r for r in judged if r.get("parseFailures")]
    crashes = [r for r in records if "crash" in r]
    typical = [r for r in records if r["files"] <= 10 and r["lines"] <= 300]

    print(f"repository: {repo}, commits judged: {len(records)}")
    print(f"public API (truth = PublicAPI files' effective entries changed): TP {tp} FP {len(fp)} FN {len(fn)} TN {tn}")
    print(f"precision {precision:.3f}  recall {recall:.3f}")
    attribute_only = [r for r in judged if r.get("attributeOnly")]
    print(f"commits whose only API finding is {ATTRIBUTE_RULE} (attributes PublicAPI files cannot record; not predictions): "
          f"{len(attribute_only)} (PublicAPI files changed in {sum(1 for r in attribute_only if r['truth'])}; "
          f"not allowed: {sum(1 for r in attribute_only if r['verdict'] != 'allow')})")
    if tp + len(fp) + len(attribute_only):
        tp_all = tp + sum(1 for r in attribute_only if r["truth"])
        print(f"  counted as predictions too: precision {tp_all / (tp + len(fp) + len(attribute_only)):.3f}")
    print("verdicts: " + ", ".join(f"{v} {sum(1 for r in judged if r['verdict'] == v)}" for v in ("escalate", "deny", "allow")))
    print("commits per deciding rule: " + ", ".join(f"{k} {v}" for k, v in sorted(rule_counts.items())))
    print(f"comment/whitespace-only C# commits: {len(trivia)}; escalated or denied: {len(trivia_escalated)}; "
          f"with a public-API finding: {sum(1 for r in trivia if r['predicted'])}")
    for r in trivia_escalated[:10]:
        print(f"  trivia-only but {r['deciding']}: {r['commit'][:12]}")
    print(f"crashes (no decision, exit 4/5): {len(crashes)}" + "".join(f"\n  {r['commit'][:12]}" for r in crashes[:10]))
    print(f"parse failures (AP-CSHARP-PARSE deny): {len(parse)}"
          + "".join(f"\n  {r['commit'][:12]} {r['parseFailures'][0][:160]}" for r in parse[:10]))
    wall = [r["seconds"] for r in records]
    print(f"whole-process time, all commits: median {statistics.median(wall) * 1000:.0f} ms, p90 {pct(wall, 0.9) * 1000:.0f} ms")
    if typical:
        wall = [r["seconds"] for r in typical]
        cpu = [r["cpuSeconds"] for r in typical if "cpuSeconds" in r]
        print(f"whole-process time, typical commits (<=10 files, <=300 lines; {len(typical)}): "
              f"median {statistics.median(wall) * 1000:.0f} ms, p90 {pct(wall, 0.9) * 1000:.0f} ms"
              + (f"; CPU time (user+sys, gate and the git it runs) median {statistics.median(cpu) * 1000:.0f} ms, "
                 f"p90 {pct(cpu, 0.9) * 1000:.0f} ms" if cpu else ""))
    if details:
        for r in fp:
            print(f"FP {r['commit'][:12]} {r['apiFindings'][:3]}")
        for r in fn:
            print(f"FN {r['commit'][:12]} {r['apiFolders']}")
        for r in attribute_only:
            print(f"ATTRIBUTE-ONLY {r['commit'][:12]} truth={r['truth']} verdict={r['verdict']} {r['attributeFindings'][:3]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo")
    parser.add_argument("--commits", type=int, default=400)
    parser.add_argument("--skip", type=int, default=0, help="start this many first-parent commits below HEAD (to resume a run)")
    parser.add_argument("--autopilot", default="autopilot")
    parser.add_argument("--policy")
    parser.add_argument("--out", help="write one JSON record per commit here, as they are judged")
    parser.add_argument("--summarize", help="summarize the records of an earlier (possibly partial) --out file instead of running")
    parser.add_argument("--details", action="store_true", help="list every false positive and false negative")
    args = parser.parse_args()
    repo = os.path.abspath(args.repo)

    if args.summarize:
        records = [json.loads(line) for line in open(args.summarize) if line.strip()]
        for r in records:
            # The truth is recomputed: the records may come from an older version of this script.
            changed = changed_files(repo, r["commit"] + "^", r["commit"])
            r["apiFolders"] = api_changed(repo, r["commit"] + "^", r["commit"], changed)
            r["truth"] = bool(r["apiFolders"])
            if "trivia" not in r:
                r["trivia"] = trivia_only(repo, r["commit"] + "^", r["commit"], changed_files(repo, r["commit"] + "^", r["commit"]))
        summarize(repo, records, args.details)
        return

    autopilot = shlex.split(args.autopilot)
    commits = git(repo, "rev-list", "--first-parent", "-n", str(args.commits + 1), "--skip", str(args.skip), "HEAD").split()
    out = open(args.out, "w") if args.out else None
    records = []
    for index, commit in enumerate(commits[:-1]):
        record = judge(repo, autopilot, args.policy, commit)
        records.append(record)
        if out:
            out.write(json.dumps(record) + "\n")
            out.flush()
        if (index + 1) % 25 == 0:
            print(f"... {index + 1}/{len(commits) - 1} commits", file=sys.stderr, flush=True)
    if out:
        out.close()
    summarize(repo, records, args.details)


if __name__ == "__main__":
    main()
