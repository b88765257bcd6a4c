using Autopilot.Policy.Packs;
using System.Security.Cryptography;
using System.Text;
using Autopilot.Core.Actions;
using Autopilot.Core.Policies;
using Autopilot.Policy.Loading;

namespace Autopilot.Core.Tests.Policies;

/// <summary>
/// The compiled-policy cache (docs/native.md), in-process: the short form of the native front's process tests
/// (tests/Autopilot.Cli.Tests/NativeFrontTests.cs). Real files in a temporary folder.
/// </summary>
public sealed class PolicyCacheTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string CacheDir => _dir.Sub("cache");

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private string EntryFor(string text) => Path.Combine(CacheDir, PolicyCache.FileName(Hash(text)));

    private static string Policy(string name) =>
        System.Text.RegularExpressions.Regex.Replace(PolicySource.BuiltInDefaultText(), @"(?m)^  name: .*$", $"  name: {name}");

    private LoadedPolicy Load(string text)
    {
        var path = _dir.Write("policy.yaml", text);
        return PolicySource.Load(path, cacheDirectory: CacheDir);
    }

    [Fact]
    public void AFirstLoadStoresThePolicyAndItsPacksAndTheStoredEventsReplayToTheSameTree()
    {
        var text = Policy("cache-first");
        var loaded = Load(text);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        Assert.True(File.Exists(EntryFor(text)));

        // It names the default's built-in packs, unchanged: their compiled resolver serves and their YAML is never read.
        Assert.True(loaded.Engine!.EffectsCompiled);
        Assert.Single(Directory.GetFiles(CacheDir, "yaml-*.bin"));

        // Packs it reads are stored too: the same policy with one pack of its own.
        var packDir = Path.Combine(_dir.Path, "own");
        Directory.CreateDirectory(packDir);
        File.WriteAllText(Path.Combine(packDir, "mine.pack.yaml"), PackLoader.BuiltInText("git")!);
        var withOwnPack = text.Replace("packs: [core, git,", "packs: [core, own/mine.pack.yaml,", StringComparison.Ordinal);
        Assert.NotEqual(text, withOwnPack);
        var ownLoaded = PolicySource.Load(_dir.Write("own.yaml", withOwnPack), cacheDirectory: CacheDir);
        Assert.False(ownLoaded.Engine?.EffectsCompiled ?? true);
        Assert.True(Directory.GetFiles(CacheDir, "yaml-*.bin").Length >= 3, "the packs the policy reads are stored too");

        var stored = new PolicyCache(CacheDir).TryRead(Hash(text));
        Assert.NotNull(stored);
        var events = YamlEventCache.TryDecode(stored);
        Assert.NotNull(events);
        Assert.Equal(stored, YamlEventCache.Encode(events!));
    }

    [Fact]
    public void ASecondLoadReplaysTheStoredEventsInsteadOfTheText()
    {
        var text = Policy("cache-replay");
        Assert.True(Load(text).Succeeded);

        // Put the events of another text under this text's key, with a correct checksum: if the load parsed the text,
        // the plan would be named 'cache-replay'; it is named 'cache-other' because the stored events were used.
        var other = Policy("cache-other");
        Assert.True(PolicySource.Load(_dir.Write("other.yaml", other), cacheDirectory: CacheDir).Succeeded);
        var otherEntry = File.ReadAllBytes(EntryFor(other));
        var swapped = otherEntry.ToArray();
        Encoding.ASCII.GetBytes(Hash(text)).CopyTo(swapped, 6);
        File.WriteAllBytes(EntryFor(text), swapped);

        var second = Load(text);
        Assert.True(second.Succeeded);
        Assert.Equal("cache-other", second.Engine!.Plan.Metadata.Name);
    }

    [Fact]
    public void ACorruptEntryIsNotTrustedAndIsRewrittenByTheNextCleanLoad()
    {
        var text = Policy("cache-corrupt");
        Assert.True(Load(text).Succeeded);
        var good = File.ReadAllBytes(EntryFor(text));
        foreach (var bad in new[] { good[..^7], Flip(good, good.Length - 3), Flip(good, 2), Flip(good, 10), Array.Empty<byte>() })
        {
            File.WriteAllBytes(EntryFor(text), bad);
            Assert.Null(new PolicyCache(CacheDir).TryRead(Hash(text)));

            var loaded = Load(text);
            Assert.True(loaded.Succeeded);
            Assert.Equal("cache-corrupt", loaded.Engine!.Plan.Metadata.Name);
            Assert.Equal(good, File.ReadAllBytes(EntryFor(text)));
        }
    }

    [Fact]
    public void AnEditedPolicyIsStoredUnderItsNewHashAndAnsweredFromItsNewText()
    {
        var v1 = Policy("cache-v1");
        Assert.True(Load(v1).Succeeded);
        var v2 = v1.Replace("cache-v1", "cache-v2", StringComparison.Ordinal);
        var loaded = Load(v2);
        Assert.Equal("cache-v2", loaded.Engine!.Plan.Metadata.Name);
        Assert.True(File.Exists(EntryFor(v1)));
        Assert.True(File.Exists(EntryFor(v2)));
    }

    [Fact]
    public void APolicyWithErrorsIsNotStored()
    {
        var text = Policy("cache-errors") + "\nnotAKey: 1\n";
        var loaded = Load(text);
        Assert.False(loaded.Succeeded);
        Assert.Contains(loaded.Diagnostics, d => d.Message.Contains("notAKey", StringComparison.Ordinal));
        Assert.False(File.Exists(EntryFor(text)));
    }

    [Fact]
    public void ACacheFolderThatCannotBeWrittenOnlyCostsTime()
    {
        File.WriteAllText(CacheDir, "a file where the cache folder should be");
        var text = Policy("cache-unwritable");
        var loaded = Load(text);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        var context = new ActionContext(_dir.Path, _dir.Path);
        Assert.Equal(Autopilot.Policy.Model.Verdict.Deny, loaded.Engine!.Actions.Command("rm -rf /", context, "execute_safe").Verdict);
    }

    [Fact]
    public void LintNeverReadsTheCache()
    {
        var text = Policy("cache-lint");
        Assert.True(Load(text).Succeeded);
        File.WriteAllBytes(EntryFor(text), [1, 2, 3]);
        var linted = PolicySource.Load(_dir.Sub("policy.yaml"), lint: true, cacheDirectory: CacheDir);
        Assert.True(linted.Succeeded);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(EntryFor(text)));
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        var copy = bytes.ToArray();
        copy[index] ^= 0x20;
        return copy;
    }
}
