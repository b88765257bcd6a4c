using System.Globalization;
using Autopilot.Policy.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Autopilot.Core.PolicyTests;

/// <summary>Reads a <c>*.policy.tests.yaml</c> file. Mistakes are reported with file:line:col.</summary>
public static class PolicyTestLoader
{
    private static readonly string[] s_kinds = ["transition", "autonomy", "signals", "failure", "tool", "command", "path"];

    public sealed record Result(string? PolicyPath, IReadOnlyList<PolicyTestCase> Cases, IReadOnlyList<string> Errors);

    public static Result Load(string path)
    {
        var errors = new List<string>();
        var cases = new List<PolicyTestCase>();
        YamlStream stream = new();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            return new Result(null, [], [$"{path}:{ex.Start.Line}:{ex.Start.Column}: YAML syntax error: {ex.Message}"]);
        }
        catch (IOException ex)
        {
            return new Result(null, [], [$"{path}: {ex.Message}"]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return new Result(null, [], [$"{path}:1:1: expected a mapping with 'cases'"]);
        }

        string? policy = null;
        if (root.Children.TryGetValue(new YamlScalarNode("policy"), out var policyNode) && policyNode is YamlScalarNode p)
        {
            policy = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", p.Value ?? ""));
        }

        if (!root.Children.TryGetValue(new YamlScalarNode("cases"), out var casesNode) || casesNode is not YamlSequenceNode list)
        {
            return new Result(policy, [], [$"{path}:{root.Start.Line}:{root.Start.Column}: expected 'cases:' with a list of cases"]);
        }

        foreach (var item in list.Children)
        {
            var at = new SourceLocation(path, (int)item.Start.Line, (int)item.Start.Column);
            if (item is not YamlMappingNode map)
            {
                errors.Add($"{at}: a case must be a mapping");
                continue;
            }

            string Scalar(YamlNode n) => (n as YamlScalarNode)?.Value ?? "";
            var name = map.Children.TryGetValue(new YamlScalarNode("name"), out var nameNode) ? Scalar(nameNode) : $"case at line {at.Line}";
            var kinds = s_kinds.Where(k => map.Children.ContainsKey(new YamlScalarNode(k))).ToArray();
            if (kinds.Length != 1)
            {
                errors.Add(kinds.Length == 0
                    ? $"{at}: case '{name}' needs one of: {string.Join(", ", s_kinds)}"
                    : $"{at}: case '{name}' asks {kinds.Length} questions ({string.Join(", ", kinds)}); a case asks one");
                continue;
            }

            var kind = kinds[0];
            var unknownKey = map.Children.Keys.Select(Scalar).FirstOrDefault(k => k is not ("name" or "evidence" or "expect") && !s_kinds.Contains(k));
            if (unknownKey is not null)
            {
                errors.Add($"{at}: case '{name}' has an unknown key '{unknownKey}' (known: name, evidence, expect, {string.Join(", ", s_kinds)})");
                continue;
            }

            var facts = new Dictionary<string, string>(StringComparer.Ordinal);
            var input = map.Children[new YamlScalarNode(kind)];
            switch (input)
            {
                case YamlMappingNode inputMap:
                    foreach (var pair in inputMap.Children)
                    {
                        facts[Scalar(pair.Key)] = pair.Value is YamlScalarNode s ? s.Value ?? "" : Policy.Loading.YamlJson.ToJson(pair.Value);
                    }

                    break;
                case YamlScalarNode scalar:
                    facts[kind] = scalar.Value ?? "";
                    break;
            }

            if (kind == "signals" && input is YamlMappingNode)
            {
                facts = new Dictionary<string, string> { ["json"] = Policy.Loading.YamlJson.ToJson(input) };
            }

            var evidence = new Dictionary<string, string>(StringComparer.Ordinal);
            if (map.Children.TryGetValue(new YamlScalarNode("evidence"), out var evidenceNode) && evidenceNode is YamlMappingNode evidenceMap)
            {
                foreach (var pair in evidenceMap.Children)
                {
                    evidence[Scalar(pair.Key)] = pair.Value is YamlScalarNode s ? s.Value ?? "" : Policy.Loading.YamlJson.ToJson(pair.Value);
                }
            }

            string? verdict = null;
            IReadOnlyList<string>? rules = null;
            bool? retry = null;
            if (map.Children.TryGetValue(new YamlScalarNode("expect"), out var expectNode) && expectNode is YamlMappingNode expect)
            {
                var allowed = kind == "failure" ? new[] { "retry", "rules" } : ["verdict", "rules"];
                var wrong = expect.Children.Keys.FirstOrDefault(k => !allowed.Contains(Scalar(k)));
                if (wrong is not null || expect.Children.Count == 0)
                {
                    var where = wrong ?? expect;
                    errors.Add($"{path}:{where.Start.Line}:{where.Start.Column}: case '{name}': " + (wrong is null
                        ? "'expect' is empty, so the case would check nothing"
                        : $"'expect' does not know '{Scalar(wrong)}' for a {kind} case (known: {string.Join(", ", allowed)})"));
                    continue;
                }

                if (expect.Children.TryGetValue(new YamlScalarNode("verdict"), out var v))
                {
                    verdict = Scalar(v);
                }

                if (expect.Children.TryGetValue(new YamlScalarNode("rules"), out var r))
                {
                    rules = r is YamlSequenceNode seq ? seq.Children.Select(Scalar).ToArray() : [Scalar(r)];
                }

                if (expect.Children.TryGetValue(new YamlScalarNode("retry"), out var rt))
                {
                    retry = Scalar(rt).ToLower(CultureInfo.InvariantCulture) is "true" or "yes";
                }
            }
            else
            {
                errors.Add($"{at}: case '{name}' needs 'expect:' (verdict and/or rules)");
                continue;
            }

            cases.Add(new PolicyTestCase
            {
                Name = name,
                Kind = kind,
                Facts = facts,
                EvidenceFiles = evidence,
                ExpectVerdict = verdict,
                ExpectRules = rules,
                ExpectRetry = retry,
                Location = at,
            });
        }

        return new Result(policy, cases, errors);
    }
}
