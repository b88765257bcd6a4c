using System.Text;

namespace Autopilot.Testing;

/// <summary>A fresh folder on real disk under the temp directory, deleted afterwards.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "autopilot-test-")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The full path of <paramref name="relative"/> inside the folder (not created).</summary>
    public string Sub(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>Writes a file (creating its folders); returns its full path.</summary>
    public string Write(string relative, string content) => WriteBytes(relative, Encoding.UTF8.GetBytes(content));

    public string WriteBytes(string relative, byte[] bytes)
    {
        var file = Sub(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, bytes);
        return file;
    }

    public void Dispose()
    {
        try
        {
            // Git leaves its objects read-only; clear that first so the folder can go.
            foreach (var file in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }

            Directory.Delete(Path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temp folder is harmless; a test must not fail for it.
        }
    }
}
