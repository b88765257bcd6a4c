using System.Text.Json;
using Autopilot.Core.Ledger;
using Autopilot.Core.Storage;
using Xunit.Abstractions;

namespace Autopilot.Core.Tests.Ledger;

/// <summary>A read-only file system and a full disk, caused for real with mounts (see <see cref="Mounts"/>).</summary>
public sealed class LedgerDiskFaultTests : IDisposable
{
    private readonly TempDir _temp = new();
    private readonly Mounts _mounts = new();
    private readonly ITestOutputHelper _output;

    public LedgerDiskFaultTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public void Dispose()
    {
        _mounts.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void AReadOnlyFileSystem_IsAClearError_AndTheLedgerStaysReadable()
    {
        string source = _temp.Sub("rw");
        using (var store = FileLedgerStore.Open(source))
        {
            for (int i = 0; i < 3; i++)
            {
                store.Append(LedgerStoreTests.Entry(i: i));
            }
        }

        byte[] before = File.ReadAllBytes(Path.Combine(source, FileLedgerStore.LedgerFileName));
        string readOnly = _temp.Sub("ro");
        if (!_mounts.TryReadOnlyBind(source, readOnly))
        {
            // Simulation: a file where the ledger folder should be is the other way writing is refused.
            _output.WriteLine("mount not permitted: simulating with a file in place of the folder");
            File.WriteAllText(_temp.Sub("file"), "x");
            Assert.Throws<StorageException>(() => FileLedgerStore.Open(_temp.Sub("file")));
            return;
        }

        var error = Assert.Throws<StorageException>(() => FileLedgerStore.Open(readOnly));
        Assert.Contains("Read-only file system", error.Message);
        Assert.Contains(readOnly, error.Message);

        // Reading and verifying need no write access.
        Assert.Equal(3, new LedgerReader(readOnly).Show().Count);
        Assert.True(LedgerVerifier.Verify(readOnly).IsValid);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(source, FileLedgerStore.LedgerFileName)));
    }

    [Fact]
    public void AFullDisk_IsAClearError_AndNothingUnwrittenIsAcknowledged()
    {
        string dir = _temp.Sub("small");
        if (!_mounts.TryTmpfs(dir, "64k"))
        {
            // Fallback: the kernel's /dev/full answers every write with ENOSPC.
            _output.WriteLine("mount not permitted: the ledger file is a symlink to /dev/full instead");
            Directory.CreateDirectory(dir);
            File.CreateSymbolicLink(Path.Combine(dir, FileLedgerStore.LedgerFileName), "/dev/full");
            using var full = FileLedgerStore.Open(dir);
            var refused = Assert.Throws<StorageException>(() => full.Append(LedgerStoreTests.Entry()));
            Assert.Contains("No space left on device", refused.Message);
            return;
        }

        // Four threads, so the failing batches hold followers as well as a leader.
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<LedgerEntry>();
        var errors = new System.Collections.Concurrent.ConcurrentBag<StorageException>();
        var padding = new string('p', 900);
        using (var store = FileLedgerStore.Open(dir))
        {
            var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
            {
                for (int i = 0; i < 500; i++)
                {
                    try
                    {
                        acknowledged.Add(store.Append(LedgerStoreTests.Entry(actor: $"t{t}", i: i) with
                        {
                            Details = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["pad"] = padding }),
                        }).Entry);
                    }
                    catch (StorageException ex)
                    {
                        errors.Add(ex);
                        return;
                    }
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            Assert.Equal(4, errors.Count);
            Assert.All(errors, e => Assert.Contains("No space left on device", e.Message));
            Assert.Contains(errors, e => e.Message.Contains("were not recorded"));

            // Still full: the next append fails the same way rather than half-writing.
            Assert.Throws<StorageException>(() => store.Append(LedgerStoreTests.Entry() with
            {
                Details = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["pad"] = padding + padding }),
            }));
        }

        string path = Path.Combine(dir, FileLedgerStore.LedgerFileName);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal((byte)'\n', bytes[^1]);
        var entries = LedgerReader.ReadEntries(dir).Entries;
        Assert.Equal(acknowledged.OrderBy(e => e.Sequence).Select(e => e.Hash), entries.Select(e => e.Hash));
        Assert.True(acknowledged.Count > 10, $"only {acknowledged.Count} entries fit");
        Assert.True(LedgerVerifier.Verify(dir).IsValid);

        using (var reopened = FileLedgerStore.Open(dir))
        {
            Assert.Empty(reopened.Recoveries);
            Assert.Equal(acknowledged.Count, reopened.Head.Sequence);
        }
    }
}
