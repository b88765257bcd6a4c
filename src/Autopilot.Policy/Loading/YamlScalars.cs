using System;
using System.Globalization;

namespace Autopilot.Policy.Loading;

/// <summary>What a plain YAML scalar stands for under the YAML 1.2 core schema.</summary>
internal enum YamlScalarKind
{
    Null,
    Bool,
    Integer,
    Float,
    String,
}

/// <summary>
/// The one scalar-typing rule every YAML reader of the project uses (policies, packs, policy tests, data files checked
/// against a JSON Schema): the YAML 1.2 core schema. Only plain (unquoted, untagged) scalars are typed; quoted ones are
/// strings. So <c>null</c>, <c>Null</c>, <c>NULL</c>, <c>~</c> and the empty scalar are null; <c>true</c>/<c>True</c>/
/// <c>TRUE</c> and the three spellings of false are booleans (YAML 1.1's <c>yes</c>, <c>no</c>, <c>on</c>, <c>off</c> are
/// strings); decimal, <c>0o</c> octal and <c>0x</c> hexadecimal digits are integers; decimal fractions and exponents,
/// <c>.inf</c> and <c>.nan</c> are floats; anything else is a string.
/// </summary>
internal static class YamlScalars
{
    /// <summary>The kind of a plain scalar's text.</summary>
    public static YamlScalarKind Kind(string? value)
    {
        if (IsNull(value))
        {
            return YamlScalarKind.Null;
        }

        if (TryBool(value!, out _))
        {
            return YamlScalarKind.Bool;
        }

        if (IsIntegerText(value!))
        {
            return YamlScalarKind.Integer;
        }

        return IsFloatText(value!) ? YamlScalarKind.Float : YamlScalarKind.String;
    }

    /// <summary><c>null</c>, <c>Null</c>, <c>NULL</c>, <c>~</c> or nothing.</summary>
    public static bool IsNull(string? value) => value is null or "" or "~" or "null" or "Null" or "NULL";

    /// <summary>The six spellings of a core-schema boolean.</summary>
    public static bool TryBool(string value, out bool result)
    {
        switch (value)
        {
            case "true" or "True" or "TRUE":
                result = true;
                return true;
            case "false" or "False" or "FALSE":
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }

    /// <summary>A decimal, <c>0o</c> octal or <c>0x</c> hexadecimal integer that fits in 64 bits.</summary>
    public static bool TryInteger(string value, out long result)
    {
        result = 0;
        if (value.StartsWith("0x", StringComparison.Ordinal))
        {
            return value.Length > 2 && IsDigits(value, 2, 16) && long.TryParse(value.Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out result) && result >= 0;
        }

        if (value.StartsWith("0o", StringComparison.Ordinal))
        {
            if (value.Length == 2 || !IsDigits(value, 2, 8))
            {
                return false;
            }

            try
            {
                result = Convert.ToInt64(value.Substring(2), 8);
                return result >= 0;
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        return IsDecimalText(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result);
    }

    /// <summary>A core-schema float (decimal with fraction or exponent, <c>.inf</c>, <c>-.inf</c>, <c>.nan</c>) or an integer, as a double.</summary>
    public static bool TryFloat(string value, out double result)
    {
        switch (value)
        {
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                result = double.PositiveInfinity;
                return true;
            case "-.inf" or "-.Inf" or "-.INF":
                result = double.NegativeInfinity;
                return true;
            case ".nan" or ".NaN" or ".NAN":
                result = double.NaN;
                return true;
        }

        if (TryInteger(value, out var whole))
        {
            result = whole;
            return true;
        }

        result = 0;
        return IsFloatText(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out result);
    }

    /// <summary>Integer text of any size (decimal, octal or hexadecimal): big integers are integers too, not strings.</summary>
    private static bool IsIntegerText(string value) =>
        IsDecimalText(value)
        || (value.Length > 2 && value.StartsWith("0x", StringComparison.Ordinal) && IsDigits(value, 2, 16))
        || (value.Length > 2 && value.StartsWith("0o", StringComparison.Ordinal) && IsDigits(value, 2, 8));

    // [-+]? [0-9]+
    private static bool IsDecimalText(string value)
    {
        var start = value.Length > 0 && value[0] is '-' or '+' ? 1 : 0;
        return value.Length > start && IsDigits(value, start, 10);
    }

    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?  and the .inf/.nan spellings
    private static bool IsFloatText(string value)
    {
        if (value is ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" or "-.inf" or "-.Inf" or "-.INF" or ".nan" or ".NaN" or ".NAN")
        {
            return true;
        }

        var i = value.Length > 0 && value[0] is '-' or '+' ? 1 : 0;
        var digits = Count(value, ref i);
        var fraction = 0;
        if (i < value.Length && value[i] == '.')
        {
            i++;
            fraction = Count(value, ref i);
        }

        if (digits == 0 && fraction == 0)
        {
            return false;
        }

        if (i < value.Length && value[i] is 'e' or 'E')
        {
            i++;
            if (i < value.Length && value[i] is '-' or '+')
            {
                i++;
            }

            if (Count(value, ref i) == 0)
            {
                return false;
            }
        }

        return i == value.Length;
    }

    private static int Count(string value, ref int i)
    {
        var start = i;
        while (i < value.Length && value[i] is >= '0' and <= '9')
        {
            i++;
        }

        return i - start;
    }

    private static bool IsDigits(string value, int start, int radix)
    {
        for (var i = start; i < value.Length; i++)
        {
            var c = value[i];
            var ok = radix switch
            {
                8 => c is >= '0' and <= '7',
                16 => c is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F',
                _ => c is >= '0' and <= '9',
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
