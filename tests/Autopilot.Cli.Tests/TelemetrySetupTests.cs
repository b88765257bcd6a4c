using Autopilot.Cli;

namespace Autopilot.Cli.Tests;

/// <summary>The OTLP export set-up is the command's (issue 10): on only when the standard variables ask for it.</summary>
public sealed class TelemetrySetupTests
{
    [Fact]
    public void NothingIsExportedWithoutTheStandardVariables()
    {
        Assert.Null(TelemetrySetup.StartFromEnvironment(_ => null));
        Assert.Null(TelemetrySetup.StartFromEnvironment(name => name == "OTEL_EXPORTER_OTLP_ENDPOINT" ? "http://127.0.0.1:1" : name.EndsWith("_EXPORTER", StringComparison.Ordinal) ? "none" : null));
        using var exporting = TelemetrySetup.StartFromEnvironment(name => name == "OTEL_EXPORTER_OTLP_ENDPOINT" ? "http://127.0.0.1:1" : null);
        Assert.NotNull(exporting);
    }
}
