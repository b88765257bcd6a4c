using Autopilot.Core.Attestation;
using Autopilot.Core.Escalation;
using Autopilot.Core.Leases;
using Autopilot.Core.Ledger;
using Autopilot.Core.Policies;

namespace Autopilot.Core.Storage;

/// <summary>
/// A store that is not the state folder's files (a shared database): the stores it opens, read and verify its ledger.
/// Registered with <see cref="StateStores.Register"/> by the program that carries it (the managed CLI registers
/// PostgreSQL), so this assembly and the native front need no database driver.
/// </summary>
internal interface IStateBackend : IDisposable
{
    /// <summary>Where the state is, without secrets (for messages).</summary>
    string Display { get; }

    ILedgerStore OpenLedger();

    ILeaseStore OpenLeases();

    IAttestationStore OpenAttestations(ILedgerStore ledger);

    IRunSignalsStore OpenSignals();

    IReadOnlyList<LedgerEntry> ReadLedger();

    LedgerVerification VerifyLedger(string? expectHead);
}

/// <summary>
/// The one place that picks where state lives: files under the state folder (the default) or a shared
/// store such as PostgreSQL. The choice, first that is set: the <c>--store</c> option, the
/// <c>AUTOPILOT_STORE</c> environment variable, a <c>store: …</c> line in <c>&lt;state&gt;/config</c>.
/// The value is <c>files</c>, or a target a registered backend claims (a <c>postgres://…</c> URI or an
/// Npgsql connection string).
/// </summary>
internal sealed class StateStores : IDisposable
{
    public const string EnvironmentVariable = "AUTOPILOT_STORE";
    public const string ConfigFileName = "config";

    private static readonly List<(Func<string, bool> Claims, Func<string, IStateBackend> Open, Func<string, string> Redact)> Backends = [];

    private readonly string _stateDir;

    private StateStores(string stateDir, IStateBackend? backend, string source)
    {
        _stateDir = stateDir;
        Backend = backend;
        Source = source;
    }

    /// <summary>Which setting chose the store (for messages): "default", "--store", the variable or the config file.</summary>
    public string Source { get; }

    /// <summary>The shared store, or null for the state folder's files.</summary>
    public IStateBackend? Backend { get; }

    public bool IsShared => Backend is not null;

    /// <summary>Where the state is: the folder, or the shared store without its password.</summary>
    public string Location => Backend?.Display ?? _stateDir;

    /// <summary>
    /// Makes a shared store available: <paramref name="claims"/> tells whether a configured target is this backend's,
    /// <paramref name="redact"/> removes secrets from it for messages. Registering the same backend twice is harmless.
    /// </summary>
    public static void Register(Func<string, bool> claims, Func<string, IStateBackend> open, Func<string, string> redact)
    {
        lock (Backends)
        {
            if (!Backends.Exists(b => b.Claims == claims))
            {
                Backends.Add((claims, open, redact));
            }
        }
    }

    /// <summary>The configured target and the setting it came from; null target means files.</summary>
    public static (string? Target, string Source) Resolve(string stateDir, string? explicitStore)
    {
        if (!string.IsNullOrWhiteSpace(explicitStore))
        {
            return (Normalize(explicitStore), "--store");
        }

        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return (Normalize(fromEnvironment), EnvironmentVariable);
        }

        string config = Path.Combine(stateDir, ConfigFileName);
        if (File.Exists(config))
        {
            int number = 0;
            foreach (var raw in File.ReadLines(config))
            {
                number++;
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#'))
                {
                    continue;
                }

                int colon = line.IndexOf(':');
                if (colon > 0 && line[..colon].Trim() == "store")
                {
                    var value = line[(colon + 1)..].Trim().Trim('"', '\'');
                    if (value.Length == 0)
                    {
                        throw new StorageException($"{config}:{number}:{colon + 2}: 'store:' needs a value (files, or a postgres:// URI)", config);
                    }

                    return (Normalize(value), $"{config}:{number}");
                }
            }
        }

        return (null, "default");
    }

    private static string? Normalize(string value) =>
        value.Trim() is "files" or "file" ? null : value.Trim();

    /// <summary>
    /// Resolves the store for <paramref name="stateDir"/>; throws <see cref="StorageException"/> for a value no backend
    /// claims, and <see cref="PolicyHandOffException"/> in a program that carries no shared backend at all (the native
    /// front, which then hands the call to the managed CLI).
    /// </summary>
    public static StateStores Open(string stateDir, string? explicitStore = null)
    {
        var (target, source) = Resolve(stateDir, explicitStore);
        if (target is null)
        {
            return new StateStores(stateDir, null, source);
        }

        (Func<string, bool> Claims, Func<string, IStateBackend> Open, Func<string, string> Redact)[] backends;
        lock (Backends)
        {
            backends = [.. Backends];
        }

        if (backends.Length == 0)
        {
            throw new PolicyHandOffException($"{source} names a shared store, which this program does not carry");
        }

        foreach (var backend in backends)
        {
            if (backend.Claims(target))
            {
                return new StateStores(stateDir, backend.Open(target), source);
            }
        }

        throw new StorageException($"{source}: '{backends[0].Redact(target)}' is not a store: use files, a postgres:// URI or a PostgreSQL connection string", source);
    }

    public ILedgerStore OpenLedger() => Backend?.OpenLedger() ?? FileLedgerStore.Open(Path.Combine(_stateDir, "ledger"));

    public ILeaseStore OpenLeases() => Backend?.OpenLeases() ?? new FileLeaseStore(Path.Combine(_stateDir, "leases"));

    public IAttestationStore OpenAttestations(ILedgerStore ledger) =>
        Backend?.OpenAttestations(ledger) ?? new FileAttestationStore(Path.Combine(_stateDir, "attestations"), ledger);

    public IRunSignalsStore OpenSignals() => Backend?.OpenSignals() ?? new RunSignalsStore(RunSignalsStore.DefaultDirectory(_stateDir));

    /// <summary>Every entry, in order, without opening the ledger for writing (files: a read-only checkout works).</summary>
    public IReadOnlyList<LedgerEntry> ReadLedger() =>
        Backend?.ReadLedger() ?? LedgerReader.ReadEntries(Path.Combine(_stateDir, "ledger")).Entries;

    public LedgerVerification VerifyLedger(string? expectHead) =>
        Backend?.VerifyLedger(expectHead) ?? LedgerVerifier.Verify(Path.Combine(_stateDir, "ledger"), expectHead);

    public void Dispose() => Backend?.Dispose();
}
