using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Autopilot.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Autopilot.Generators.Tests.Infrastructure;

/// <summary>Runs the generator in-process over in-memory policies and C#, and compiles or loads what it produced.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))]);

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    /// <summary>A compilation over the test process's assemblies (Autopilot.Core and Policy among them).</summary>
    public static CSharpCompilation Compilation(string assemblyName, params string[] sources) =>
        Compilation(assemblyName, s_references.Value, sources);

    /// <summary>A consumer that forgot the Autopilot.Core reference: the same assemblies without Autopilot.Core.</summary>
    public static CSharpCompilation CompilationWithoutCore(string assemblyName, params string[] sources) =>
        Compilation(assemblyName, [.. s_references.Value.Where(r => !string.Equals(Path.GetFileName(r.Display), "Autopilot.Core.dll", StringComparison.Ordinal))], sources);

    private static CSharpCompilation Compilation(string assemblyName, IEnumerable<MetadataReference> references, string[] sources) =>
        CSharpCompilation.Create(
            assemblyName,
            sources.Select(s => CSharpSyntaxTree.ParseText(s, ParseOptions)),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> policies, AnalyzerConfigOptionsProvider? options = null) =>
        CSharpGeneratorDriver.Create(
            generators: [new PolicyGateGenerator().AsSourceGenerator()],
            additionalTexts: policies,
            parseOptions: ParseOptions,
            optionsProvider: options,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once over <paramref name="policies"/>; returns the run and the compilation with the generated code.</summary>
    public static GeneratorRun Run(IEnumerable<AdditionalText> policies, AnalyzerConfigOptionsProvider? options = null, string csharp = "namespace Consumer { internal static class Empty { } }", CSharpCompilation? compilation = null)
    {
        var driver = CreateDriver(policies, options);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation ?? Compilation("Consumer", csharp), out var output, out var driverDiagnostics);
        return new GeneratorRun(driver.GetRunResult(), output, driverDiagnostics);
    }

    public static GeneratorRun Run(string path, string yaml) => Run([new InMemoryText(path, yaml)]);

    /// <summary>Emits <paramref name="compilation"/> and loads it into a collectible context that shares Autopilot.Core with the tests.</summary>
    public static Assembly Load(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20)));
        stream.Position = 0;
        return new AssemblyLoadContext("generated-" + compilation.AssemblyName, isCollectible: true).LoadFromStream(stream);
    }
}

/// <summary>One generator run: what it generated and reported, and the compilation that includes the generated code.</summary>
internal sealed record GeneratorRun(GeneratorDriverRunResult Result, Compilation Output, ImmutableArray<Diagnostic> DriverDiagnostics)
{
    public ImmutableArray<Diagnostic> Diagnostics => Result.Diagnostics;

    public string GeneratedText(string hintNameEnd) =>
        Result.GeneratedTrees.Single(t => t.FilePath.EndsWith(hintNameEnd, StringComparison.Ordinal)).GetText().ToString();

    /// <summary>Compiler errors and warnings in the output compilation (the generated code must have none).</summary>
    public IEnumerable<Diagnostic> CompileProblems() =>
        Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning);
}

/// <summary>A policy file in memory, as the compiler hands AdditionalFiles to a generator.</summary>
internal sealed class InMemoryText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>Analyzer config options as MSBuild would pass them: global build properties and per-file metadata.</summary>
internal sealed class TestOptionsProvider(Dictionary<string, string> global, Dictionary<string, Dictionary<string, string>>? perFile = null) : AnalyzerConfigOptionsProvider
{
    public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(global);

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options([]);

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
        new Options(perFile is not null && perFile.TryGetValue(textFile.Path, out var values) ? values : []);

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }
}

/// <summary>Files of the repository the tests read (the default policy, snapshots).</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string DefaultPolicyPath => Path.Combine(Root, "policies", "default.policy.yaml");

    public static string DefaultPolicyText => File.ReadAllText(DefaultPolicyPath);

    public static string TestsFolder => Path.Combine(Root, "tests", "Autopilot.Generators.Tests");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Autopilot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The tests run inside the repository: Autopilot.sln not found above " + AppContext.BaseDirectory);
    }
}
