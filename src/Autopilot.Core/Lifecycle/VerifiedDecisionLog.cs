using Autopilot.Core.Ledger;

namespace Autopilot.Core.Lifecycle;

/// <summary>
/// The decision log of a ledger folder, read only after the ledger verifies (<see cref="LedgerVerifier"/>): nothing
/// is reported or replayed from a ledger whose chain is broken without saying so; <see cref="Problem"/> says where.
/// </summary>
public sealed record VerifiedDecisionLog(string Directory, IReadOnlyList<LoggedDecision> Decisions, LedgerProblem? Problem, IReadOnlyList<string> Warnings)
{
    public bool IsValid => Problem is null;

    /// <summary>Verifies the ledger in <paramref name="directory"/>, then reads its decision records (none when it does not verify).</summary>
    public static VerifiedDecisionLog Read(string directory)
    {
        var verification = LedgerVerifier.Verify(directory);
        var warnings = new List<string>(verification.Warnings);
        if (!verification.IsValid)
        {
            return new VerifiedDecisionLog(directory, [], verification.Problem, warnings);
        }

        var entries = LedgerReader.ReadEntries(directory).Entries;
        var decisions = DecisionLog.Read(entries, warnings).ToArray();
        return new VerifiedDecisionLog(directory, decisions, null, warnings);
    }

    /// <summary>The error a command prints for a ledger that does not verify: the file, the line and what is wrong.</summary>
    public string ProblemMessage => Problem is null ? ""
        : Problem.Message.StartsWith(Directory, StringComparison.Ordinal) || Problem.Message.Contains(FileLedgerStore.LedgerFileName, StringComparison.Ordinal)
            ? $"the ledger does not verify: {Problem.Message}"
            : $"the ledger does not verify: {Path.Combine(Directory, FileLedgerStore.LedgerFileName)}:{Problem.LineNumber}: {Problem.Message}";
}
