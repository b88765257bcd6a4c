using System.Data.Common;
using Autopilot.Core.Storage;
using Npgsql;

namespace Autopilot.Storage.Postgres;

/// <summary>
/// One PostgreSQL database holding Autopilot's state, and the scope inside it: the name of one ledger
/// (a repository or a tenant) that also scopes leases, attestations and run signals. Stores that share
/// a scope see each other's state; different scopes never meet (except the fencing counter, which is
/// one for the database so tokens only grow).
/// </summary>
public sealed class PostgresDatabase : IDisposable
{
    public const string DefaultScope = "default";

    private PostgresDatabase(NpgsqlDataSource dataSource, string scope, string display)
    {
        DataSource = dataSource;
        Scope = scope;
        Display = display;
    }

    internal NpgsqlDataSource DataSource { get; }

    /// <summary>The ledger (and lease, attestation, signal) namespace inside the database.</summary>
    public string Scope { get; }

    /// <summary>Where the store is, without the password: for messages.</summary>
    public string Display { get; }

    /// <summary>True for a <c>postgres://</c> or <c>postgresql://</c> URI or a <c>Host=…;…</c> connection string.</summary>
    public static bool IsPostgresTarget(string? target) =>
        target is not null && (target.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || target.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || (target.Contains('=') && target.Contains("host", StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Opens a pool for <paramref name="target"/>: a URI <c>postgres://user:password@host:port/database?ledger=name&amp;sslmode=…</c>
    /// (query keys are Npgsql connection-string keywords; <c>host</c> may name a socket folder) or an
    /// Npgsql connection string with an optional <c>Ledger=name</c>. <paramref name="scope"/> overrides the ledger name.
    /// </summary>
    public static PostgresDatabase Open(string target, string? scope = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        NpgsqlConnectionStringBuilder builder;
        string? ledger;
        try
        {
            (builder, ledger) = Parse(target);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or UriFormatException or KeyNotFoundException)
        {
            throw new StorageException($"the store '{Redact(target)}' is not a PostgreSQL URI or connection string: {ex.Message}", Redact(target), ex);
        }

        // Appends and lease calls are short: fail fast instead of queueing behind a dead server for minutes.
        if (!target.Contains("timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.Timeout = 10;
            builder.CommandTimeout = 30;
        }

        builder.ApplicationName ??= "autopilot";

        // The store sends the same few statements over and over: prepared once per physical connection,
        // they skip parsing and planning (the append's statement took ~0.7 ms to plan, more than its
        // execution). The store never changes session state (its settings and advisory locks are
        // transaction-scoped), so a pooled connection needs no reset on return, and a reset would only
        // cost the server work on the next call.
        if (!target.Contains("auto prepare", StringComparison.OrdinalIgnoreCase) && !target.Contains("autoprepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 32;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!target.Contains("reset", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }
        scope ??= ledger ?? DefaultScope;
        string display = $"postgres://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}?ledger={scope}";
        return new PostgresDatabase(NpgsqlDataSource.Create(builder), scope, display);
    }

    private static (NpgsqlConnectionStringBuilder Builder, string? Ledger) Parse(string target)
    {
        var builder = new NpgsqlConnectionStringBuilder();
        string? ledger = null;
        if (target.Contains("://", StringComparison.Ordinal))
        {
            var uri = new Uri(target);
            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                var parts = uri.UserInfo.Split(':', 2);
                builder.Username = Uri.UnescapeDataString(parts[0]);
                if (parts.Length == 2)
                {
                    builder.Password = Uri.UnescapeDataString(parts[1]);
                }
            }

            if (!string.IsNullOrEmpty(uri.Host))
            {
                builder.Host = Uri.UnescapeDataString(uri.Host);
            }

            if (uri.Port > 0)
            {
                builder.Port = uri.Port;
            }

            string database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
            if (database.Length > 0)
            {
                builder.Database = database;
            }

            foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                string key = Uri.UnescapeDataString(kv[0]);
                string value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : "";
                if (key.Equals("ledger", StringComparison.OrdinalIgnoreCase))
                {
                    ledger = value;
                }
                else
                {
                    builder[key] = value;
                }
            }
        }
        else
        {
            var generic = new DbConnectionStringBuilder { ConnectionString = target };
            if (generic.TryGetValue("ledger", out var value))
            {
                ledger = value?.ToString();
                generic.Remove("ledger");
            }

            builder.ConnectionString = generic.ConnectionString;
        }

        if (ledger is { Length: 0 })
        {
            throw new FormatException("the ledger name must not be empty");
        }

        return (builder, ledger);
    }

    /// <summary>The target with any password replaced, for error messages.</summary>
    public static string Redact(string target) =>
        System.Text.RegularExpressions.Regex.Replace(target, @"(?i)(://[^:/@]*:)[^@]*@|(password\s*=\s*)[^;]*", m => m.Groups[1].Success ? m.Groups[1].Value + "***@" : m.Groups[2].Value + "***");

    internal NpgsqlConnection Connect()
    {
        try
        {
            return DataSource.OpenConnection();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw Failure("cannot connect", ex);
        }
    }

    /// <summary>
    /// A session the server ended (restart, pg_terminate_backend) or a network failure. Npgsql notices
    /// a pooled connection is dead only when it is next used, so the first use after a restart fails.
    /// </summary>
    internal static bool IsBrokenConnection(Exception ex) =>
        ex is NpgsqlException npgsql && (npgsql.IsTransient
            || npgsql is PostgresException { SqlState: "57P01" or "57P02" or "57P03" }
            || npgsql.InnerException is IOException or System.Net.Sockets.SocketException or EndOfStreamException);

    /// <summary>Drops pooled connections after a broken one (the others are likely dead too).</summary>
    internal void ForgetConnections(Exception ex)
    {
        if (IsBrokenConnection(ex))
        {
            DataSource.Clear();
        }
    }

    /// <summary>
    /// Runs work that is safe to repeat (reads, lease statements). When the connection breaks (the
    /// server ended the session, a pooled connection was already dead, the network cut it), the pool
    /// is cleared and the work runs once more on a fresh connection; the flag tells it that it is the
    /// second run (a first whose answer was lost may have committed).
    /// </summary>
    internal T Retrying<T>(Func<NpgsqlConnection, bool, T> work)
    {
        for (int attempt = 0; ; attempt++)
        {
            using var connection = Connect();
            try
            {
                return work(connection, attempt > 0);
            }
            catch (Exception ex) when (attempt == 0 && IsBrokenConnection(ex))
            {
                DataSource.Clear();
                Interlocked.Increment(ref _retries);
            }
        }
    }

    internal T Retrying<T>(Func<NpgsqlConnection, T> work) => Retrying((connection, _) => work(connection));

    private long _retries;

    /// <summary>Statements run a second time after a broken connection (for tests and diagnostics).</summary>
    internal long Retries => Interlocked.Read(ref _retries);

    /// <summary>A storage error naming the database, for any failure talking to it.</summary>
    internal StorageException Failure(string what, Exception ex) =>
        new($"{what} ({Display}): {ex.Message}", Display, ex);

    /// <summary>Throws unless the schema is at the version this build needs.</summary>
    internal void RequireSchema()
    {
        int version;
        try
        {
            version = PostgresSchema.CurrentVersion(this);
        }
        catch (Exception ex) when (ex is NpgsqlException)
        {
            throw Failure("cannot read the schema version", ex);
        }

        if (version < PostgresSchema.LatestVersion)
        {
            throw new StorageException(
                $"the database {Display} has Autopilot schema version {version}, this autopilot needs {PostgresSchema.LatestVersion}: run `autopilot store migrate --store <the same target>`",
                Display);
        }
    }

    public void Dispose() => DataSource.Dispose();
}
