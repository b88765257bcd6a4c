#!/usr/bin/env python3
"""Runs `autopilot gate` over the last N first-parent commits of a .NET library that keeps PublicAPI files.

Truth for "the public API changed" in a commit: the maintainers' PublicAPI*.txt files say so. Per folder
holding such files, the effective API is Shipped + Unshipped minus the Unshipped lines marked *REMOVED*;
a commit changed the public API when the effective API of some folder differs before and after (so a
release that only moves entries from Unshipped to Shipped is not an API change).

Prediction: the gate's JSON output holds a finding of the public-api rule (any severity: an addition is
an info finding, a break escalates).

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


def effective_api(repo, commit, folder):
    entries = set()
    removed = set()
    listing = git(repo, "ls-tree", "--name-only", commit, folder + "/" if folder else "", check=False)
    for path in listing.splitlines():
        name = path.rsplit("/", 1)[-1]
        if not API_FILE.search(name):
            continue
        text = show(repo, commit, path) or ""
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#nullable"):
                continue
            if line.startswith("*REMOVED*"):
                removed.add(line[len("*REMOVED*"):])
            else:
                entries.add(line)
    return entries - removed


def api_changed(repo, parent, commit, files):
    folders = {os.path.dirname(p) for f in files for p in (f[0], f[1]) if API_FILE.search(p)}
    return sorted(f for f in folders if effective_api(repo, parent, f) != effective_api(repo, commit, f))


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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo")
    parser.add_argument("--commits", type=int, default=400)
    parser.add_argument("--autopilot", default="autopilot")
    parser.add_argument("--policy")
    parser.add_argument("--out")
    parser.add_argument("--details", action="store_true", help="list every false positive and false negative")
    args = parser.parse_args()

    autopilot = shlex.split(args.autopilot)
    repo = os.path.abspath(args.repo)
    commits = git(repo, "rev-list", "--first-parent", "-n", str(args.commits + 1), "HEAD").split()
    out = open(args.out, "w") if args.out else None

    tp = fp = fn = tn = 0
    crashes, parse_failures, escalations, denies = [], [], 0, 0
    trivia, trivia_escalated, trivia_api = 0, [], []
    rule_counts = {}
    typical_times, all_times, typical_cpu = [], [], []
    mistakes = []
    for index, commit in enumerate(commits[:-1]):
        parent = commit + "^"
        files = changed_files(repo, parent, commit)
        truth_folders = api_changed(repo, parent, commit, files)
        truth = bool(truth_folders)
        code, decision, elapsed, stderr = run_gate(autopilot, repo, commit, args.policy)
        all_times.append(elapsed)
        lines = sum(f[2] + f[3] for f in files)
        if len(files) <= 10 and lines <= 300:
            typical_times.append(elapsed)
            typical_cpu.append(run_gate.cpu)

        record = {"commit": commit, "files": len(files), "lines": lines, "truth": truth, "apiFolders": truth_folders,
                  "exit": code, "seconds": round(elapsed, 3), "cpuSeconds": round(run_gate.cpu, 3)}
        if decision is None or code in (4, 5) or not isinstance(decision, dict) or "verdict" not in decision:
            crashes.append(commit)
            record["crash"] = stderr
            if out:
                out.write(json.dumps(record) + "\n")
                out.flush()
            continue

        findings = decision.get("findings", [])
        api_findings = [f for f in findings if f.get("ruleId") == PUBLIC_API_RULE]
        predicted = bool(api_findings)
        parse = [f for f in findings if f.get("ruleId") == PARSE_RULE and f.get("severity") == "deny"]
        if parse:
            parse_failures.append((commit, parse[0].get("message", "")))
        verdict = decision["verdict"]
        deciding = sorted({f["ruleId"] for f in findings if f.get("severity") == verdict}) if verdict != "allow" else []
        if verdict == "escalate":
            escalations += 1
        elif verdict == "deny":
            denies += 1
        for rule in deciding:
            rule_counts[rule] = rule_counts.get(rule, 0) + 1

        if trivia_only(repo, parent, commit, files):
            trivia += 1
            if verdict != "allow":
                trivia_escalated.append((commit, deciding))
            if predicted:
                trivia_api.append(commit)

        if predicted and truth:
            tp += 1
        elif predicted:
            fp += 1
            mistakes.append(("FP", commit, [f.get("message", "") for f in api_findings[:3]]))
        elif truth:
            fn += 1
            mistakes.append(("FN", commit, truth_folders))
        else:
            tn += 1
        record.update(verdict=verdict, deciding=deciding, predicted=predicted,
                      apiFindings=[f.get("message", "") for f in api_findings[:5]])
        if out:
            out.write(json.dumps(record) + "\n")
            out.flush()
        if (index + 1) % 25 == 0:
            print(f"... {index + 1}/{len(commits) - 1} commits", file=sys.stderr, flush=True)

    judged = tp + fp + fn + tn
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0

    def pct(values, q):
        values = sorted(values)
        return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")

    print(f"repository: {repo} (HEAD {commits[0][:12]}), commits judged: {judged}")
    print(f"public API (truth = PublicAPI files' effective entries changed): TP {tp} FP {fp} FN {fn} TN {tn}")
    print(f"precision {precision:.3f}  recall {recall:.3f}")
    print(f"verdicts: escalate {escalations}, deny {denies}, allow {judged - escalations - denies}")
    print("commits per deciding rule: " + ", ".join(f"{k} {v}" for k, v in sorted(rule_counts.items())))
    print(f"comment/whitespace-only C# commits: {trivia}; escalated or denied: {len(trivia_escalated)}; "
          f"with a public-API finding: {len(trivia_api)}")
    for commit, rules in trivia_escalated[:10]:
        print(f"  trivia-only but {rules}: {commit[:12]}")
    print(f"crashes (no decision, exit 4/5): {len(crashes)}" + "".join(f"\n  {c[:12]}" for c in crashes[:10]))
    print(f"parse failures (AP-CSHARP-PARSE deny): {len(parse_failures)}"
          + "".join(f"\n  {c[:12]} {m[:160]}" for c, m in parse_failures[:10]))
    print(f"whole-process time, all commits: median {statistics.median(all_times) * 1000:.0f} ms, "
          f"p90 {pct(all_times, 0.9) * 1000:.0f} ms")
    if typical_times:
        print(f"whole-process time, typical commits (<=10 files, <=300 lines; {len(typical_times)}): "
              f"median {statistics.median(typical_times) * 1000:.0f} ms, p90 {pct(typical_times, 0.9) * 1000:.0f} ms; "
              f"CPU time (user+sys, gate and the git it runs) median {statistics.median(typical_cpu) * 1000:.0f} ms, "
              f"p90 {pct(typical_cpu, 0.9) * 1000:.0f} ms")
    if args.details:
        for kind, commit, what in mistakes:
            print(f"{kind} {commit[:12]} {what}")
    if out:
        out.close()


if __name__ == "__main__":
    main()
