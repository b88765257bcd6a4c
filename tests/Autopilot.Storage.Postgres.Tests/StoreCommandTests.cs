using Autopilot.Core.Ledger;
using Autopilot.Core.Storage;
using Autopilot.Storage.Postgres;
using Autopilot.Core.Tests.Conformance;

namespace Autopilot.Storage.Postgres.Tests;

/// <summary>`autopilot store migrate|import` and the store choice, through the real CLI process against the real server.</summary>
public sealed class StoreCommandTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private ProcessResult Cli(params string[] args) =>
        TestProcess.Run("dotnet", [TestProcess.CliDll, .. args], _temp.Path, new Dictionary<string, string> { ["AUTOPILOT_STORE"] = "" });

    [SkippableFact]
    public void Import_CopiesTheFileLedger_ChainIntact_Verified_AndIsIdempotent()
    {
        var cluster = PostgresCluster.Require();
        string target = $"{cluster.ConnectionString};Ledger=import-{Guid.NewGuid():N}";
        string state = _temp.Sub("state");
        LedgerHead fileHead;
        using (var files = FileLedgerStore.Open(Path.Combine(state, "ledger")))
        {
            for (int i = 0; i < 25; i++)
            {
                files.Append(LedgerStoreConformance.Draft(key: i % 5 == 0 ? $"k{i}" : null, i: i));
            }

            fileHead = files.Head;
        }

        var migrate = Cli("store", "migrate", "--store", target, "--state-dir", state);
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Contains("schema already at version", migrate.StdOut);

        var import = Cli("store", "import", "--store", target, "--state-dir", state);
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains($"imported 25 entries", import.StdOut);
        Assert.Contains(fileHead.Hash, import.StdOut);

        // The file ledger's checkpoint still holds in the database: same hashes, same chain.
        var verify = Cli("ledger", "verify", "--store", target, "--expect-head", fileHead.Hash, "--state-dir", state);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains($"OK: 25 entries, head #25 {fileHead.Hash}", verify.StdOut);

        var again = Cli("store", "import", "--store", target, "--state-dir", state);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("imported 0 entries", again.StdOut);

        // The store chosen by .autopilot/config (no --store): appends continue the imported chain.
        File.WriteAllText(Path.Combine(state, StateStores.ConfigFileName), $"# shared ledger\nstore: {target}\n");
        PostgresStateBackend.Register();
        using (var stores = StateStores.Open(state))
        {
            Assert.True(stores.IsShared);
            using var ledger = stores.OpenLedger();
            Assert.Equal(26, ledger.Append(LedgerStoreConformance.Draft(i: 26)).Entry.Sequence);
        }

        var show = Cli("ledger", "show", "--state-dir", state);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("#26 ", show.StdOut);
    }

    [SkippableFact]
    public void ADifferentLedger_IsNotImportedOnTop()
    {
        var cluster = PostgresCluster.Require();
        string target = $"{cluster.ConnectionString};Ledger=other-{Guid.NewGuid():N}";
        using (var database = PostgresDatabase.Open(target))
        using (var ledger = PostgresLedgerStore.Open(database))
        {
            ledger.Append(LedgerStoreConformance.Draft(actor: "someone-else"));
        }

        using (var files = FileLedgerStore.Open(_temp.Sub("state/ledger")))
        {
            files.Append(LedgerStoreConformance.Draft());
            files.Append(LedgerStoreConformance.Draft());
        }

        var import = Cli("store", "import", "--store", target, "--state-dir", _temp.Sub("state"));
        Assert.Equal(4, import.ExitCode);
        Assert.Contains("a different ledger, nothing imported", import.StdErr);
    }

    [Fact]
    public void AStoreThatIsNeitherFilesNorPostgres_IsAClearError()
    {
        var result = Cli("ledger", "show", "--store", "mysql://nope", "--state-dir", _temp.Sub("state"));
        Assert.Equal(4, result.ExitCode);
        Assert.Contains("is not a store", result.StdErr);
        File.WriteAllText(_temp.Sub("config"), "store:\n");
        var config = Cli("ledger", "show", "--state-dir", _temp.Path);
        Assert.Equal(4, config.ExitCode);
        Assert.Contains("config:1:", config.StdErr);
    }
}
