using System.Net;
using System.Net.Sockets;
using Autopilot.Cli.Tests.Infrastructure;

namespace Autopilot.Cli.Tests;

/// <summary>With the standard OTEL_* variables set, the CLI exports its spans and metrics over OTLP (HTTP) to a local collector.</summary>
public sealed class TelemetryExportTests
{
    [Fact]
    public async Task TheCliExportsSpansAndMetricsToAnOtlpEndpoint()
    {
        using var dir = new TempDir();
        var port = FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var paths = new List<string>();
        var serving = Task.Run(() =>
        {
            // Bounded: a handful of export requests at most, then stop.
            for (var i = 0; i < 8 && collector.IsListening; i++)
            {
                HttpListenerContext context;
                try
                {
                    context = collector.GetContext();
                }
                catch (HttpListenerException)
                {
                    return;
                }

                lock (paths)
                {
                    paths.Add(context.Request.Url!.AbsolutePath);
                }

                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        var env = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "autopilot-test",
        };
        var result = TestProcess.Run("dotnet", [CliProcess.CliDll, "transition", "--task", "T-1", "--from", "spec", "--to", "verify", "--evidence-root", dir.Path], dir.Path, environment: env);
        Assert.True(result.ExitCode == 2, result.ToString());
        collector.Stop();
        await serving.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        lock (paths)
        {
            Assert.Contains("/v1/traces", paths);
            Assert.Contains("/v1/metrics", paths);
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
