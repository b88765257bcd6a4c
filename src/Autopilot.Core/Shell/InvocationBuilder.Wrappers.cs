namespace Autopilot.Core.Shell;

/// <summary>Seeing through wrappers: programs that run another program or a string of shell code.</summary>
/// <remarks>
/// <see cref="Unwrap"/> only picks the family by the program's name; each family is one small method below. A family
/// ends in one of three moves: <see cref="Inner"/> (the words from an index on are a command of their own),
/// <see cref="ReparseWord"/>/<see cref="ReparseWords"/> (a word, or several joined, are shell code parsed again), or
/// nothing (the wrapper runs nothing here). Wrappers that only skip options (and a fixed number of positionals)
/// before the command are rows of the <see cref="PrefixWrapperOf"/> table.
/// </remarks>
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

    /// <summary>A wrapper that takes options, then <see cref="Positionals"/> more words, then the command it runs.</summary>
    /// <param name="ValueOptions">Options that take the next word as their value.</param>
    /// <param name="Positionals">Words between the options and the command (<c>timeout DURATION CMD</c>: one).</param>
    /// <param name="Context">What running under this wrapper adds to the inner command.</param>
    private sealed record PrefixWrapper(string[] ValueOptions, int Positionals, InvocationContext Context);

    private static readonly PrefixWrapper s_plainPrefix = new([], 0, InvocationContext.None);
    private static readonly PrefixWrapper s_sudo = new(s_sudoValueOptions, 0, InvocationContext.Privileged);
    private static readonly PrefixWrapper s_doas = new(["-u", "-C"], 0, InvocationContext.Privileged);
    private static readonly PrefixWrapper s_chroot = new(["--userspec", "--groups"], 1, InvocationContext.Privileged);
    private static readonly PrefixWrapper s_exec = new(["-a"], 0, InvocationContext.None);
    private static readonly PrefixWrapper s_nice = new(["-n", "--adjustment"], 0, InvocationContext.None);
    private static readonly PrefixWrapper s_time = new(["-f", "-o", "--format", "--output"], 0, InvocationContext.None);
    private static readonly PrefixWrapper s_timeout = new(["-s", "-k", "--signal", "--kill-after"], 1, InvocationContext.None);
    private static readonly PrefixWrapper s_stdbuf = new(["-i", "-o", "-e"], 0, InvocationContext.None);
    private static readonly PrefixWrapper s_ionice = new(["-c", "-n", "-p", "-P", "-u", "--class", "--classdata"], 0, InvocationContext.None);
    private static readonly PrefixWrapper s_trace = new(["-o", "-p", "-e", "-s", "-E", "-u", "-a", "-b", "-I", "-O", "-P", "-S", "-X"], 0, InvocationContext.None);
    private static readonly PrefixWrapper s_xargs = new(s_xargsValueOptions, 0, InvocationContext.DynamicArgs);

    /// <summary>The table of wrappers that only skip options (and positionals) before the command they run.</summary>
    private static PrefixWrapper? PrefixWrapperOf(string program) => program switch
    {
        "sudo" => s_sudo,
        "doas" => s_doas,
        "chroot" => s_chroot,
        "nohup" or "builtin" or "setsid" or "unbuffer" or "noglob" or "nocorrect" or "caffeinate" => s_plainPrefix,
        "exec" => s_exec,
        "nice" => s_nice,
        "time" => s_time,
        "timeout" => s_timeout,
        "stdbuf" => s_stdbuf,
        "ionice" => s_ionice,
        "strace" or "ltrace" => s_trace,
        "xargs" => s_xargs,
        _ => null,
    };

    // Asked of every invocation: a switch on the name instead of a scan of the list.
    private static bool IsShell(string program) =>
        program is "sh" or "bash" or "zsh" or "dash" or "ksh" or "ash" or "mksh" or "yash" or "fish" or "csh" or "tcsh" or "rbash";

    /// <summary>The invocation being looked through, and what its inner commands inherit.</summary>
    /// <param name="Start">Index of the wrapper's own word in <paramref name="Words"/>.</param>
    /// <param name="End">End of the command's text (the span inner invocations reach to).</param>
    private readonly record struct Wrapped(
        Invocation Invocation,
        IReadOnlyList<ArgWord> Words,
        int Start,
        IReadOnlyList<Redirection> Redirections,
        WordNode? StdinScript,
        WalkContext Ctx,
        int End)
    {
        public string Program => Invocation.Program;

        /// <summary>Index of the wrapper's first argument.</summary>
        public int Args => Start + 1;

        public int Count => Words.Count;

        public string this[int index] => Words[index].Text;
    }

    private void Unwrap(
        Invocation invocation,
        IReadOnlyList<ArgWord> words,
        int start,
        IReadOnlyList<Redirection> redirections,
        WordNode? stdinScript,
        WalkContext ctx,
        int end)
    {
        var w = new Wrapped(invocation, words, start, redirections, stdinScript, ctx, end);
        if (PrefixWrapperOf(w.Program) is { } prefix)
        {
            Inner(w, SkipOptions(words, w.Args, prefix.ValueOptions) + prefix.Positionals, prefix.Context);
        }
        else if (IsShell(w.Program) || w.Program == "busybox")
        {
            UnwrapShell(w);
        }
        else
        {
            UnwrapNamed(w);
        }
    }

    /// <summary>The wrappers with a method of their own, by family.</summary>
    private void UnwrapNamed(in Wrapped w)
    {
        switch (w.Program)
        {
            // Programs that run the command after their options, with a condition or an option that runs code.
            case "su":
                UnwrapSu(w);
                return;
            case "command":
                UnwrapCommandBuiltin(w);
                return;
            case "taskset" or "chrt":
                UnwrapTaskset(w);
                return;
            case "watch":
                UnwrapWatch(w);
                return;
            case "flock":
                UnwrapFlock(w);
                return;
            case "script":
                UnwrapScript(w);
                return;
            case "env":
                UnwrapEnv(w);
                return;

            // Per-item runners: the command runs once per found file or input item.
            case "find":
                UnwrapFind(w);
                return;
            case "fd" or "fdfind":
                UnwrapFd(w);
                return;
            case "parallel":
                UnwrapParallel(w);
                return;

            // Shell code handed over as text.
            case "eval":
                ReparseWords(w, w.Args, w.Count, InvocationContext.None);
                return;
            case "trap":
                UnwrapTrap(w);
                return;
            case "alias":
                UnwrapAlias(w);
                return;
            case "git":
                UnwrapGit(w);
                return;

            // Remote and container commands.
            case "ssh":
                UnwrapSsh(w);
                return;
            case "kubectl" or "oc":
                UnwrapKubectlExec(w);
                return;
            case "docker" or "podman" or "nerdctl" or "docker-compose" or "podman-compose":
                UnwrapContainerExec(w);
                return;

            // Package and project runners.
            case "npx" or "pnpx" or "bunx":
                UnwrapNpx(w);
                return;
            case "uv" or "poetry" or "pipenv" or "pdm" or "hatch" or "rye" or "bundle" or "bundler" or "pnpm" or "npm" or "yarn" or "conda" or "mamba":
                UnwrapRunner(w);
                return;
        }
    }

    // ---- the three moves

    /// <summary>The words from <paramref name="index"/> on are a command of their own, run by the wrapper.</summary>
    private void Inner(in Wrapped w, int index, InvocationContext extra)
    {
        if (index >= w.Count || index <= w.Start)
        {
            return;
        }

        if (!WithinDepth(w, index))
        {
            return;
        }

        var innerCtx = w.Ctx with { Depth = w.Ctx.Depth + 1, WrappedBy = w.Program };
        BuildInvocation(w.Words, index, w.Redirections, [], w.StdinScript, innerCtx, w.End, InvocationContext.Wrapped | extra);
    }

    /// <summary>Whether one more level of wrapping is allowed; if not, says so at the word at <paramref name="index"/>.</summary>
    private bool WithinDepth(in Wrapped w, int index)
    {
        if (w.Ctx.Depth + 1 <= _maxDepth)
        {
            return true;
        }

        _errors.Add(new ParseError(SpanOf(w.Ctx, w.Words[index].Span).Start, $"wrappers and nested shells go deeper than {_maxDepth} levels"));
        return false;
    }

    /// <summary>The word at <paramref name="index"/> is shell code the wrapper runs.</summary>
    private void ReparseWord(in Wrapped w, int index, InvocationContext extra)
    {
        if (index >= w.Count)
        {
            return;
        }

        var word = w.Words[index];
        var ctx = w.Ctx with { Flags = w.Ctx.Flags | extra };
        if (word.IsStatic)
        {
            Reparse(word.Text, ctx, word.Span, w.Program, InvocationContext.Wrapped);
        }
        else
        {
            EmitUnknown(ctx, w.Program, $"'{w.Program}' runs code computed at run time ('{word.Text}')", word.Span, word.Text);
        }
    }

    /// <summary>The words from <paramref name="from"/> to <paramref name="to"/>, joined by spaces, are shell code the wrapper runs.</summary>
    private void ReparseWords(in Wrapped w, int from, int to, InvocationContext extra)
    {
        if (from >= to)
        {
            return;
        }

        var (code, allStatic) = JoinWords(w.Words, from, to, prefix: null);
        var span = TextSpan.FromBounds(w.Words[from].Span.Start, w.Words[to - 1].Span.End);
        var ctx = w.Ctx with { Flags = w.Ctx.Flags | extra };
        if (allStatic || (extra & InvocationContext.Remote) != 0)
        {
            // A remote command line is expanded locally first; its words as written are what the far side runs.
            Reparse(code, ctx, span, w.Program, InvocationContext.Wrapped);
        }
        else
        {
            EmitUnknown(ctx, w.Program, $"'{w.Program}' runs code computed at run time ('{code}')", span, code);
        }
    }

    /// <summary>Joins words <paramref name="from"/>..<paramref name="to"/> (after <paramref name="prefix"/>, if any) with spaces.</summary>
    private static (string Code, bool AllStatic) JoinWords(IReadOnlyList<ArgWord> words, int from, int to, ArgWord? prefix)
    {
        var parts = new List<string>(to - from + 1);
        var allStatic = true;
        if (prefix is { } first)
        {
            parts.Add(first.Text);
            allStatic = first.IsStatic;
        }

        for (var k = from; k < to; k++)
        {
            parts.Add(words[k].Text);
            allStatic &= words[k].IsStatic;
        }

        return (string.Join(' ', parts), allStatic);
    }

    // ---- programs that run the command after their options

    /// <summary><c>su [-s SHELL] -c CMD</c>, <c>su --command=CMD</c>: the command runs as another user.</summary>
    private void UnwrapSu(in Wrapped w)
    {
        for (var j = w.Args; j < w.Count; j++)
        {
            var t = w[j];
            if (t is "-c" or "--command")
            {
                ReparseWord(w, j + 1, InvocationContext.Privileged);
                return;
            }

            if (t.StartsWith("--command=", StringComparison.Ordinal))
            {
                var ctx = w.Ctx with { Flags = w.Ctx.Flags | InvocationContext.Privileged };
                Reparse(t["--command=".Length..], ctx, w.Words[j].Span, w.Program, InvocationContext.Wrapped);
                return;
            }

            if (t is "-s" or "--shell" or "-g" or "-G" or "--group" or "--supp-group")
            {
                j++;
            }
        }
    }

    /// <summary><c>command CMD</c> runs CMD; <c>command -v CMD</c> only looks it up.</summary>
    private void UnwrapCommandBuiltin(in Wrapped w)
    {
        var j = SkipOptions(w.Words, w.Args, []);
        if (!HasFlag(w.Words, w.Args, j, "-v") && !HasFlag(w.Words, w.Args, j, "-V"))
        {
            Inner(w, j, InvocationContext.None);
        }
    }

    /// <summary><c>taskset [-c] MASK CMD</c>, <c>chrt [-f|-r|...] PRIORITY CMD</c>: one positional, then the command (not with <c>-p PID</c>).</summary>
    private void UnwrapTaskset(in Wrapped w)
    {
        var j = SkipOptions(w.Words, w.Args, []);
        if (!HasFlag(w.Words, w.Args, j, "-p") && !HasFlag(w.Words, w.Args, j, "--pid"))
        {
            Inner(w, j + 1, InvocationContext.None);
        }
    }

    /// <summary><c>watch -x CMD ARGS</c> runs the words as a command; <c>watch CMD ARGS</c> hands them to <c>sh -c</c>.</summary>
    private void UnwrapWatch(in Wrapped w)
    {
        var j = SkipOptions(w.Words, w.Args, ["-n", "--interval", "-q", "--equexit"]);
        if (HasFlag(w.Words, w.Args, j, "-x") || HasFlag(w.Words, w.Args, j, "--exec"))
        {
            Inner(w, j, InvocationContext.None);
        }
        else
        {
            ReparseWords(w, j, w.Count, InvocationContext.None);
        }
    }

    /// <summary><c>flock [OPTIONS] FILE CMD</c> runs CMD; <c>flock FILE -c CODE</c> hands CODE to a shell.</summary>
    private void UnwrapFlock(in Wrapped w)
    {
        var j = w.Args;
        while (j < w.Count && w[j].StartsWith('-'))
        {
            var t = w[j];
            if (t is "-c" or "--command")
            {
                ReparseWord(w, j + 1, InvocationContext.None);
                return;
            }

            j += t is "-w" or "--timeout" or "-E" or "--conflict-exit-code" ? 2 : 1;
        }

        Inner(w, j + 1, InvocationContext.None);
    }

    /// <summary><c>script -c CMD [FILE]</c> (also <c>-qc CMD</c>): the command runs under a new terminal.</summary>
    private void UnwrapScript(in Wrapped w)
    {
        for (var k = w.Args; k < w.Count; k++)
        {
            var t = w[k];
            if (t is "-c" or "--command" || (t.Length > 2 && t[0] == '-' && t[1] != '-' && t[^1] == 'c'))
            {
                ReparseWord(w, k + 1, InvocationContext.None);
                return;
            }
        }
    }

    /// <summary>
    /// <c>env [OPTIONS] [NAME=value...] CMD</c>: the assignments are the inner command's environment
    /// (<c>HUSKY=0</c>, <c>GIT_SSH_COMMAND=...</c>); <c>env -S 'prog args'</c> splits a string into a command.
    /// </summary>
    private void UnwrapEnv(in Wrapped w)
    {
        var j = w.Args;
        while (j < w.Count)
        {
            var t = w[j];
            if (t == "--")
            {
                j++;
                break;
            }

            if (t is "-S" or "--split-string" || t.StartsWith("--split-string=", StringComparison.Ordinal) || (t.StartsWith("-S", StringComparison.Ordinal) && t.Length > 2))
            {
                UnwrapEnvSplitString(w, j);
                return;
            }

            if (t is "-u" or "--unset" or "-C" or "--chdir")
            {
                j += 2;
                continue;
            }

            if ((t.Length > 1 && t[0] == '-') || t == "-")
            {
                j++;
                continue;
            }

            break;
        }

        List<string>? assigned = null;
        while (j < w.Count && IsAssignmentWord(w[j]))
        {
            (assigned ??= []).Add(w[j]);
            j++;
        }

        if (assigned is null)
        {
            Inner(w, j, InvocationContext.None);
        }
        else if (j < w.Count && j > w.Start)
        {
            var innerCtx = w.Ctx with { Depth = w.Ctx.Depth + 1, WrappedBy = w.Program };
            BuildInvocation(w.Words, j, w.Redirections, assigned, w.StdinScript, innerCtx, w.End, InvocationContext.Wrapped);
        }
    }

    /// <summary><c>env -S 'prog args' more-args</c> (at word <paramref name="option"/>): the string is split into words and run.</summary>
    private void UnwrapEnvSplitString(in Wrapped w, int option)
    {
        var t = w[option];
        var split = t is "-S" or "--split-string";
        if (split && option + 1 >= w.Count)
        {
            return;
        }

        ArgWord? inline = split
            ? null
            : w.Words[option] with { Text = t.StartsWith("-S", StringComparison.Ordinal) ? t[2..] : t["--split-string=".Length..] };
        var (code, allStatic) = JoinWords(w.Words, option + 1, w.Count, inline);
        var span = TextSpan.FromBounds(w.Words[option].Span.Start, w.Words[^1].Span.End);
        if (allStatic)
        {
            Reparse(code, w.Ctx, span, w.Program, InvocationContext.Wrapped);
        }
        else
        {
            EmitUnknown(w.Ctx, w.Program, $"'env -S' runs a string computed at run time ('{code}')", span, code);
        }
    }

    // ---- per-item runners

    /// <summary><c>find ... -exec CMD {} ;</c> (also <c>-execdir</c>, <c>-ok</c>, <c>-okdir</c>, ending in <c>+</c>): CMD runs per found file.</summary>
    private void UnwrapFind(in Wrapped w)
    {
        for (var k = w.Args; k < w.Count; k++)
        {
            if (w[k] is not ("-exec" or "-execdir" or "-ok" or "-okdir"))
            {
                continue;
            }

            var stop = k + 1;
            while (stop < w.Count && w[stop] is not (";" or "+"))
            {
                stop++;
            }

            if (stop > k + 1)
            {
                var slice = new ArgWord[stop - k - 1];
                for (var m = 0; m < slice.Length; m++)
                {
                    slice[m] = w.Words[k + 1 + m];
                }

                if (!WithinDepth(w, k))
                {
                    return;
                }

                var innerCtx = w.Ctx with { Depth = w.Ctx.Depth + 1, WrappedBy = w.Program };
                BuildInvocation(slice, 0, w.Redirections, [], null, innerCtx, slice[^1].Span.End, InvocationContext.Wrapped | InvocationContext.DynamicArgs);
            }

            k = stop;
        }
    }

    /// <summary><c>fd PATTERN PATH -x CMD</c> / <c>-X CMD</c>: the command runs once per found file, with the file added.</summary>
    private void UnwrapFd(in Wrapped w)
    {
        for (var k = w.Args; k < w.Count; k++)
        {
            if (w[k] is "-x" or "--exec" or "-X" or "--exec-batch")
            {
                Inner(w, k + 1, InvocationContext.DynamicArgs);
                return;
            }
        }
    }

    /// <summary>
    /// <c>parallel [OPTIONS] CMD ::: ARGS</c> (or <c>:::: FILES</c>): CMD runs once per argument, with the argument added;
    /// <c>parallel ::: CMD1 CMD2</c>: each argument is itself a command.
    /// </summary>
    private void UnwrapParallel(in Wrapped w)
    {
        var j = SkipOptions(w.Words, w.Args, s_parallelValueOptions);
        var separator = j;
        while (separator < w.Count && !IsParallelSeparator(w[separator]))
        {
            separator++;
        }

        if (separator > j)
        {
            var command = new List<ArgWord>(separator);
            for (var k = 0; k < separator; k++)
            {
                command.Add(w.Words[k]);
            }

            var innerCtx = w.Ctx with { Depth = w.Ctx.Depth + 1, WrappedBy = w.Program };
            BuildInvocation(command, j, w.Redirections, [], null, innerCtx, w.End, InvocationContext.Wrapped | InvocationContext.DynamicArgs);
            return;
        }

        for (var k = separator + 1; k < w.Count; k++)
        {
            if (!IsParallelSeparator(w[k]))
            {
                ReparseWord(w, k, InvocationContext.None);
            }
        }
    }

    private static bool IsParallelSeparator(string word) => word is ":::" or "::::" or ":::+" or "::::+";

    // ---- shell code handed over as text

    /// <summary><c>trap 'code' SIGNAL</c>: the code runs later, in this shell.</summary>
    private void UnwrapTrap(in Wrapped w)
    {
        if (w.Args < w.Count && w[w.Args] is not ("-l" or "-p" or "--" or "-"))
        {
            ReparseWord(w, w.Args, InvocationContext.None);
        }
    }

    /// <summary><c>alias name='code'</c>: the code runs wherever the name is used.</summary>
    private void UnwrapAlias(in Wrapped w)
    {
        for (var k = w.Args; k < w.Count; k++)
        {
            var eq = w[k].IndexOf('=');
            if (eq > 0 && w.Words[k].IsStatic)
            {
                Reparse(w[k][(eq + 1)..], w.Ctx, w.Words[k].Span, w.Program, InvocationContext.Wrapped);
            }
        }
    }

    /// <summary>
    /// <c>sh [OPTIONS] -c CODE</c>, <c>bash -s</c> or a bare shell reading a here-document or piped text,
    /// <c>busybox sh ...</c>; <c>busybox APPLET args</c> runs the applet.
    /// </summary>
    private void UnwrapShell(in Wrapped w)
    {
        var j = w.Args;
        if (w.Program == "busybox")
        {
            if (j >= w.Count || !IsShell(ProgramNames.Normalize(w[j])))
            {
                Inner(w, j, InvocationContext.None);
                return;
            }

            j++;
        }

        var (next, command, readsStdin) = ReadShellOptions(w, j);
        if (command)
        {
            ReparseWord(w, next, InvocationContext.None);
            return;
        }

        var readsScript = next >= w.Count || readsStdin;
        if (readsScript && w.StdinScript is { } script)
        {
            Reparse(script.Text, w.Ctx, script.Span, w.Program, InvocationContext.Wrapped);
        }
        else if (readsScript && w.Ctx.PipedText is { } piped)
        {
            Reparse(piped, w.Ctx with { PipedText = null }, w.Words[w.Start].Span, w.Program, InvocationContext.Wrapped);
        }
    }

    /// <summary>Reads a shell's options from word <paramref name="j"/>: where its operands start, and whether <c>-c</c> or <c>-s</c> was given.</summary>
    private static (int Next, bool Command, bool ReadsStdin) ReadShellOptions(in Wrapped w, int j)
    {
        var command = false;
        var readsStdin = false;
        while (j < w.Count)
        {
            var t = w[j];
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
                command |= t[k] == 'c';
                readsStdin |= t[k] == 's';
                skipValue |= t[k] is 'o' or 'O';
            }

            j += skipValue ? 2 : 1;
        }

        return (j, command, readsStdin);
    }

    // ---- git: aliases and configuration that run commands, subcommands that run commands

    /// <summary><c>git [-c KEY=VALUE] [-C DIR] ... SUBCOMMAND</c>: reads the global options, then the subcommand.</summary>
    private void UnwrapGit(in Wrapped w)
    {
        var j = w.Args;
        while (j < w.Count && w[j].Length > 1 && w[j][0] == '-')
        {
            var t = w[j];
            if (t == "-c" && j + 1 < w.Count)
            {
                GitConfig(w, w.Words[j + 1]);
                j += 2;
                continue;
            }

            j += t is "-C" or "--git-dir" or "--work-tree" or "--namespace" or "--exec-path" or "--config-env" ? 2 : 1;
        }

        if (j < w.Count)
        {
            UnwrapGitSubcommand(w, j);
        }
    }

    /// <summary>
    /// <c>git submodule foreach CODE</c>, <c>git bisect run CMD</c>, <c>git rebase -x CODE</c>,
    /// <c>git filter-branch --tree-filter CODE</c>: the subcommand at word <paramref name="j"/> runs code.
    /// </summary>
    private void UnwrapGitSubcommand(in Wrapped w, int j)
    {
        switch (w[j])
        {
            case "submodule":
                var foreachAt = IndexOfWord(w, j + 1, "foreach");
                if (foreachAt >= 0)
                {
                    var m = foreachAt + 1;
                    while (m < w.Count && w[m].StartsWith('-'))
                    {
                        m++;
                    }

                    ReparseWords(w, m, w.Count, InvocationContext.None);
                }

                return;
            case "bisect" when j + 1 < w.Count && w[j + 1] == "run":
                Inner(w, j + 2, InvocationContext.None);
                return;
            case "rebase":
                for (var k = j + 1; k < w.Count; k++)
                {
                    if (w[k] is "-x" or "--exec")
                    {
                        ReparseWord(w, k + 1, InvocationContext.None);
                    }
                    else if (w[k].StartsWith("--exec=", StringComparison.Ordinal))
                    {
                        Reparse(w[k]["--exec=".Length..], w.Ctx, w.Words[k].Span, w.Program, InvocationContext.Wrapped);
                    }
                }

                return;
            case "filter-branch":
                for (var k = j + 1; k < w.Count; k++)
                {
                    if (Contains(s_gitFilterBranchOptions, w[k]))
                    {
                        ReparseWord(w, k + 1, InvocationContext.None);
                    }
                }

                return;
        }
    }

    /// <summary><c>git -c alias.x='!code'</c>, <c>git -c core.sshCommand=CMD</c> and other keys whose value is a command.</summary>
    private void GitConfig(in Wrapped w, ArgWord setting)
    {
        var text = setting.Text;
        var eq = text.IndexOf('=');
        if (eq < 0)
        {
            return;
        }

        var key = text[..eq].ToLowerInvariant();
        var value = text[(eq + 1)..];
        if (!GitConfigRunsCommand(key, value))
        {
            return;
        }

        var code = value.StartsWith('!') ? value[1..] : value;
        if (setting.IsStatic)
        {
            Reparse(code, w.Ctx, setting.Span, w.Program, InvocationContext.Wrapped);
        }
        else
        {
            EmitUnknown(w.Ctx, w.Program, $"'git -c {key}' runs a command computed at run time ('{value}')", setting.Span, code);
        }
    }

    /// <summary>Whether git runs the value of <paramref name="key"/> (lower case) as a command: a <c>!</c> alias or a command key.</summary>
    private static bool GitConfigRunsCommand(string key, string value)
    {
        if (key.StartsWith("alias.", StringComparison.Ordinal))
        {
            return value.StartsWith('!');
        }

        foreach (var k in s_gitCommandConfigKeys)
        {
            if (k.EndsWith('.') ? key.StartsWith(k, StringComparison.Ordinal) : key == k)
            {
                return true;
            }
        }

        return false;
    }

    // ---- remote and container commands

    /// <summary><c>ssh [OPTIONS] HOST CMD...</c>: the rest of the line is a command run on the host.</summary>
    private void UnwrapSsh(in Wrapped w)
    {
        var j = w.Args;
        while (j < w.Count && w[j].Length > 1 && w[j][0] == '-')
        {
            var t = w[j];
            if (t == "--")
            {
                j++;
                break;
            }

            j += Contains(s_sshValueOptions, t) || (t.Length > 2 && Contains(s_sshValueOptions, "-" + t[^1])) ? 2 : 1;
        }

        // w[j] is the host; the rest is the remote command line.
        ReparseWords(w, j + 1, w.Count, InvocationContext.Remote);
    }

    /// <summary><c>kubectl exec POD -- CMD</c>: the command runs in the pod.</summary>
    private void UnwrapKubectlExec(in Wrapped w)
    {
        if (w.Invocation.Positionals.Count > 0 && w.Invocation.Positionals[0] == "exec")
        {
            var dashes = IndexOfWord(w, w.Args, "--");
            if (dashes >= 0)
            {
                Inner(w, dashes + 1, InvocationContext.Remote);
            }
        }
    }

    /// <summary>
    /// <c>docker exec [OPTIONS] CONTAINER CMD</c>, <c>docker compose exec [OPTIONS] SERVICE CMD</c>: the command runs in the
    /// container, and is judged like any other (its paths are the container's, judged as if they were here).
    /// </summary>
    private void UnwrapContainerExec(in Wrapped w)
    {
        var k = w.Args;
        var sawCompose = w.Program is "docker-compose" or "podman-compose";
        while (k < w.Count)
        {
            var t = w[k];
            if (t == "compose" && !sawCompose)
            {
                sawCompose = true;
                k++;
                continue;
            }

            if (t == "exec")
            {
                var j = SkipOptions(w.Words, k + 1, s_containerExecValueOptions);
                Inner(w, j + 1, InvocationContext.None);
                return;
            }

            if (!t.StartsWith('-'))
            {
                return;
            }

            // Options of docker or compose before the subcommand; those that take a value take the next word.
            k += Array.IndexOf(s_containerGlobalValueOptions, t) >= 0 ? 2 : 1;
        }
    }

    // ---- package and project runners

    /// <summary><c>npx [-p PKG] CMD</c> runs the package's program; <c>npx -c CODE</c> hands CODE to a shell.</summary>
    private void UnwrapNpx(in Wrapped w)
    {
        var j = w.Args;
        while (j < w.Count && w[j].Length > 1 && w[j][0] == '-')
        {
            var t = w[j];
            if (t is "-c" or "--call")
            {
                ReparseWord(w, j + 1, InvocationContext.None);
                return;
            }

            j += t is "-p" or "--package" ? 2 : 1;
        }

        Inner(w, j, InvocationContext.None);
    }

    /// <summary>
    /// Project runners that run a program by name: <c>uv run X</c>, <c>poetry run X</c>, <c>bundle exec X</c>, <c>pnpm exec X</c>,
    /// <c>pnpm dlx X</c>, <c>yarn dlx X</c>, <c>npm exec X</c>, <c>conda run X</c>. The program is judged like any other.
    /// </summary>
    private void UnwrapRunner(in Wrapped w)
    {
        var k = SkipOptions(w.Words, w.Args, s_runnerGlobalValueOptions);
        if (k >= w.Count || !RunnerVerbRuns(w.Program, w[k]))
        {
            return;
        }

        var j = SkipOptions(w.Words, k + 1, s_runnerValueOptions);

        // uv run -m module, uv run --script x.py, uv run x.py: Python runs the project's file or module (the
        // runner's own pack judges that); only a program named by the next word is unwrapped.
        if (j < w.Count && (w[j].EndsWith(".py", StringComparison.Ordinal)
            || HasFlag(w.Words, k + 1, j, "-m") || HasFlag(w.Words, k + 1, j, "--module") || HasFlag(w.Words, k + 1, j, "--script") || HasFlag(w.Words, k + 1, j, "-s")))
        {
            return;
        }

        Inner(w, j, InvocationContext.None);
    }

    /// <summary>Whether <paramref name="verb"/> is the runner's subcommand that runs a program.</summary>
    private static bool RunnerVerbRuns(string runner, string verb) => runner switch
    {
        "uv" or "poetry" or "pipenv" or "pdm" or "hatch" or "rye" or "conda" or "mamba" => verb == "run",
        "bundle" or "bundler" => verb == "exec",
        "pnpm" => verb is "exec" or "dlx",
        "npm" => verb is "exec" or "x",
        "yarn" => verb is "dlx" or "exec",
        _ => false,
    };

    // ---- interpreters

    /// <summary>Code handed to an interpreter inline: <c>python -c CODE</c>, <c>node -e CODE</c>, a here-document as its script.</summary>
    private static string? FindInlineCode(string program, IReadOnlyList<ArgWord> words, int start, WordNode? stdinScript)
    {
        switch (program)
        {
            case "deno":
                return start + 2 < words.Count && words[start + 1].Text == "eval" ? words[start + 2].Text : null;
            case "pwsh" or "powershell" or "powershell.exe":
                return PowerShellCommand(words, start);
        }

        return InlineCodeLetters(program) is { } letters ? FindInlineCodeOption(letters, words, start, stdinScript) : null;
    }

    /// <summary>The one-letter options after which an interpreter takes its code (<c>python -c</c>, <c>node -e/-p</c>), or null.</summary>
    private static string? InlineCodeLetters(string program)
    {
        if (program.StartsWith("python", StringComparison.Ordinal) || program.StartsWith("pypy", StringComparison.Ordinal))
        {
            return "c";
        }

        return program switch
        {
            "node" or "nodejs" or "bun" => "ep",
            "perl" => "eE",
            "ruby" or "lua" or "luajit" or "osascript" or "Rscript" or "julia" => "e",
            "php" => "r",
            _ => null,
        };
    }

    /// <summary><c>pwsh -Command CODE</c> (also <c>-c</c>, <c>-EncodedCommand</c>, <c>-ec</c>, <c>-e</c>, in any case).</summary>
    private static string? PowerShellCommand(IReadOnlyList<ArgWord> words, int start)
    {
        for (var k = start + 1; k + 1 < words.Count; k++)
        {
            var t = words[k].Text.ToLowerInvariant();
            if (t is "-c" or "-command" or "-encodedcommand" or "-ec" or "-e")
            {
                return words[k + 1].Text;
            }
        }

        return null;
    }

    /// <summary>
    /// The code after the first option made of <paramref name="letters"/> (or <c>--eval</c>/<c>--print</c> for node),
    /// before the script operand; with no script and no such option, a here-document is the script.
    /// </summary>
    private static string? FindInlineCodeOption(string letters, IReadOnlyList<ArgWord> words, int start, WordNode? stdinScript)
    {
        for (var k = start + 1; k < words.Count; k++)
        {
            var t = words[k].Text;
            if (letters == "ep" && NodeEvalOption(words, k) is { } evaluated)
            {
                return evaluated;
            }

            if (t.Length < 2 || t[0] != '-' || t[1] == '-')
            {
                // A script operand: the code is in that file. A bare '-' reads the script from stdin.
                return t == "-" && stdinScript is not null ? stdinScript.Text : null;
            }

            if (letters.Contains(t[^1]) && IsLetters(t, 1))
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
        }

        return stdinScript?.Text;
    }

    /// <summary><c>node --eval CODE</c>, <c>node --print CODE</c>, <c>node --eval=CODE</c> at word <paramref name="k"/>, or null.</summary>
    private static string? NodeEvalOption(IReadOnlyList<ArgWord> words, int k)
    {
        var t = words[k].Text;
        if (t is "--eval" or "--print")
        {
            return k + 1 < words.Count ? words[k + 1].Text : "";
        }

        return t.StartsWith("--eval=", StringComparison.Ordinal) ? t["--eval=".Length..] : null;
    }

    private static int IndexOfWord(in Wrapped w, int from, string word)
    {
        for (var k = from; k < w.Count; k++)
        {
            if (w[k] == word)
            {
                return k;
            }
        }

        return -1;
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
