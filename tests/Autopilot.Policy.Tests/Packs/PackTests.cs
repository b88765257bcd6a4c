using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Model;
using Autopilot.Policy.Packs;
using Autopilot.Policy.Plan;
using Autopilot.Policy.Tests.Schema;
using NJsonSchema;

namespace Autopilot.Policy.Tests.Packs;

/// <summary>Program packs: the shipped ones load clean and match their schema; every mistake is a located error.</summary>
public sealed class PackTests
{
    private static readonly Lazy<JsonSchema> s_schema = new(() =>
        JsonSchema.FromJsonAsync(File.ReadAllText(RepositoryFiles.Path("policies", "schema", "pack.schema.json"))).GetAwaiter().GetResult());

    public static TheoryData<string> BuiltInPacks()
    {
        var data = new TheoryData<string>();
        foreach (var name in PackLoader.BuiltInNames)
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void Every_pack_file_is_built_in_and_the_default_policy_reads_them_all()
    {
        var files = Directory.GetFiles(RepositoryFiles.Path("policies", "packs"), "*.pack.yaml")
            .Select(f => Path.GetFileName(f)[..^".pack.yaml".Length]).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(files, PackLoader.BuiltInNames);

        var policy = PolicyLoader.LoadFile(RepositoryFiles.Path("policies", "default.policy.yaml"));
        Assert.Equal(files, policy.Document!.Packs.Select(p => p.Value).Order(StringComparer.Ordinal).ToArray());
    }

    [Theory]
    [MemberData(nameof(BuiltInPacks))]
    public void Built_in_pack_loads_clean_and_validates_against_the_schema(string name)
    {
        var text = PackLoader.BuiltInText(name)!;
        Assert.StartsWith("# yaml-language-server: $schema=../schema/pack.schema.json", text, StringComparison.Ordinal);
        var loaded = PackLoader.LoadText(text, $"{name}.pack.yaml");
        Assert.True(loaded.Diagnostics.Count == 0, string.Join("\n", loaded.Diagnostics));
        Assert.Equal(name, loaded.Packs.Single().Name);

        var errors = s_schema.Value.Validate(PolicyJson.YamlToJson(text));
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Kind} at {e.Path} (line {e.LineNumber})")));
    }

    [Fact]
    public void Built_in_packs_define_each_program_once()
    {
        var result = PackLoader.Resolve([.. PackLoader.BuiltInNames.Select(n => new Located<string>(n, null))], "test.policy.yaml");
        Assert.True(result.Diagnostics.Count == 0, string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void An_unknown_pack_is_a_located_error_with_a_suggestion()
    {
        var plan = Compile("packs: [core, gti]\n");
        var error = Assert.Single(plan.Diagnostics, d => d.Id == PolicyDiagnosticIds.UnknownPack);
        Assert.Equal(2, error.Location.Line);
        Assert.Contains("'gti'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'git'?", error.Message, StringComparison.Ordinal);
        Assert.Null(plan.Plan);
    }

    [Fact]
    public void A_pack_file_next_to_the_policy_is_read_and_its_mistakes_are_located_in_it()
    {
        var dir = Directory.CreateTempSubdirectory("autopilot-pack-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "team.pack.yaml"),
                "pack: team\nprograms:\n  - names: [deployctl]\n    effects:\n      - effect: remote.destroi\n      - { effect: remote.change, targetz: operands }\n");
            var policy = Path.Combine(dir.FullName, "p.policy.yaml");
            File.WriteAllText(policy, "phases: [a]\npacks: [core, team.pack.yaml]\n");
            var plan = PlanBuilder.Compile(PolicyLoader.LoadFile(policy));
            Assert.Null(plan.Plan);
            var invalid = Assert.Single(plan.Diagnostics, d => d.Id == PolicyDiagnosticIds.InvalidValue);
            Assert.EndsWith("team.pack.yaml", invalid.Location.Path, StringComparison.Ordinal);
            Assert.Equal((5, 17), (invalid.Location.Line, invalid.Location.Column));
            var unknownKey = Assert.Single(plan.Diagnostics, d => d.Id == PolicyDiagnosticIds.UnknownKey);
            Assert.Equal(6, unknownKey.Location.Line);
            Assert.Contains("Did you mean 'targets'?", unknownKey.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_missing_pack_file_is_a_located_error()
    {
        var plan = Compile("packs: [nowhere.pack.yaml]\n");
        var error = Assert.Single(plan.Diagnostics, d => d.Id == PolicyDiagnosticIds.UnknownPack);
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
        Assert.Null(plan.Plan);
    }

    [Fact]
    public void Two_packs_defining_one_program_is_an_error_naming_both()
    {
        var dir = Directory.CreateTempSubdirectory("autopilot-pack-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "mine.pack.yaml"), "pack: mine\nprograms:\n  - names: [rm]\n    effects: [file.read]\n");
            var policy = Path.Combine(dir.FullName, "p.policy.yaml");
            File.WriteAllText(policy, "phases: [a]\npacks: [core, mine.pack.yaml]\n");
            var plan = PlanBuilder.Compile(PolicyLoader.LoadFile(policy));
            var error = Assert.Single(plan.Diagnostics, d => d.Id == PolicyDiagnosticIds.PackConflict);
            Assert.Contains("'rm'", error.Message, StringComparison.Ordinal);
            Assert.Contains("'mine'", error.Message, StringComparison.Ordinal);
            Assert.Contains("'core'", error.Message, StringComparison.Ordinal);
            Assert.Equal(3, error.Location.Line);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void An_effect_rule_naming_an_unknown_effect_is_a_located_error()
    {
        var plan = Compile("risks:\n  - id: R\n    risk: high\n    message: m\n    effect: { kinds: [remote.destory] }\n");
        var error = Assert.Single(plan.Diagnostics, d => d.Id == PolicyDiagnosticIds.InvalidValue);
        Assert.Equal(6, error.Location.Line);
        Assert.Contains("Did you mean 'remote.destroy'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Effect_rules_accept_globs_target_classes_and_methods()
    {
        var plan = Compile("risks:\n  - id: R\n    risk: high\n    message: m\n    alternative: ask\n    effect: { kinds: [\"vcs.*\", net.egress], targets: [unknown], methods: [DELETE], hosts: [remote], recursive: true }\n");
        Assert.True(plan.Succeeded, string.Join("\n", plan.Diagnostics));
        var rule = plan.Plan!.Risks.Single();
        Assert.Equal(["vcs.*", "net.egress"], rule.Effect!.Kinds);
        Assert.Equal("ask", rule.Alternative);
        Assert.True(rule.Effect.Recursive);
    }

    [Fact]
    public void A_subcommand_listed_twice_is_a_located_error()
    {
        var loaded = PackLoader.LoadText("pack: p\nprograms:\n  - names: [tool]\n    subcommands:\n      - { words: run }\n      - { words: \"run\", effects: [exec.unseen] }\n", "p.pack.yaml");
        var error = Assert.Single(loaded.Diagnostics);
        Assert.Equal(PolicyDiagnosticIds.DuplicateId, error.Id);
        Assert.Equal(6, error.Location.Line);
    }

    [Theory]
    [InlineData("~/.{ssh,aws}*", "~/.ssh*|~/.aws*")]
    [InlineData("/{etc,var}:**", "/etc:**|/var:**")]
    [InlineData("a.{b,c}.{d,e}", "a.b.d|a.b.e|a.c.d|a.c.e")]
    [InlineData("${HOME}/x", "${HOME}/x")]
    [InlineData("\\{a,b}", "\\{a,b}")]
    public void Brace_alternatives_in_patterns_are_expanded_at_load(string pattern, string expanded)
    {
        Assert.Equal(expanded.Split('|'), PackLoader.ExpandBraces(pattern).ToArray());
    }

    [Fact]
    public void A_policy_without_packs_reads_the_core_pack()
    {
        var plan = Compile("");
        Assert.Equal("core", plan.Plan!.Packs.Single().Name);
    }

    private static PlanResult Compile(string extra) =>
        PlanBuilder.Compile(PolicyLoader.LoadText("phases: [a]\n" + extra, "test.policy.yaml"));

    [Fact]
    public void TheBuildTimeTableOfBuiltInPackHashesMatchesTheShippedBytes()
    {
        // ManifestOfBuiltIn answers from this table without reading or hashing anything: it must be the packs shipped.
        // The left side hashes every shipped pack's bytes; the right side is the build-time table.
        Assert.NotEmpty(PackLoader.BuiltInNames);
        var names = PackLoader.BuiltInNames.Select(n => new Located<string>(n, null)).ToList();
        var loaded = PackLoader.Resolve(names, "policy.yaml");
        Assert.False(loaded.HasErrors);
        Assert.Equal(PackLoader.ManifestOf(loaded.Packs), PackLoader.ManifestOfBuiltIn(names));
        Assert.Null(PackLoader.ManifestOfBuiltIn([new Located<string>("no-such-pack", null)]));
        Assert.Null(PackLoader.ManifestOfBuiltIn([new Located<string>("mine.pack.yaml", null)]));
    }
}
