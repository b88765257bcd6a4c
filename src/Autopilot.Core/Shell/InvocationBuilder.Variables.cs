namespace Autopilot.Core.Shell;

/// <summary>
/// Constant propagation of shell variables: <c>d=/; rm -rf $d</c> is <c>rm -rf /</c>, <c>c="rm -rf /"; $c</c>
/// runs <c>rm</c>, <c>for d in / ~; do rm -rf $d; done</c> runs <c>rm -rf /</c> and <c>rm -rf ~</c>.
/// Only values known statically are propagated; a variable given a computed value is forgotten.
/// </summary>
internal sealed partial class InvocationBuilder
{
    private const int MaxLoopValues = 16;

    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    // Set once IFS is assigned: from then on no variable's value is propagated.
    private bool _ifsChanged;

    // Loop bodies walked once per value cost work: nested loops share this budget so it stays linear.
    private int _loopBudget = 4 * MaxLoopValues;

    /// <summary>Records <c>NAME=value</c> assignments that stand alone (not prefixes of a command).</summary>
    private void RecordAssignments(SimpleCommandNode cmd)
    {
        if (cmd.Words.Count == 0)
        {
            for (var ai = 0; ai < cmd.Assignments.Count; ai++)
            {
                var a = cmd.Assignments[ai];
                Assign(a.Name, a.Values.Count == 1 ? a.Values[0] : null);
            }

            return;
        }

        var first = cmd.Words[0];
        if (!ShellSyntaxParser.IsDeclarationBuiltin(first))
        {
            return;
        }

        for (var i = 1; i < cmd.Words.Count; i++)
        {
            var w = cmd.Words[i];
            if (AssignedName(w.Text) is { } name)
            {
                // An array's value is not one word: forget it rather than guess.
                Assign(name, w.Text.AsSpan(w.Text.IndexOf('=') + 1).StartsWith("(") ? null : w);
            }
            else if (first.Text is "local" or "declare" or "typeset" && IsName(w.Text))
            {
                // 'local x' gives x a new, empty value in the function.
                Assign(w.Text, null);
            }
        }
    }

    private void Assign(string name, WordNode? word)
    {
        if (name == "IFS")
        {
            // Word splitting changes: what a variable expands to as words is no longer known from its text.
            _ifsChanged = true;
            _variables.Clear();
            return;
        }

        var eq = word?.Text.IndexOf('=') ?? -1;
        if (word is null || eq < 0)
        {
            _variables.Remove(name);
            return;
        }

        var resolved = Resolve(word);
        var append = eq > 0 && word.Text[eq - 1] == '+';
        if (resolved is null)
        {
            _variables.Remove(name);
            return;
        }

        var value = resolved[(eq + 1)..];
        _variables[name] = append && _variables.TryGetValue(name, out var old) ? old + value : value;
    }

    /// <summary>The word's text with known variables substituted; null when some part stays unknown.</summary>
    private string? Resolve(WordNode word)
    {
        if (word.IsStatic)
        {
            return word.Text;
        }

        if (_variables.Count == 0 || _ifsChanged)
        {
            return null;
        }

        var sb = new System.Text.StringBuilder();
        return AppendResolved(sb, word.Parts) ? sb.ToString() : null;
    }

    private bool AppendResolved(System.Text.StringBuilder sb, IReadOnlyList<WordPart> parts)
    {
        for (var partIndex = 0; partIndex < parts.Count; partIndex++)
        {
            var part = parts[partIndex];
            switch (part)
            {
                case LiteralPart literal:
                    sb.Append(literal.Value);
                    break;
                case DoubleQuotedPart dq:
                    if (!AppendResolved(sb, dq.Parts))
                    {
                        return false;
                    }

                    break;
                case ParameterPart { Inner.Count: 0 } p when IsPlainReference(p) && _variables.TryGetValue(p.Name, out var value):
                    sb.Append(value);
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>The variable a word is nothing but a reference to (<c>$BIN</c>, <c>${BIN}</c>, <c>"$BIN"</c> after quote removal); null otherwise.</summary>
    private static string? ReferencedVariable(string text)
    {
        var braced = text.StartsWith("${", StringComparison.Ordinal) && text.EndsWith('}');
        if (!braced && !text.StartsWith('$'))
        {
            return null;
        }

        var name = braced ? text[2..^1] : text[1..];
        return name.Length > 0 && (IsName(name) || name.All(char.IsAsciiDigit)) ? name : null;
    }

    private static bool IsPlainReference(ParameterPart p) =>
        p.Source.Length == p.Name.Length + 1 || p.Source.Length == p.Name.Length + 3;

    /// <summary>
    /// Adds the words <paramref name="word"/> stands for. An unquoted lone <c>$c</c> whose value has blanks
    /// splits into several words, as the shell splits it.
    /// </summary>
    private void AddResolvedWords(List<ArgWord> words, WordNode word)
    {
        if (word.IsStatic || _variables.Count == 0)
        {
            words.Add(new ArgWord(word.Text, word.IsStatic, word.Span));
            return;
        }

        var resolved = Resolve(word);
        if (resolved is null)
        {
            words.Add(new ArgWord(word.Text, false, word.Span));
            return;
        }

        if (word.Parts.Count == 1 && word.Parts[0] is ParameterPart && resolved.AsSpan().IndexOfAny(" \t\n") >= 0)
        {
            foreach (var piece in resolved.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
            {
                words.Add(new ArgWord(piece, true, word.Span));
            }

            return;
        }

        words.Add(new ArgWord(resolved, true, word.Span));
    }

    /// <summary>
    /// Walks a <c>for</c> loop once per value of its list when the list is known (up to <see cref="MaxLoopValues"/>),
    /// so that the loop variable has a value in the body; otherwise once with the variable unknown.
    /// </summary>
    private void WalkFor(CompoundNode loop, WalkContext ctx)
    {
        var name = loop.Words.Count > 0 && loop.Words[0].IsStatic ? loop.Words[0].Text : null;
        var values = new List<string>();
        var known = name is not null;
        for (var i = 1; i < loop.Words.Count && known; i++)
        {
            var resolved = Resolve(loop.Words[i]);
            if (resolved is null)
            {
                known = false;
                break;
            }

            values.Add(resolved);
        }

        if (!known || values.Count == 0 || values.Count > MaxLoopValues || values.Count > _loopBudget)
        {
            if (name is not null)
            {
                _variables.Remove(name);
            }

            for (var bodyIndex = 0; bodyIndex < loop.Bodies.Count; bodyIndex++)
            {
                var body = loop.Bodies[bodyIndex];
                WalkList(body, ctx);
            }

            return;
        }

        _loopBudget -= values.Count;
        foreach (var value in values)
        {
            _variables[name!] = value;
            for (var bodyIndex = 0; bodyIndex < loop.Bodies.Count; bodyIndex++)
            {
                var body = loop.Bodies[bodyIndex];
                WalkList(body, ctx);
            }
        }
    }
}
