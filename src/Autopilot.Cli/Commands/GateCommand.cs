using System.CommandLine;
using Autopilot.Changes.ChangeSets;
using Autopilot.Changes.Gate;
using Autopilot.Changes.Git;
using Autopilot.Changes.WorkOrders;
using Autopilot.Core.Ledger;
using Autopilot.Core.Output;
using Autopilot.Policy.Model;

namespace Autopilot.Cli.Commands;

/// <summary>
/// `autopilot gate`: may this change land? Alone, inside a repository, it judges the working tree
/// (with untracked files) against the merge base with the default branch. It never modifies the repository.
/// </summary>
internal static class GateCommand
{
    public static Command Create()
    {
        var baseRef = new Option<string?>("--base") { Description = "Branch or commit to compare with (default: the merge base with origin/HEAD, main or master)." };
        var head = new Option<string?>("--head") { Description = "Judge this commit (with --base: the range base...head) instead of the working tree." };
        var staged = new Option<bool>("--staged") { Description = "Judge the index (what `git commit` would record)." };
        var worktree = new Option<bool>("--worktree") { Description = "Judge the working tree, untracked files included (the default)." };
        var diff = new Option<string?>("--diff") { Description = "Judge a unified diff from a file, or '-' for standard input, instead of git." };
        var semantic = new Option<bool>("--semantic")
        {
            Description = "Match banned APIs by symbol (exact overloads, uses through variables) by opening the projects that own the changed files with MSBuildWorkspace; needs the dotnet SDK. Files it cannot open or bind fall back to syntax matching with a warning.",
        };
        var gitReader = new Option<string>("--git-reader")
        {
            Description = "How git is read: auto (libgit2 in-process, the git command line where libgit2 cannot do the job), libgit2, or cli. Default: $AUTOPILOT_GIT_READER, else auto.",
            DefaultValueFactory = _ => "auto",
        };
        gitReader.AcceptOnlyFromAmong("auto", "libgit2", "cli");
        var workOrder = new Option<string?>("--work-order", "-w") { Description = "Work order (JSON): allowed paths and symbols, base hashes, caps." };
        var policy = CommonOptions.Policy();
        var format = CommonOptions.Format("text", "json", "sarif", "github");
        var repo = CommonOptions.Repo();
        var command = new Command("gate", "Judge a change against the policy's diff rules: allow, escalate or deny, with reasons.")
        {
            baseRef, head, staged, worktree, diff, semantic, gitReader, workOrder, policy, format, repo,
        };
        command.Validators.Add(result =>
        {
            var sources = new[] { result.GetValue(head) is not null, result.GetValue(staged), result.GetValue(worktree), result.GetValue(diff) is not null }.Count(x => x);
            if (sources > 1)
            {
                result.AddError("Choose one of --head, --staged, --worktree and --diff.");
            }
        });
        command.SetAction(result =>
        {
            var outputFormat = result.GetValue(format)!;
            var repoRoot = Path.GetFullPath(result.GetValue(repo)!);
            var engine = CommonOptions.LoadPolicy(result.GetValue(policy), repoRoot);
            if (engine is null)
            {
                return (int)ExitCode.BadInput;
            }

            var request = new GateRequest
            {
                RepositoryRoot = repoRoot,
                Base = result.GetValue(baseRef),
                Head = result.GetValue(head),
                Staged = result.GetValue(staged),
                GitReader = GitReaders.Parse(result.GetValue(gitReader)) ?? GitReaderKind.Auto,
                Semantic = result.GetValue(semantic),
            };
            GateResult outcome;
            try
            {
                if (result.GetValue(workOrder) is { } orderPath)
                {
                    request = request with { Scope = WorkOrderLoader.Load(orderPath).ToScopeFacts() };
                }

                if (result.GetValue(diff) is { } diffPath)
                {
                    request = request with { DiffText = CommonOptions.ReadInput(diffPath), DiffSource = diffPath == "-" ? "stdin" : diffPath };
                }

                // The library's own choice of analyses (every one), as AutopilotEngine.Judge makes it.
                outcome = new ChangeGate(engine).Judge(request);
            }
            catch (WorkOrderException ex)
            {
                var first = ex.Errors[0];
                return CommonOptions.BadInput(RuleIds.WorkOrderInvalid, ex.Message, outputFormat, engine.PolicyHash, first.Location);
            }
            catch (ChangeSetException ex)
            {
                return CommonOptions.BadInput(RuleIds.GateInput, $"cannot read the change: {ex.Message}", outputFormat, engine.PolicyHash);
            }
            catch (IOException ex)
            {
                return CommonOptions.BadInput(RuleIds.GateInput, $"cannot read the change: {ex.Message}", outputFormat, engine.PolicyHash);
            }

            var decision = outcome.Decision;
            var files = outcome.Changes?.Files.Count ?? 0;
            DecisionRecording.Record(engine, StateOptions.Resolve(null, repoRoot), DecisionRecording.DefaultActor(), DecisionQuestions.Gate, decision, new DecisionFacts
            {
                Repository = repoRoot,
                Range = request.DiffText is not null ? $"diff:{request.DiffSource}"
                    : request.Head is not null ? $"{request.Base ?? ""}...{request.Head}"
                    : request.Staged ? "staged" : "worktree",
                DiffSha256 = request.DiffText is { } text ? Autopilot.Core.Storage.DurableFile.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(text)) : null,
            });
            switch (outputFormat)
            {
                case "sarif":
                    Console.Out.WriteLine(SarifWriter.ToSarif(decision, repoRoot, engine.Plan.Diff.ToDictionary(r => r.Id, r => r.Message)));
                    break;
                case "github":
                    Console.Out.Write(GitHubAnnotationWriter.ToAnnotations(decision, repoRoot));
                    break;
                case "json":
                    Console.Out.WriteLine(DecisionWriter.ToJson(decision, w =>
                    {
                        w.WriteString("change", outcome.Description);
                        w.WriteNumber("files", files);
                    }));
                    break;
                default:
                    Console.Out.Write(DecisionWriter.ToTextByFile(decision, $"{outcome.Description}, {files} file(s)"));
                    break;
            }

            return CommonOptions.ExitFor(decision.Verdict);
        });
        return command;
    }
}
