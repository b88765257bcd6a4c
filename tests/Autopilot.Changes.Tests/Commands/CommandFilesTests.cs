using System.Text;
using Autopilot.Changes.Commands;

namespace Autopilot.Changes.Tests.Commands;

/// <summary>The extractors alone: what they read, where each character comes from, and that no input breaks them.</summary>
public sealed class CommandFilesTests
{
    private static readonly (CommandFileKind Kind, string Path, string Text)[] s_samples =
    [
        (CommandFileKind.GitHubWorkflow, ".github/workflows/ci.yml", "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        working-directory: web\n    steps:\n      - name: \"x\"\n        run: >\n          npm ci &&\n          npm test\n      - run: \"echo \\\"${{ github.sha }}\\\"\"\n"),
        (CommandFileKind.GitHubAction, "action.yml", "runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: |\n        echo a\n"),
        (CommandFileKind.GitLabCi, ".gitlab-ci.yml", "test:\n  script:\n    - echo a\n    - - nested\n    - |\n      multi\n      line\n"),
        (CommandFileKind.Dockerfile, "Dockerfile", "# escape=`\nFROM x\nWORKDIR app\nRUN a && `\n  b\nRUN [\"sh\", \"-c\", \"c\"]\nRUN <<EOF\nd\nEOF\nRUN cat <<-X > f\n\te\nX\n"),
        (CommandFileKind.Makefile, "sub/Makefile", "V := 1\nall: a.c b.c\n\t@cc -o $@ $^ $(V) $(shell x) $${HOME} \\\n\t  --more\nifeq ($(V),1)\n\techo $<\nendif\ndefine T\n\tnot a recipe\nendef\n"),
        (CommandFileKind.PackageJson, "web/package.json", "{\"scripts\":{\"a\":\"echo \\\"\\u0041\\\"\\n\",\"b\":1},\"x\":[1,{\"scripts\":{}}]}"),
        (CommandFileKind.ShellScript, "x.sh", "#!/bin/sh\r\ncat <<EOF\r\n$(id)\r\nEOF\r\n"),
    ];

    [Fact]
    public void Every_prefix_of_every_sample_is_read_without_throwing_and_maps_every_character()
    {
        foreach (var (kind, path, text) in s_samples)
        {
            for (var length = 0; length <= text.Length; length++)
            {
                var extracted = CommandFiles.Extract(kind, path, Encoding.UTF8.GetBytes(text[..length]));
                var lineCount = text[..length].Split('\n').Length;
                foreach (var script in extracted.Scripts)
                {
                    Assert.Equal(script.Text.Length + 1, script.Lines.Length);
                    Assert.All(script.Lines, l => Assert.InRange(l, 1, lineCount));
                    Assert.All(script.Columns, c => Assert.True(c >= 1));
                }
            }
        }
    }

    [Fact]
    public void What_each_kind_reads()
    {
        string[] Texts(int index) => [.. CommandFiles.Extract(s_samples[index].Kind, s_samples[index].Path, Encoding.UTF8.GetBytes(s_samples[index].Text)).Scripts.Select(s => s.Text)];

        Assert.Equal(["npm ci && npm test\n", "echo \"${GITHUB_EXPRESSION}\""], Texts(0));
        Assert.Equal(["echo a\n"], Texts(1));
        Assert.Equal(["echo a\nnested\nmulti\nline\n"], Texts(2));
        Assert.Equal(["a && \\\n  b", "sh -c c", "d\n", "cat <<-X > f\n\te\nX"], Texts(3));
        Assert.Equal(["cc -o all a.c b.c 1 ${MAKE_shell_x} ${HOME} \\\n  --more", "echo a.c"], Texts(4));
        Assert.Equal(["echo \"A\"\n"], Texts(5));
        Assert.Equal(["#!/bin/sh\ncat <<EOF\n$(id)\nEOF\n"], Texts(6));
    }

    [Fact]
    public void Positions_point_into_the_file()
    {
        var workflow = Assert.Single(CommandFiles.Extract(s_samples[1].Kind, s_samples[1].Path, Encoding.UTF8.GetBytes(s_samples[1].Text)).Scripts);
        Assert.Equal((6, 9), workflow.At(0));
        var folded = CommandFiles.Extract(s_samples[0].Kind, s_samples[0].Path, Encoding.UTF8.GetBytes(s_samples[0].Text)).Scripts[0];
        Assert.Equal((12, 11), folded.At(folded.Text.IndexOf("npm test", StringComparison.Ordinal)));
        Assert.Equal("web", folded.WorkingDirectory);
        var make = CommandFiles.Extract(s_samples[4].Kind, s_samples[4].Path, Encoding.UTF8.GetBytes(s_samples[4].Text)).Scripts[0];
        Assert.Equal((3, 3), make.At(0));
        Assert.Equal((4, 4), make.At(make.Text.IndexOf("--more", StringComparison.Ordinal)));
        Assert.Equal("sub", make.WorkingDirectory);
        var docker = CommandFiles.Extract(s_samples[3].Kind, s_samples[3].Path, Encoding.UTF8.GetBytes(s_samples[3].Text)).Scripts;
        Assert.Equal((5, 3), docker[0].At(docker[0].Text.IndexOf('b')));
        Assert.Equal("/app", docker[0].WorkingDirectory);
        var json = Assert.Single(CommandFiles.Extract(s_samples[5].Kind, s_samples[5].Path, Encoding.UTF8.GetBytes(s_samples[5].Text)).Scripts);
        Assert.Equal((1, 18), json.At(0));
        Assert.Equal((1, 25), json.At(json.Text.IndexOf('A')));
    }

    [Theory]
    [InlineData("#!/bin/sh", true)]
    [InlineData("#!/usr/bin/env bash", true)]
    [InlineData("#!/usr/bin/env -S bash -eu", true)]
    [InlineData("#! /bin/dash -e", true)]
    [InlineData("#!/usr/bin/env python3", false)]
    [InlineData("#!/bin/zsh", false)]
    [InlineData("echo hi", false)]
    public void A_shebang_names_a_shell(string line, bool shell) => Assert.Equal(shell, CommandFiles.IsShellShebang(line));
}
