using Autopilot.Changes.CSharp;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.Tests.CSharp;

/// <summary>
/// Public API identity as the compiler sees it (issue 13): each false positive found on real history, each miss,
/// one test, in one-file change sets.
/// </summary>
public sealed class ApiIdentityTests
{
    private static readonly DiffRuleDef s_publicApi = new() { Id = "AP-DIFF-PUBLIC-API", Kind = CSharpRules.PublicApi, Severity = Severity.Escalate };

    private static CSharpChangeReport Analyze(string? oldText, string? newText, CSharpProject? oldProject = null, CSharpProject? newProject = null) =>
        new CSharpChangeAnalyzer().Analyze([new CSharpFileChange("src/MyLib/Geo.cs", oldText, newText) { OldProject = oldProject, NewProject = newProject }]);

    private static IReadOnlyList<Finding> ApiFindings(CSharpChangeReport report) => CSharpRules.Evaluate(report, [s_publicApi]);

    private static void AssertNoApiChange(string oldText, string newText)
    {
        var report = Analyze(oldText, newText);
        Assert.Empty(report.ParseErrors);
        Assert.Empty(ApiFindings(report));
        Assert.DoesNotContain(report.Members, m => m.IsPublicApi && (m.SignatureChanged || m.IsBreaking));
    }

    [Fact]
    public void Removing_an_internal_set_accessor_of_a_public_property_is_not_an_api_change()
    {
        AssertNoApiChange(
            "namespace MyLib; public class Geo { public int Zoom { get; internal set; } }",
            "namespace MyLib; public class Geo { public int Zoom { get; } }");

        // A public setter going away is.
        var report = Analyze(
            "namespace MyLib; public class Geo { public int Zoom { get; set; } }",
            "namespace MyLib; public class Geo { public int Zoom { get; internal set; } }");
        Assert.True(Assert.Single(report.Members).IsBreaking);
    }

    [Fact]
    public void An_explicit_parameterless_constructor_where_the_implicit_one_existed_is_not_an_api_change()
    {
        AssertNoApiChange(
            "namespace MyLib; public class Geo { public int Zoom; }",
            "namespace MyLib; public class Geo { public Geo() { Zoom = 1; } public int Zoom; }");

        // An abstract class's implicit constructor is protected: a public one is a (compatible) change, not a new member.
        var report = Analyze(
            "namespace MyLib; public abstract class Shape { }",
            "namespace MyLib; public abstract class Shape { public Shape() { } }");
        var ctor = Assert.Single(report.Members);
        Assert.Equal(("MyLib.Shape.#ctor()", MemberChangeKind.Changed), (ctor.Key, ctor.Kind));
    }

    [Fact]
    public void A_trailing_comma_after_the_last_enum_member_is_not_an_api_change()
    {
        AssertNoApiChange(
            "namespace MyLib; public enum Unit { Meters, Feet }",
            "namespace MyLib;\npublic enum Unit\n{\n    Meters,\n    Feet,\n}");

        // Inserting a member before others changes their (implicit) values: that is.
        var report = Analyze("public enum Unit { Meters, Feet }", "public enum Unit { Meters, Yards, Feet }");
        Assert.True(Member(report, "Unit.Feet").IsBreaking);
        Assert.Equal(MemberChangeKind.Added, Member(report, "Unit.Yards").Kind);
    }

    [Fact]
    public void A_block_bodied_getter_rewritten_as_an_expression_body_is_not_an_api_change()
    {
        AssertNoApiChange(
            "namespace MyLib; public class Geo { private int _z; public int Zoom { get { return _z; } } public int this[int i] { get { return i; } } }",
            "namespace MyLib; public class Geo { private int _z; public int Zoom => _z; public int this[int i] => i; }");
        AssertNoApiChange(
            "public class Geo { public int Zoom { get { return 1; } set { } } }",
            "public class Geo { public int Zoom { get => 1; set => _ = value; } }");
    }

    [Fact]
    public void A_type_written_qualified_in_one_version_and_unqualified_in_the_other_is_the_same_type()
    {
        const string before = """
            namespace MyLib
            {
                public class GeoEntry { }
                public class Index
                {
                    public void Add(MyLib.GeoEntry entry) { }
                    public global::MyLib.GeoEntry? Find(System.String name, System.Collections.Generic.List<MyLib.GeoEntry> into) => null;
                }
            }
            """;
        const string after = """
            using System.Collections.Generic;
            namespace MyLib
            {
                public class GeoEntry { }
                public class Index
                {
                    public void Add(GeoEntry entry) { }
                    public GeoEntry? Find(string name, List<GeoEntry> into) => null;
                }
            }
            """;
        var report = Analyze(before, after);
        Assert.DoesNotContain(report.Members, m => m.Kind is MemberChangeKind.Added or MemberChangeKind.Removed);
        Assert.Empty(ApiFindings(report));

        // A qualifier naming a namespace the file does not import is kept: another namespace's GeoEntry is another type.
        var other = Analyze(before, before.Replace("Add(MyLib.GeoEntry entry)", "Add(Other.GeoEntry entry)", StringComparison.Ordinal));
        Assert.Contains(other.Members, m => m.Key == "MyLib.Index.Add(Other.GeoEntry)" && m.Kind == MemberChangeKind.Added);
    }

    [Theory]
    [InlineData("[Obsolete(\"use Find\")]", false, false)]
    [InlineData("[System.Obsolete(\"gone soon\", true)]", true, false)]
    [InlineData("[Experimental(\"GEO001\")]", true, true)]
    [InlineData("[EditorBrowsable(EditorBrowsableState.Never)]", false, false)]
    [InlineData("[Browsable(false), EditorBrowsable(EditorBrowsableState.Advanced)]", false, false)]
    [InlineData("[RequiresUnreferencedCode(\"reflection\")]", true, false)]
    [InlineData("[return: NotNull]", false, false)]
    public void Contract_attributes_are_api_changes(string attribute, bool breaking, bool recordedByPublicApiFiles)
    {
        var report = Analyze(
            "namespace MyLib; public class Geo { public object Lookup(string key) => key; }",
            $"namespace MyLib; public class Geo {{ {attribute} public object Lookup(string key) => key; }}");
        var change = Assert.Single(report.Members);
        Assert.Equal((true, true, breaking), (change.ContractChanged, change.SignatureChanged, change.IsBreaking));
        Assert.Equal(!recordedByPublicApiFiles, change.AttributeOnly);
        var finding = Assert.Single(ApiFindings(report));
        Assert.Equal(breaking ? Severity.Escalate : Severity.Info, finding.Severity);
        Assert.Contains("attribute", finding.Message, StringComparison.Ordinal);

        // The public-api rule's own id stands for the surface the PublicAPI files record ([Experimental] is an entry's [ID]
        // prefix); attributes no such file can record have an id of their own, at the same severity.
        Assert.Equal(recordedByPublicApiFiles ? s_publicApi.Id : RuleIds.PublicApiAttribute, finding.RuleId);

        // Removing it is the same kind of change, and never breaking.
        var removed = Assert.Single(ApiFindings(Analyze(
            $"namespace MyLib; public class Geo {{ {attribute} public object Lookup(string key) => key; }}",
            "namespace MyLib; public class Geo { public object Lookup(string key) => key; }")));
        Assert.Equal((recordedByPublicApiFiles ? s_publicApi.Id : RuleIds.PublicApiAttribute, Severity.Info), (removed.RuleId, removed.Severity));

        // Other attributes (serialization, test frameworks) are not the API contract.
        AssertNoApiChange(
            "public class Geo { public object Lookup(string key) => key; }",
            "public class Geo { [MethodImpl(MethodImplOptions.AggressiveInlining)] public object Lookup(string key) => key; }");
    }

    [Fact]
    public void An_attribute_with_a_signature_change_is_a_public_api_change_and_an_attribute_under_if_is_an_attribute_change()
    {
        // The signature changed too: what the PublicAPI files record changed, so the public-api rule's id.
        var both = Assert.Single(ApiFindings(Analyze(
            "namespace MyLib; public class Geo { public object Lookup(string key) => key; }",
            "namespace MyLib; public class Geo { [Obsolete(\"use Find\")] public object Lookup(string key, int limit) => key; }")),
            f => f.RuleId == s_publicApi.Id && f.Message.Contains("Lookup(string, int)", StringComparison.Ordinal));
        Assert.Equal(Severity.Info, both.Severity);

        // [EditorBrowsable] added for one framework only (the attribute under #if): still only an attribute.
        var project = new CSharpProject("MyLib", "src/MyLib/MyLib.csproj")
        {
            Variants =
            [
                new PreprocessorVariant("net8.0", "Release", [.. PreprocessorNames.FrameworkSymbols("net8.0"), "RELEASE", "TRACE"]),
                new PreprocessorVariant("netstandard2.0", "Release", [.. PreprocessorNames.FrameworkSymbols("netstandard2.0"), "RELEASE", "TRACE"]),
            ],
        };
        var report = Analyze(
            "namespace MyLib; public class Geo {\n#if NET8_0_OR_GREATER\n#endif\n public object Lookup(string key) => key; }",
            "namespace MyLib; public class Geo {\n#if NET8_0_OR_GREATER\n[EditorBrowsable(EditorBrowsableState.Never)]\n#endif\n public object Lookup(string key) => key; }",
            project,
            project);
        var change = Assert.Single(report.Members);
        Assert.True(change.AttributeOnly);
        Assert.Equal(["net8.0"], change.Frameworks);
        var finding = Assert.Single(ApiFindings(report));
        Assert.Equal((RuleIds.PublicApiAttribute, Severity.Info), (finding.RuleId, finding.Severity));
        Assert.Contains("(net8.0)", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enabling_nullable_annotations_is_reported_once_per_file_and_does_not_break()
    {
        const string body = "namespace MyLib; public class Geo { public string Name(string key) => key; public string Label { get; } = \"\"; }";
        var report = Analyze(body, "#nullable enable\n" + body);
        Assert.All(report.Members, m => Assert.True(m.NullableChanged && !m.IsBreaking));
        var finding = Assert.Single(ApiFindings(report));
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains("nullable", finding.Message, StringComparison.Ordinal);

        // The project's <Nullable> gives the default: a directive restating it changes nothing.
        var project = new CSharpProject("MyLib", "src/MyLib/MyLib.csproj") { NullableAnnotations = true };
        Assert.Empty(ApiFindings(Analyze(body, "#nullable enable\n" + body, project, project)));
    }

    [Fact]
    public void Type_forwards_are_api()
    {
        var report = Analyze(
            "using System.Runtime.CompilerServices;\n[assembly: TypeForwardedTo(typeof(MyLib.GeoEntry))]\nnamespace MyLib; public class Geo { }",
            "using System.Runtime.CompilerServices;\nnamespace MyLib; public class Geo { }");
        var forward = Assert.Single(report.Members);
        Assert.Equal((DeclarationCollector.ForwardPrefix + "GeoEntry", MemberChangeKind.Removed, true), (forward.Key, forward.Kind, forward.IsBreaking));
    }

    [Fact]
    public void A_file_moved_unchanged_to_another_project_is_a_removal_and_an_addition()
    {
        const string text = "namespace MyLib; public class Geo { public void Run() { } }";
        var report = new CSharpChangeAnalyzer().Analyze(
        [
            new CSharpFileChange("src/MyLib/Geo.cs", text, null) { OldProject = new CSharpProject("MyLib", "src/MyLib/MyLib.csproj") },
            new CSharpFileChange("src/MyLib.Core/Geo.cs", null, text) { NewProject = new CSharpProject("MyLib.Core", "src/MyLib.Core/MyLib.Core.csproj") },
        ]);
        Assert.Contains(report.Members, m => m is { Key: "MyLib.Geo", Kind: MemberChangeKind.Removed, Project: "MyLib", IsBreaking: true });
        Assert.Contains(report.Members, m => m is { Key: "MyLib.Geo", Kind: MemberChangeKind.Added, Project: "MyLib.Core" });

        // Within one project, the same move is nothing.
        var project = new CSharpProject("MyLib", "src/MyLib/MyLib.csproj");
        var same = new CSharpChangeAnalyzer().Analyze(
        [
            new CSharpFileChange("src/MyLib/Geo.cs", text, null) { OldProject = project },
            new CSharpFileChange("src/MyLib/Geo/Geo.cs", null, text) { NewProject = project },
        ]);
        Assert.Empty(same.Members);
    }

    [Fact]
    public void Declarations_under_if_are_seen_for_the_frameworks_that_compile_them()
    {
        var project = new CSharpProject("MyLib", "src/MyLib/MyLib.csproj")
        {
            Variants =
            [
                new PreprocessorVariant("net8.0", "Release", [.. PreprocessorNames.FrameworkSymbols("net8.0"), "RELEASE", "TRACE"]),
                new PreprocessorVariant("netstandard2.0", "Release", [.. PreprocessorNames.FrameworkSymbols("netstandard2.0"), "RELEASE", "TRACE"]),
            ],
        };
        const string before = "namespace MyLib; public class Geo { }";
        const string after = """
            namespace MyLib;
            public class Geo
            {
            #if NET8_0_OR_GREATER
                public void Span(System.ReadOnlySpan<byte> data) { }
            #else
                public void Span(byte[] data) { }
            #endif
            }
            """;
        var report = Analyze(before, after, project, project);
        var modern = Member(report, "MyLib.Geo.Span(ReadOnlySpan<byte>)");
        Assert.Equal(["net8.0"], modern.Frameworks);
        Assert.Equal(["netstandard2.0"], Member(report, "MyLib.Geo.Span(byte[])").Frameworks);
        Assert.Contains(ApiFindings(report), f => f.Message.Contains("net8.0", StringComparison.Ordinal) && f.Message.Contains("Span(ReadOnlySpan<byte>)", StringComparison.Ordinal));

        // A member that moves under #if for one framework only is removed there: breaking, and the finding says where.
        var narrowed = Analyze(
            "namespace MyLib; public class Geo { public void Run() { } }",
            "namespace MyLib; public class Geo {\n#if NET8_0_OR_GREATER\n public void Run() { }\n#endif\n}",
            project,
            project);
        var run = Member(narrowed, "MyLib.Geo.Run()");
        Assert.Equal((MemberChangeKind.Changed, true), (run.Kind, run.IsBreaking));
        Assert.Equal(["netstandard2.0"], run.Frameworks);
    }

    [Theory]
    [InlineData("net8.0", "NET8_0", "NET8_0_OR_GREATER", "NET5_0_OR_GREATER", "NETCOREAPP3_1_OR_GREATER", "NET")]
    [InlineData("netstandard2.0", "NETSTANDARD2_0", "NETSTANDARD2_0_OR_GREATER", "NETSTANDARD1_6_OR_GREATER", "NETSTANDARD")]
    [InlineData("net472", "NET472", "NET472_OR_GREATER", "NET45_OR_GREATER", "NETFRAMEWORK")]
    [InlineData("net10.0-windows", "NET10_0", "NET9_0_OR_GREATER", "WINDOWS")]
    public void The_sdk_symbols_of_a_target_framework_are_known(string framework, params string[] expected)
    {
        var symbols = PreprocessorNames.FrameworkSymbols(framework);
        Assert.All(expected, s => Assert.Contains(s, symbols));
        Assert.DoesNotContain("NET9_0_OR_GREATER", PreprocessorNames.FrameworkSymbols("net8.0"));
    }

    [Fact]
    public void File_based_program_directives_parse()
    {
        var report = Analyze(null, "#!/usr/bin/env dotnet\n#:package Humanizer@2.14.1\n#:sdk Microsoft.NET.Sdk.Web\n#:property LangVersion=preview\n\nConsole.WriteLine(\"hi\");\n");
        Assert.Empty(report.ParseErrors);

        // Only at the top: further down, '#:' is not C#.
        Assert.NotEmpty(Analyze(null, "class C { }\n#:package Humanizer@2.14.1\n").ParseErrors);
    }

    private static MemberChange Member(CSharpChangeReport report, string key) => Assert.Single(report.Members, m => m.Key == key);
}
