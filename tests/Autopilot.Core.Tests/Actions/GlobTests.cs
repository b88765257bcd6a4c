using Autopilot.Core.Actions;

namespace Autopilot.Core.Tests.Actions;

public sealed class GlobTests
{
    [Theory]
    [InlineData("*.pem", "server.pem", true)]
    [InlineData("*.pem", "dir/server.pem", false)]
    [InlineData("src/*.cs", "src/a.cs", true)]
    [InlineData("src/*.cs", "src/x/a.cs", false)]
    [InlineData("src/**/*.cs", "src/a.cs", true)]
    [InlineData("src/**/*.cs", "src/x/y/a.cs", true)]
    [InlineData("**/.ssh/**", "/home/u/.ssh/id_rsa", true)]
    [InlineData("**/.ssh/**", ".ssh/config", true)]
    [InlineData(".github/workflows/**", ".github/workflows", true)]
    [InlineData(".github/workflows/**", ".github/workflows/ci.yml", true)]
    [InlineData(".github/workflows/**", ".github/workflowsx", false)]
    [InlineData("~/.ssh/**", "~/.ssh/id_rsa", true)]
    [InlineData("/dev/sd*", "/dev/sda1", true)]
    [InlineData("/dev/sd*", "/dev/sd/x", false)]
    [InlineData("file?.txt", "file1.txt", true)]
    [InlineData("file?.txt", "file10.txt", false)]
    [InlineData("[!a]*", "bcd", true)]
    [InlineData("[!a]*", "abc", false)]
    [InlineData("[a-c]x", "bx", true)]
    [InlineData("*.{yml,yaml}", "a.yaml", true)]
    [InlineData("*.{yml,yaml}", "a.json", false)]
    [InlineData("[*]", "*", true)]
    [InlineData("[*]", "x", false)]
    [InlineData("\\*", "*", true)]
    [InlineData("a.b", "axb", false)]
    [InlineData("(x)+", "(x)+", true)]
    [InlineData("/", "/", true)]
    [InlineData("/*", "/etc", true)]
    [InlineData("/*", "/etc/x", false)]
    public void Matches(string glob, string text, bool expected)
    {
        Assert.Equal(expected, Glob.Compile(glob).IsMatch(text));
        Assert.Equal(expected, Glob.ToRegex([glob]).IsMatch(text));
    }

    [Fact]
    public void PlainTextHasNoRegex()
    {
        var glob = Glob.Compile(".env");
        Assert.False(glob.HasWildcards);
        Assert.True(glob.IsMatch(".env"));
        Assert.False(glob.IsMatch("x.env"));
    }

    [Fact]
    public void IgnoreCase()
    {
        Assert.True(Glob.Compile("*.PEM", ignoreCase: true).IsMatch("a.pem"));
        Assert.False(Glob.Compile("*.PEM").IsMatch("a.pem"));
    }

    [Theory]
    [InlineData("[abc")]
    [InlineData("{a,b")]
    public void MalformedGlobThrowsWithThePattern(string glob)
    {
        var e = Assert.Throws<ArgumentException>(() => Glob.Compile(glob));
        Assert.Contains(glob, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ManyStarsStayLinear()
    {
        // A backtracking engine would take exponential time on this; the glob engine must not.
        var glob = Glob.Compile(string.Concat(Enumerable.Repeat("*a", 30)) + "b");
        var text = new string('a', 5000);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(glob.IsMatch(text));
        Assert.True(sw.ElapsedMilliseconds < 2000, $"{sw.ElapsedMilliseconds} ms");
    }
}
