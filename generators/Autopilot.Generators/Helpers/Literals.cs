using System;
using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace Autopilot.Generators.Helpers;

/// <summary>C# literals and comment text for values taken from a policy.</summary>
internal static class Literals
{
    public static string String(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    /// <summary>A literal that reads back as exactly <paramref name="value"/> (shortest round-trip form).</summary>
    public static string Double(double value)
    {
        if (double.IsNaN(value))
        {
            return "double.NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity";
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (double.Parse(text, CultureInfo.InvariantCulture) != value)
        {
            // "R" does not always round-trip on .NET Framework hosts; G17 always does.
            text = value.ToString("G17", CultureInfo.InvariantCulture);
        }

        // A whole number is written as a double so the literal's type never depends on its size.
        return text.IndexOfAny(['.', 'E', 'e']) < 0 ? text + ".0" : text;
    }

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Text for an XML doc comment: one line, with &lt; &gt; &amp; escaped.</summary>
    public static string Xml(string text) => OneLine(text).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>Text for a <c>//</c> comment: one line. Every character C# takes as a line end is replaced, so
    /// policy text can never end a comment and become code.</summary>
    public static string OneLine(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029')
            {
                chars[i] = ' ';
            }
        }

        return new string(chars).Trim();
    }
}
