using System.Text;

namespace Autopilot.Core.Decisions;

/// <summary>Fills a rule's message template: <c>{name}</c> is replaced by the value given for name; unknown names stay as written.</summary>
internal static class MessageTemplate
{
    public static string Fill(string template, params (string Name, string Value)[] values)
    {
        if (template.IndexOf('{') < 0)
        {
            return template;
        }

        var builder = new StringBuilder(template.Length + 32);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            var close = open < 0 ? -1 : template.IndexOf('}', open + 1);
            if (open < 0 || close < 0)
            {
                builder.Append(template, i, template.Length - i);
                break;
            }

            builder.Append(template, i, open - i);
            var name = template.AsSpan(open + 1, close - open - 1);
            var replaced = false;
            foreach (var (n, v) in values)
            {
                if (name.SequenceEqual(n))
                {
                    builder.Append(v);
                    replaced = true;
                    break;
                }
            }

            if (!replaced)
            {
                builder.Append(template, open, close - open + 1);
            }

            i = close + 1;
        }

        return builder.ToString();
    }
}
