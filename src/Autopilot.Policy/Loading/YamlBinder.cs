using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Model;
using YamlDotNet.RepresentationModel;

namespace Autopilot.Policy.Loading;

/// <summary>
/// Reads typed values out of a YAML node tree and records every mistake with its position,
/// so that one run reports them all. Never throws on bad input: a wrong value is reported and
/// replaced by the default.
/// </summary>
internal sealed class YamlBinder
{
    private readonly string _path;
    private readonly List<PolicyDiagnostic> _diagnostics;

    public YamlBinder(string path, List<PolicyDiagnostic> diagnostics)
    {
        _path = path;
        _diagnostics = diagnostics;
    }

    public SourceLocation At(YamlNode node) =>
        new(_path, (int)node.Start.Line, (int)node.Start.Column)
        {
            Offset = (int)node.Start.Index,
            Length = (int)Math.Max(0, node.End.Index - node.Start.Index),
        };

    public void Error(string id, string message, YamlNode node) =>
        _diagnostics.Add(new PolicyDiagnostic(id, DiagnosticSeverity.Error, message, At(node)));

    public void Warn(string id, string message, YamlNode node) =>
        _diagnostics.Add(new PolicyDiagnostic(id, DiagnosticSeverity.Warning, message, At(node)));

    /// <summary>The node as a mapping, checking its keys against <paramref name="known"/>; null (reported) when it is not one.</summary>
    public YamlMappingNode? Mapping(YamlNode node, string what, params string[] known)
    {
        if (node is not YamlMappingNode map)
        {
            Error(PolicyDiagnosticIds.WrongType, $"{what} must be a mapping (key: value lines), found {Describe(node)}.", node);
            return null;
        }

        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (Array.IndexOf(known, name) < 0)
            {
                var suggestion = DidYouMean.Closest(name, known);
                var hint = suggestion is null ? $"Known keys: {string.Join(", ", known)}." : $"Did you mean '{suggestion}'?";
                Error(PolicyDiagnosticIds.UnknownKey, $"Unknown key '{name}' in {what}. {hint}", key);
            }
        }

        return map;
    }

    public static YamlNode? Get(YamlMappingNode? map, string key)
    {
        if (map is null)
        {
            return null;
        }

        return map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
    }

    public YamlNode? Require(YamlMappingNode? map, string key, string what, YamlNode owner)
    {
        var node = Get(map, key);
        if (node is null && map is not null)
        {
            Error(PolicyDiagnosticIds.MissingKey, $"{what} needs '{key}'.", owner);
        }

        return node;
    }

    public string? String(YamlNode? node, string what)
    {
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? "";
        }

        Error(PolicyDiagnosticIds.WrongType, $"{what} must be a text value, found {Describe(node)}.", node);
        return null;
    }

    public Located<string>? LocatedString(YamlNode? node, string what)
    {
        var text = String(node, what);
        return text is null ? null : new Located<string>(text, At(node!));
    }

    public int? Int(YamlNode? node, string what, int min = int.MinValue)
    {
        var text = String(node, what);
        if (text is null)
        {
            return null;
        }

        if (!YamlScalars.TryInteger(text, out var whole) || whole is < int.MinValue or > int.MaxValue)
        {
            Error(PolicyDiagnosticIds.WrongType, $"{what} must be a whole number, found '{text}'.", node!);
            return null;
        }

        var value = (int)whole;

        if (value < min)
        {
            Error(PolicyDiagnosticIds.InvalidValue, $"{what} must be at least {min}, found {value}.", node!);
            return null;
        }

        return value;
    }

    public double? Number(YamlNode? node, string what)
    {
        var text = String(node, what);
        if (text is null)
        {
            return null;
        }

        if (!YamlScalars.TryFloat(text, out var value) || double.IsNaN(value) || double.IsInfinity(value))
        {
            Error(PolicyDiagnosticIds.WrongType, $"{what} must be a number, found '{text}'.", node!);
            return null;
        }

        return value;
    }

    public bool? Bool(YamlNode? node, string what)
    {
        var text = String(node, what);
        if (text is null)
        {
            return null;
        }

        if (YamlScalars.TryBool(text, out var value))
        {
            return value;
        }

        // YAML 1.2 reads yes/no/on/off as text (YamlScalars); a flag accepts those words too, as the policy schema says.
        switch (text)
        {
            case "yes" or "on":
                return true;
            case "no" or "off":
                return false;
            default:
                Error(PolicyDiagnosticIds.WrongType, $"{what} must be true or false, found '{text}'.", node!);
                return null;
        }
    }

    /// <summary>One of a fixed set of words; reported with the allowed words (and a close one) otherwise.</summary>
    public string? Choice(YamlNode? node, string what, params string[] allowed)
    {
        var text = String(node, what);
        if (text is null)
        {
            return null;
        }

        if (Array.IndexOf(allowed, text) >= 0)
        {
            return text;
        }

        var suggestion = DidYouMean.Closest(text, allowed);
        var hint = suggestion is null ? "" : $" Did you mean '{suggestion}'?";
        Error(PolicyDiagnosticIds.InvalidValue, $"{what} must be one of {string.Join(", ", allowed)}; found '{text}'.{hint}", node!);
        return null;
    }

    public Verdict? VerdictValue(YamlNode? node, string what) => Choice(node, what, "allow", "escalate", "deny") switch
    {
        "allow" => Verdict.Allow,
        "escalate" => Verdict.Escalate,
        "deny" => Verdict.Deny,
        _ => null,
    };

    public Severity? SeverityValue(YamlNode? node, string what) => Choice(node, what, "info", "warning", "escalate", "deny", "error") switch
    {
        "info" => Severity.Info,
        "warning" => Severity.Warning,
        "escalate" => Severity.Escalate,
        "deny" or "error" => Severity.Deny,
        _ => null,
    };

    /// <summary>A sequence node's items; a single scalar is accepted as a one-item list for convenience.</summary>
    public IReadOnlyList<YamlNode> Sequence(YamlNode? node, string what)
    {
        switch (node)
        {
            case null:
                return [];
            case YamlSequenceNode seq:
                return seq.Children.ToList();
            case YamlScalarNode scalar when scalar.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any && IsNull(scalar.Value):
                // `key:`, `key: ~` and `key: null` are all YAML null: an empty list.
                return [];
            case YamlScalarNode scalar:
                return [scalar];
            default:
                Error(PolicyDiagnosticIds.WrongType, $"{what} must be a list, found {Describe(node)}.", node);
                return [];
        }
    }

    public IReadOnlyList<string> Strings(YamlNode? node, string what)
    {
        var items = Sequence(node, what);
        var result = new List<string>(items.Count);
        foreach (var item in items)
        {
            var text = String(item, $"each entry of {what}");
            if (text is not null)
            {
                result.Add(text);
            }
        }

        return result;
    }

    public IReadOnlyList<Located<string>> LocatedStrings(YamlNode? node, string what)
    {
        var items = Sequence(node, what);
        var result = new List<Located<string>>(items.Count);
        foreach (var item in items)
        {
            var text = LocatedString(item, $"each entry of {what}");
            if (text is not null)
            {
                result.Add(text);
            }
        }

        return result;
    }

    public static bool IsNull(string? value) => YamlScalars.IsNull(value);

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s => $"'{Shorten(s.Value ?? "")}'",
        _ => "something else",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text.Substring(0, 37) + "...";
}
