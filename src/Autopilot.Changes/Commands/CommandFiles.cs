using System.Text;

namespace Autopilot.Changes.Commands;

/// <summary>The kinds of file whose added lines hold shell.</summary>
internal enum CommandFileKind
{
    None,
    GitHubWorkflow,
    GitHubAction,
    GitLabCi,
    Dockerfile,
    Makefile,
    PackageJson,
    ShellScript,
}

/// <summary>Which files hold shell (by name, or by a shell's <c>#!</c> line), and the scripts in them.</summary>
internal static class CommandFiles
{
    private static readonly string[] s_shellExtensions = [".sh", ".bash", ".ksh", ".dash", ".ash"];
    private static readonly string[] s_posixShells = ["sh", "bash", "dash", "ash", "ksh"];

    /// <summary>True when <paramref name="program"/> (a name or a path) is a shell the parser reads: sh, bash, dash, ash, ksh.</summary>
    public static bool IsPosixShell(string program) => s_posixShells.Contains(Path.GetFileName(program));

    /// <summary>The kind a path names; <see cref="CommandFileKind.None"/> when only its first line can tell (see <see cref="IsShellShebang"/>).</summary>
    public static CommandFileKind KindOf(string path)
    {
        var name = Path.GetFileName(path);
        var lower = name.ToLowerInvariant();
        var yaml = lower.EndsWith(".yml", StringComparison.Ordinal) || lower.EndsWith(".yaml", StringComparison.Ordinal);
        if (yaml && (path.StartsWith(".github/workflows/", StringComparison.Ordinal) || path.Contains("/.github/workflows/", StringComparison.Ordinal)))
        {
            return CommandFileKind.GitHubWorkflow;
        }

        if (lower is "action.yml" or "action.yaml")
        {
            return CommandFileKind.GitHubAction;
        }

        if (lower == ".gitlab-ci.yml" || (yaml && lower.EndsWith(".gitlab-ci.yml", StringComparison.Ordinal)))
        {
            return CommandFileKind.GitLabCi;
        }

        if (lower is "dockerfile" or "containerfile" || lower.StartsWith("dockerfile.", StringComparison.Ordinal) || lower.EndsWith(".dockerfile", StringComparison.Ordinal))
        {
            return CommandFileKind.Dockerfile;
        }

        if (lower is "makefile" or "gnumakefile" || lower.EndsWith(".mk", StringComparison.Ordinal))
        {
            return CommandFileKind.Makefile;
        }

        if (lower == "package.json")
        {
            return CommandFileKind.PackageJson;
        }

        return s_shellExtensions.Any(e => lower.EndsWith(e, StringComparison.Ordinal)) ? CommandFileKind.ShellScript : CommandFileKind.None;
    }

    /// <summary>True when <paramref name="firstLine"/> is a <c>#!</c> line that runs a POSIX shell (<c>#!/bin/sh</c>, <c>#!/usr/bin/env bash</c>).</summary>
    public static bool IsShellShebang(string firstLine)
    {
        if (!firstLine.StartsWith("#!", StringComparison.Ordinal))
        {
            return false;
        }

        var words = firstLine[2..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith('-')).ToArray();
        var program = words.Length == 0 ? "" : Path.GetFileName(words[0]);
        if (program == "env" && words.Length > 1)
        {
            program = Path.GetFileName(words[1]);
        }

        return IsPosixShell(program);
    }

    /// <summary>The shell in a file of <paramref name="kind"/> with contents <paramref name="utf8"/>.</summary>
    public static ExtractedScripts Extract(CommandFileKind kind, string path, byte[] utf8)
    {
        var bom = utf8.Length >= 3 && utf8[0] == 0xEF && utf8[1] == 0xBB && utf8[2] == 0xBF ? 3 : 0;
        if (kind == CommandFileKind.PackageJson)
        {
            return PackageJsonScripts.Extract(path, bom == 0 ? utf8 : utf8[bom..]);
        }

        var text = Encoding.UTF8.GetString(utf8, bom, utf8.Length - bom);
        return kind switch
        {
            CommandFileKind.GitHubWorkflow => CiScripts.GitHub(path, text, composite: false),
            CommandFileKind.GitHubAction => CiScripts.GitHub(path, text, composite: true),
            CommandFileKind.GitLabCi => CiScripts.GitLab(path, text),
            CommandFileKind.Dockerfile => DockerfileScripts.Extract(path, text),
            CommandFileKind.Makefile => MakefileScripts.Extract(path, text),
            CommandFileKind.ShellScript => new ExtractedScripts([WholeFile(path, text)], []),
            _ => ExtractedScripts.None,
        };
    }

    /// <summary>A shell script file: all of it, position for position.</summary>
    private static ShellScript WholeFile(string path, string text)
    {
        var builder = new ShellScriptBuilder();
        int line = 1, column = 1;
        foreach (var c in text)
        {
            if (c != '\r')
            {
                builder.Append(c, line, column);
            }

            (line, column) = c == '\n' ? (line + 1, 1) : (line, column + 1);
        }

        return builder.Build(path, "script");
    }
}
