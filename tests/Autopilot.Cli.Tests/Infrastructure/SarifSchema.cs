namespace Autopilot.Cli.Tests.Infrastructure;

/// <summary>
/// The official SARIF 2.1.0 JSON Schema, taken from the npm package @microsoft/jest-sarif (which ships it;
/// no NuGet package on this machine's mirror does). `.ci/run` fetches it and sets AUTOPILOT_SARIF_SCHEMA;
/// otherwise the test fetches it with `npm pack` itself.
/// </summary>
public static class SarifSchema
{
    private const string Package = "@microsoft/jest-sarif@1.0.0-beta.0";
    private const string PathInPackage = "package/lib/schemas/sarif-2.1.0-rtm.5.json";
    private static readonly Lazy<string> s_text = new(Load);

    public static string Text => s_text.Value;

    private static string Load()
    {
        if (Environment.GetEnvironmentVariable("AUTOPILOT_SARIF_SCHEMA") is { Length: > 0 } given && File.Exists(given))
        {
            return File.ReadAllText(given);
        }

        var dir = Path.Combine(Path.GetTempPath(), "autopilot-sarif-schema");
        var target = Path.Combine(dir, PathInPackage);
        if (!File.Exists(target))
        {
            Directory.CreateDirectory(dir);
            var pack = TestProcess.Run("npm", ["pack", Package, "--silent"], dir, timeoutMs: 120_000);
            if (pack.ExitCode != 0)
            {
                throw new InvalidOperationException($"Could not fetch the SARIF schema with npm (set AUTOPILOT_SARIF_SCHEMA to a local copy): {pack}");
            }

            var tarball = Path.Combine(dir, pack.StdOut.Trim().Split('\n')[^1].Trim());
            var untar = TestProcess.Run("tar", ["xzf", tarball, PathInPackage], dir);
            if (untar.ExitCode != 0)
            {
                throw new InvalidOperationException($"Could not unpack {tarball}: {untar}");
            }
        }

        return File.ReadAllText(target);
    }
}
