using Autopilot.Core.Storage;

namespace Autopilot.Core.Tests.Ledger;

public sealed class FileLockTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ASecondHandle_WaitsForTheFirst_EvenInOneProcess()
    {
        string path = _temp.Sub(".lock");
        using (var first = FileLock.Acquire(path, TimeSpan.FromSeconds(5)))
        {
            Assert.False(FileLock.TryAcquire(path, out _));
            var error = Assert.Throws<StorageException>(() => FileLock.Acquire(path, TimeSpan.FromMilliseconds(50)));
            Assert.Contains("timed out", error.Message);
        }

        Assert.True(FileLock.TryAcquire(path, out var again));
        again.Dispose();
    }

    [Fact]
    public void ThreadsTakingTheLock_NeverOverlap()
    {
        string path = _temp.Sub(".lock");
        int inside = 0, maxInside = 0, total = 0;
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                using var held = FileLock.Acquire(path, TimeSpan.FromSeconds(30));
                int now = Interlocked.Increment(ref inside);
                InterlockedMax(ref maxInside, now);
                Thread.SpinWait(200);
                Interlocked.Decrement(ref inside);
                Interlocked.Increment(ref total);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(1, maxInside);
        Assert.Equal(400, total);
    }

    [Fact]
    public void AMissingFolder_IsAClearError()
    {
        var error = Assert.Throws<StorageException>(() => FileLock.Acquire(_temp.Sub("no/such/.lock"), TimeSpan.FromSeconds(1)));
        Assert.Contains("no/such/.lock", error.Message);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
