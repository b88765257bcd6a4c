using Autopilot.Changes.Gate;
using Autopilot.Changes.Tests.Git;
using Autopilot.Core.Decisions;
using Autopilot.Core.Policies;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.Tests.Gate;

/// <summary>
/// The gate with the built-in default policy over real repositories laid out like .NET libraries (issue 13): which
/// projects ship, target frameworks and <c>#if</c>, <c>&lt;Nullable&gt;</c>, comment-only changes, emoji, own state.
/// </summary>
public sealed class GateOnRealLayoutsTests : IDisposable
{
    private const string PublicApi = "AP-DIFF-PUBLIC-API";
    private const string TestsRequired = "AP-DIFF-TESTS-REQUIRED";

    private static readonly PolicyEngine s_engine = PolicySource.Load(null).Engine!;

    private readonly TempGitRepo _repo = new();
    private readonly string _base;

    public GateOnRealLayoutsTests()
    {
        _repo.Write("Build.csproj", "<Project Sdk=\"Microsoft.Build.Traversal/3.0.2\">\n  <ItemGroup>\n    <ProjectReference Include=\"src\\**\\*.csproj\" />\n  </ItemGroup>\n</Project>\n");
        _repo.Write("Directory.Build.props", "<Project>\n  <PropertyGroup>\n    <LangVersion>latest</LangVersion>\n  </PropertyGroup>\n</Project>\n");
        _repo.Write("src/MyLib/MyLib.csproj", Project("<TargetFrameworks>net8.0;netstandard2.0</TargetFrameworks>"));
        _repo.Write("src/MyLib/Geo.cs", "namespace MyLib;\n\npublic class Geo\n{\n    public int Zoom { get; set; }\n}\n");
        _repo.Write("bench/MyLib.Bench/MyLib.Bench.csproj", Project("<TargetFramework>net8.0</TargetFramework><OutputType>Exe</OutputType>"));
        _repo.Write("bench/MyLib.Bench/Runs.cs", "namespace MyLib.Bench;\npublic class Runs { }\n");
        _repo.Write("eng/Tasks/Tasks.csproj", Project("<TargetFramework>net8.0</TargetFramework><IsPackable>false</IsPackable>"));
        _repo.Write("eng/Tasks/Task.cs", "namespace Tasks;\npublic class Task1 { }\n");
        _repo.Write("src/Core/Core.csproj", "\uFEFF" + Project("<TargetFramework>net8.0</TargetFramework>"));
        _repo.Write("src/Core/PublicAPI.Shipped.txt", "#nullable enable\n");
        _repo.Write("src/Core/Thing.cs", "namespace Core;\npublic class Thing { }\n");
        _repo.Write("tests/MyLib.Tests/GeoTests.cs", "class GeoTests { }\n");
        _repo.Write(".autopilot/policy.yaml", "version: 1\n");
        _base = _repo.Commit("base");
    }

    public void Dispose() => _repo.Dispose();

    private static string Project(string properties) =>
        $"<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    {properties}\n  </PropertyGroup>\n</Project>\n";

    private IReadOnlyList<Finding> Judge(Action<TempGitRepo> edit, string? @base = null)
    {
        edit(_repo);
        var head = _repo.Commit("scenario");
        var rules = s_engine.Plan.Document.Diff;
        var result = new ChangeGate(s_engine, [new CSharpAnalysis(rules)]).Judge(new GateRequest { RepositoryRoot = _repo.Path, Base = @base ?? _base, Head = head });
        return result.Decision.Findings;
    }

    [Fact]
    public void Public_api_is_judged_only_in_projects_that_ship()
    {
        var findings = Judge(r =>
        {
            r.Write("bench/MyLib.Bench/Runs.cs", "namespace MyLib.Bench;\npublic class Runs { public void Fast() { } }\n");
            r.Write("eng/Tasks/Task.cs", "namespace Tasks;\npublic class Task1 { public void Run() { } }\n");
            r.Write("src/Core/Thing.cs", "namespace Core;\npublic class Thing { public void Do() { } }\n");
            r.Write("Scratch.cs", "public class Scratch { public void Play() { } }\n");
            r.Write("tests/MyLib.Tests/GeoTests.cs", "class GeoTests { void T() { } }\n");
        });

        var api = Assert.Single(findings, f => f.RuleId == PublicApi);
        Assert.Contains("Core.Thing.Do()", api.Message, StringComparison.Ordinal);
        var skipped = findings.Where(f => f.RuleId == "AP-CSHARP-NOT-SHIPPED").Select(f => f.Message).ToList();
        Assert.Contains(skipped, m => m.Contains("MyLib.Bench", StringComparison.Ordinal) && m.Contains("OutputType Exe", StringComparison.Ordinal));
        Assert.Contains(skipped, m => m.Contains("Tasks", StringComparison.Ordinal) && m.Contains("IsPackable is false", StringComparison.Ordinal));
        Assert.Contains(skipped, m => m.Contains("Build changed (e.g. Scratch)", StringComparison.Ordinal) && m.Contains("compiles no C#", StringComparison.Ordinal));
    }

    [Fact]
    public void Members_under_if_are_seen_and_the_finding_names_the_framework()
    {
        var findings = Judge(r => r.Write("src/MyLib/Geo.cs", """
            namespace MyLib;

            public class Geo
            {
                public int Zoom { get; set; }
            #if NET8_0_OR_GREATER
                public void Fill(System.Span<byte> buffer) { }
            #endif
            }
            """));
        var api = Assert.Single(findings, f => f.RuleId == PublicApi);
        Assert.Equal(Severity.Info, api.Severity);
        Assert.Contains("MyLib.Geo.Fill(Span<byte>) (net8.0)", api.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(findings, f => f.RuleId == "AP-CSHARP-PARSE");
    }

    [Fact]
    public void A_type_forward_under_if_in_a_file_that_starts_with_a_byte_order_mark_is_seen()
    {
        // StackExchange.Redis d60d987e2a73: Hacks.cs starts with a BOM, then `#if NET5_0_OR_GREATER` and a type forward.
        var findings = Judge(r => r.Write("src/MyLib/Hacks.cs",
            "\uFEFF#if NET8_0_OR_GREATER\n[assembly: System.Runtime.CompilerServices.TypeForwardedTo(typeof(System.Runtime.CompilerServices.IsExternalInit))]\n#endif\n"));
        var api = Assert.Single(findings, f => f.RuleId == PublicApi);
        Assert.Contains("IsExternalInit", api.Message, StringComparison.Ordinal);
        Assert.Contains("net8.0", api.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_framework_added_to_the_project_is_not_a_change_of_every_member()
    {
        // The project starts building for net9.0 and a member appears under an #if every framework defines: only the
        // member is an API change; that the members now also exist for net9.0 is the project file's change, not theirs.
        var findings = Judge(r =>
        {
            r.Write("src/MyLib/MyLib.csproj", Project("<TargetFrameworks>net9.0;net8.0;netstandard2.0</TargetFrameworks>"));
            r.Write("src/MyLib/Geo.cs", "namespace MyLib;\n\npublic class Geo\n{\n    public int Zoom { get; set; }\n    public int Tilt { get; set; }\n}\n");
        });
        var api = Assert.Single(findings, f => f.RuleId == PublicApi);
        Assert.Contains("MyLib.Geo.Tilt", api.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("MyLib.Geo.Zoom", api.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("MyLib.Geo (", api.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_framework_swapped_in_the_project_is_not_a_change_of_its_members_when_another_project_targets_it()
    {
        // StackExchange.Redis c0c71c326fa3: the library goes from net5.0 to net6.0 in the commit that also edits a file of the
        // test project, which targets net6.0 on both sides. Which frameworks "both sides compile" is a question per project:
        // here MyLib drops net8.0 (which Core still targets) and gains net9.0 (which Tools already targets).
        _repo.Write("src/Tools/Tools.csproj", Project("<TargetFramework>net9.0</TargetFramework>"));
        _repo.Write("src/Tools/Runner.cs", "namespace Tools;\npublic class Runner { public void Run() { } }\n");
        var @base = _repo.Commit("a project on net9.0");
        var findings = Judge(r =>
        {
            r.Write("src/MyLib/MyLib.csproj", Project("<TargetFrameworks>net9.0;netstandard2.0</TargetFrameworks>"));
            r.Write("src/MyLib/Geo.cs", "namespace MyLib;\n\npublic class Geo\n{\n    public int Zoom { get; set; }\n    private int _tilt;\n}\n");
            r.Write("src/Core/Thing.cs", "namespace Core;\npublic class Thing { private int _count; }\n");
            r.Write("src/Tools/Runner.cs", "namespace Tools;\npublic class Runner { public void Run() { _ = 1; } }\n");
        }, @base);
        Assert.DoesNotContain(findings, f => f.RuleId == PublicApi);
    }

    [Fact]
    public void Attributes_that_PublicAPI_files_cannot_record_have_their_own_finding()
    {
        // StackExchange.Redis f690d168b5b8: [Browsable(false), EditorBrowsable(...)] on a property, an operator respaced. The
        // PublicAPI files do not change; the attribute is still reported, under its own id.
        _repo.Write("src/Core/Thing.cs", "using System.ComponentModel;\nnamespace Core;\npublic class Thing\n{\n    public bool IsInteger => true;\n    public static explicit operator double? (Thing value) => null;\n}\n");
        var @base = _repo.Commit("a property");
        var findings = Judge(
            r => r.Write(
                "src/Core/Thing.cs",
                "using System.ComponentModel;\nnamespace Core;\npublic class Thing\n{\n    [Browsable(false), EditorBrowsable(EditorBrowsableState.Advanced)] // hide it\n    public bool IsInteger => true;\n    public static explicit operator double?(Thing value) => null;\n}\n"),
            @base);
        Assert.DoesNotContain(findings, f => f.RuleId == PublicApi);
        var attribute = Assert.Single(findings, f => f.RuleId == "AP-DIFF-API-ATTRIBUTE");
        Assert.Equal(Severity.Info, attribute.Severity);
        Assert.Contains("Core.Thing.IsInteger", attribute.Message, StringComparison.Ordinal);

        // An attribute that breaks callers' builds escalates as the public-api rule does.
        var obsolete = Judge(
            r => r.Write(
                "src/Core/Thing.cs",
                "using System.ComponentModel;\nnamespace Core;\npublic class Thing\n{\n    [Obsolete(\"gone\", error: true)]\n    public bool IsInteger => true;\n    public static explicit operator double?(Thing value) => null;\n}\n"),
            @base);
        Assert.Equal(Severity.Escalate, Assert.Single(obsolete, f => f.RuleId == "AP-DIFF-API-ATTRIBUTE").Severity);
        Assert.DoesNotContain(obsolete, f => f.RuleId == PublicApi);
    }

    [Fact]
    public void A_changed_nullable_property_is_reported_as_an_annotation_change()
    {
        var findings = Judge(r => r.Write("src/Core/Core.csproj", Project("<TargetFramework>net8.0</TargetFramework><Nullable>enable</Nullable>")));
        var api = Assert.Single(findings, f => f.RuleId == PublicApi);
        Assert.Contains("<Nullable> of Core went from '' to 'enable'", api.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Comment_and_whitespace_only_source_changes_need_no_test()
    {
        var findings = Judge(r => r.Write(
            "src/MyLib/Geo.cs",
            "namespace MyLib;\n\n/// <summary>A place.</summary>\npublic class Geo\n{\n    #region State\n    // how far in\n    public int Zoom  { get; set; }\n    #endregion\n}\n"));
        var note = Assert.Single(findings, f => f.RuleId == TestsRequired);
        Assert.Equal(Severity.Info, note.Severity);
        Assert.Contains("only in comments or whitespace", note.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(findings, f => f.RuleId == PublicApi);
    }

    [Fact]
    public void A_code_change_next_to_a_comment_change_still_needs_a_test()
    {
        var findings = Judge(r => r.Write("src/MyLib/Geo.cs", "namespace MyLib;\n\n// comment\npublic class Geo\n{\n    public int Zoom { get; set; } = 1;\n}\n"));
        Assert.Equal(Severity.Escalate, Assert.Single(findings, f => f.RuleId == TestsRequired).Severity);
    }

    [Fact]
    public void Joiners_inside_emoji_are_text_and_bidirectional_controls_are_not()
    {
        var findings = Judge(r => r.Write("tests/MyLib.Tests/GeoTests.cs", "class GeoTests { string Coder = \"\U0001F469\u200D\U0001F4BB\"; string Flag = \"\U0001F3F3\uFE0F\u200D\U0001F308\"; }\n"));
        Assert.DoesNotContain(findings, f => f.RuleId == "AP-DIFF-TROJAN-SOURCE");

        var attack = Judge(r => r.Write("tests/MyLib.Tests/GeoTests.cs", "class GeoTests { string Role = \"user\u202E \u2066// admin\u2069 \u2066\"; string Bare = \"a\u200Db\"; }\n"));
        Assert.Equal(Severity.Deny, Assert.Single(attack, f => f.RuleId == "AP-DIFF-TROJAN-SOURCE").Severity);
    }

    [Fact]
    public void The_gate_does_not_judge_its_own_state_but_does_judge_the_policy()
    {
        var state = Judge(r =>
        {
            r.Write(".autopilot/ledger/ledger.jsonl", "{\"seq\":1}\n");
            r.Write(".autopilot/leases/T1@implement.lease", "{}\n");
            r.Write(".autopilot/signals/session.json", "{}\n");
        });
        Assert.DoesNotContain(state, f => f.RuleId == "AP-DIFF-PROTECTED");
        Assert.Contains("3 file(s) of Autopilot's own state were not judged", Assert.Single(state, f => f.RuleId == OwnState.RuleId).Message, StringComparison.Ordinal);

        var policy = Judge(r => r.Write(".autopilot/policy.yaml", "version: 2\n"));
        Assert.Equal(Severity.Escalate, Assert.Single(policy, f => f.RuleId == "AP-DIFF-PROTECTED").Severity);
    }

    [Fact]
    public void A_file_moved_unchanged_to_another_shipping_project_changes_both_apis()
    {
        var findings = Judge(r => r.Git("mv", "src/MyLib/Geo.cs", "src/Core/Geo.cs"));
        var api = findings.Where(f => f.RuleId == PublicApi).Select(f => f.Message).ToList();
        Assert.Contains(api, m => m.Contains("MyLib.Geo removed", StringComparison.Ordinal));
        Assert.Contains(api, m => m.Contains("Public API added: MyLib.Geo", StringComparison.Ordinal));
    }
}
