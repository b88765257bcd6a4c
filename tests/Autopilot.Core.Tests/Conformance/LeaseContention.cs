using System.Globalization;
using Autopilot.Core.Tests.Ledger;

namespace Autopilot.Core.Tests.Conformance;

/// <summary>
/// Processes contending for one lease, on any store (the fault host's <c>lease</c> mode: a folder for files, a
/// connection string for PostgreSQL): each holds it <paramref name="iterations"/> times and logs its holds while holding.
/// Returns the holds in time order after checking what every store promises: no two holders at once, tokens that only grow.
/// </summary>
public static class LeaseContention
{
    public static IReadOnlyList<(long Token, long Start, long End, long Pid)> Run(string target, int processes, int iterations, string log)
    {
        var hosts = Enumerable.Range(0, processes)
            .Select(_ => FaultHost.Start("lease", target, "T-1", "implement", "2", iterations.ToString(CultureInfo.InvariantCulture), log))
            .ToList();
        try
        {
            foreach (var host in hosts)
            {
                Assert.True(host.WaitForExit(TimeSpan.FromMinutes(5)) == 0, host.StandardError);
            }
        }
        finally
        {
            hosts.ForEach(h => h.Dispose());
        }

        var holds = File.ReadAllLines(log)
            .Select(l => l.Split(' ').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray())
            .Select(p => (Token: p[0], Start: p[1], End: p[2], Pid: p[3]))
            .OrderBy(h => h.Start)
            .ToList();
        Assert.Equal(processes * iterations, holds.Count);
        for (var i = 1; i < holds.Count; i++)
        {
            Assert.True(holds[i].Start >= holds[i - 1].End, $"holds overlap: {holds[i - 1]} and {holds[i]}");
            Assert.True(holds[i].Token > holds[i - 1].Token, $"token did not grow: {holds[i - 1]} then {holds[i]}");
        }

        Assert.Equal(processes, holds.Select(h => h.Pid).Distinct().Count());
        return holds;
    }
}
