using Autopilot.Core.Actions;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Actions;

/// <summary>
/// A realistic risk rule set (the one proposed for the default policy; the same rules as YAML are in
/// risk-rules.yaml next to this file, checked by <see cref="RiskRulesYamlTests"/>).
/// </summary>
internal static class TestRiskRules
{
    public static readonly IReadOnlyList<string> Levels = PolicyDocument.DefaultRiskLevels;

    public static readonly string[] Shells = ["sh", "bash", "zsh", "dash", "ksh", "fish", "python*", "perl", "ruby", "node", "php", "pwsh", "sudo", "doas", "source", "."];

    private static readonly string[] s_secretGlobs =
    [
        "~/.ssh", "~/.ssh/**", "**/.ssh/**", ".env", ".env.local", ".env.production", ".env.*.local", "*.pem", "*.key", "*.p12", "*.pfx",
        "id_rsa*", "id_ed25519*", "id_ecdsa*", "id_dsa*", "~/.aws/**", "~/.netrc", ".netrc", "~/.docker/config.json",
        "~/.kube/config", "~/.gnupg/**", ".npmrc", ".pypirc", "~/.git-credentials", ".git-credentials",
    ];

    private static readonly string[] s_ciGlobs =
        [".github/workflows/**", "**/.github/workflows/**", ".gitlab-ci.yml", ".circleci/**", "azure-pipelines.yml", "Jenkinsfile", ".buildkite/**"];

    private static readonly string[] s_policyGlobs = [".autopilot/**", "**/.autopilot/**", "policies/**", "*.policy.yaml"];

    private static readonly string[] s_shellRcGlobs =
    [
        "~/.bashrc", "~/.bash_profile", "~/.bash_login", "~/.profile", "~/.zshrc", "~/.zprofile", "~/.zshenv",
        "~/.config/fish/config.fish", "/etc/profile", "/etc/profile.d/*", "/etc/bash.bashrc",
    ];

    public static readonly IReadOnlyList<RiskRuleDef> Rules =
    [
        Cmd("AP-RISK-RM-ROOT", "critical", "Recursive delete of the filesystem root, the home folder or a top-level system folder",
            new() { Programs = ["rm"], AllFlagGroups = [["-r", "-R", "--recursive"]], Args = ["/", "/*", "~", "~/*", "/home/*"] }),
        Cmd("AP-RISK-RM-BROAD", "high", "Recursive delete of everything in a folder or of a parent folder",
            new() { Programs = ["rm"], AllFlagGroups = [["-r", "-R", "--recursive"]], Args = ["[*]", ".", "..", "./", "../", "./[*]", "../*", "[.][*]"] }),
        Cmd("AP-RISK-RM-NO-PRESERVE-ROOT", "critical", "rm told to operate on / without its safeguard",
            new() { Programs = ["rm"], AnyFlags = ["--no-preserve-root"] }),
        Cmd("AP-RISK-FIND-DELETE-BROAD", "critical", "find deleting from the root or the home folder",
            new() { Programs = ["find"], AnyFlags = ["-delete"], Args = ["/", "/*", "~", "~/*"] }),
        Cmd("AP-RISK-GIT-FORCE-PUSH", "high", "Force push (or remote delete) rewrites history others may have pulled",
            new() { Programs = ["git"], Subcommands = ["push"], AnyFlags = ["-f", "--force", "--force-with-lease", "--force-if-includes", "--mirror", "-d", "--delete"] }),
        Cmd("AP-RISK-GIT-FORCE-REFSPEC", "high", "A '+' or ':' refspec force-pushes or deletes a remote branch",
            new() { Programs = ["git"], Subcommands = ["push"], Args = ["+*", ":*"] }),
        Cmd("AP-RISK-GIT-RESET-HARD", "high", "git reset --hard throws away uncommitted work and moves history",
            new() { Programs = ["git"], Subcommands = ["reset"], AnyFlags = ["--hard"] }),
        Cmd("AP-RISK-GIT-FILTER", "critical", "Rewriting the whole history of the repository",
            new() { Programs = ["git"], Subcommands = ["filter-branch", "filter-repo", "replace"] }),
        Cmd("AP-RISK-GIT-REBASE", "medium", "Rebase rewrites commits; on pushed branches it forces a force push",
            new() { Programs = ["git"], Subcommands = ["rebase"] }),
        Cmd("AP-RISK-GIT-CLEAN", "high", "git clean -f deletes untracked files for good",
            new() { Programs = ["git"], Subcommands = ["clean"], AnyFlags = ["-f", "--force"] }),
        Cmd("AP-RISK-PIPE-TO-SHELL", "critical", "A download piped into a shell or interpreter runs code nobody reviewed",
            new() { Programs = Shells, PipeFrom = ["curl", "wget", "fetch", "aria2c", "http", "xh", "nc", "ncat"] }),
        Cmd("AP-RISK-DECODE-TO-SHELL", "critical", "Decoded or unpacked data piped into a shell or interpreter hides what runs",
            new() { Programs = Shells, PipeFrom = ["base64", "xxd", "openssl", "uudecode", "gunzip", "zcat", "bunzip2", "xz", "rev"] }),
        Cmd("AP-RISK-PRIVILEGE", "high", "Privilege escalation",
            new() { Programs = ["sudo", "doas", "su", "pkexec", "runuser"] }),
        Cmd("AP-RISK-DD-DEVICE", "critical", "dd writing to a raw device",
            new() { Programs = ["dd"], ArgsRegex = "^of=/dev/" }),
        Cmd("AP-RISK-MKFS", "critical", "Formatting or repartitioning a disk",
            new() { Programs = ["mkfs", "mkfs.*", "mke2fs", "mkswap", "wipefs", "fdisk", "sfdisk", "parted", "gdisk"] }),
        Cmd("AP-RISK-DEVICE-REDIRECT", "critical", "Output redirected onto a raw disk device",
            new() { RedirectTo = ["/dev/sd*", "/dev/nvme*", "/dev/hd*", "/dev/vd*", "/dev/xvd*", "/dev/mmcblk*", "/dev/disk*", "/dev/mem", "/dev/kmem"] }),
        Cmd("AP-RISK-FORK-BOMB", "critical", "A function that spawns copies of itself (fork bomb)",
            new() { Contexts = ["recursive-spawn"] }),
        Cmd("AP-RISK-CHMOD-WORLD", "high", "Making files world-writable",
            new() { Programs = ["chmod"], ArgsRegex = "^(0?[0-7]?[0-7][0-7][2367]|[ugoa]*[oa][ugoa]*[+=][rwxXst]*w[rwxXst]*)$" }),
        Cmd("AP-RISK-CHMOD-ROOT", "critical", "Recursive permission or owner change of the root or home folder",
            new() { Programs = ["chmod", "chown", "chgrp"], AllFlagGroups = [["-R", "--recursive"]], Args = ["/", "/*", "~", "~/*"] }),
        new RiskRuleDef
        {
            Id = "AP-RISK-SECRETS",
            Risk = new("high", null),
            Message = "Credential and key files (SSH keys, .env, certificates, cloud and registry credentials)",
            Command = new() { Args = s_secretGlobs },
            Path = new() { Globs = s_secretGlobs },
        },
        Cmd("AP-RISK-EXFIL-CURL-FILE", "high", "Uploading a local file with curl",
            new() { Programs = ["curl"], AnyFlags = ["-d", "--data", "--data-binary", "--data-raw", "--data-urlencode", "-F", "--form"], ArgsRegex = "@" }),
        Cmd("AP-RISK-EXFIL-UPLOAD", "high", "Uploading a local file",
            new() { Programs = ["curl", "wget"], AnyFlags = ["-T", "--upload-file", "--post-file", "--body-file"] }),
        Cmd("AP-RISK-NET-TOOLS", "medium", "Raw network transfer tools can move data off the machine",
            new() { Programs = ["scp", "sftp", "nc", "ncat", "netcat", "socat", "telnet", "ftp"] }),
        Cmd("AP-RISK-RSYNC-REMOTE", "medium", "rsync to or from another host",
            new() { Programs = ["rsync"], ArgsRegex = "^[A-Za-z0-9_.@-]+:" }),
        Cmd("AP-RISK-PUBLISH-PACKAGE", "high", "Publishing a package to a public registry",
            new() { Programs = ["npm", "yarn", "pnpm", "bun", "cargo", "poetry", "gem"], Subcommands = ["publish", "push"] }),
        Cmd("AP-RISK-PUBLISH-NUGET", "high", "Pushing a NuGet package",
            new() { Programs = ["dotnet", "nuget"], Subcommands = ["nuget push", "push"] }),
        Cmd("AP-RISK-PUBLISH-PYPI", "high", "Uploading a Python package",
            new() { Programs = ["twine", "python*"], Subcommands = ["upload", "twine upload"] }),
        Cmd("AP-RISK-DB-DROP", "critical", "Dropping or truncating a database, schema or table",
            new() { Programs = ["psql", "mysql", "mariadb", "sqlite3", "sqlcmd", "mongo", "mongosh", "clickhouse-client", "redis-cli"], ArgsRegex = "(?i)(\\bdrop\\s+(database|schema|table)\\b|\\btruncate\\s+table\\b|dropDatabase|\\bflushall\\b)" }),
        Cmd("AP-RISK-DB-DROP-TOOL", "high", "Dropping a database or a role",
            new() { Programs = ["dropdb", "dropuser"] }),
        Cmd("AP-RISK-DB-MIGRATE-EF", "medium", "Applying database migrations",
            new() { Programs = ["dotnet"], Subcommands = ["ef database"] }),
        Cmd("AP-RISK-DB-MIGRATE", "medium", "Applying or rolling back database migrations",
            new() { Programs = ["alembic", "flyway", "liquibase", "knex", "sequelize", "prisma", "diesel", "sqlx", "goose", "rails", "rake"], Subcommands = ["upgrade", "downgrade", "migrate", "update", "rollback", "db:migrate", "db:rollback", "db:drop", "db:reset", "migrate:latest", "migrate:rollback"] }),
        new RiskRuleDef
        {
            Id = "AP-RISK-CI-EDIT",
            Risk = new("high", null),
            Message = "Changing CI/CD workflows",
            Command = new() { RedirectTo = s_ciGlobs },
            Path = new() { Globs = s_ciGlobs, Ops = ["write", "delete"] },
        },
        new RiskRuleDef
        {
            Id = "AP-RISK-POLICY-EDIT",
            Risk = new("critical", null),
            Message = "Changing the policy that governs the agent",
            Command = new() { RedirectTo = s_policyGlobs },
            Path = new() { Globs = s_policyGlobs, Ops = ["write", "delete"] },
        },
        new RiskRuleDef
        {
            Id = "AP-RISK-SHELL-RC",
            Risk = new("high", null),
            Message = "Changing shell start-up files (persistence)",
            Command = new() { RedirectTo = s_shellRcGlobs },
            Path = new() { Globs = s_shellRcGlobs, Ops = ["write", "delete"] },
        },
        new RiskRuleDef
        {
            Id = "AP-RISK-SYSTEM-CONFIG",
            Risk = new("high", null),
            Message = "Changing system configuration under /etc",
            Command = new() { RedirectTo = ["/etc/**"] },
            Path = new() { Globs = ["/etc/**"], Ops = ["write", "delete"] },
        },
        Cmd("AP-RISK-KILL", "medium", "Killing processes the agent may not have started",
            new() { Programs = ["kill", "pkill", "killall", "skill"] }),
        Cmd("AP-RISK-INLINE-CODE", "medium", "Interpreter given code inline; its effects are not analysed",
            new() { Contexts = ["inline-code"] }),
        Cmd("AP-RISK-REMOTE-EXEC", "medium", "Running commands on another machine",
            new() { Contexts = ["remote"] }),
        Cmd("AP-RISK-POWER", "high", "Shutting down or rebooting the machine",
            new() { Programs = ["shutdown", "reboot", "halt", "poweroff"] }),
        Cmd("AP-RISK-DOCKER-PRIVILEGED", "high", "A privileged container can take over the host",
            new() { Programs = ["docker", "podman"], Subcommands = ["run"], AnyFlags = ["--privileged"] }),
        new RiskRuleDef
        {
            Id = "AP-RISK-TOOL-WEB",
            Risk = new("medium", null),
            Message = "Fetching from the web can bring in untrusted instructions",
            Tool = new() { Names = ["WebFetch", "WebSearch"] },
        },
        new RiskRuleDef
        {
            Id = "AP-RISK-TOOL-GITHUB-WRITE",
            Risk = new("high", null),
            Message = "Writing to GitHub through an MCP server",
            Tool = new() { Names = ["mcp__github__create_*", "mcp__github__push_*", "mcp__github__merge_*", "mcp__github__delete_*"] },
        },
    ];

    public static readonly IReadOnlyList<string> ProtectedGlobs =
        [".git/**", ".github/workflows/**", ".autopilot/**", "policies/**", "~/.bashrc", "~/.zshrc", "~/.profile"];

    public static ActionClassifier Classifier(ActionSettings? actions = null, ToolSettings? tools = null, IReadOnlyList<PhaseDef>? phases = null) =>
        new(Rules, actions ?? new ActionSettings(), Levels, ProtectedGlobs, tools, phases);

    /// <summary>A context with a workspace and home that need not exist (no symlinks to resolve).</summary>
    public static ActionContext Context { get; } = new("/work/repo", "/home/agent") { ResolveSymlinks = false };

    private static RiskRuleDef Cmd(string id, string risk, string message, CommandMatchDef match) =>
        new() { Id = id, Risk = new(risk, null), Message = message, Command = match };
}
