using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Loading;

namespace Autopilot.Policy.Tests.Loading;

/// <summary><c>actions.programVariables</c>: bound as a map, each bad entry reported where it is written.</summary>
public sealed class ProgramVariablesTests
{
    [Fact]
    public void GoodEntriesBindInOrder()
    {
        var loaded = PolicyLoader.LoadText("""
            phases: [a]
            actions:
              programVariables: { BIN: ./bin/tool, PYTHON: python3 }
            """, "/p/test.policy.yaml");
        Assert.Empty(loaded.Diagnostics);
        var variables = loaded.Document!.Actions.ProgramVariables;
        Assert.Equal(["BIN=./bin/tool", "PYTHON=python3"], variables.Select(v => $"{v.Name}={v.Value}"));
        Assert.Equal(3, variables[0].Location!.Line);
    }

    [Fact]
    public void BadEntriesAreReportedAtTheirPlace()
    {
        var loaded = PolicyLoader.LoadText("""
            phases: [a]
            actions:
              programVariables:
                GOOD: ./bin/tool
                MY-BIN: ./x
                EMPTY: ""
                EXPANDS: $(which tool)
            """, "/p/test.policy.yaml");
        var errors = loaded.Diagnostics.Where(d => d.Id == PolicyDiagnosticIds.InvalidValue).OrderBy(d => d.Location.Line).ToArray();
        Assert.Equal(3, errors.Length);
        Assert.Contains("'MY-BIN' is not a shell variable name", errors[0].Message, StringComparison.Ordinal);
        Assert.Equal((5, 5), (errors[0].Location.Line, errors[0].Location.Column));
        Assert.Contains("the value of 'EMPTY' is empty", errors[1].Message, StringComparison.Ordinal);
        Assert.Equal((6, 12), (errors[1].Location.Line, errors[1].Location.Column));
        Assert.Contains("never expanded again", errors[2].Message, StringComparison.Ordinal);
        Assert.Equal(7, errors[2].Location.Line);
    }
}
