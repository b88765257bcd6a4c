#!/usr/bin/env python3
"""Whole-process `autopilot gate` on typical commits (issue 13's speed target), several tools interleaved.

    python3 benchmarks/gate-latency.py REPO NAME=COMMAND [NAME=COMMAND ...] [--commits 30] [--rounds 1]

REPO is a git clone (a work tree is not needed: commits are judged by range). Each COMMAND is run as
`COMMAND gate --base C^ --head C --format json` in REPO, for the N most recent non-merge commits that change 1-10
files and at most 300 lines ("typical" in the issue's words); the tools take turns on each commit so that machine
noise hits them alike. A command whose text has no `gate` placeholder is run as given plus those arguments; put
`{version}` in it to time `COMMAND --version` instead (a process-start peer). Prints a markdown table: median, p90,
verdicts.
"""
import argparse
import shlex
import statistics
import subprocess
import sys
import time


def typical_commits(repo, count):
    log = subprocess.run(["git", "-C", repo, "log", "--no-merges", "--first-parent", "--format=%H", "-n", "400"],
                         capture_output=True, text=True, check=True).stdout.split()
    picked = []
    for commit in log:
        stat = subprocess.run(["git", "-C", repo, "diff", "--numstat", f"{commit}^", commit],
                              capture_output=True, text=True)
        if stat.returncode != 0:
            continue
        rows = [r.split("\t") for r in stat.stdout.splitlines() if r]
        lines = sum(int(a) + int(d) for a, d, _ in rows if a != "-" and d != "-")
        if 1 <= len(rows) <= 10 and lines <= 300:
            picked.append(commit)
        if len(picked) == count:
            break
    return picked


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("repo")
    parser.add_argument("tools", nargs="+", help="NAME=COMMAND")
    parser.add_argument("--commits", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    tools = [(t.split("=", 1)[0], t.split("=", 1)[1]) for t in args.tools]
    commits = typical_commits(args.repo, args.commits)
    times = {name: [] for name, _ in tools}
    verdicts = {name: {} for name, _ in tools}
    for _ in range(args.rounds):
        for commit in commits:
            for name, command in tools:
                argv = shlex.split(command.replace("{version}", ""))
                if "{version}" in command:
                    argv += ["--version"]
                else:
                    argv += ["gate", "--base", f"{commit}^", "--head", commit, "--format", "json"]
                start = time.perf_counter()
                run = subprocess.run(argv, cwd=args.repo, capture_output=True, text=True)
                times[name].append((time.perf_counter() - start) * 1000)
                if "{version}" not in command:
                    verdict = {0: "allow", 2: "deny", 3: "escalate"}.get(run.returncode, f"exit {run.returncode}")
                    verdicts[name][verdict] = verdicts[name].get(verdict, 0) + 1
    print(f"{len(commits)} typical commits of {args.repo}, {args.rounds} round(s), tools interleaved per commit\n")
    print("| tool | median (ms) | p90 (ms) | verdicts |")
    print("| --- | ---: | ---: | --- |")
    for name, _ in tools:
        series = sorted(times[name])
        p90 = series[min(len(series) - 1, int(round(0.9 * (len(series) - 1))))]
        summary = ", ".join(f"{k} {v}" for k, v in sorted(verdicts[name].items())) or "-"
        print(f"| {name} | {statistics.median(series):.0f} | {p90:.0f} | {summary} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
