using System;
using System.Collections.Generic;

namespace Autopilot.Policy.Packs;

/// <summary>
/// The effect vocabulary: what a command can do, as packs declare it and risk rules match it
/// (docs/effects.md). Names are stable; policies and packs use them as written here.
/// </summary>
public static class EffectNames
{
    public const string FileRead = "file.read";
    public const string FileWrite = "file.write";
    public const string FileDelete = "file.delete";
    public const string FileChmod = "file.chmod";
    public const string FileLink = "file.link";
    public const string ExecUnseen = "exec.unseen";
    public const string ExecProject = "exec.project";
    public const string NetEgress = "net.egress";
    public const string NetUpload = "net.upload";
    public const string RemoteRead = "remote.read";
    public const string RemoteCreate = "remote.create";
    public const string RemoteChange = "remote.change";
    public const string RemoteDestroy = "remote.destroy";
    public const string VcsDiscard = "vcs.discard";
    public const string VcsRewrite = "vcs.rewrite";
    public const string VcsPush = "vcs.push";
    public const string VcsForcePush = "vcs.force-push";
    public const string VcsHooksBypass = "vcs.hooks-bypass";
    public const string Persist = "persist";
    public const string ConfigGlobal = "config.global";
    public const string SecretRead = "secret.read";
    public const string ProcessKill = "process.kill";
    public const string Privilege = "privilege";
    public const string Power = "power";
    public const string Device = "device";
    public const string PackageInstall = "package.install";
    public const string PackageInstallGlobal = "package.install-global";
    public const string Publish = "publish";

    /// <summary>Every effect name, in the order docs/effects.md lists them.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        FileRead, FileWrite, FileDelete, FileChmod, FileLink, ExecUnseen, ExecProject, NetEgress, NetUpload,
        RemoteRead, RemoteCreate, RemoteChange, RemoteDestroy, VcsDiscard, VcsRewrite, VcsPush, VcsForcePush,
        VcsHooksBypass, Persist, ConfigGlobal, SecretRead, ProcessKill, Privilege, Power, Device, PackageInstall,
        PackageInstallGlobal, Publish,
    ];

    /// <summary>What an effect rule's <c>kinds</c> may name: every effect, each family as <c>prefix.*</c>, and <c>*</c>.</summary>
    public static readonly IReadOnlyList<string> KindPatterns =
    [
        .. All, "file.*", "exec.*", "net.*", "remote.*", "vcs.*", "config.*", "secret.*", "process.*", "package.*", "*",
    ];

    /// <summary>Classes of a file effect's target, most telling first (docs/effects.md).</summary>
    public static readonly IReadOnlyList<string> TargetClasses = ["unknown", "secret", "protected", "temp", "workspace", "outside"];

    /// <summary>How a pack entry picks an effect's file targets among the operands.</summary>
    public static readonly IReadOnlyList<string> TargetSelectors = ["none", "operands", "first", "last", "all-but-last", "stdin"];

    /// <summary>HTTP methods a network effect can carry.</summary>
    public static readonly IReadOnlyList<string> Methods = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>Where a network effect goes.</summary>
    public static readonly IReadOnlyList<string> Hosts = ["local", "remote"];

    /// <summary>True for the file effects, whose targets are classed.</summary>
    public static bool IsFile(string effect) => effect.StartsWith("file.", StringComparison.Ordinal);

    /// <summary>Matches an effect name against a name or a <c>prefix.*</c> / <c>*</c> pattern.</summary>
    public static bool Matches(string pattern, string effect)
    {
        if (pattern == "*")
        {
            return true;
        }

        if (pattern.EndsWith(".*", StringComparison.Ordinal))
        {
            return effect.StartsWith(pattern.Substring(0, pattern.Length - 1), StringComparison.Ordinal);
        }

        return string.Equals(pattern, effect, StringComparison.Ordinal);
    }
}
