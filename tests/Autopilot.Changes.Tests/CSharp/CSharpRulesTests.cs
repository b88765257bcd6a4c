using Autopilot.Changes.CSharp;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.Tests.CSharp;

public sealed class CSharpRulesTests
{
    private const string Before = """
        namespace MyApp.Billing
        {
            public class Invoice
            {
                public decimal Total(int count) => count;
                public void Print() { }
            }
        }
        namespace MyApp.Shipping
        {
            public class Parcel { public int Weight() => 1; }
        }
        """;

    private const string After = """
        namespace MyApp.Billing
        {
            public class Invoice
            {
                public decimal Total(int count) => count * 2;
                public void Print() { System.Console.WriteLine(); }
            }
        }
        namespace MyApp.Shipping
        {
            public class Parcel { public int Weight() => 2; }
        }
        """;

    private static readonly CSharpFileChange[] s_files = [new("src/App.cs", Before, After)];

    [Fact]
    public void Symbol_scope_flags_changes_outside_the_globs()
    {
        var rule = new DiffRuleDef { Id = "AP-SYMBOLS", Kind = "symbol-scope", Symbols = ["MyApp.Billing.*"] };
        var finding = Assert.Single(CSharpRules.Analyze(s_files, [rule]));
        Assert.Equal(("AP-SYMBOLS", Severity.Deny, 11), (finding.RuleId, finding.Severity, finding.Location!.Line));
        Assert.Contains("MyApp.Shipping.Parcel.Weight()", finding.Message);

        // A member glob with a parameter wildcard, from the work order this time.
        var workOrder = CSharpRules.Analyze(s_files, [rule with { Symbols = [] }], ["*.Invoice.Total(*)", "*.Invoice.Print()"]);
        Assert.Equal(["MyApp.Shipping.Parcel.Weight()"], workOrder.Select(f => f.Message.Split(' ')[0]));

        // A glob naming a type covers its members; no globs at all means no symbol limit.
        Assert.Empty(CSharpRules.Analyze(s_files, [rule with { Symbols = ["MyApp.Billing.Invoice", "MyApp.Shipping.Parcel"] }]));
        Assert.Empty(CSharpRules.Analyze(s_files, [rule with { Symbols = [] }]));
    }

    [Fact]
    public void Banned_api_rule_reports_new_uses_with_the_entry_message()
    {
        var rule = new DiffRuleDef { Id = "AP-BANNED", Kind = "banned-api", Severity = Severity.Escalate, Patterns = ["T:System.Console;use ILogger"] };
        var finding = Assert.Single(CSharpRules.Analyze(s_files, [rule]));
        Assert.Equal(("AP-BANNED", Severity.Escalate, "src/App.cs", 6, 31), (finding.RuleId, finding.Severity, finding.Location!.Path, finding.Location.Line, finding.Location.Column));
        Assert.Contains("use ILogger", finding.Message);

        // Excluded paths are not judged; a ban that cannot be read is a deny at the rule.
        Assert.Empty(CSharpRules.Analyze(s_files, [rule with { ExcludePaths = ["src/**"] }]));
        var unreadable = CSharpRules.Analyze(s_files, [rule with { Patterns = ["T:"] }]);
        Assert.Equal(Severity.Deny, Assert.Single(unreadable).Severity);
    }

    [Fact]
    public void Public_api_rule_denies_breaking_changes_and_notes_additions()
    {
        var files = new[]
        {
            new CSharpFileChange("src/Api.cs", "public class Api { public void Old() { } private void Hidden() { } }", "public class Api { public void New() { } }"),
            new CSharpFileChange("src/Internal.cs", "class Impl { public void A() { } }", "class Impl { public void B() { } }"),
        };
        var rule = new DiffRuleDef { Id = "AP-PUBLIC-API", Kind = "public-api", Message = "Public API of {symbol} {what}" };
        var findings = CSharpRules.Analyze(files, [rule]);
        Assert.Equal(2, findings.Count);
        var breaking = Assert.Single(findings, f => f.Severity == Severity.Deny);
        Assert.StartsWith("Public API of Api.Old() removed", breaking.Message);
        var added = Assert.Single(findings, f => f.Severity == Severity.Info);
        Assert.Contains("Api.New()", added.Message);
    }

    [Fact]
    public void Contract_types_by_attribute_or_namespace_must_not_lose_members()
    {
        var files = new[]
        {
            new CSharpFileChange(
                "src/Dto.cs",
                "namespace App.Contracts { [DataContract] public class Order { [DataMember] private int _id; public string Name { get; set; } = \"\"; } }\nnamespace App.Web { [System.Runtime.Serialization.DataContract] internal class Reply { [DataMember] internal int Code; public int Other; } public class Page { public int Size; } }",
                "namespace App.Contracts { [DataContract] public class Order { public string Name { get; set; } = \"x\"; public int Added; } }\nnamespace App.Web { [System.Runtime.Serialization.DataContract] internal class Reply { [DataMember] internal long Code; } public class Page { } }"),
        };
        var byAttribute = new DiffRuleDef { Id = "AP-CONTRACT", Kind = "contract-types", Patterns = ["[DataContract]"] };
        var findings = CSharpRules.Analyze(files, [byAttribute]);
        Assert.Equal(
            ["App.Contracts.Order._id", "App.Web.Reply.Code"], // Reply.Other is neither public API nor a data member
            findings.Select(f => f.Message.Split(": ")[1].Split(' ')[0]).Order(StringComparer.Ordinal));

        var byNamespace = CSharpRules.Analyze(files, [byAttribute with { Patterns = ["App.Web.Page"] }]);
        Assert.Contains("App.Web.Page.Size", Assert.Single(byNamespace).Message);
    }

    [Fact]
    public void A_file_that_does_not_parse_fails_closed_at_the_error()
    {
        var files = new[] { new CSharpFileChange("src/Broken.cs", "class A { }", "class A {\n  void M( {\n") };
        var findings = CSharpRules.Analyze(files, [new DiffRuleDef { Id = "AP-PUBLIC-API", Kind = "public-api" }]);
        var parse = findings.Where(f => f.RuleId == CSharpRules.ParseErrorRuleId).ToList();
        Assert.NotEmpty(parse);
        Assert.All(parse, f => Assert.Equal(Severity.Deny, f.Severity));
        Assert.Equal(("src/Broken.cs", 2), (parse[0].Location!.Path, parse[0].Location!.Line));
    }
}
