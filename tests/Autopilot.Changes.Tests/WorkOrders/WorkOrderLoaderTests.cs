using Autopilot.Changes.WorkOrders;
using Autopilot.Core.Schemas;

namespace Autopilot.Changes.Tests.WorkOrders;

public sealed class WorkOrderLoaderTests : IDisposable
{
    private const string Hash = "3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7";

    private readonly string _dir = Directory.CreateTempSubdirectory("ap-workorder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_full_work_order_loads_from_a_file()
    {
        var path = Path.Combine(_dir, "T-42.json");
        File.WriteAllText(path, $$"""
            {
              "$schema": "../policies/schema/workorder.schema.json",
              "taskId": "T-42",
              "description": "Round invoice totals",
              "allowedPaths": ["src/Billing/**", "tests/Billing/**"],
              "symbols": ["MyApp.Billing.*"],
              "baseHashes": { "src/Billing/Invoice.cs": "{{Hash.ToUpperInvariant()}}" },
              "caps": { "maxFiles": 5, "maxLines": 200, "maxLinesPerFile": 80 },
              "autonomy": "execute_review",
              "requiredEvidence": ["test_results", "git_diff"],
              "rollbackNote": "git revert the merge commit"
            }
            """);
        var order = WorkOrderLoader.Load(path);

        Assert.Equal("T-42", order.TaskId);
        Assert.Equal(["src/Billing/**", "tests/Billing/**"], order.AllowedPaths);
        Assert.Equal(["MyApp.Billing.*"], order.Symbols);
        Assert.Equal(Hash, order.BaseHashes["src/Billing/Invoice.cs"]);
        Assert.Equal(new WorkOrderCaps(5, 200, 80), order.Caps);
        Assert.Equal(("execute_review", "git revert the merge commit"), (order.Autonomy, order.RollbackNote));
        Assert.Equal(["test_results", "git_diff"], order.RequiredEvidence);
        Assert.Equal(path, order.SourcePath);
    }

    [Fact]
    public void A_minimal_work_order_has_empty_defaults()
    {
        var order = WorkOrderLoader.Parse("""{"taskId": "t1", "allowedPaths": ["**"]}""");
        Assert.Empty(order.Symbols);
        Assert.Empty(order.BaseHashes);
        Assert.Equal(new WorkOrderCaps(), order.Caps);
        Assert.Null(order.Autonomy);
    }

    [Theory]
    [InlineData("{\n  \"taskId\": \"t1\"\n}", 1, 1, "allowedPaths")]
    [InlineData("{\n  \"taskId\": \"t1\",\n  \"allowedPaths\": []\n}", 3, 19, "fewer than 1")]
    [InlineData("{\n  \"taskId\": \"t1\",\n  \"allowedPaths\": [\"src/**\"],\n  \"caps\": { \"maxFiles\": -1 }\n}", 4, 25, "minimum")]
    [InlineData("{\n  \"taskId\": \"t1\",\n  \"allowedPaths\": [\"src/**\"],\n  \"baseHashes\": { \"src/a.cs\": \"abc\" }\n}", 4, 31, "pattern")]
    [InlineData("{\n  \"taskId\": \"t1\",\n  \"allowedPaths\": [\"src/**\"],\n  \"scope\": 1\n}", 4, 3, "'scope' is not allowed")]
    [InlineData("{\n  \"taskId\": \"t1\",\n  \"allowedPaths\": [\"src/**\"\n", 4, 1, "")]
    [InlineData("{\n  \"taskId\": \"t1\",\n  \"taskId\": \"t2\",\n  \"allowedPaths\": [\"src/**\"]\n}", 3, 11, "already exists")]
    public void Bad_work_orders_name_file_line_and_column(string text, int line, int column, string message)
    {
        var e = Assert.Throws<WorkOrderException>(() => WorkOrderLoader.Parse(text, "orders/bad.json"));
        var error = e.Errors[0];
        Assert.Equal(("orders/bad.json", line, column), (error.Location.Path, error.Location.Line, error.Location.Column));
        Assert.Contains(message, error.Message);
        Assert.Contains("orders/bad.json:" + line + ":" + column, e.Message);
    }

    [Fact]
    public void Base_hashes_must_stay_inside_the_repository_and_the_allowed_paths()
    {
        var text = $"{{\n  \"taskId\": \"t1\",\n  \"allowedPaths\": [\"src/**\"],\n  \"baseHashes\": {{\n    \"../etc/passwd\": \"{Hash}\",\n    \"docs/a.md\": \"{Hash}\"\n  }}\n}}";
        Assert.Null(WorkOrderLoader.TryParse(text, "wo.json", out var errors));
        Assert.Collection(
            errors,
            e => Assert.Equal((5, 5, true), (e.Location.Line, e.Location.Column, e.Message.Contains("relative"))),
            e => Assert.Equal((6, 5, true), (e.Location.Line, e.Location.Column, e.Message.Contains("does not cover"))));
    }

    [Fact]
    public void A_missing_file_is_an_error_not_a_crash()
    {
        var e = Assert.Throws<WorkOrderException>(() => WorkOrderLoader.Load(Path.Combine(_dir, "missing.json")));
        Assert.Contains("cannot be read", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void The_shipped_schema_is_embedded_identical_to_the_file_and_uses_only_enforced_keywords()
    {
        var repoRoot = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(repoRoot, "Autopilot.sln")))
        {
            repoRoot = Path.GetDirectoryName(repoRoot)!;
        }

        var onDisk = File.ReadAllText(Path.Combine(repoRoot, "policies", "schema", "workorder.schema.json"));
        Assert.Equal(onDisk, WorkOrderLoader.SchemaText);
        Assert.Empty(JsonSchemaValidator.FromText(WorkOrderLoader.SchemaText).UnsupportedKeywords);
    }
}
