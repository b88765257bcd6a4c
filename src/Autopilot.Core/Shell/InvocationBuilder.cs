namespace Autopilot.Core.Shell;

/// <summary>
/// Walks a syntax tree and lists every invocation it would run, with its context; sees through
/// wrappers (<see cref="InvocationBuilder"/>.Wrappers.cs) and parses the strings they hand to a shell.
/// </summary>
internal sealed partial class InvocationBuilder
{
    private readonly string _topText;
    private readonly int _maxDepth;
    private readonly List<Invocation> _invocations = [];
    private readonly List<ParseError> _errors = [];

    /// <param name="knownVariables">Variables whose values are known before the command runs (a policy's <c>actions.programVariables</c>).</param>
    public InvocationBuilder(string topText, int maxDepth, IReadOnlyDictionary<string, string>? knownVariables = null)
    {
        _topText = topText;
        _maxDepth = maxDepth;
        if (knownVariables is not null)
        {
            foreach (var (name, value) in knownVariables)
            {
                _variables[name] = value;
            }
        }
    }

    public List<Invocation> Invocations => _invocations;

    public List<ParseError> Errors => _errors;

    /// <summary>A word as the builder sees it: text after quote removal, whether it is static, where it is.</summary>
    internal readonly record struct ArgWord(string Text, bool IsStatic, TextSpan Span);

    /// <summary>What surrounds the node being walked.</summary>
    internal sealed record WalkContext
    {
        public InvocationContext Flags { get; init; }

        public IReadOnlyList<string> Predecessors { get; init; } = [];

        public string? FunctionName { get; init; }

        /// <summary>Wrappers and nested shells crossed so far.</summary>
        public int Depth { get; init; }

        /// <summary>Text the spans of the current tree point into.</summary>
        public required string Source { get; init; }

        /// <summary>Set inside strings parsed again (<c>sh -c '...'</c>): the span of that string in the top-level text.</summary>
        public TextSpan? OuterSpan { get; init; }

        public string? WrappedBy { get; init; }

        /// <summary>Redirections of enclosing compound commands (<c>{ ...; } &gt; file</c>).</summary>
        public IReadOnlyList<Redirection> InheritedRedirections { get; init; } = [];

        /// <summary>Text an earlier pipeline stage prints when it is a plain <c>echo</c>/<c>printf</c> of static words.</summary>
        public string? PipedText { get; init; }
    }

    public void Walk(ListNode tree) => WalkList(tree, new WalkContext { Source = _topText });

    private void WalkList(ListNode list, WalkContext ctx)
    {
        for (var itemIndex = 0; itemIndex < list.Items.Count; itemIndex++)
        {
            var item = list.Items[itemIndex];
            var itemCtx = item.Background ? ctx with { Flags = ctx.Flags | InvocationContext.Background } : ctx;
            for (var pipelineIndex = 0; pipelineIndex < item.Command.Pipelines.Count; pipelineIndex++)
            {
                var pipeline = item.Command.Pipelines[pipelineIndex];
                WalkPipeline(pipeline, itemCtx);
            }
        }
    }

    private void WalkPipeline(PipelineNode pipeline, WalkContext ctx)
    {
        if (pipeline.Commands.Count == 1)
        {
            WalkCommand(pipeline.Commands[0], ctx);
            return;
        }

        var earlier = new List<string>(ctx.Predecessors);
        string? piped = null;
        for (var i = 0; i < pipeline.Commands.Count; i++)
        {
            var stageCtx = ctx with
            {
                Flags = ctx.Flags | InvocationContext.Pipeline,
                Predecessors = i == 0 ? ctx.Predecessors : earlier.ToArray(),
                PipedText = piped,
            };
            var before = _invocations.Count;
            WalkCommand(pipeline.Commands[i], stageCtx);
            piped = PrintedText(pipeline.Commands[i]);
            for (var j = before; j < _invocations.Count; j++)
            {
                var inv = _invocations[j];
                if ((inv.Context & InvocationContext.Substitution) == 0 || (ctx.Flags & InvocationContext.Substitution) != 0)
                {
                    earlier.Add(inv.Program.Length > 0 ? inv.Program : inv.RawProgram);
                }
            }
        }
    }

    /// <summary>What <c>echo</c> or <c>printf</c> of static words prints (so that <c>echo 'rm -rf /' | sh</c> is read); null otherwise.</summary>
    private static string? PrintedText(CommandNode command)
    {
        if (command is not SimpleCommandNode { Words.Count: > 1 } simple || !simple.Words[0].IsStatic)
        {
            return null;
        }

        var program = ProgramNames.Normalize(simple.Words[0].Text);
        if (program is not ("echo" or "printf"))
        {
            return null;
        }

        var parts = new List<string>(simple.Words.Count);
        for (var i = 1; i < simple.Words.Count; i++)
        {
            var w = simple.Words[i];
            if (!w.IsStatic)
            {
                return null;
            }

            if (program == "echo" && parts.Count == 0 && w.Text is "-e" or "-n" or "-E" or "-ne" or "-en")
            {
                continue;
            }

            parts.Add(w.Text);
        }

        var text = string.Join(' ', parts);
        return text.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\t", "\t", StringComparison.Ordinal);
    }

    private void WalkCommand(CommandNode command, WalkContext ctx)
    {
        switch (command)
        {
            case SimpleCommandNode simple:
                BuildSimple(simple, ctx);
                break;
            case SubshellNode subshell:
                WalkList(subshell.Body, WithRedirects(ctx with { Flags = ctx.Flags | InvocationContext.Subshell }, subshell.Redirects));
                break;
            case BraceGroupNode group:
                WalkList(group.Body, WithRedirects(ctx, group.Redirects));
                break;
            case FunctionDefNode function:
                WalkCommand(function.Body, WithRedirects(ctx with { Flags = ctx.Flags | InvocationContext.Function, FunctionName = function.Name }, function.Redirects));
                break;
            case CompoundNode compound:
                {
                    var inner = WithRedirects(ctx, compound.Redirects);
                    for (var wordIndex = 0; wordIndex < compound.Words.Count; wordIndex++)
                    {
                        var word = compound.Words[wordIndex];
                        WalkWordSubstitutions(word, inner, null);
                    }

                    if (compound.Kind is CompoundKind.For or CompoundKind.Select)
                    {
                        WalkFor(compound, inner);
                        break;
                    }

                    for (var bodyIndex = 0; bodyIndex < compound.Bodies.Count; bodyIndex++)
                    {
                        var body = compound.Bodies[bodyIndex];
                        WalkList(body, inner);
                    }

                    break;
                }
        }
    }

    private WalkContext WithRedirects(WalkContext ctx, IReadOnlyList<RedirectNode> redirects)
    {
        if (redirects.Count == 0)
        {
            return ctx;
        }

        var all = new List<Redirection>(ctx.InheritedRedirections);
        for (var ri = 0; ri < redirects.Count; ri++)
        {
            var r = redirects[ri];
            WalkRedirectSubstitutions(r, ctx);
            all.Add(ToRedirection(r));
        }

        return ctx with { InheritedRedirections = all };
    }

    /// <summary>The redirection with its target's known variables substituted (<c>&gt;&gt; "$OUT"</c> after <c>OUT=log.txt</c>), as arguments get them.</summary>
    private Redirection ToRedirection(RedirectNode r) =>
        !r.Target.IsStatic && r.HereDoc is null && Resolve(r.Target) is { } resolved
            ? new(r.Op, r.Fd, resolved, TargetIsStatic: true)
            : new(r.Op, r.Fd, r.Target.Text, r.Target.IsStatic);

    private void WalkRedirectSubstitutions(RedirectNode r, WalkContext ctx)
    {
        WalkWordSubstitutions(r.Target, ctx, null);
        if (r.HereDoc is not null)
        {
            WalkWordSubstitutions(r.HereDoc, ctx, null);
        }
    }

    /// <summary>Walks the command and process substitutions inside a word; collects the programs of <c>&lt;(...)</c> inputs.</summary>
    private void WalkWordSubstitutions(WordNode word, WalkContext ctx, List<string>? inputPrograms)
    {
        if (word.IsStatic)
        {
            return;
        }

        WalkParts(word.Parts, ctx, inputPrograms);
    }

    private void WalkParts(IReadOnlyList<WordPart> parts, WalkContext ctx, List<string>? inputPrograms)
    {
        for (var partIndex = 0; partIndex < parts.Count; partIndex++)
        {
            var part = parts[partIndex];
            switch (part)
            {
                case CommandSubstitutionPart sub:
                    WalkList(sub.Body, SubstitutionContext(ctx));
                    break;
                case ProcessSubstitutionPart proc:
                    {
                        var before = _invocations.Count;
                        WalkList(proc.Body, SubstitutionContext(ctx));
                        if (proc.Input && inputPrograms is not null)
                        {
                            for (var j = before; j < _invocations.Count; j++)
                            {
                                inputPrograms.Add(_invocations[j].Program.Length > 0 ? _invocations[j].Program : _invocations[j].RawProgram);
                            }
                        }

                        break;
                    }

                case DoubleQuotedPart dq:
                    WalkParts(dq.Parts, ctx, inputPrograms);
                    break;
                case ParameterPart { Inner.Count: > 0 } param:
                    WalkParts(param.Inner, ctx, inputPrograms);
                    break;
                case ArithmeticPart { Inner.Count: > 0 } arith:
                    WalkParts(arith.Inner, ctx, inputPrograms);
                    break;
            }
        }
    }

    private static WalkContext SubstitutionContext(WalkContext ctx) => ctx with
    {
        Flags = (ctx.Flags & ~InvocationContext.Pipeline) | InvocationContext.Substitution,
        Predecessors = [],
        PipedText = null,
    };

    private void BuildSimple(SimpleCommandNode cmd, WalkContext ctx)
    {
        List<string>? inputPrograms = null;
        var assignments = cmd.Assignments.Count == 0 ? [] : new string[cmd.Assignments.Count];
        for (var i = 0; i < cmd.Assignments.Count; i++)
        {
            var a = cmd.Assignments[i];
            for (var valueIndex = 0; valueIndex < a.Values.Count; valueIndex++)
            {
                var value = a.Values[valueIndex];
                WalkWordSubstitutions(value, ctx, null);
            }

            assignments[i] = a.Values[0].Text;
        }

        var words = RentWords(cmd.Words.Count);
        for (var i = 0; i < cmd.Words.Count; i++)
        {
            var w = cmd.Words[i];
            if (!w.IsStatic)
            {
                inputPrograms ??= [];
                WalkWordSubstitutions(w, ctx, inputPrograms);
            }

            AddResolvedWords(words, w);
        }

        RecordAssignments(cmd);

        IReadOnlyList<Redirection> redirections = ctx.InheritedRedirections;
        WordNode? stdinScript = null;
        if (cmd.Redirects.Count > 0)
        {
            var list = new List<Redirection>(ctx.InheritedRedirections.Count + cmd.Redirects.Count);
            list.AddRange(ctx.InheritedRedirections);
            for (var ri = 0; ri < cmd.Redirects.Count; ri++)
            {
                var r = cmd.Redirects[ri];
                WalkRedirectSubstitutions(r, ctx);
                list.Add(ToRedirection(r));
                if (r.Op is "<<" or "<<-")
                {
                    stdinScript = r.HereDoc;
                }
                else if (r.Op == "<<<")
                {
                    stdinScript = r.Target;
                }
            }

            redirections = list;
        }

        if (words.Count == 0)
        {
            if (redirections.Count > 0)
            {
                // '> file' alone (or '{ X=1; } > file') still truncates the file: keep it as a program-less invocation.
                Emit(ctx, new Invocation
                {
                    Program = "",
                    RawProgram = "",
                    Args = [],
                    Flags = [],
                    Positionals = [],
                    Redirections = redirections,
                    Assignments = assignments,
                    Context = ctx.Flags,
                    PipelinePredecessors = ctx.Predecessors,
                    Span = SpanOf(ctx, cmd.Span),
                    Text = TextOf(ctx, cmd.Span),
                    Depth = ctx.Depth,
                    WrappedBy = ctx.WrappedBy,
                });
            }
            else if (cmd.Words.Count == 0 && cmd.Assignments.Count > 0)
            {
                // An assignment alone runs nothing; what it assigns is judged where it is used.
                AssignmentStatements++;
            }

            ReturnWords(words);
            return;
        }

        if (redirections.Count == 0 && IsDeclarationOnly(cmd))
        {
            AssignmentStatements++;
            ReturnWords(words);
            return;
        }

        if (inputPrograms is { Count: > 0 })
        {
            var preds = new List<string>(ctx.Predecessors);
            preds.AddRange(inputPrograms);
            ctx = ctx with { Predecessors = preds };
        }

        BuildInvocation(words, 0, redirections, assignments, stdinScript, ctx, cmd.Span.End);
        ReturnWords(words);
    }

    // Word lists of simple commands being built (nested shells build theirs while an outer one is in use); reused, never kept.
    private List<ArgWord>? _freeWords;

    private List<ArgWord> RentWords(int capacity)
    {
        var words = _freeWords ?? new List<ArgWord>(capacity);
        _freeWords = null;
        return words;
    }

    private void ReturnWords(List<ArgWord> words)
    {
        words.Clear();
        _freeWords = words;
    }

    /// <summary>Builds the invocation whose program is <c>words[start]</c>, then looks through it if it is a wrapper.</summary>
    private void BuildInvocation(
        IReadOnlyList<ArgWord> words,
        int start,
        IReadOnlyList<Redirection> redirections,
        IReadOnlyList<string> assignments,
        WordNode? stdinScript,
        WalkContext ctx,
        int end,
        InvocationContext extraFlags = InvocationContext.None)
    {
        if (start >= words.Count)
        {
            return;
        }

        var programWord = words[start];
        var args = new string[words.Count - start - 1];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = words[start + 1 + i].Text;
        }

        var span = SpanOf(ctx, TextSpan.FromBounds(programWord.Span.Start, Math.Max(programWord.Span.End, end)));
        var text = TextOf(ctx, TextSpan.FromBounds(programWord.Span.Start, Math.Max(programWord.Span.End, end)));
        var flags = ctx.Flags | extraFlags;

        if (!programWord.IsStatic)
        {
            Emit(ctx, new Invocation
            {
                Program = "",
                RawProgram = programWord.Text,
                Args = args,
                Flags = [],
                Positionals = args,
                Redirections = redirections,
                Assignments = assignments,
                Context = flags,
                PipelinePredecessors = ctx.Predecessors,
                UnknownReason = ReferencedVariable(programWord.Text) is { } variable
                    ? $"the program is the value of ${variable}, which is not known before the command runs"
                    : $"the program is computed at run time ('{programWord.Text}')",
                Span = span,
                Text = text,
                Depth = ctx.Depth,
                WrappedBy = ctx.WrappedBy,
            });
            return;
        }

        var program = ProgramNames.Normalize(programWord.Text);
        // Split into scratch lists and keep exact-size arrays: one object each, no spare capacity.
        _flagScratch.Clear();
        _positionalScratch.Clear();
        ProgramNames.SplitFlags(program, args, _flagScratch, _positionalScratch);
        string[] flagList = _flagScratch.Count == 0 ? [] : _flagScratch.ToArray();
        string[] positionals = _positionalScratch.Count == args.Length ? args : _positionalScratch.ToArray();

        if (ctx.FunctionName is not null && program == ctx.FunctionName && (flags & (InvocationContext.Pipeline | InvocationContext.Background)) != 0)
        {
            flags |= InvocationContext.RecursiveSpawn;
        }

        var inlineCode = FindInlineCode(program, words, start, stdinScript);
        if (inlineCode is not null)
        {
            flags |= InvocationContext.InlineCode;
        }

        var invocation = new Invocation
        {
            Program = program,
            RawProgram = programWord.Text,
            Args = args,
            Flags = flagList,
            Positionals = positionals,
            Redirections = redirections,
            Assignments = assignments,
            Context = flags,
            PipelinePredecessors = ctx.Predecessors,
            InlineCode = inlineCode,
            Span = span,
            Text = text,
            Depth = ctx.Depth,
            WrappedBy = ctx.WrappedBy,
        };
        Emit(ctx, invocation);
        var unwrapFlags = ctx.Flags | (extraFlags & ~InvocationContext.InlineCode);
        Unwrap(invocation, words, start, redirections, stdinScript, unwrapFlags == ctx.Flags ? ctx : ctx with { Flags = unwrapFlags }, end);
    }

    private readonly List<string> _flagScratch = [];
    private readonly List<string> _positionalScratch = [];

    private void Emit(WalkContext ctx, Invocation invocation) => _invocations.Add(invocation);

    /// <summary>Runs <paramref name="code"/> through the parser again, as a shell would, and walks what it finds.</summary>
    private void Reparse(string code, WalkContext ctx, TextSpan wordSpan, string wrapper, InvocationContext extraFlags)
    {
        var outer = SpanOf(ctx, wordSpan);
        if (ctx.Depth + 1 > _maxDepth)
        {
            _errors.Add(new ParseError(outer.Start, $"wrappers and nested shells go deeper than {_maxDepth} levels"));
            return;
        }

        ListNode tree;
        try
        {
            tree = new ShellSyntaxParser(code, ctx.Depth + 1, _maxDepth).ParseProgram();
        }
        catch (ShellSyntaxException e)
        {
            _errors.Add(new ParseError(outer.Start, $"in the code run by '{wrapper}': {e.Message} (at offset {e.Offset} of that code)"));
            return;
        }

        WalkList(tree, new WalkContext
        {
            Flags = ctx.Flags | extraFlags | InvocationContext.NestedShell,
            Predecessors = ctx.Predecessors,
            FunctionName = null,
            Depth = ctx.Depth + 1,
            Source = code,
            OuterSpan = outer,
            WrappedBy = wrapper,
            InheritedRedirections = ctx.InheritedRedirections,
        });
    }

    /// <summary>Records an invocation that cannot be known statically (computed code handed to a shell or eval).</summary>
    private void EmitUnknown(WalkContext ctx, string program, string reason, TextSpan wordSpan, string text)
    {
        Emit(ctx, new Invocation
        {
            Program = "",
            RawProgram = text,
            Args = [],
            Flags = [],
            Positionals = [],
            Context = ctx.Flags | InvocationContext.NestedShell,
            PipelinePredecessors = ctx.Predecessors,
            UnknownReason = reason,
            Span = SpanOf(ctx, wordSpan),
            Text = text,
            Depth = ctx.Depth + 1,
            WrappedBy = program,
        });
    }

    private static TextSpan SpanOf(WalkContext ctx, TextSpan span) => ctx.OuterSpan ?? span;

    private static string TextOf(WalkContext ctx, TextSpan span)
    {
        var source = ctx.Source;
        var start = Math.Clamp(span.Start, 0, source.Length);
        var end = Math.Clamp(span.End, start, source.Length);
        while (end > start && source[end - 1] is ' ' or '\t' or '\r' or '\n')
        {
            end--;
        }

        return source.Substring(start, end - start);
    }
}
