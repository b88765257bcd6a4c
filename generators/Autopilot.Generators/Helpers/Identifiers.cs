using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Autopilot.Generators.Helpers;

/// <summary>Turns policy names (<c>execute_safe</c>, <c>AP-ESC-RETRY-LOOP</c>) into C# identifiers (<c>ExecuteSafe</c>, <c>ApEscRetryLoop</c>).</summary>
internal static class Identifiers
{
    /// <summary>PascalCase words split at anything that is not a letter or digit; ALLCAPS words become Title case.</summary>
    public static string ToPascalCase(string name)
    {
        var result = new StringBuilder(name.Length);
        var word = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
            else
            {
                AppendWord(result, word);
            }
        }

        AppendWord(result, word);
        if (result.Length == 0 || !SyntaxFacts.IsIdentifierStartCharacter(result[0]))
        {
            result.Insert(0, '_');
        }

        return result.ToString();
    }

    /// <summary>True when <paramref name="name"/> can name a type: an identifier that is not a keyword.</summary>
    public static bool IsValidTypeName(string name) =>
        SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None;

    /// <summary>True for a dotted namespace whose every part is a valid name.</summary>
    public static bool IsValidNamespace(string name)
    {
        foreach (var part in name.Split('.'))
        {
            if (!IsValidTypeName(part) || part == "global")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Chooses distinct identifiers for <paramref name="names"/>, in order, avoiding <paramref name="reserved"/>.</summary>
    public static string[] Distinct(IReadOnlyList<string> names, params string[] reserved)
    {
        var taken = new HashSet<string>(reserved, StringComparer.Ordinal);
        var result = new string[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            var baseName = ToPascalCase(names[i]);
            var candidate = baseName;
            for (var n = 2; !taken.Add(candidate); n++)
            {
                candidate = $"{baseName}_{n}";
            }

            result[i] = candidate;
        }

        return result;
    }

    private static void AppendWord(StringBuilder result, StringBuilder word)
    {
        if (word.Length == 0)
        {
            return;
        }

        var text = word.ToString();
        var allCaps = text.Length > 1 && text.ToUpperInvariant() == text && text.ToLowerInvariant() != text;
        result.Append(char.ToUpperInvariant(text[0]));
        result.Append(allCaps ? text.Substring(1).ToLowerInvariant() : text.Substring(1));
        word.Clear();
    }
}
