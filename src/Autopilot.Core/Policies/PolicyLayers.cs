using System.IO.Compression;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Layers;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Policies;

/// <summary>
/// Reads a policy together with the layers above it (docs/policy-lifecycle.md, "Layers"): a file whose <c>base:</c>
/// names a policy file, a folder holding one <c>*.policy.yaml</c>, or a NuGet package pinned by version and the
/// SHA-256 of its <c>.nupkg</c> (from <c>base.source</c> or the NuGet global packages folder; never the network).
/// Each base is checked against its pinned hash, read (it may have a base itself), and the file is merged onto it by
/// <see cref="PolicyLayerMerge"/>, which refuses any loosening.
/// </summary>
internal static class PolicyLayers
{
    /// <summary>How many bases deep a chain of layers may go.</summary>
    public const int MaxDepth = 8;

    /// <summary>The layer name of the file a command was given (the repository's policy).</summary>
    public const string RepositoryLayer = "repository";

    /// <summary>The policy at <paramref name="path"/>, merged onto its bases when it names any.</summary>
    public static PolicyLoadResult LoadFile(string path) => Resolve(PolicyLoader.LoadFile(path), RepositoryLayer, 0, new HashSet<string>(StringComparer.Ordinal));

    private static PolicyLoadResult Resolve(PolicyLoadResult loaded, string name, int depth, HashSet<string> seen)
    {
        if (loaded.Document is not { Base: { } baseDef } doc)
        {
            return loaded;
        }

        var diagnostics = new List<PolicyDiagnostic>(loaded.Diagnostics);
        var at = baseDef.Location ?? new SourceLocation(doc.SourcePath, 1, 1);
        if (depth >= MaxDepth || !seen.Add(Path.GetFullPath(doc.SourcePath)))
        {
            diagnostics.Add(Error(PolicyDiagnosticIds.LayerUnavailable, depth >= MaxDepth ? $"Layers nest more than {MaxDepth} deep." : $"The layers form a cycle: {doc.SourcePath} is its own base.", at));
            return new PolicyLoadResult(null, diagnostics);
        }

        var read = ReadBase(baseDef, Path.GetDirectoryName(Path.GetFullPath(doc.SourcePath)) ?? ".", at, diagnostics);
        if (read is null)
        {
            return new PolicyLoadResult(null, diagnostics);
        }

        var (bytes, path, layerName, contentHash) = read.Value;
        if (baseDef.Sha256 is { } pinned && !string.Equals(pinned.Value, contentHash, StringComparison.OrdinalIgnoreCase))
        {
            diagnostics.Add(Error(PolicyDiagnosticIds.LayerHashMismatch,
                $"The base {layerName} has SHA-256 {contentHash}, but {PolicyLayerMerge.Where(pinned.Location)} pins {pinned.Value}: it changed since it was pinned; check the change, then pin the new hash.", pinned.Location ?? at));
            return new PolicyLoadResult(null, diagnostics);
        }

        var upper = Resolve(PolicyLoader.LoadBytes(bytes, path), layerName, depth + 1, seen);
        diagnostics.AddRange(upper.Diagnostics);
        if (upper.Document is null || diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            return new PolicyLoadResult(null, diagnostics);
        }

        var merged = PolicyLayerMerge.Merge(upper.Document, layerName, doc, name, diagnostics);
        return new PolicyLoadResult(merged, diagnostics);
    }

    /// <summary>The base's policy text, the path its diagnostics name, its layer name and the hash its pin is compared with.</summary>
    private static (byte[] Bytes, string Path, string Name, string Hash)? ReadBase(PolicyBaseDef def, string overlayFolder, SourceLocation at, List<PolicyDiagnostic> diagnostics)
    {
        try
        {
            if (def.Path is { } relative)
            {
                var full = Path.GetFullPath(Path.Combine(overlayFolder, relative));
                if (File.Exists(full))
                {
                    var bytes = File.ReadAllBytes(full);
                    return (bytes, full, "file:" + relative, PolicyLoader.Sha256Hex(bytes));
                }

                if (Directory.Exists(full))
                {
                    var policies = Directory.GetFiles(full, "*.policy.yaml");
                    if (policies.Length != 1)
                    {
                        diagnostics.Add(Error(PolicyDiagnosticIds.LayerUnavailable, $"The base folder {full} must hold exactly one *.policy.yaml; it holds {policies.Length}.", at));
                        return null;
                    }

                    return (File.ReadAllBytes(policies[0]), policies[0], "folder:" + relative, FolderHash(full));
                }

                diagnostics.Add(Error(PolicyDiagnosticIds.LayerUnavailable, $"The base {relative} (resolved to {full}) is neither a file nor a folder.", at));
                return null;
            }

            return ReadPackage(def, overlayFolder, at, diagnostics);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            diagnostics.Add(Error(PolicyDiagnosticIds.LayerUnavailable, $"The base cannot be read: {ex.Message}", at));
            return null;
        }
    }

    private static (byte[] Bytes, string Path, string Name, string Hash)? ReadPackage(PolicyBaseDef def, string overlayFolder, SourceLocation at, List<PolicyDiagnostic> diagnostics)
    {
        var id = def.Package!;
        var version = def.Version ?? "";
        var name = $"nuget:{id}@{version}";
        var nupkg = FindPackage(id, version, def.Source is null ? null : Path.GetFullPath(Path.Combine(overlayFolder, def.Source)));
        if (nupkg is null)
        {
            diagnostics.Add(Error(PolicyDiagnosticIds.LayerUnavailable,
                $"The base package {id} {version} is neither in {(def.Source is null ? "" : $"{def.Source} nor in ")}the NuGet global packages folder ({GlobalPackagesFolder()}); restore it first (autopilot never downloads).", at));
            return null;
        }

        var packageBytes = File.ReadAllBytes(nupkg);
        using var zip = new ZipArchive(new MemoryStream(packageBytes), ZipArchiveMode.Read);
        var entries = zip.Entries.Where(e => e.FullName.EndsWith(".policy.yaml", StringComparison.OrdinalIgnoreCase)).ToArray();
        if (entries.Length != 1)
        {
            diagnostics.Add(Error(PolicyDiagnosticIds.LayerUnavailable, $"The base package {nupkg} must hold exactly one *.policy.yaml; it holds {entries.Length}.", at));
            return null;
        }

        using var stream = entries[0].Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return (buffer.ToArray(), $"{name}/{entries[0].FullName}", name, PolicyLoader.Sha256Hex(packageBytes));
    }

    /// <summary><c>&lt;source&gt;/&lt;id&gt;.&lt;version&gt;.nupkg</c>, else the global packages folder's <c>&lt;id&gt;/&lt;version&gt;/&lt;id&gt;.&lt;version&gt;.nupkg</c> (lower case).</summary>
    private static string? FindPackage(string id, string version, string? source)
    {
        var file = $"{id}.{version}.nupkg".ToLowerInvariant();
        if (source is not null && Directory.Exists(source))
        {
            var found = Directory.GetFiles(source, "*.nupkg").FirstOrDefault(f => Path.GetFileName(f).Equals(file, StringComparison.OrdinalIgnoreCase));
            if (found is not null)
            {
                return found;
            }
        }

        var global = Path.Combine(GlobalPackagesFolder(), id.ToLowerInvariant(), version.ToLowerInvariant(), file);
        return File.Exists(global) ? global : null;
    }

    /// <summary>NUGET_PACKAGES when set, else ~/.nuget/packages, as NuGet itself decides.</summary>
    public static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>
    /// The content hash of a folder layer: SHA-256 over each file's relative path (with '/') and SHA-256, in ordinal
    /// order, one <c>path\0hash\n</c> line each; so renaming, adding or editing any file changes it.
    /// </summary>
    public static string FolderHash(string folder)
    {
        var lines = Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => (Relative: Path.GetRelativePath(folder, f).Replace('\\', '/'), File: f))
            .OrderBy(x => x.Relative, StringComparer.Ordinal)
            .Select(x => $"{x.Relative}\0{PolicyLoader.Sha256Hex(File.ReadAllBytes(x.File))}\n");
        return PolicyLoader.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(string.Concat(lines)));
    }

    private static PolicyDiagnostic Error(string id, string message, SourceLocation at) => new(id, DiagnosticSeverity.Error, message, at);
}
