using System.Collections.Generic;

namespace Autopilot.Policy.Model;

public sealed record EvidenceSettings
{
    /// <summary>Folder under which each task keeps its evidence: &lt;root&gt;/&lt;task&gt;/&lt;phase&gt;/.</summary>
    public string Root { get; init; } = "state/evidence";

    public IReadOnlyList<EvidenceDef> Items { get; init; } = [];
}

/// <summary>One kind of evidence: a file, and optionally a schema and a content check it must pass.</summary>
public sealed record EvidenceDef
{
    public string Id { get; init; } = "";

    /// <summary>File path relative to the phase's evidence folder; may use {task} and {phase}.</summary>
    public string Path { get; init; } = "";

    public string Description { get; init; } = "";

    /// <summary>A JSON Schema (as JSON text) the file must validate against, when given.</summary>
    public string? Schema { get; init; }

    /// <summary>A built-in content check, when given.</summary>
    public EvidenceCheckDef? Check { get; init; }

    /// <summary>A JavaScript predicate over the parsed file; true means the content is valid.</summary>
    public Located<string>? When { get; init; }

    public SourceLocation? Location { get; init; }
}

/// <summary>
/// Built-in checks: <c>non-empty</c>; <c>tests-passed</c> (JSON with total &gt; 0 and failed = 0);
/// <c>build-succeeded</c> (a build log with no error lines); <c>rubric-threshold</c> (every score ≥ threshold).
/// </summary>
public sealed record EvidenceCheckDef(string Kind, double Threshold, SourceLocation? Location);
