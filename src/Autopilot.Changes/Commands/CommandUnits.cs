using Autopilot.Core.Shell;

namespace Autopilot.Changes.Commands;

/// <summary>
/// One command of a script as a person reads it: an and-or list (<c>curl … | sh &amp;&amp; echo ok</c>) with the
/// here-documents it reads, or the words of a loop's or case's head. Compound commands (<c>if</c>, loops, groups,
/// functions) are opened: the commands in their bodies are units of their own, so that a line added inside a
/// long <c>if</c> judges that line's command, not the whole block.
/// </summary>
internal sealed record CommandUnit(TextSpan Span, IReadOnlyList<TextSpan> HereDocs)
{
    public bool Contains(int offset) => (offset >= Span.Start && offset < Span.End) || HereDocs.Any(h => offset >= h.Start && offset < h.End);

    /// <summary>Every offset the unit covers, in order.</summary>
    public IEnumerable<int> Offsets()
    {
        for (var i = Span.Start; i < Span.End; i++)
        {
            yield return i;
        }

        foreach (var heredoc in HereDocs)
        {
            for (var i = heredoc.Start; i < heredoc.End; i++)
            {
                yield return i;
            }
        }
    }

    public static List<CommandUnit> Of(ListNode tree)
    {
        var units = new List<CommandUnit>();
        Collect(tree, units, 0);
        return units;
    }

    private static void Collect(ListNode list, List<CommandUnit> units, int depth)
    {
        foreach (var item in list.Items)
        {
            var andOr = item.Command;
            if (depth < CommandParser.DefaultMaxDepth && andOr.Pipelines is [{ Commands: [var only] }] && only is not SimpleCommandNode)
            {
                Open(only, units, depth + 1);
                continue;
            }

            var heredocs = new List<TextSpan>();
            foreach (var pipeline in andOr.Pipelines)
            {
                foreach (var command in pipeline.Commands)
                {
                    heredocs.AddRange(command.Redirects.Where(r => r.HereDoc is not null).Select(r => r.HereDoc!.Span));
                }
            }

            units.Add(new CommandUnit(andOr.Span, heredocs));
        }
    }

    private static void Open(CommandNode command, List<CommandUnit> units, int depth)
    {
        switch (command)
        {
            case SubshellNode subshell:
                Collect(subshell.Body, units, depth);
                break;
            case BraceGroupNode group:
                Collect(group.Body, units, depth);
                break;
            case FunctionDefNode function when function.Body is SimpleCommandNode:
                units.Add(new CommandUnit(function.Span, []));
                break;
            case FunctionDefNode function:
                Open(function.Body, units, depth + 1);
                break;
            case CompoundNode compound when compound.Bodies.Count == 0:
                units.Add(new CommandUnit(compound.Span, []));
                break;
            case CompoundNode compound:
                if (compound.Words.Count > 0)
                {
                    units.Add(new CommandUnit(TextSpan.FromBounds(compound.Words[0].Span.Start, compound.Words[^1].Span.End), []));
                }

                foreach (var body in compound.Bodies)
                {
                    Collect(body, units, depth);
                }

                break;
        }
    }
}
