using System.Text;
using Autopilot.Changes.ChangeSets;
using Autopilot.Changes.CSharp;
using Autopilot.Changes.Rules;
using Autopilot.Core.Policies;
using BenchmarkDotNet.Attributes;

namespace Autopilot.Benchmarks;

/// <summary>
/// The diff gate in process. Targets: a 1,000-file non-C# change set judged by the default policy's
/// diff rules in ≤300 ms; Roslyn analysis of 100 changed C# files (old and new) in ≤1 s on 2 cores.
/// </summary>
[MemoryDiagnoser]
public class GateBenchmarks
{
    private string _thousandFileDiff = "";
    private ChangeSet _thousandFiles = null!;
    private DiffRuleEngine _rules = null!;
    private ScopeFacts _scope = null!;
    private List<CSharpFileChange> _csharpFiles = null!;
    private CSharpChangeAnalyzer _analyzer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var engine = PolicySource.Load(null).Engine!;
        _rules = new DiffRuleEngine(engine.Plan.Diff, engine);
        _scope = new ScopeFacts { AllowedPaths = ["src/**", "tests/**"] };
        var diff = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            var dir = i % 2 == 0 ? "src" : "tests";
            var path = $"{dir}/m{i / 50}/file{i}.txt";
            diff.Append($"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1,20 +1,40 @@\n");
            for (var k = 0; k < 20; k++)
            {
                diff.Append($" context line {k} of file {i}\n");
                diff.Append($"+var setting{k} = \"value number {k} in file {i}\"; // see the vault\n");
            }
        }

        _thousandFileDiff = diff.ToString();
        _thousandFiles = UnifiedDiffParser.Parse(_thousandFileDiff);

        _analyzer = new CSharpChangeAnalyzer(CSharpRules.BannedEntries(engine.Plan.Diff));
        _csharpFiles = Enumerable.Range(0, 100).Select(i => new CSharpFileChange($"src/F{i}.cs", CSharpFile(i, false), CSharpFile(i, true))).ToList();
    }

    /// <summary>Parsing the 1,000-file unified diff (40,000 lines).</summary>
    [Benchmark]
    public int ParseThousandFileDiff() => UnifiedDiffParser.Parse(_thousandFileDiff).Files.Count;

    /// <summary>The default policy's diff rules over the parsed 1,000-file change.</summary>
    [Benchmark]
    public int RulesOverThousandFiles() => _rules.Evaluate(_thousandFiles, _scope).Count;

    /// <summary>Roslyn analysis of 100 changed C# files, old text against new.</summary>
    [Benchmark]
    public int RoslynHundredFiles() => _analyzer.Analyze(_csharpFiles).Members.Count;

    private static string CSharpFile(int i, bool changed)
    {
        var text = new StringBuilder();
        text.Append($"using System;\nusing System.Collections.Generic;\nnamespace Perf.N{i};\n/// <summary>Type {i}.</summary>\npublic class Type{i} : IDisposable\n{{\n");
        for (var m = 0; m < 12; m++)
        {
            text.Append($"    /// <summary>Method {m}.</summary>\n    public int Method{m}(int a, string b)\n    {{\n        var list = new List<int>();\n");
            text.Append($"        for (var k = 0; k < a; k++)\n        {{\n            list.Add(k * {(changed && m == 3 ? 2 : 1)});\n        }}\n\n        return list.Count + b.Length;\n    }}\n\n");
        }

        text.Append($"    private readonly string _name = \"{i}\";\n    {(changed ? "public void Added() { }" : "")}\n    void IDisposable.Dispose() {{ }}\n}}\n");
        return text.ToString();
    }
}
