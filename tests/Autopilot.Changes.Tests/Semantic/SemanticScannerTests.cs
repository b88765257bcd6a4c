using Autopilot.Changes.CSharp;
using Autopilot.Changes.CSharp.Semantic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Autopilot.Changes.Tests.Semantic;

/// <summary>The symbol matching on its own, over in-memory compilations against the running framework (no workspace).</summary>
public sealed class SemanticScannerTests
{
    private static readonly MetadataReference[] s_references =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
        .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
        .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
        .ToArray();

    private static List<BannedApiHit> Scan(string source, params string[] banned)
    {
        var tree = CSharpSyntaxTree.ParseText(source, path: "src/Tool.cs");
        var compilation = CSharpCompilation.Create("T", [tree], s_references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var matcher = new BannedSymbolMatcher(banned.Select(b => BannedApiEntry.Parse(b, out _)!));
        return SemanticBannedApiScanner.Scan(compilation.GetSemanticModel(tree), "src/Tool.cs", matcher, CancellationToken.None);
    }

    private static string Texts(IEnumerable<BannedApiHit> hits) => string.Join(" | ", hits.Select(h => $"{h.Entry.Id}@{h.Location.Line}:{h.Text}"));

    [Fact]
    public void A_method_id_names_one_overload_and_is_found_through_variables()
    {
        const string source = """
            using System.Diagnostics;
            class Tool
            {
                void Run(Process given)
                {
                    var p = new Process();
                    p.Kill();
                    p.Kill(true);
                    given.Kill();
                    System.IO.File.Delete("a");
                    System.IO.Directory.Delete("b", true);
                    System.IO.Directory.Delete("c");
                }
            }
            """;
        var hits = Scan(source, "M:System.Diagnostics.Process.Kill", "M:System.IO.Directory.Delete(System.String)");
        Assert.Equal(
            "M:System.Diagnostics.Process.Kill@7:p.Kill | M:System.Diagnostics.Process.Kill@9:given.Kill | M:System.IO.Directory.Delete(System.String)@12:System.IO.Directory.Delete",
            Texts(hits));
        Assert.All(hits, h => Assert.Equal("Tool.Run(Process)", h.Member));
        Assert.Equal((7, 9), (hits[0].Location.Line, hits[0].Location.Column));

        // A plain qualified name keeps syntax mode's meaning: every overload.
        Assert.Equal(3, Scan(source, "System.Diagnostics.Process.Kill").Count);

        // The other overload alone.
        Assert.Equal("M:System.Diagnostics.Process.Kill(System.Boolean)@8:p.Kill", Texts(Scan(source, "M:System.Diagnostics.Process.Kill(System.Boolean)")));
    }

    [Fact]
    public void A_type_covers_its_members_and_a_user_type_of_the_same_name_is_not_it()
    {
        const string source = """
            namespace Lib
            {
                static class Console { public static void WriteLine(string s) { } }
                class Tool
                {
                    void Run()
                    {
                        Console.WriteLine("mine");
                        System.Console.Out.WriteLine("real");
                        global::System.Console.Beep();
                        var w = System.Console.Error;
                    }
                }
            }
            """;
        var hits = Scan(source, "T:System.Console");
        Assert.Equal("T:System.Console@9:System.Console.Out.WriteLine | T:System.Console@10:global::System.Console.Beep | T:System.Console@11:System.Console.Error", Texts(hits));
    }

    [Fact]
    public void A_namespace_covers_the_namespaces_inside_it_and_usings_and_var_are_not_uses()
    {
        const string source = """
            using System.Net;
            using System.Net.Http;
            class Tool
            {
                async System.Threading.Tasks.Task Run()
                {
                    var name = Dns.GetHostName();
                    using var client = new HttpClient();
                    await client.GetStringAsync(name);
                }
            }
            """;
        var hits = Scan(source, "N:System.Net");
        Assert.Equal("N:System.Net@7:Dns.GetHostName | N:System.Net@8:HttpClient | N:System.Net@9:client.GetStringAsync", Texts(hits));
    }

    [Fact]
    public void Generic_definitions_extension_methods_aliases_and_constructors_are_matched_by_their_declaration()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Linq;
            using Out = System.Console;
            class Tool
            {
                bool Run(List<int> xs)
                {
                    xs.Add(1);
                    Out.WriteLine();
                    var sb = new System.Text.StringBuilder(16);
                    System.Text.StringBuilder other = new();
                    return xs.Any() || xs.Any(x => x > 1);
                }
            }
            """;
        Assert.Equal("M:System.Collections.Generic.List`1.Add(`0)@8:xs.Add", Texts(Scan(source, "M:System.Collections.Generic.List`1.Add(`0)")));
        Assert.Equal(2, Scan(source, "T:System.Collections.Generic.List").Count); // the parameter type and xs.Add: arity may be left out
        Assert.Equal("T:System.Console@9:Out.WriteLine", Texts(Scan(source, "T:System.Console")));
        Assert.Equal(
            "M:System.Linq.Enumerable.Any``1(System.Collections.Generic.IEnumerable{``0})@12:xs.Any",
            Texts(Scan(source, "M:System.Linq.Enumerable.Any``1(System.Collections.Generic.IEnumerable{``0})")));
        Assert.Equal("M:System.Text.StringBuilder.#ctor(System.Int32)@10:System.Text.StringBuilder", Texts(Scan(source, "M:System.Text.StringBuilder.#ctor(System.Int32)")));
        Assert.Equal("M:System.Text.StringBuilder.#ctor@11:new()", Texts(Scan(source, "M:System.Text.StringBuilder.#ctor")));

        // "new StringBuilder(16)" names the type once: one use of the type, not two.
        Assert.Equal(3, Scan(source, "T:System.Text.StringBuilder").Count);
    }

    [Fact]
    public void Properties_fields_and_static_usings_are_matched_by_id()
    {
        const string source = """
            using static System.Console;
            class Tool
            {
                string Run()
                {
                    WriteLine("through a static using");
                    System.Environment.CurrentDirectory = "/";
                    var exit = System.Environment.ExitCode;
                    return string.Empty + System.Environment.NewLine;
                }
            }
            """;
        Assert.Equal("T:System.Console@6:WriteLine", Texts(Scan(source, "T:System.Console")));
        Assert.Equal("M:System.Console.WriteLine(System.String)@6:WriteLine", Texts(Scan(source, "M:System.Console.WriteLine(System.String)")));
        Assert.Equal("P:System.Environment.CurrentDirectory@7:System.Environment.CurrentDirectory", Texts(Scan(source, "P:System.Environment.CurrentDirectory")));
        Assert.Equal("F:System.String.Empty@9:string.Empty", Texts(Scan(source, "F:System.String.Empty")));
        Assert.Empty(Scan(source, "P:System.Environment.ProcessId", "M:System.Console.WriteLine(System.Object)"));
    }
}
