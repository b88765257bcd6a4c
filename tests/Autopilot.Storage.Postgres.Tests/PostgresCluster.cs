using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Autopilot.Storage.Postgres;
using Npgsql;

namespace Autopilot.Storage.Postgres.Tests;

/// <summary>
/// A real PostgreSQL server for the tests: the one in <c>AUTOPILOT_TEST_POSTGRES</c> (a connection
/// string or URI) if set, otherwise a throwaway cluster started once per test run (initdb + pg_ctl in
/// a temp folder, a free local port, the socket in that folder) and stopped at exit. The server
/// refuses to run as root, so as root the cluster runs as the system user <c>autopilot-pg</c>
/// (created with useradd when missing). Without server binaries the tests are skipped with the
/// reason, except under CI (CI=true, or AUTOPILOT_REQUIRE_POSTGRES=1 as .ci/run sets), where they fail.
/// </summary>
public sealed class PostgresCluster
{
    public const string EnvironmentVariable = "AUTOPILOT_TEST_POSTGRES";
    private const string ServiceUser = "autopilot-pg";

    private static readonly Lazy<PostgresCluster> s_shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static string? s_unavailable = FindUnavailableReason();

    private readonly string? _dataDir;
    private readonly string? _binDir;
    private readonly string? _runAs;

    private PostgresCluster(string connectionString, string? dataDir, string? binDir, string? runAs)
    {
        ConnectionString = connectionString;
        _dataDir = dataDir;
        _binDir = binDir;
        _runAs = runAs;
    }

    public string ConnectionString { get; }

    /// <summary>True when this run started the server (so the tests may restart it).</summary>
    public bool Owned => _dataDir is not null;

    /// <summary>The shared server; skips the test (fails it under CI) when there is none.</summary>
    public static PostgresCluster Require()
    {
        if (s_unavailable is { } reason)
        {
            if (Environment.GetEnvironmentVariable("CI") == "true" || Environment.GetEnvironmentVariable("AUTOPILOT_REQUIRE_POSTGRES") == "1")
            {
                throw new InvalidOperationException($"PostgreSQL tests must run under CI, but: {reason}");
            }

            Skip.If(true, reason);
        }

        return s_shared.Value;
    }

    /// <summary>A database handle on a scope of its own: tests never see each other's ledgers or leases.</summary>
    public PostgresDatabase NewScope(string? scope = null) =>
        PostgresDatabase.Open(ConnectionString, scope ?? "test-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>pg_ctl restart -m fast: every session is cut, the server comes back on the same port.</summary>
    public void RestartFast()
    {
        Skip.IfNot(Owned, $"{EnvironmentVariable} names a server this run did not start: it cannot restart it");
        // -l again: without it the new server would write to (and keep open) pg_ctl's output pipe.
        RunAs(Path.Combine(_binDir!, "pg_ctl"), "-D", _dataDir!, "-l", Path.Combine(Path.GetDirectoryName(_dataDir!)!, "server.log"), "-m", "fast", "-w", "-t", "60", "restart");
    }

    private static string? FindUnavailableReason()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 })
        {
            return null;
        }

        return FindBinDir() is null
            ? $"no PostgreSQL server binaries (initdb, pg_ctl, postgres) in /usr/lib/postgresql/*/bin or on PATH, and {EnvironmentVariable} is not set (install Debian's postgresql package)"
            : null;
    }

    private static string? FindBinDir()
    {
        var candidates = new List<string>();
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out int v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(d => new[] { "initdb", "pg_ctl", "postgres" }.All(b => File.Exists(Path.Combine(d, b))));
    }

    private static PostgresCluster Start()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } given)
        {
            var external = new PostgresCluster(given, null, null, null);
            Migrate(external);
            return external;
        }

        string binDir = FindBinDir()!;
        var root = Directory.CreateTempSubdirectory("autopilot-pg-").FullName;
        string? runAs = null;
        if (Environment.UserName == "root" || Run("id", "-u").Trim() == "0")
        {
            runAs = ServiceUser;
            if (!TryRun("id", "-u", ServiceUser))
            {
                TryRun("useradd", "-r", "-M", "-s", "/usr/sbin/nologin", ServiceUser);
                if (!TryRun("id", "-u", ServiceUser))
                {
                    runAs = "postgres";
                }
            }

            Run("chown", "-R", runAs, root);
            Run("chmod", "755", root);
        }

        string dataDir = Path.Combine(root, "data");
        int port = FreePort();
        var cluster = new PostgresCluster(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Maximum Pool Size=200", dataDir, binDir, runAs);
        cluster.RunAs(Path.Combine(binDir, "initdb"), "-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        cluster.RunAs(Path.Combine(binDir, "pg_ctl"), "-D", dataDir, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60",
            "-o", $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on -c synchronous_commit=on", "start");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            cluster.TryRunAs(Path.Combine(binDir, "pg_ctl"), "-D", dataDir, "-m", "immediate", "-w", "stop");
            for (int attempt = 0; attempt < 5 && Directory.Exists(root); attempt++)
            {
                try
                {
                    Directory.Delete(root, recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    Thread.Sleep(200);
                }
            }
        };
        Migrate(cluster);
        return cluster;
    }

    private static void Migrate(PostgresCluster cluster)
    {
        using var database = PostgresDatabase.Open(cluster.ConnectionString);
        PostgresSchema.Migrate(database);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a server command as the cluster's user.</summary>
    private void RunAs(string file, params string[] args)
    {
        if (!TryRunAs(file, args, out var output))
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {output}");
        }
    }

    private bool TryRunAs(string file, params string[] args) => TryRunAs(file, args, out _);

    private bool TryRunAs(string file, string[] args, out string output)
    {
        if (_runAs is null)
        {
            return TryRun(file, args, out output);
        }

        return TryRun("runuser", ["-u", _runAs, "--", file, .. args], out output);
    }

    private static string Run(string file, params string[] args) =>
        TryRun(file, args, out var output) ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {output}");

    private static bool TryRun(string file, params string[] args) => TryRun(file, args, out _);

    private static bool TryRun(string file, string[] args, out string output)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            output = stdout.Result + stderr.Result;
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            output = ex.Message;
            return false;
        }
    }

    /// <summary>Runs SQL on a fresh connection (not from the stores' pools), e.g. to cut other sessions.</summary>
    public void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
