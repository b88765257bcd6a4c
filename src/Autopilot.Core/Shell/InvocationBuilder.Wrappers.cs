namespace Autopilot.Core.Shell;

/// <summary>Seeing through wrappers: programs that run another program or a string of shell code.</summary>
internal sealed partial class InvocationBuilder
{
    private static readonly string[] s_sudoValueOptions =
    [
        "-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-T", "-U", "-R",
        "--user", "--group", "--close-from", "--chdir", "--host", "--prompt", "--role", "--type",
        "--command-timeout", "--other-user", "--chroot",
    ];

    private static readonly string[] s_sshValueOptions =
        ["-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o", "-p", "-Q", "-R", "-S", "-W", "-w", "-B"];

    private static readonly string[] s_xargsValueOptions =
    [
        "-I", "-L", "-n", "-P", "-s", "-d", "-E", "-a",
        "--arg-file", "--delimiter", "--max-args", "--max-procs", "--max-lines", "--max-chars", "--eof", "--process-slot-var",
    ];

    private static readonly string[] s_gitCommandConfigKeys =
    [
        "core.sshcommand", "core.pager", "core.editor", "core.fsmonitor", "core.askpass", "sequence.editor",
        "diff.external", "gpg.program", "credential.helper", "uploadpack.packobjectshook", "pager.",
        "filter.", "diff.", "merge.",
    ];

    private static readonly string[] s_gitFilterBranchOptions =
        ["--tree-filter", "--index-filter", "--msg-filter", "--env-filter", "--commit-filter", "--parent-filter", "--tag-name-filter"];

    private static readonly string[] s_containerExecValueOptions =
        ["-e", "--env", "--env-file", "-u", "--user", "-w", "--workdir", "--detach-keys", "--index"];

    private static readonly string[] s_containerGlobalValueOptions =
        ["-H", "--host", "-c", "--context", "--config", "-l", "--log-level", "-f", "--file", "-p", "--project-name", "--project-directory", "--env-file", "--profile", "--ansi", "--progress"];

    private static readonly string[] s_runnerGlobalValueOptions =
        ["-C", "--dir", "--cwd", "--directory", "--project", "--prefix", "-w", "--workspace", "--filter", "-F", "-n", "--name", "-p", "--prefix"];

    private static readonly string[] s_runnerValueOptions =
        ["--with", "--with-requirements", "--with-editable", "--python", "-p", "--package", "--extra", "--group", "--only-group", "--no-group",
         "--python-platform", "--env-file", "--directory", "--project",
         "--index", "--index-url", "-e", "--environment", "-n", "--name", "--prefix", "-c", "--call", "--filter", "-F", "--from"];

    private static readonly string[] s_parallelValueOptions =
        ["-j", "--jobs", "-S", "--sshlogin", "--joblog", "-a", "--arg-file", "--delay", "--timeout", "--retries", "-N", "-n", "--max-args",
         "--colsep", "-C", "-d", "--delimiter", "-I", "--replace", "--results", "--tmpdir", "--workdir", "--halt", "-E", "--eof"];

    // Asked of every invocation: a switch on the name instead of a scan of the list.
    private static bool IsShell(string program) =>
        program is "sh" or "bash" or "zsh" or "dash" or "ksh" or "ash" or "mksh" or "yash" or "fish" or "csh" or "tcsh" or "rbash";

    private void Unwrap(
        Invocation invocation,
        IReadOnlyList<ArgWord> words,
        int start,
        IReadOnlyList<Redirection> redirections,
        WordNode? stdinScript,
        WalkContext ctx,
        int end)
    {
        var program = invocation.Program;
        var i = start + 1;
        switch (program)
        {
            case "sudo":
                Inner(SkipOptions(words, i, s_sudoValueOptions), InvocationContext.Privileged);
                return;
            case "doas":
                Inner(SkipOptions(words, i, ["-u", "-C"]), InvocationContext.Privileged);
                return;
            case "su":
                UnwrapSu();
                return;
            case "nohup" or "builtin" or "setsid" or "unbuffer" or "noglob" or "nocorrect" or "caffeinate":
                Inner(SkipOptions(words, i, []), InvocationContext.None);
                return;
            case "command":
                {
                    var j = SkipOptions(words, i, []);
                    if (!HasFlag(words, i, j, "-v") && !HasFlag(words, i, j, "-V"))
                    {
                        Inner(j, InvocationContext.None);
                    }

                    return;
                }

            case "exec":
                Inner(SkipOptions(words, i, ["-a"]), InvocationContext.None);
                return;
            case "nice":
                Inner(SkipOptions(words, i, ["-n", "--adjustment"]), InvocationContext.None);
                return;
            case "time":
                Inner(SkipOptions(words, i, ["-f", "-o", "--format", "--output"]), InvocationContext.None);
                return;
            case "timeout":
                Inner(SkipOptions(words, i, ["-s", "-k", "--signal", "--kill-after"]) + 1, InvocationContext.None);
                return;
            case "stdbuf":
                Inner(SkipOptions(words, i, ["-i", "-o", "-e"]), InvocationContext.None);
                return;
            case "ionice":
                Inner(SkipOptions(words, i, ["-c", "-n", "-p", "-P", "-u", "--class", "--classdata"]), InvocationContext.None);
                return;
            case "strace" or "ltrace":
                Inner(SkipOptions(words, i, ["-o", "-p", "-e", "-s", "-E", "-u", "-a", "-b", "-I", "-O", "-P", "-S", "-X"]), InvocationContext.None);
                return;
            case "chroot":
                Inner(SkipOptions(words, i, ["--userspec", "--groups"]) + 1, InvocationContext.Privileged);
                return;
            case "env":
                UnwrapEnv();
                return;
            case "xargs":
                {
                    var j = SkipOptions(words, i, s_xargsValueOptions);
                    Inner(j, InvocationContext.DynamicArgs);
                    return;
                }

            case "watch":
                {
                    var j = SkipOptions(words, i, ["-n", "--interval", "-q", "--equexit"]);
                    if (HasFlag(words, i, j, "-x") || HasFlag(words, i, j, "--exec"))
                    {
                        Inner(j, InvocationContext.None);
                    }
                    else
                    {
                        ReparseWords(j, words.Count, InvocationContext.None);
                    }

                    return;
                }

            case "find":
                UnwrapFind();
                return;
            case "git":
                UnwrapGit();
                return;
            case "ssh":
                UnwrapSsh();
                return;
            case "eval":
                ReparseWords(i, words.Count, InvocationContext.None);
                return;
            case "trap":
                // trap 'code' SIGNAL: the code runs later, in this shell.
                if (i < words.Count && words[i].Text is not ("-l" or "-p" or "--" or "-"))
                {
                    ReparseWord(i, InvocationContext.None);
                }

                return;
            case "alias":
                // alias name='code': the code runs wherever the name is used.
                for (var k = i; k < words.Count; k++)
                {
                    var eq = words[k].Text.IndexOf('=');
                    if (eq > 0 && words[k].IsStatic)
                    {
                        Reparse(words[k].Text[(eq + 1)..], ctx, words[k].Span, program, InvocationContext.Wrapped);
                    }
                }

                return;
            case "npx" or "pnpx" or "bunx":
                UnwrapNpx();
                return;
            case "kubectl" or "oc":
                {
                    if (invocation.Positionals.Count > 0 && invocation.Positionals[0] == "exec")
                    {
                        for (var k = i; k < words.Count; k++)
                        {
                            if (words[k].Text == "--")
                            {
                                Inner(k + 1, InvocationContext.Remote);
                                return;
                            }
                        }
                    }

                    return;
                }

            case "parallel":
                UnwrapParallel();
                return;
            case "uv" or "poetry" or "pipenv" or "pdm" or "hatch" or "rye" or "bundle" or "bundler" or "pnpm" or "npm" or "yarn" or "conda" or "mamba":
                UnwrapRunner();
                return;
            case "docker" or "podman" or "nerdctl" or "docker-compose" or "podman-compose":
                UnwrapContainerExec();
                return;
            case "fd" or "fdfind":
                // fd PATTERN PATH -x CMD / -X CMD: the command runs once per found file, with the file added.
                for (var k = i; k < words.Count; k++)
                {
                    if (words[k].Text is "-x" or "--exec" or "-X" or "--exec-batch")
                    {
                        Inner(k + 1, InvocationContext.DynamicArgs);
                        return;
                    }
                }

                return;
            case "taskset" or "chrt":
                {
                    // taskset [-c] MASK CMD, chrt [-f|-r|...] PRIORITY CMD: one positional, then the command.
                    var j = SkipOptions(words, i, []);
                    if (!HasFlag(words, i, j, "-p") && !HasFlag(words, i, j, "--pid"))
                    {
                        Inner(j + 1, InvocationContext.None);
                    }

                    return;
                }

            case "script":
                // script -c CMD [FILE] (also -qc CMD): the command runs under a new terminal.
                for (var k = i; k < words.Count; k++)
                {
                    var t = words[k].Text;
                    if (t is "-c" or "--command" || (t.Length > 2 && t[0] == '-' && t[1] != '-' && t[^1] == 'c'))
                    {
                        ReparseWord(k + 1, InvocationContext.None);
                        return;
                    }
                }

                return;
            case "flock":
                {
                    var j = i;
                    while (j < words.Count && words[j].Text.StartsWith('-'))
                    {
                        var t = words[j].Text;
                        if (t is "-c" or "--command")
                        {
                            ReparseWord(j + 1, InvocationContext.None);
                            return;
                        }

                        j += t is "-w" or "--timeout" or "-E" or "--conflict-exit-code" ? 2 : 1;
                    }

                    Inner(j + 1, InvocationContext.None);
                    return;
                }
        }

        if (IsShell(program) || program == "busybox")
        {
            UnwrapShell();
        }

        // ---- local helpers over the current invocation

        // docker exec [OPTIONS] CONTAINER CMD, docker compose exec [OPTIONS] SERVICE CMD: the command runs in the
        // container, and is judged like any other (its paths are the container's, judged as if they were here).
        void UnwrapContainerExec()
        {
            var k = i;
            var sawCompose = program is "docker-compose" or "podman-compose";
            while (k < words.Count)
            {
                var t = words[k].Text;
                if (t == "compose" && !sawCompose)
                {
                    sawCompose = true;
                    k++;
                    continue;
                }

                if (t == "exec")
                {
                    var j = SkipOptions(words, k + 1, s_containerExecValueOptions);
                    Inner(j + 1, InvocationContext.None);
                    return;
                }

                if (t.StartsWith('-'))
                {
                    // Options of docker or compose before the subcommand; those that take a value take the next word.
                    k += Array.IndexOf(s_containerGlobalValueOptions, t) >= 0 ? 2 : 1;
                    continue;
                }

                return;
            }
        }

        // Project runners that run a program by name: uv run X, poetry run X, bundle exec X, pnpm exec X, pnpm dlx X,
        // yarn dlx X, npm exec X, conda run X. The program is judged like any other.
        void UnwrapRunner()
        {
            var k = SkipOptions(words, i, s_runnerGlobalValueOptions);
            if (k >= words.Count)
            {
                return;
            }

            var verb = words[k].Text;
            var runs = program switch
            {
                "uv" or "poetry" or "pipenv" or "pdm" or "hatch" or "rye" or "conda" or "mamba" => verb == "run",
                "bundle" or "bundler" => verb == "exec",
                "pnpm" => verb is "exec" or "dlx",
                "npm" => verb is "exec" or "x",
                "yarn" => verb is "dlx" or "exec",
                _ => false,
            };

            if (!runs)
            {
                return;
            }

            var j = SkipOptions(words, k + 1, s_runnerValueOptions);

            // uv run -m module, uv run --script x.py, uv run x.py: Python runs the project's file or module (the
            // runner's own pack judges that); only a program named by the next word is unwrapped.
            if (j < words.Count && (words[j].Text.EndsWith(".py", StringComparison.Ordinal)
                || HasFlag(words, k + 1, j, "-m") || HasFlag(words, k + 1, j, "--module") || HasFlag(words, k + 1, j, "--script") || HasFlag(words, k + 1, j, "-s")))
            {
                return;
            }

            Inner(j, InvocationContext.None);
        }

        // parallel [OPTIONS] CMD ::: ARGS (or :::: FILES): CMD runs once per argument, with the argument added;
        // parallel ::: CMD1 CMD2: each argument is itself a command.
        void UnwrapParallel()
        {
            var j = SkipOptions(words, i, s_parallelValueOptions);
            var separator = j;
            while (separator < words.Count && words[separator].Text is not (":::" or "::::" or ":::+" or "::::+"))
            {
                separator++;
            }

            if (separator > j)
            {
                var command = new List<ArgWord>(separator);
                for (var k = 0; k < separator; k++)
                {
                    command.Add(words[k]);
                }

                var innerCtx = ctx with { Depth = ctx.Depth + 1, WrappedBy = program };
                BuildInvocation(command, j, redirections, [], null, innerCtx, end, InvocationContext.Wrapped | InvocationContext.DynamicArgs);
                return;
            }

            for (var k = separator + 1; k < words.Count; k++)
            {
                if (words[k].Text is not (":::" or "::::" or ":::+" or "::::+"))
                {
                    ReparseWord(k, InvocationContext.None);
                }
            }
        }

        void Inner(int index, InvocationContext extra)
        {
            if (index >= words.Count || index <= start)
            {
                return;
            }

            if (ctx.Depth + 1 > _maxDepth)
            {
                _errors.Add(new ParseError(SpanOf(ctx, words[index].Span).Start, $"wrappers and nested shells go deeper than {_maxDepth} levels"));
                return;
            }

            var innerCtx = ctx with { Depth = ctx.Depth + 1, WrappedBy = program };
            BuildInvocation(words, index, redirections, [], stdinScript, innerCtx, end, InvocationContext.Wrapped | extra);
        }

        void ReparseWord(int index, InvocationContext extra)
        {
            if (index >= words.Count)
            {
                return;
            }

            var w = words[index];
            if (w.IsStatic)
            {
                Reparse(w.Text, ctx with { Flags = ctx.Flags | extra }, w.Span, program, InvocationContext.Wrapped);
            }
            else
            {
                EmitUnknown(ctx with { Flags = ctx.Flags | extra }, program, $"'{program}' runs code computed at run time ('{w.Text}')", w.Span, w.Text);
            }
        }

        void ReparseWords(int from, int to, InvocationContext extra)
        {
            if (from >= to)
            {
                return;
            }

            var allStatic = true;
            var parts = new string[to - from];
            for (var k = from; k < to; k++)
            {
                parts[k - from] = words[k].Text;
                allStatic &= words[k].IsStatic;
            }

            var code = string.Join(' ', parts);
            var span = TextSpan.FromBounds(words[from].Span.Start, words[to - 1].Span.End);
            if (allStatic || (extra & InvocationContext.Remote) != 0)
            {
                // A remote command line is expanded locally first; its words as written are what the far side runs.
                Reparse(code, ctx with { Flags = ctx.Flags | extra }, span, program, InvocationContext.Wrapped);
            }
            else
            {
                EmitUnknown(ctx with { Flags = ctx.Flags | extra }, program, $"'{program}' runs code computed at run time ('{code}')", span, code);
            }
        }

        void UnwrapSu()
        {
            for (var j = i; j < words.Count; j++)
            {
                var t = words[j].Text;
                if (t is "-c" or "--command")
                {
                    ReparseWord(j + 1, InvocationContext.Privileged);
                    return;
                }

                if (t.StartsWith("--command=", StringComparison.Ordinal))
                {
                    Reparse(t["--command=".Length..], ctx with { Flags = ctx.Flags | InvocationContext.Privileged }, words[j].Span, program, InvocationContext.Wrapped);
                    return;
                }

                if (t is "-s" or "--shell" or "-g" or "-G" or "--group" or "--supp-group")
                {
                    j++;
                }
            }
        }

        void UnwrapEnv()
        {
            var j = i;
            while (j < words.Count)
            {
                var t = words[j].Text;
                if (t == "--")
                {
                    j++;
                    break;
                }

                if (t is "-S" or "--split-string" || t.StartsWith("--split-string=", StringComparison.Ordinal) || (t.StartsWith("-S", StringComparison.Ordinal) && t.Length > 2))
                {
                    // env -S 'prog args' more-args: the string is split into words and run.
                    var inline = t is "-S" or "--split-string" ? null : t.StartsWith("-S", StringComparison.Ordinal) ? t[2..] : t["--split-string=".Length..];
                    var from = j + 1;
                    if (inline is null && from >= words.Count)
                    {
                        return;
                    }

                    var parts = new List<string>();
                    var allStatic = true;
                    if (inline is not null)
                    {
                        parts.Add(inline);
                        allStatic &= words[j].IsStatic;
                    }

                    for (var k = from; k < words.Count; k++)
                    {
                        parts.Add(words[k].Text);
                        allStatic &= words[k].IsStatic;
                    }

                    var code = string.Join(' ', parts);
                    var span = TextSpan.FromBounds(words[j].Span.Start, words[^1].Span.End);
                    if (allStatic)
                    {
                        Reparse(code, ctx, span, program, InvocationContext.Wrapped);
                    }
                    else
                    {
                        EmitUnknown(ctx, program, $"'env -S' runs a string computed at run time ('{code}')", span, code);
                    }

                    return;
                }

                if (t is "-u" or "--unset" or "-C" or "--chdir")
                {
                    j += 2;
                    continue;
                }

                if (t.Length > 1 && t[0] == '-')
                {
                    j++;
                    continue;
                }

                if (t == "-")
                {
                    j++;
                    continue;
                }

                break;
            }

            // env NAME=value CMD: the assignments are the inner command's environment (HUSKY=0, GIT_SSH_COMMAND=...).
            List<string>? assigned = null;
            while (j < words.Count && IsAssignmentWord(words[j].Text))
            {
                (assigned ??= []).Add(words[j].Text);
                j++;
            }

            if (assigned is null)
            {
                Inner(j, InvocationContext.None);
            }
            else if (j < words.Count && j > start)
            {
                var innerCtx = ctx with { Depth = ctx.Depth + 1, WrappedBy = program };
                BuildInvocation(words, j, redirections, assigned, stdinScript, innerCtx, end, InvocationContext.Wrapped);
            }
        }

        void UnwrapFind()
        {
            for (var k = i; k < words.Count; k++)
            {
                var t = words[k].Text;
                if (t is not ("-exec" or "-execdir" or "-ok" or "-okdir"))
                {
                    continue;
                }

                var stop = k + 1;
                while (stop < words.Count && words[stop].Text is not (";" or "+"))
                {
                    stop++;
                }

                if (stop > k + 1)
                {
                    var slice = new ArgWord[stop - k - 1];
                    for (var m = 0; m < slice.Length; m++)
                    {
                        slice[m] = words[k + 1 + m];
                    }

                    if (ctx.Depth + 1 > _maxDepth)
                    {
                        _errors.Add(new ParseError(SpanOf(ctx, words[k].Span).Start, $"wrappers and nested shells go deeper than {_maxDepth} levels"));
                        return;
                    }

                    var innerCtx = ctx with { Depth = ctx.Depth + 1, WrappedBy = program };
                    BuildInvocation(slice, 0, redirections, [], null, innerCtx, slice[^1].Span.End, InvocationContext.Wrapped | InvocationContext.DynamicArgs);
                }

                k = stop;
            }
        }

        void UnwrapGit()
        {
            var j = i;
            while (j < words.Count && words[j].Text.Length > 1 && words[j].Text[0] == '-')
            {
                var t = words[j].Text;
                if (t == "-c" && j + 1 < words.Count)
                {
                    GitConfig(words[j + 1]);
                    j += 2;
                    continue;
                }

                if (t is "-C" or "--git-dir" or "--work-tree" or "--namespace" or "--exec-path" or "--config-env")
                {
                    j += 2;
                    continue;
                }

                j++;
            }

            if (j >= words.Count)
            {
                return;
            }

            switch (words[j].Text)
            {
                case "submodule":
                    for (var k = j + 1; k < words.Count; k++)
                    {
                        if (words[k].Text == "foreach")
                        {
                            var m = k + 1;
                            while (m < words.Count && words[m].Text.StartsWith('-'))
                            {
                                m++;
                            }

                            ReparseWords(m, words.Count, InvocationContext.None);
                            return;
                        }
                    }

                    return;
                case "bisect" when j + 1 < words.Count && words[j + 1].Text == "run":
                    Inner(j + 2, InvocationContext.None);
                    return;
                case "rebase":
                    for (var k = j + 1; k < words.Count; k++)
                    {
                        var t = words[k].Text;
                        if (t is "-x" or "--exec")
                        {
                            ReparseWord(k + 1, InvocationContext.None);
                        }
                        else if (t.StartsWith("--exec=", StringComparison.Ordinal))
                        {
                            Reparse(t["--exec=".Length..], ctx, words[k].Span, program, InvocationContext.Wrapped);
                        }
                    }

                    return;
                case "filter-branch":
                    for (var k = j + 1; k < words.Count; k++)
                    {
                        if (Contains(s_gitFilterBranchOptions, words[k].Text))
                        {
                            ReparseWord(k + 1, InvocationContext.None);
                        }
                    }

                    return;
            }
        }

        void GitConfig(ArgWord setting)
        {
            var text = setting.Text;
            var eq = text.IndexOf('=');
            if (eq < 0)
            {
                return;
            }

            var key = text[..eq].ToLowerInvariant();
            var value = text[(eq + 1)..];
            var runsCommand = false;
            if (key.StartsWith("alias.", StringComparison.Ordinal))
            {
                if (!value.StartsWith('!'))
                {
                    return;
                }

                runsCommand = true;
            }
            else
            {
                foreach (var k in s_gitCommandConfigKeys)
                {
                    if (k.EndsWith('.') ? key.StartsWith(k, StringComparison.Ordinal) : key == k)
                    {
                        runsCommand = true;
                        break;
                    }
                }
            }

            if (!runsCommand)
            {
                return;
            }

            var code = value.StartsWith('!') ? value[1..] : value;
            if (setting.IsStatic)
            {
                Reparse(code, ctx, setting.Span, program, InvocationContext.Wrapped);
            }
            else
            {
                EmitUnknown(ctx, program, $"'git -c {key}' runs a command computed at run time ('{value}')", setting.Span, code);
            }
        }

        void UnwrapSsh()
        {
            var j = i;
            while (j < words.Count && words[j].Text.Length > 1 && words[j].Text[0] == '-')
            {
                var t = words[j].Text;
                if (t == "--")
                {
                    j++;
                    break;
                }

                j += Contains(s_sshValueOptions, t) || (t.Length > 2 && Contains(s_sshValueOptions, "-" + t[^1])) ? 2 : 1;
            }

            // words[j] is the host; the rest is the remote command line.
            ReparseWords(j + 1, words.Count, InvocationContext.Remote);
        }

        void UnwrapNpx()
        {
            var j = i;
            while (j < words.Count && words[j].Text.Length > 1 && words[j].Text[0] == '-')
            {
                var t = words[j].Text;
                if (t is "-c" or "--call")
                {
                    ReparseWord(j + 1, InvocationContext.None);
                    return;
                }

                j += t is "-p" or "--package" ? 2 : 1;
            }

            Inner(j, InvocationContext.None);
        }

        void UnwrapShell()
        {
            var j = i;
            if (program == "busybox")
            {
                if (j >= words.Count || !IsShell(ProgramNames.Normalize(words[j].Text)))
                {
                    // busybox APPLET args: the applet is the program.
                    Inner(j, InvocationContext.None);
                    return;
                }

                j++;
            }

            var command = false;
            var readsStdin = false;
            while (j < words.Count)
            {
                var t = words[j].Text;
                if (t is "--" or "-")
                {
                    j++;
                    break;
                }

                if (t.Length < 2 || t[0] is not ('-' or '+'))
                {
                    break;
                }

                if (t.StartsWith("--", StringComparison.Ordinal))
                {
                    j += t is "--rcfile" or "--init-file" ? 2 : 1;
                    continue;
                }

                var skipValue = false;
                for (var k = 1; k < t.Length; k++)
                {
                    switch (t[k])
                    {
                        case 'c':
                            command = true;
                            break;
                        case 's':
                            readsStdin = true;
                            break;
                        case 'o' or 'O':
                            skipValue = true;
                            break;
                    }
                }

                j += skipValue ? 2 : 1;
            }

            if (command)
            {
                if (j < words.Count)
                {
                    ReparseWord(j, InvocationContext.None);
                }

                return;
            }

            if ((j >= words.Count || readsStdin) && stdinScript is not null)
            {
                Reparse(stdinScript.Text, ctx, stdinScript.Span, program, InvocationContext.Wrapped);
            }
            else if ((j >= words.Count || readsStdin) && ctx.PipedText is { } piped)
            {
                Reparse(piped, ctx with { PipedText = null }, words[start].Span, program, InvocationContext.Wrapped);
            }
        }
    }

    /// <summary>Code handed to an interpreter inline: <c>python -c CODE</c>, <c>node -e CODE</c>, a here-document as its script.</summary>
    private static string? FindInlineCode(string program, IReadOnlyList<ArgWord> words, int start, WordNode? stdinScript)
    {
        string letters;
        if (program.StartsWith("python", StringComparison.Ordinal) || program.StartsWith("pypy", StringComparison.Ordinal))
        {
            letters = "c";
        }
        else
        {
            switch (program)
            {
                case "node" or "nodejs" or "bun":
                    letters = "ep";
                    break;
                case "perl":
                    letters = "eE";
                    break;
                case "ruby" or "lua" or "luajit" or "osascript" or "Rscript" or "julia":
                    letters = "e";
                    break;
                case "php":
                    letters = "r";
                    break;
                case "deno":
                    return start + 2 < words.Count && words[start + 1].Text == "eval" ? words[start + 2].Text : null;
                case "pwsh" or "powershell" or "powershell.exe":
                    for (var k = start + 1; k + 1 < words.Count; k++)
                    {
                        var t = words[k].Text.ToLowerInvariant();
                        if (t is "-c" or "-command" or "-encodedcommand" or "-ec" or "-e")
                        {
                            return words[k + 1].Text;
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }

        var sawScript = false;
        for (var k = start + 1; k < words.Count; k++)
        {
            var t = words[k].Text;
            if (t is "--eval" or "--print" && letters == "ep")
            {
                return k + 1 < words.Count ? words[k + 1].Text : "";
            }

            if (t.StartsWith("--eval=", StringComparison.Ordinal) && letters == "ep")
            {
                return t["--eval=".Length..];
            }

            if (t.Length >= 2 && t[0] == '-' && t[1] != '-')
            {
                var last = t[^1];
                if (letters.Contains(last) && IsLetters(t, 1))
                {
                    return k + 1 < words.Count ? words[k + 1].Text : "";
                }

                if (letters == "c" && t[1] == 'c' && t.Length > 2)
                {
                    return t[2..];
                }

                if (letters == "c" && t is "-m")
                {
                    return null;
                }

                continue;
            }

            if (t == "-")
            {
                break;
            }

            sawScript = true;
            break;
        }

        return !sawScript && stdinScript is not null ? stdinScript.Text : null;
    }

    private static bool IsLetters(string s, int from)
    {
        for (var i = from; i < s.Length; i++)
        {
            if (!char.IsAsciiLetter(s[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Index of the first word at or after <paramref name="i"/> that is not an option (or follows <c>--</c>).</summary>
    private static int SkipOptions(IReadOnlyList<ArgWord> words, int i, string[] valueOptions)
    {
        while (i < words.Count)
        {
            var t = words[i].Text;
            if (t == "--")
            {
                return i + 1;
            }

            if (t.Length < 2 || t[0] != '-')
            {
                return i;
            }

            i += Contains(valueOptions, t) ? 2 : 1;
        }

        return i;
    }

    private static bool HasFlag(IReadOnlyList<ArgWord> words, int from, int to, string flag)
    {
        for (var k = from; k < to && k < words.Count; k++)
        {
            if (words[k].Text == flag)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(string[] list, string value)
    {
        foreach (var item in list)
        {
            if (item == value)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAssignmentWord(string text)
    {
        var eq = text.IndexOf('=');
        if (eq <= 0 || !(char.IsAsciiLetter(text[0]) || text[0] == '_'))
        {
            return false;
        }

        for (var k = 1; k < eq; k++)
        {
            if (!(char.IsAsciiLetterOrDigit(text[k]) || text[k] == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
