namespace Autopilot.Testing;

/// <summary>
/// The one table of path globs (docs/globs.md) that every caller's behaviour is proved against: the glob itself, the
/// policy validator, the change gate's protected-paths and scope rules, and the action classifier as <c>check path</c>
/// and the hook use it (the same protected-path list, read from the protected-paths diff rule). Paths are repository
/// paths ('/' separators, no leading '/').
/// </summary>
public static class GlobTable
{
    /// <summary>(pattern, repository path, whether it matches).</summary>
    public static readonly (string Pattern, string Path, bool Expected)[] Rows =
    [
        // '*' and '?' stay within a segment.
        ("*.pem", "server.pem", true),
        ("*.pem", "deploy/keys/server.pem", true),          // no '/': the name at any depth
        ("*.pem", "server.pem.bak", false),
        ("src/*.cs", "src/a.cs", true),
        ("src/*.cs", "src/x/a.cs", false),
        ("src/*.cs", "lib/src/a.cs", false),                // a '/' inside anchors at the root
        ("file?.txt", "file1.txt", true),
        ("file?.txt", "file10.txt", false),
        ("a*b", "a/b", false),

        // '**' across segments.
        ("src/**/*.cs", "src/a.cs", true),
        ("src/**/*.cs", "src/x/y/a.cs", true),
        ("**/.ssh/**", ".ssh/config", true),
        ("**/.ssh/**", "home/u/.ssh/id_rsa", true),
        (".github/workflows/**", ".github/workflows", true),
        (".github/workflows/**", ".github/workflows/ci.yml", true),
        (".github/workflows/**", ".github/workflowsx", false),
        ("src/**/test/*.cs", "src/test/a.cs", true),
        ("src/**/test/*.cs", "src/x/y/test/a.cs", true),
        ("a**b", "a/x/b", false),                            // '**' inside a segment is a '*'
        ("a**b", "axxb", true),

        // A trailing '/': the folder and everything under it; without another '/', at any depth.
        ("secrets/", "secrets/prod.env", true),
        ("secrets/", "secrets", true),
        ("secrets/", "config/secrets/prod.env", true),
        ("secrets/", "secrets.txt", false),
        ("src/generated/", "src/generated/a/b.cs", true),
        ("src/generated/", "lib/src/generated/a.cs", false),

        // A leading '/' (or './') anchors at the repository root.
        ("/config.yml", "config.yml", true),
        ("/config.yml", "deploy/config.yml", false),
        ("config.yml", "deploy/config.yml", true),
        ("/*.md", "readme.md", true),
        ("/*.md", "docs/readme.md", false),
        ("./README.md", "README.md", true),
        ("./README.md", "docs/README.md", false),
        ("/secrets/", "secrets/a", true),
        ("/secrets/", "x/secrets/a", false),

        // Classes, braces, escapes; everything else literal and case-sensitive.
        ("[abc].txt", "b.txt", true),
        ("[!abc].txt", "b.txt", false),
        ("[!abc].txt", "d.txt", true),
        ("[a-c]x", "bx", true),
        ("[]]x", "]x", true),
        ("*.{yml,yaml}", ".github/workflows/ci.yml", true),
        ("*.{yml,yaml}", "x.json", false),
        ("{src,test}/**", "test/a/b.cs", true),
        ("policies/{a,b/**}", "policies/b/c/d", true),
        ("policies/{a,b/**}", "policies/c", false),
        ("a\\*b", "a*b", true),
        ("a\\*b", "axb", false),
        ("(x)+.txt", "(x)+.txt", true),
        ("README.md", "readme.md", false),
        ("docs/guide.md", "docs/guide.md", true),
        ("docs/guide.md", "docs/guide.mdx", false),
    ];

    /// <summary><see cref="Rows"/> as test data (pattern, path, expected), for <c>[MemberData(nameof(GlobTable.Data), MemberType = typeof(GlobTable))]</c>.</summary>
    public static IEnumerable<object[]> Data => Rows.Select(r => new object[] { r.Pattern, r.Path, r.Expected });

    /// <summary><see cref="Malformed"/> as test data.</summary>
    public static IEnumerable<object[]> MalformedData => Malformed.Select(p => new object[] { p });

    /// <summary>Globs every caller rejects (the validator with an error, the runtime with a <see cref="FormatException"/>).</summary>
    public static readonly string[] Malformed = ["", "src/[abc", "{a,b", "a}b", "a\\"];
}
