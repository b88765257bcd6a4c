using System.Collections.Generic;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Model;
using YamlDotNet.RepresentationModel;

namespace Autopilot.Policy.Loading;

/// <summary>Binds <c>actions.programVariables</c>, a mapping of variable names to values, reporting each bad entry where it is.</summary>
internal static class ProgramVariablesBinding
{
    private const string What = "actions.programVariables";

    public static IReadOnlyList<ProgramVariableDef> Bind(YamlBinder b, YamlNode? node)
    {
        var result = new List<ProgramVariableDef>();
        if (node is null || (node is YamlScalarNode scalar && YamlBinder.IsNull(scalar.Value)))
        {
            return result;
        }

        if (node is not YamlMappingNode map)
        {
            b.Error(PolicyDiagnosticIds.WrongType, $"{What} must be a mapping of variable names to values (BIN: ./bin/tool), found {YamlBinder.Describe(node)}.", node);
            return result;
        }

        foreach (var entry in map.Children)
        {
            var name = (entry.Key as YamlScalarNode)?.Value ?? "";
            var value = b.String(entry.Value, $"{What}.{name}");
            if (value is null)
            {
                continue;
            }

            var problem = ProgramVariableDef.Problem(name, value);
            if (problem is not null)
            {
                b.Error(PolicyDiagnosticIds.InvalidValue, $"{What}: {problem}.", ProgramVariableDef.Problem(name, "x") is null ? entry.Value : entry.Key);
                continue;
            }

            result.Add(new ProgramVariableDef { Name = name, Value = value, Location = b.At(entry.Key) });
        }

        return result;
    }
}
