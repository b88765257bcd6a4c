using Autopilot.Policy.Model;

namespace Autopilot.Core.Actions;

/// <summary>A policy's known variables (<c>actions.programVariables</c>) as the shell parser takes them.</summary>
internal static class ProgramVariableTable
{
    /// <returns>Name → value; null when the policy declares none.</returns>
    /// <exception cref="ArgumentException">An entry the policy linter would reject.</exception>
    public static Dictionary<string, string>? Create(IReadOnlyList<ProgramVariableDef> variables)
    {
        if (variables.Count == 0)
        {
            return null;
        }

        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in variables)
        {
            if (ProgramVariableDef.Problem(variable.Name, variable.Value) is { } problem)
            {
                throw new ArgumentException($"actions.programVariables{(variable.Location is null ? "" : $" at {variable.Location}")}: {problem}");
            }

            known[variable.Name] = variable.Value;
        }

        return known;
    }
}
