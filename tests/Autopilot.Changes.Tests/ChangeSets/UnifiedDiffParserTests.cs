using System.Text;
using Autopilot.Changes.ChangeSets;

namespace Autopilot.Changes.Tests.ChangeSets;

public sealed class UnifiedDiffParserTests
{
    private static string Diff(params string[] lines) => string.Join("\n", lines) + "\n";

    [Fact]
    public void Modified_file_has_hunks_and_line_numbers()
    {
        var set = UnifiedDiffParser.Parse(Diff(
            "diff --git a/src/a.txt b/src/a.txt",
            "index 1111111..2222222 100644",
            "--- a/src/a.txt",
            "+++ b/src/a.txt",
            "@@ -1,3 +1,4 @@ header",
            " one",
            "-two",
            "+TWO",
            "+two and a half",
            " three"));

        var file = Assert.Single(set.Files);
        Assert.Equal(ChangeKind.Modified, file.Kind);
        Assert.Equal("src/a.txt", file.OldPath);
        Assert.Equal("src/a.txt", file.NewPath);
        Assert.Equal(GitFileMode.Regular, file.NewMode);
        Assert.Equal((2, 1), (file.AddedCount, file.RemovedCount));
        var hunk = Assert.Single(file.Hunks);
        Assert.Equal("header", hunk.Section);
        Assert.Equal([(DiffLineKind.Added, 0, 2, "TWO"), (DiffLineKind.Added, 0, 3, "two and a half")], file.AddedLines.Select(l => (l.Kind, l.OldLine, l.NewLine, l.Text)));
        Assert.Equal((2, 0, "two"), file.RemovedLines.Select(l => (l.OldLine, l.NewLine, l.Text)).Single());
        Assert.Equal(3, hunk.Lines[^1].OldLine);
        Assert.Equal(4, hunk.Lines[^1].NewLine);
        Assert.Equal("1111111", file.OldId);
        Assert.Equal(1, file.DiffLine);
    }

    [Fact]
    public void New_and_deleted_files()
    {
        var set = UnifiedDiffParser.Parse(Diff(
            "diff --git a/new.sh b/new.sh",
            "new file mode 100755",
            "index 0000000..1234567",
            "--- /dev/null",
            "+++ b/new.sh",
            "@@ -0,0 +1,2 @@",
            "+#!/bin/sh",
            "+echo hi",
            "diff --git a/old.txt b/old.txt",
            "deleted file mode 100644",
            "index 1234567..0000000",
            "--- a/old.txt",
            "+++ /dev/null",
            "@@ -1 +0,0 @@",
            "-bye"));

        Assert.Equal(2, set.Files.Count);
        var added = set.Files[0];
        Assert.Equal(ChangeKind.Added, added.Kind);
        Assert.Null(added.OldPath);
        Assert.Equal("new.sh", added.NewPath);
        Assert.True(added.NewMode.IsExecutable);
        Assert.False(added.OldMode.Exists);
        Assert.Equal([1, 2], added.AddedLines.Select(l => l.NewLine));
        var deleted = set.Files[1];
        Assert.Equal(ChangeKind.Deleted, deleted.Kind);
        Assert.Null(deleted.NewPath);
        Assert.Equal("old.txt", deleted.Path);
        Assert.Equal(1, deleted.RemovedCount);
        Assert.Equal(9, deleted.DiffLine);
    }

    [Fact]
    public void Rename_copy_and_mode_change()
    {
        var set = UnifiedDiffParser.Parse(Diff(
            "diff --git a/old name.txt b/new name.txt",
            "similarity index 90%",
            "rename from old name.txt",
            "rename to new name.txt",
            "index 1111111..2222222 100644",
            "--- a/old name.txt",
            "+++ b/new name.txt",
            "@@ -1 +1 @@",
            "-a",
            "+b",
            "diff --git a/x.txt b/y.txt",
            "similarity index 100%",
            "copy from x.txt",
            "copy to y.txt",
            "diff --git a/run.sh b/run.sh",
            "old mode 100644",
            "new mode 100755"));

        Assert.Equal(3, set.Files.Count);
        Assert.Equal((ChangeKind.Renamed, "old name.txt", "new name.txt", 90), (set.Files[0].Kind, set.Files[0].OldPath, set.Files[0].NewPath, set.Files[0].Similarity));
        Assert.Equal((ChangeKind.Copied, "x.txt", "y.txt"), (set.Files[1].Kind, set.Files[1].OldPath, set.Files[1].NewPath));
        var mode = set.Files[2];
        Assert.Equal(ChangeKind.Modified, mode.Kind);
        Assert.False(mode.OldMode.IsExecutable);
        Assert.True(mode.NewMode.IsExecutable);
        Assert.Empty(mode.Hunks);
    }

    [Fact]
    public void Binary_files_and_git_binary_patches()
    {
        var set = UnifiedDiffParser.Parse(Diff(
            "diff --git a/img.png b/img.png",
            "index 1111111..2222222 100644",
            "Binary files a/img.png and b/img.png differ",
            "diff --git a/blob.bin b/blob.bin",
            "new file mode 100644",
            "index 0000000..3333333",
            "GIT binary patch",
            "literal 12",
            "TcmZQzWMXDvWn^Mz00aO6",
            "",
            "literal 0",
            "HcmV?d00001",
            "",
            "diff --git a/t.txt b/t.txt",
            "--- a/t.txt",
            "+++ b/t.txt",
            "@@ -1 +1 @@",
            "-x",
            "+y"));

        Assert.Equal(3, set.Files.Count);
        Assert.True(set.Files[0].IsBinary);
        Assert.Equal(ChangeKind.Modified, set.Files[0].Kind);
        Assert.True(set.Files[1].IsBinary);
        Assert.Equal(ChangeKind.Added, set.Files[1].Kind);
        Assert.Equal("y", set.Files[2].AddedLines.Single().Text);
    }

    [Fact]
    public void Submodule_change_is_marked()
    {
        var set = UnifiedDiffParser.Parse(Diff(
            "diff --git a/lib/sub b/lib/sub",
            "index 1111111..2222222 160000",
            "--- a/lib/sub",
            "+++ b/lib/sub",
            "@@ -1 +1 @@",
            "-Subproject commit 1111111111111111111111111111111111111111",
            "+Subproject commit 2222222222222222222222222222222222222222"));

        var file = Assert.Single(set.Files);
        Assert.True(file.IsSubmodule);
        Assert.True(file.NewMode.IsSubmodule);
    }

    [Fact]
    public void Quoted_non_ascii_and_escaped_paths_are_unquoted()
    {
        var set = UnifiedDiffParser.Parse(Diff(
            "diff --git \"a/t\\303\\251st\\tx.txt\" \"b/t\\303\\251st\\tx.txt\"",
            "new file mode 100644",
            "--- /dev/null",
            "+++ \"b/t\\303\\251st\\tx.txt\"",
            "@@ -0,0 +1 @@",
            "+hi",
            "diff --git a/dir/ünï.txt b/dir/ünï.txt",
            "--- a/dir/ünï.txt",
            "+++ b/dir/ünï.txt",
            "@@ -1 +1 @@",
            "-a",
            "+b"));

        Assert.Equal("tést\tx.txt", set.Files[0].NewPath);
        Assert.Equal("dir/ünï.txt", set.Files[1].NewPath);
    }

    [Fact]
    public void Crlf_lines_and_missing_newline_at_end()
    {
        var text = "diff --git a/w.txt b/w.txt\n--- a/w.txt\n+++ b/w.txt\n@@ -1,2 +1,2 @@\n keep\r\n-old\n\\ No newline at end of file\n+new\r\n\\ No newline at end of file\n";
        var file = Assert.Single(UnifiedDiffParser.Parse(text).Files);
        var hunk = Assert.Single(file.Hunks);
        Assert.True(hunk.Lines[0].HasCarriageReturn);
        Assert.Equal("keep", hunk.Lines[0].Text);
        Assert.False(file.RemovedLines.Single().HasCarriageReturn);
        Assert.Equal("new", file.AddedLines.Single().Text);
        Assert.True(file.AddedLines.Single().HasCarriageReturn);
        Assert.True(hunk.OldMissingNewlineAtEnd);
        Assert.True(hunk.NewMissingNewlineAtEnd);
    }

    [Fact]
    public void Plain_diff_u_with_timestamps_strips_the_first_component()
    {
        var set = UnifiedDiffParser.Parse(Diff(
            "diff -u orig/src/m.c new/src/m.c",
            "--- orig/src/m.c\t2024-01-01 10:00:00.000000000 +0000",
            "+++ new/src/m.c\t2024-01-02 10:00:00.000000000 +0000",
            "@@ -5,2 +5,3 @@",
            " int a;",
            "+int b;",
            " int c;",
            "--- /dev/null\t1970-01-01 00:00:00",
            "+++ new/added.c\t2024-01-02",
            "@@ -0,0 +1 @@",
            "+x"));

        Assert.Equal(2, set.Files.Count);
        Assert.Equal(("src/m.c", "src/m.c", ChangeKind.Modified), (set.Files[0].OldPath, set.Files[0].NewPath, set.Files[0].Kind));
        Assert.Equal(6, set.Files[0].AddedLines.Single().NewLine);
        Assert.Equal(ChangeKind.Added, set.Files[1].Kind);
    }

    [Fact]
    public void Preamble_and_signature_are_ignored()
    {
        var set = UnifiedDiffParser.Parse(Diff(
            "From 123 Mon Sep 17 00:00:00 2001",
            "Subject: [PATCH] fix",
            "---",
            " a.txt | 2 +-",
            "diff --git a/a.txt b/a.txt",
            "--- a/a.txt",
            "+++ b/a.txt",
            "@@ -1 +1 @@",
            "-x",
            "+y",
            "-- ",
            "2.39.5"));
        Assert.Equal("a.txt", Assert.Single(set.Files).Path);
    }

    [Fact]
    public void Empty_input_is_an_empty_change_set()
    {
        Assert.Empty(UnifiedDiffParser.Parse("").Files);
        Assert.Empty(UnifiedDiffParser.Parse("\n\n").Files);
    }

    [Theory]
    [InlineData("diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,3 +1,3 @@\n a\n-b\n", 7, "ends inside the hunk")]
    [InlineData("diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,x +1 @@\n", 4, "malformed hunk header")]
    [InlineData("diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,2 +1,2 @@\n a\n?b\n", 6, "unexpected line")]
    [InlineData("diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-a\n+b\n+c\n", 7, "more lines than")]
    [InlineData("@@ -1 +1 @@\n-a\n+b\n", 1, "before any file header")]
    [InlineData("diff --git a/a b/a\nold mode 10x644\n", 2, "not a git file mode")]
    [InlineData("diff --cc a\n", 1, "combined")]
    public void Corrupt_diffs_name_the_line(string text, int line, string message)
    {
        var error = Assert.Throws<ChangeSetException>(() => UnifiedDiffParser.Parse(text));
        Assert.Equal(line, error.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains($"line {line}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_that_is_not_a_diff_is_refused()
    {
        var error = Assert.Throws<ChangeSetException>(() => UnifiedDiffParser.Parse("hello world\nthis is prose\n"));
        Assert.Contains("no file diff found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_garbage_is_refused_with_a_clear_error()
    {
        var garbage = new byte[4096];
        new Random(42).NextBytes(garbage);
        garbage[10] = 0;
        var error = Assert.Throws<ChangeSetException>(() => UnifiedDiffParser.Parse(new MemoryStream(garbage)));
        Assert.NotNull(error.Line);
        Assert.True(error.Message.Contains("NUL byte", StringComparison.Ordinal) || error.Message.Contains("UTF-8", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void Invalid_utf8_names_the_line_and_the_file()
    {
        var bytes = Encoding.UTF8.GetBytes("diff --git a/l.txt b/l.txt\n--- a/l.txt\n+++ b/l.txt\n@@ -1 +1 @@\n-a\n+caf")
            .Concat(new byte[] { 0xE9, (byte)'\n' }).ToArray();
        var error = Assert.Throws<ChangeSetException>(() => UnifiedDiffParser.Parse(new MemoryStream(bytes)));
        Assert.Equal(6, error.Line);
        Assert.Equal("l.txt", error.Path);
        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_lines_are_cut_and_counts_stay_exact_under_limits()
    {
        var big = new string('x', 10_000);
        var builder = new StringBuilder("diff --git a/m.js b/m.js\nnew file mode 100644\n--- /dev/null\n+++ b/m.js\n@@ -0,0 +1,200 @@\n");
        for (var i = 0; i < 200; i++)
        {
            builder.Append('+').Append(i == 0 ? big + "é" : "line " + i).Append('\n');
        }

        var limits = new ChangeSetLimits { MaxLineBytes = 1000, MaxBytesPerFile = 4000 };
        var file = Assert.Single(UnifiedDiffParser.Parse(builder.ToString(), limits).Files);
        Assert.Equal(200, file.AddedCount);
        Assert.True(file.LinesTruncated);
        var first = file.AddedLines.First();
        Assert.True(first.IsTruncated);
        Assert.True(first.Text.Length < 1000);
        Assert.True(file.AddedLines.Count() < 200);
    }

    [Fact]
    public void A_hundred_thousand_file_diff_is_read()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < 100_000; i++)
        {
            builder.Append("diff --git a/f").Append(i).Append(".txt b/f").Append(i).Append(".txt\n--- a/f").Append(i)
                .Append(".txt\n+++ b/f").Append(i).Append(".txt\n@@ -1 +1 @@\n-a\n+b\n");
        }

        var set = UnifiedDiffParser.Parse(builder.ToString());
        Assert.Equal(100_000, set.Files.Count);
        Assert.Equal(100_000, set.AddedCount);
        Assert.Equal("f99999.txt", set.Files[^1].Path);

        var limited = Assert.Throws<ChangeSetException>(() => UnifiedDiffParser.Parse(builder.ToString(), new ChangeSetLimits { MaxFiles = 1000 }));
        Assert.Contains("more than 1000 files", limited.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_file_with_base_directory_reads_old_contents()
    {
        var dir = Directory.CreateTempSubdirectory("autopilot-base-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "a.txt"), "x\n");
            var patchPath = Path.Combine(dir.FullName, "change.diff");
            File.WriteAllText(patchPath, Diff("--- a/a.txt", "+++ b/a.txt", "@@ -1 +1 @@", "-x", "+y", "--- /dev/null", "+++ b/n.txt", "@@ -0,0 +1,2 @@", "+1", "+2"));
            var set = UnifiedDiffParser.ParseFile(patchPath, dir.FullName);
            Assert.Equal("x\n", set.Files[0].ReadOld()!.Text);
            Assert.True(set.HasBase);
            Assert.Equal("1\n2\n", set.Files[1].ReadNew()!.Text);
            Assert.Null(set.OpenBase("../outside.txt"));
            Assert.Throws<ChangeSetException>(() => UnifiedDiffParser.ParseFile(Path.Combine(dir.FullName, "missing.diff")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
