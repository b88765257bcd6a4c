namespace Autopilot.Policy.Tests.Schema;

/// <summary>Files of the repository the tests run in (found from the test binary upwards), not copies.</summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Autopilot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Autopilot.sln above {AppContext.BaseDirectory}.");
    });

    public static string Root => s_root.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);
}
