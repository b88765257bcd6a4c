using System.Collections.Generic;
using System.Linq;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Model;

namespace Autopilot.Policy.Loading;

/// <summary>What loading a policy produced: the document (as far as it could be read) and every mistake found.</summary>
public sealed record PolicyLoadResult(PolicyDocument? Document, IReadOnlyList<PolicyDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}
