using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

using Autopilot.Core.Telemetry;

namespace Autopilot.Cli;

/// <summary>
/// Exports Autopilot's spans and metrics over OTLP when the standard OpenTelemetry environment variables ask
/// for it (OTEL_EXPORTER_OTLP_ENDPOINT or a signal-specific endpoint, OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER
/// = otlp); silent otherwise. Dispose the result before exit so that a short-lived CLI flushes what it recorded.
/// A front end's concern (issue 10): the engine only emits through <see cref="AutopilotTelemetry"/>'s source and meter,
/// which a .NET host subscribes to with its own OpenTelemetry set-up; the native front exports nothing.
/// </summary>
internal static class TelemetrySetup
{
    public static IDisposable? StartFromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var endpoint = getVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        var traces = Wants(getVariable("OTEL_TRACES_EXPORTER"), endpoint ?? getVariable("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
        var metrics = Wants(getVariable("OTEL_METRICS_EXPORTER"), endpoint ?? getVariable("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"));
        if (!traces && !metrics)
        {
            return null;
        }

        var resource = ResourceBuilder.CreateDefault().AddService(getVariable("OTEL_SERVICE_NAME") ?? "autopilot");
        var providers = new List<IDisposable>();
        if (traces)
        {
            providers.Add(Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(AutopilotTelemetry.Name).AddOtlpExporter().Build());
        }

        if (metrics)
        {
            providers.Add(Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(AutopilotTelemetry.Name).AddOtlpExporter().Build());
        }

        return new Providers(providers);
    }

    // "none" turns a signal off even with an endpoint; otherwise an endpoint (or an explicit otlp) turns it on.
    private static bool Wants(string? exporter, string? endpoint) =>
        exporter switch
        {
            "none" => false,
            "otlp" => true,
            _ => !string.IsNullOrWhiteSpace(endpoint),
        };

    private sealed class Providers(List<IDisposable> providers) : IDisposable
    {
        public void Dispose()
        {
            // Disposing a provider flushes it; an unreachable collector must not fail the command.
            foreach (var provider in providers)
            {
                try
                {
                    provider.Dispose();
                }
                catch (Exception ex) when (ex is InvalidOperationException or System.Net.Http.HttpRequestException or TimeoutException)
                {
                    Console.Error.WriteLine($"autopilot: telemetry export failed: {ex.Message}");
                }
            }
        }
    }
}
