using Autopilot.MSBuild.Json;

namespace Autopilot.MSBuild.Tests.Unit;

public sealed class JsonReaderTests
{
    [Fact]
    public void ReadsObjectsArraysStringsNumbersAndLiterals()
    {
        var value = JsonReader.Parse("""{ "a": [1, -2.5e1, true, false, null], "b": { "c": "x\"\\\/\n\u00e9" } }""");

        var root = Assert.IsType<Dictionary<string, object?>>(value);
        var list = Assert.IsType<List<object?>>(root["a"]);
        Assert.Equal([1d, -25d, true, false, null], list);
        var b = Assert.IsType<Dictionary<string, object?>>(root["b"]);
        Assert.Equal("x\"\\/\n\u00e9", b["c"]);
    }

    [Theory]
    [InlineData("", "unexpected end")]
    [InlineData("{", "expected a property name")]
    [InlineData("{\"a\" 1}", "expected ':'")]
    [InlineData("[1 2]", "expected ','")]
    [InlineData("\"abc", "unterminated string")]
    [InlineData("\"\\q\"", "unknown escape")]
    [InlineData("\"\\u12\"", "bad \\u escape")]
    [InlineData("{} x", "unexpected text after")]
    [InlineData("nul", "expected a value")]
    [InlineData("Build FAILED.", "expected a value")]
    public void RejectsWhatIsNotJsonNamingTheOffset(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => JsonReader.Parse(text));
        Assert.Contains(reason, error.Message);
        Assert.Contains("offset", error.Message);
    }

    [Fact]
    public void DeepNestingIsRefusedNotAStackOverflow()
    {
        var text = new string('[', 10_000) + new string(']', 10_000);
        var error = Assert.Throws<FormatException>(() => JsonReader.Parse(text));
        Assert.Contains("nesting too deep", error.Message);
    }
}
