using System.Diagnostics;
using Autopilot.Core.Shell;

namespace Autopilot.Core.Tests.Shell;

public sealed class CommandParserTests
{
    private static Invocation Single(string text)
    {
        var result = CommandParser.Parse(text);
        Assert.True(result.Success, string.Join("; ", result.Errors));
        return Assert.Single(result.Invocations);
    }

    [Theory]
    [InlineData("/bin/rm -rf x")]
    [InlineData("\\rm -rf x")]
    [InlineData("'rm' -rf x")]
    [InlineData("r''m -rf x")]
    [InlineData("\"r\"m -rf x")]
    [InlineData("$'rm' -rf x")]
    [InlineData("$'\\x72m' -rf x")]
    [InlineData("./rm -rf x")]
    public void ProgramIdentityIsNormalised(string text)
    {
        var inv = Single(text);
        Assert.Equal("rm", inv.Program);
        Assert.Equal(["-rf", "x"], inv.Args);
        Assert.Contains("-r", inv.Flags);
        Assert.Contains("-f", inv.Flags);
        Assert.Equal(["x"], inv.Positionals);
    }

    [Fact]
    public void FlagsAreSplitAndLongFlagsLoseTheirValue()
    {
        var inv = Single("git push --force-with-lease=main:abc -uf origin -- -notaflag");
        Assert.Equal(["--force-with-lease", "-uf", "-u", "-f"], inv.Flags);
        Assert.Equal(["push", "origin", "-notaflag"], inv.Positionals);
    }

    [Fact]
    public void GlobalOptionValuesAreNotSubcommands()
    {
        var inv = Single("git -C /some/dir -c user.name=x push");
        Assert.Equal(["push"], inv.Positionals);
    }

    [Fact]
    public void QuotingRemovesQuotesAndKeepsExpansionsAsWritten()
    {
        var inv = CommandParser.Parse("echo 'a b' \"c $HOME d\" e\\ f ${HOME}/x $'t\\tu' \"$(date)\"").Invocations.Single(i => i.Program == "echo");
        Assert.Equal(["a b", "c $HOME d", "e f", "$HOME/x", "t\tu", "$(date)"], inv.Args);
    }

    [Fact]
    public void TreeHasListsPipelinesAndRedirections()
    {
        var result = CommandParser.Parse("A=1 cat < in.txt 2>&1 | grep -v x >> out.txt && echo ok &");
        Assert.True(result.Success);
        var item = Assert.Single(result.Tree!.Items);
        Assert.True(item.Background);
        Assert.Equal(["&&"], item.Command.Operators);
        var pipeline = item.Command.Pipelines[0];
        Assert.Equal(2, pipeline.Commands.Count);
        var cat = Assert.IsType<SimpleCommandNode>(pipeline.Commands[0]);
        Assert.Equal("A", Assert.Single(cat.Assignments).Name);
        Assert.Collection(
            cat.Redirects,
            r => Assert.Equal(("<", (int?)null, "in.txt"), (r.Op, r.Fd, r.Target.Text)),
            r => Assert.Equal((">&", (int?)2, "1"), (r.Op, r.Fd, r.Target.Text)));

        Assert.Equal(["cat", "grep", "echo"], result.Invocations.Select(i => i.Program));
        var grep = result.Invocations[1];
        Assert.Equal(["cat"], grep.PipelinePredecessors);
        Assert.True(grep.Context.HasFlag(InvocationContext.Pipeline));
        Assert.True(grep.Context.HasFlag(InvocationContext.Background));
        Assert.Equal(">>", Assert.Single(grep.Redirections).Op);
        Assert.True(grep.Redirections[0].IsWrite);
        Assert.Equal(["A=1"], result.Invocations[0].Assignments);
    }

    [Fact]
    public void SpansPointIntoTheText()
    {
        const string text = "ls -la && git status";
        var result = CommandParser.Parse(text);
        var git = result.Invocations[1];
        Assert.Equal("git status", text.Substring(git.Span.Start, git.Span.Length));
        Assert.Equal("git status", git.Text);
    }

    [Fact]
    public void SubstitutionsAreWalkedWithTheirContext()
    {
        var result = CommandParser.Parse("echo $(whoami) `id -u` <(ls) $((1 + $(nproc)))");
        Assert.True(result.Success);
        var programs = result.Invocations.Select(i => (i.Program, i.Context.HasFlag(InvocationContext.Substitution))).ToList();
        Assert.Contains(("whoami", true), programs);
        Assert.Contains(("id", true), programs);
        Assert.Contains(("ls", true), programs);
        Assert.Contains(("nproc", true), programs);
        Assert.Contains(("echo", false), programs);
    }

    [Fact]
    public void ForkBombIsRecursiveSpawn()
    {
        var result = CommandParser.Parse(":(){ :|:& };:");
        Assert.True(result.Success);
        var function = Assert.IsType<FunctionDefNode>(result.Tree!.Items[0].Command.Pipelines[0].Commands[0]);
        Assert.Equal(":", function.Name);
        Assert.Equal(2, result.Invocations.Count(i => i.Context.HasFlag(InvocationContext.RecursiveSpawn)));
    }

    [Fact]
    public void RecursiveFunctionWithoutSpawningIsNotAForkBomb()
    {
        var result = CommandParser.Parse("f(){ f; }; f");
        Assert.DoesNotContain(result.Invocations, i => i.Context.HasFlag(InvocationContext.RecursiveSpawn));
    }

    [Fact]
    public void HereDocumentsAreReadAndTheirSubstitutionsWalked()
    {
        var result = CommandParser.Parse("cat <<EOF > out.txt; echo after\nline $(id)\nEOF\necho last");
        Assert.True(result.Success, string.Join(";", result.Errors));
        Assert.Equal(["id", "cat", "echo", "echo"], result.Invocations.Select(i => i.Program));
        var cat = Assert.IsType<SimpleCommandNode>(result.Tree!.Items[0].Command.Pipelines[0].Commands[0]);
        Assert.Equal("line $(id)\n", cat.Redirects[0].HereDoc!.Text);
    }

    [Fact]
    public void QuotedHereDocumentIsLiteral()
    {
        var result = CommandParser.Parse("cat <<'EOF'\n$(rm -rf /)\nEOF");
        Assert.Equal(["cat"], result.Invocations.Select(i => i.Program));
    }

    [Fact]
    public void TwoHereDocumentsOnOneLine()
    {
        var result = CommandParser.Parse("cat <<A <<-B\na\nA\n\tb $(id)\n\tB\necho z");
        Assert.True(result.Success, string.Join(";", result.Errors));
        Assert.Equal(["id", "cat", "echo"], result.Invocations.Select(i => i.Program));
    }

    [Theory]
    [InlineData("git commit -m \"$(cat <<'EOF'\nfeat: x\n\nCo-Authored-By: A <a@b.c>\nEOF\n)\"", "cat,git")]
    [InlineData("cat <<EOF | kubectl apply -f -\napiVersion: v1\nEOF", "cat,kubectl")]
    [InlineData("time (make -j4)", "make")]
    [InlineData("time -p ls", "ls")]
    [InlineData("! (false)", "false")]
    [InlineData("while IFS= read -r f; do wc -l \"$f\"; done < <(find . -name '*.cs')", "find,read,wc")]
    [InlineData("find . -type f \\( -name '*.js' -o -name '*.ts' \\) -print", "find")]
    [InlineData("echo $( (cd src; ls) ) $(( (1 + 2) * 3 ))", "cd,ls,echo")]
    [InlineData("if [[ $x =~ ^[0-9]+$ ]]; then echo num; fi", "echo")]
    [InlineData("[ -z \"$V\" ] || { echo set; exit 1; }", "[,echo,exit")]
    [InlineData("ls\r\necho x\r\n", "ls,echo")]
    public void CommandsAgentsWriteParse(string text, string programs)
    {
        var result = CommandParser.Parse(text);
        Assert.True(result.Success, string.Join(";", result.Errors));
        Assert.Equal(programs.Split(','), result.Invocations.Select(i => i.Program));
    }

    [Fact]
    public void CompoundCommandsParse()
    {
        var text = "if a; then b; elif c; then d; else e; fi; while f; do g; done; until h; do i; done; " +
                   "for x in 1 2; do j; done; for ((k=0;k<2;k++)); do l; done; case $y in a|b) m;; (c) n;& *) o;;& esac; " +
                   "select s in a b; do p; done; [[ -f q && $(r) ]]; (( t = $(u) ))";
        var result = CommandParser.Parse(text);
        Assert.True(result.Success, string.Join(";", result.Errors));
        // A loop over a known list is walked once per value (the loop variable is known in each).
        Assert.Equal(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "j", "l", "m", "n", "o", "p", "p", "r", "u"], result.Invocations.Select(i => i.Program));
    }

    [Fact]
    public void NestedLoopsShareABudget()
    {
        // 10 nested loops of 16 values would be 16^10 walks; the budget keeps it linear.
        var text = string.Concat(Enumerable.Repeat("for x in a b c d e f g h i j k l m n o p; do ", 10)) + "rm $x" + string.Concat(Enumerable.Repeat("; done", 10));
        var result = CommandParser.Parse(text);
        Assert.True(result.Success, string.Join(";", result.Errors));
        Assert.InRange(result.Invocations.Count, 1, 200);
    }

    [Fact]
    public void WrappersAreSeenThrough()
    {
        var result = CommandParser.Parse("sudo -u bob env A=1 nice -n 5 xargs -0 rm -rf");
        var rm = result.Invocations[^1];
        Assert.Equal("rm", rm.Program);
        Assert.Equal("xargs", rm.WrappedBy);
        Assert.True(rm.Context.HasFlag(InvocationContext.Privileged));
        Assert.True(rm.Context.HasFlag(InvocationContext.DynamicArgs));
        Assert.Equal(4, rm.Depth);
    }

    [Fact]
    public void ShellStringsAreParsedAgain()
    {
        var result = CommandParser.Parse("bash -c 'ls | sh -c \"rm x\"'");
        Assert.True(result.Success);
        var rm = result.Invocations.Single(i => i.Program == "rm");
        Assert.True(rm.Context.HasFlag(InvocationContext.NestedShell));
        Assert.Equal("rm x", rm.Text);
        Assert.Equal(["ls"], rm.PipelinePredecessors);
    }

    [Fact]
    public void InlineCodeIsRecorded()
    {
        var inv = Single("python3 -c 'import os'");
        Assert.Equal("import os", inv.InlineCode);
        Assert.True(inv.Context.HasFlag(InvocationContext.InlineCode));
        Assert.Null(Single("python3 script.py -c x").InlineCode);
    }

    [Fact]
    public void DynamicProgramIsUnknown()
    {
        var inv = Single("$X -rf /");
        Assert.True(inv.IsUnknown);
        Assert.Equal("", inv.Program);
        Assert.Equal("$X", inv.RawProgram);
    }

    [Fact]
    public void RedirectionOnlyCommandIsKept()
    {
        var inv = Single("> ~/.bashrc");
        Assert.Equal("", inv.Program);
        Assert.Equal("~/.bashrc", inv.Redirections[0].Target);
    }

    [Theory]
    [InlineData("echo \"abc", 5, "double quote")]
    [InlineData("echo 'abc", 5, "single quote")]
    [InlineData("echo $(ls", 5, "'$('")]
    [InlineData("(ls", 0, "'('")]
    [InlineData("ls )", 3, "unexpected ')'")]
    [InlineData("{ ls", 0, "'{'")]
    [InlineData("if true; then ls", 0, "fi")]
    [InlineData("ls |", 4, "expected a command")]
    [InlineData("ls && && ls", 6, "expected a command")]
    [InlineData("echo ${x", 5, "'${'")]
    [InlineData("cat <<EOF\nx", 4, "here-document")]
    [InlineData("echo >", 6, "needs a target")]
    [InlineData("", 0, "empty")]
    [InlineData("  # c", 0, "empty")]
    [InlineData("a\0b", 1, "NUL")]
    [InlineData("a\u001bb", 1, "control character")]
    [InlineData("ab\uFFFD", 2, "U+FFFD")]
    [InlineData("x\u2066y", 1, "bidirectional")]
    [InlineData("bash -c 'echo \"x'", 8, "in the code run by 'bash'")]
    public void BadInputGivesAnErrorWithItsOffset(string text, int offset, string message)
    {
        var result = CommandParser.Parse(text);
        Assert.False(result.Success);
        var error = result.Errors[0];
        Assert.Equal(offset, error.Offset);
        Assert.Contains(message, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void LoneSurrogateIsAnError()
    {
        var result = CommandParser.Parse("a" + (char)0xDC00 + "b");
        Assert.Equal(1, result.Errors[0].Offset);
        Assert.Contains("surrogate", result.Errors[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("$(", ")")]
    [InlineData("(", ")")]
    [InlineData("{ ", "; }")]
    [InlineData("eval ", "")]
    [InlineData("sudo ", "")]
    [InlineData("env ", "")]
    [InlineData("${x:-", "}")]
    [InlineData("$((", "))")]
    public void DeepNestingIsCappedNotACrash(string open, string close)
    {
        // 5,000 levels: far past the cap; must come back as an error, never a stack overflow.
        var text = string.Concat(Enumerable.Repeat(open, 5000)) + "ls" + string.Concat(Enumerable.Repeat(close, 5000));
        var result = CommandParser.Parse(text);
        Assert.False(result.Success);
    }

    [Fact]
    public void NestingWithinTheCapParses()
    {
        var text = "echo " + string.Concat(Enumerable.Repeat("$(", 10)) + "rm -rf /" + new string(')', 10);
        var result = CommandParser.Parse(text);
        Assert.True(result.Success, string.Join(";", result.Errors));
        Assert.Contains(result.Invocations, i => i.Program == "rm");
    }

    [Fact]
    public void OversizedCommandIsRefused()
    {
        var text = new string('a', 1024 * 1024);
        var result = CommandParser.Parse(text);
        Assert.False(result.Success);
        Assert.Equal(CommandParser.DefaultMaxLength, result.Errors[0].Offset);
        Assert.Contains("limit", result.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LargeCommandsParseInLinearTime()
    {
        // 120 KB of commands, quotes, substitutions and here-string operators: well under a second.
        var unit = "echo \"a $(b c) 'd'\" | e -f <<< g; ";
        var text = string.Concat(Enumerable.Repeat(unit, 120_000 / unit.Length));
        CommandParser.Parse("echo warm");
        var sw = Stopwatch.StartNew();
        var result = CommandParser.Parse(text);
        sw.Stop();
        Assert.True(result.Success, string.Join(";", result.Errors.Take(1)));
        Assert.True(sw.ElapsedMilliseconds < 2000, $"{sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void ManyHereDocumentsOnOneLineStayLinear()
    {
        var text = string.Concat(Enumerable.Repeat("<<a ", 20_000)) + "\n" + string.Concat(Enumerable.Repeat("a\n", 20_000));
        var sw = Stopwatch.StartNew();
        var result = CommandParser.Parse(text);
        Assert.True(result.Success, string.Join(";", result.Errors.Take(1)));
        Assert.True(sw.ElapsedMilliseconds < 2000, $"{sw.ElapsedMilliseconds} ms");
    }

    [Theory]
    [InlineData("/bin/rm", "rm")]
    [InlineData("rm", "rm")]
    [InlineData("/usr/local/bin/git/", "git")]
    [InlineData("/", "/")]
    public void NormalizeTakesTheLastSegment(string word, string expected) =>
        Assert.Equal(expected, ProgramNames.Normalize(word));
}
