using System.Text.Json.Nodes;
using Autopilot.Core.Escalation;
using Npgsql;

namespace Autopilot.Storage.Postgres;

/// <summary>
/// Run signals in <c>autopilot.run_signals</c>, one row per session: an outcome locks the row
/// (<c>for update</c>), applies the same rule as the file store (<see cref="RunSignalsStore.Apply"/>)
/// and writes it back in one transaction, so hooks on many machines never lose an update.
/// </summary>
public sealed class PostgresRunSignalsStore : IRunSignalsStore
{
    private readonly PostgresDatabase _database;

    public PostgresRunSignalsStore(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        database.RequireSchema();
        _database = database;
    }

    public RunSignals RecordOutcome(string session, bool failed, string? errorText)
    {
        ArgumentException.ThrowIfNullOrEmpty(session);
        using var connection = _database.Connect();
        try
        {
            using var transaction = connection.BeginTransaction();
            using var command = new NpgsqlCommand("", connection, transaction);
            command.CommandText = "insert into autopilot.run_signals (scope, session, state) values ($1, $2, '{}') on conflict do nothing";
            command.Parameters.Add(new NpgsqlParameter { Value = _database.Scope });
            command.Parameters.Add(new NpgsqlParameter { Value = session });
            command.ExecuteNonQuery();
            command.CommandText = "select state::text from autopilot.run_signals where scope = $1 and session = $2 for update";
            var state = JsonNode.Parse((string)command.ExecuteScalar()!) as JsonObject ?? [];
            RunSignalsStore.Apply(state, failed, errorText);
            command.CommandText = "update autopilot.run_signals set state = $3::jsonb, updated_at = now() where scope = $1 and session = $2";
            command.Parameters.Add(new NpgsqlParameter { Value = state.ToJsonString() });
            command.ExecuteNonQuery();
            transaction.Commit();
            return RunSignalsStore.ToSignals(session, state);
        }
        catch (NpgsqlException ex)
        {
            throw _database.Failure($"cannot record the outcome for session {session}", ex);
        }
    }
}
