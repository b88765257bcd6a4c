using Autopilot.Changes.Rules;
using Autopilot.Core.Secrets;

namespace Autopilot.Changes.Tests.Rules;

public sealed class PathGlobTests
{
    [Theory]
    [InlineData("src/**", "src/a.cs", true)]
    [InlineData("src/**", "src", true)]
    [InlineData("src/**", "src/deep/er/a.cs", true)]
    [InlineData("src/**", "srcx/a.cs", false)]
    [InlineData("src/", "src/a/b", true)]
    [InlineData("**/*.cs", "a.cs", true)]
    [InlineData("**/*.cs", "x/y/a.cs", true)]
    [InlineData("**/*.cs", "x/y/a.csx", false)]
    [InlineData("*.md", "docs/deep/readme.md", true)]
    [InlineData("/*.md", "docs/readme.md", false)]
    [InlineData("/*.md", "readme.md", true)]
    [InlineData("src/*.cs", "src/a/b.cs", false)]
    [InlineData("src/**/test/*.cs", "src/test/a.cs", true)]
    [InlineData("src/**/test/*.cs", "src/x/y/test/a.cs", true)]
    [InlineData("file?.txt", "file1.txt", true)]
    [InlineData("file?.txt", "file/.txt", false)]
    [InlineData("[abc].txt", "b.txt", true)]
    [InlineData("[!abc].txt", "b.txt", false)]
    [InlineData("[!abc].txt", "d.txt", true)]
    [InlineData("*.{yml,yaml}", ".github/workflows/ci.yml", true)]
    [InlineData("*.{yml,yaml}", "x.json", false)]
    [InlineData("policies/{a,b/**}", "policies/b/c/d", true)]
    [InlineData("./README.md", "README.md", true)]
    [InlineData("README.md", "readme.md", false)]
    [InlineData("a\\*b", "a*b", true)]
    [InlineData("a\\*b", "axb", false)]
    [InlineData("docs/guide.md", "docs/guide.md", true)]
    [InlineData("docs/guide.md", "docs/guide.mdx", false)]
    public void Matches_like_gitignore_style_globs(string pattern, string path, bool expected) =>
        Assert.Equal(expected, PathGlob.Parse(pattern).IsMatch(path));

    [Theory]
    [InlineData("")]
    [InlineData("src/[abc")]
    [InlineData("{a,b")]
    [InlineData("a\\")]
    [InlineData("/")]
    public void Bad_globs_say_what_is_wrong(string pattern) =>
        Assert.Throws<FormatException>(() => PathGlob.Parse(pattern));

    [Fact]
    public void Entropy_separates_random_values_from_words()
    {
        Assert.True(SecretDetectors.Entropy("9f8e7d6c5b4a39281706f5e4d3c2b1a0") > SecretDetectors.DefaultEntropyThreshold);
        Assert.True(SecretDetectors.Entropy("changeme") < SecretDetectors.DefaultEntropyThreshold);
        Assert.Equal(0, SecretDetectors.Entropy("aaaaaaaa"));
        Assert.Equal(1, SecretDetectors.Entropy("abababab"), 6);
    }
}
