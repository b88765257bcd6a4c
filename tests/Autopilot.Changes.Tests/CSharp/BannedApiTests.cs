using Autopilot.Changes.CSharp;

namespace Autopilot.Changes.Tests.CSharp;

public sealed class BannedApiTests
{
    private static IReadOnlyList<BannedApiUse> NewUses(string? before, string? after, params string[] banned) =>
        new CSharpChangeAnalyzer(banned.Select(b => BannedApiEntry.Parse(b, out _)!))
            .Analyze([new CSharpFileChange("src/Tool.cs", before, after)])
            .BannedApiUses;

    [Fact]
    public void Only_new_uses_are_reported_not_existing_ones()
    {
        const string before = """
            using System.Diagnostics;
            class Tool
            {
                void Run() { Process.Start("a"); }
                void Other() { }
            }
            """;
        const string after = """
            using System.Diagnostics;
            class Tool
            {
                // the old call moved down a line and got a neighbour
                void Run()
                {
                    var x = 1;
                    Process.Start("a");
                    Process.Start("b");
                }
                void Other() { }
            }
            """;
        var use = Assert.Single(NewUses(before, after, "System.Diagnostics.Process.Start"));
        Assert.Equal(("Tool.Run()", "Process.Start", 9, 9), (use.Member, use.Text, use.Location.Line, use.Location.Column));

        Assert.Empty(NewUses(before, before.Replace("void Other() { }", "void Other() { var y = 2; }"), "System.Diagnostics.Process.Start"));
    }

    [Theory]
    [InlineData("using System; class C { void M() { Console.WriteLine(); } }", "T:System.Console", "Console.WriteLine")]
    [InlineData("class C { void M() { System.Console.Out.Flush(); } }", "T:System.Console", "System.Console.Out.Flush")]
    [InlineData("class C { void M() { global::System.Console.Beep(); } }", "T:System.Console", "System.Console.Beep")]
    [InlineData("using C2 = System.Console; class C { void M() { C2.Beep(); } }", "T:System.Console;use ILogger", "System.Console")]
    [InlineData("using static System.Console; class C { }", "T:System.Console", "System.Console")]
    [InlineData("using System.IO; class C { void M() { File.Delete(\"x\"); } }", "M:System.IO.File.Delete(System.String)", "File.Delete")]
    [InlineData("namespace System.IO { class C { void M() { File.Delete(\"x\"); } } }", "M:System.IO.File.Delete(System.String)", "File.Delete")]
    [InlineData("class C { void M() { var p = new System.Net.WebClient(); } }", "M:System.Net.WebClient.#ctor", "System.Net.WebClient")]
    [InlineData("using System.Reflection.Emit; class C { }", "N:System.Reflection.Emit", "System.Reflection.Emit")]
    [InlineData("class C { object M() => System.DateTime.Now; }", "P:System.DateTime.Now", "System.DateTime.Now")]
    [InlineData("class C { void M() { var t = typeof(System.Collections.Generic.List<int>); } }", "T:System.Collections.Generic.List`1", "System.Collections.Generic.List")]
    [InlineData("class C { void M() { Console.WriteLine(); } }", "T:System.Console", "Console.WriteLine")] // SDK implicit usings
    public void Uses_are_recognised_through_usings_aliases_and_qualification(string code, string banned, string text)
    {
        // (An alias or a using directive is itself a use: "using C2 = System.Console;" then "C2.Beep()" is two.)
        var uses = NewUses(null, code, banned);
        Assert.Contains(uses, u => u.Text == text);
        Assert.All(uses, u => Assert.Equal(banned.Split(';')[0], u.Entry));
    }

    [Theory]
    [InlineData("class C { void M() { File.ReadAllText(\"x\"); } }", "M:System.IO.File.Delete(System.String)")]
    [InlineData("namespace N; class Console { } class C { void M() { MyLib.Console.Write(); } }", "T:System.Console")]
    [InlineData("class C { void M() { Path.Combine(\"a\"); } }", "N:System.IO")]
    [InlineData("class C { void M() { /* Console.WriteLine */ var s = \"Console.WriteLine\"; } }", "T:System.Console")]
    [InlineData("namespace System.Diagnostics.Extra; class C { }", "N:System.Diagnostics")]
    public void Lookalikes_are_not_uses(string code, string banned)
    {
        Assert.Empty(NewUses(null, code, banned));
    }

    [Theory]
    [InlineData("M:System.IO.File.Delete(System.String);Use the sandbox", 'M', "System.IO.File.Delete", "Use the sandbox")]
    [InlineData("T:System.Collections.Generic.List`1", 'T', "System.Collections.Generic.List", null)]
    [InlineData("System.Diagnostics.Process.Start", '?', "System.Diagnostics.Process.Start", null)]
    public void Entries_parse_in_banned_symbols_format(string text, char kind, string name, string? message)
    {
        var entry = BannedApiEntry.Parse(text, out var error);
        Assert.Null(error);
        Assert.Equal((kind, name, message), (entry!.Kind, string.Join(".", entry.Segments), entry.Message));
    }

    [Theory]
    [InlineData("M:System.IO.File Delete")]
    [InlineData("T:")]
    public void Unreadable_entries_say_why(string text)
    {
        Assert.Null(BannedApiEntry.Parse(text, out var error));
        Assert.NotNull(error);
    }
}
