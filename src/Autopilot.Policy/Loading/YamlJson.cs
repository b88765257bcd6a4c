using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Autopilot.Policy.Loading;

/// <summary>
/// Turns a YAML node into JSON text, typing plain scalars the YAML 1.2 core way (numbers, true/false, null);
/// quoted scalars stay strings. Used for JSON Schemas written inline in a policy and for YAML data files.
/// </summary>
internal static class YamlJson
{
    public static string ToJson(YamlNode node)
    {
        var builder = new StringBuilder();
        Write(node, builder);
        return builder.ToString();
    }

    private static void Write(YamlNode node, StringBuilder builder)
    {
        switch (node)
        {
            case YamlMappingNode map:
                builder.Append('{');
                var first = true;
                foreach (var pair in map.Children)
                {
                    if (!first)
                    {
                        builder.Append(',');
                    }

                    first = false;
                    WriteString((pair.Key as YamlScalarNode)?.Value ?? "", builder);
                    builder.Append(':');
                    Write(pair.Value, builder);
                }

                builder.Append('}');
                break;
            case YamlSequenceNode seq:
                builder.Append('[');
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(',');
                    }

                    Write(seq.Children[i], builder);
                }

                builder.Append(']');
                break;
            case YamlScalarNode scalar:
                WriteScalar(scalar, builder);
                break;
            default:
                builder.Append("null");
                break;
        }
    }

    private static void WriteScalar(YamlScalarNode scalar, StringBuilder builder)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && (scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific))
        {
            switch (YamlScalars.Kind(value))
            {
                case YamlScalarKind.Null:
                    builder.Append("null");
                    return;
                case YamlScalarKind.Bool:
                    YamlScalars.TryBool(value, out var flag);
                    builder.Append(flag ? "true" : "false");
                    return;
                case YamlScalarKind.Integer when YamlScalars.TryInteger(value, out var whole):
                    builder.Append(whole.ToString(CultureInfo.InvariantCulture));
                    return;
                case YamlScalarKind.Integer:
                    builder.Append(value.TrimStart('+')); // a decimal past 64 bits: JSON numbers have no size limit
                    return;
                case YamlScalarKind.Float when YamlScalars.TryFloat(value, out var real) && !double.IsInfinity(real) && !double.IsNaN(real):
                    // Keep a written fraction a fraction: 3.0 stays a number with a point, as the author typed it.
                    var text = real.ToString("R", CultureInfo.InvariantCulture);
                    builder.Append(text);
                    if (text.IndexOfAny(['.', 'E', 'e']) < 0)
                    {
                        builder.Append(".0");
                    }

                    return;
            }
        }

        WriteString(value, builder);
    }

    public static void WriteString(string value, StringBuilder builder)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}
