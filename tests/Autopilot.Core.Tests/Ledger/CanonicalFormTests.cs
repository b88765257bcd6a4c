using System.Text;
using System.Text.Json;
using Autopilot.Core.Ledger;
using Autopilot.Core.Storage;

namespace Autopilot.Core.Tests.Ledger;

public sealed class CanonicalFormTests
{
    private static string Canonical(string json, bool skipHash = false)
    {
        using var document = JsonDocument.Parse(json);
        var buffer = new ByteBuffer();
        LedgerCanonicalForm.WriteValue(document.RootElement, buffer, skipHash);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Theory]
    [InlineData("""{ "b" : 1, "a" : { "d" : "x\u0001", "c" : [ 1, 2.50, true, null ] } }""", """{"a":{"c":[1,2.50,true,null],"d":"x\u0001"},"b":1}""")]
    [InlineData("""{"\u00e9":"\u00e9","e":"\"\\\/\t"}""", """{"e":"\"\\/\t","é":"é"}""")]
    [InlineData("""{"Z":0,"a":0,"_":0}""", """{"Z":0,"_":0,"a":0}""")]
    [InlineData("""["\ud83d\ude00", "\u001f"]""", """["😀","\u001f"]""")]
    public void CanonicalForm_SortsKeys_DropsWhitespace_AndEscapesMinimally(string input, string expected)
    {
        Assert.Equal(expected, Canonical(input));
    }

    [Fact]
    public void TheTopLevelHash_IsLeftOut_ButNestedOnesAreKept()
    {
        Assert.Equal("""{"a":{"hash":"x"}}""", Canonical("""{"hash":"y","a":{"hash":"x"}}""", skipHash: true));
    }

    [Fact]
    public void TheStoredLine_IsTheCanonicalFormPlusTheHash()
    {
        var buffer = new ByteBuffer();
        var entry = new LedgerChain().Append(LedgerStoreTests.Entry(), new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), buffer);
        string line = Encoding.UTF8.GetString(buffer.WrittenSpan);
        string canonical = line[..line.IndexOf(",\"hash\":", StringComparison.Ordinal)] + "}";
        Assert.Equal(
            """{"actor":"agent-1","details":{"i":0},"kind":"other","prevHash":"0000000000000000000000000000000000000000000000000000000000000000","sequence":1,"task":"T-1","time":"2025-01-02T03:04:05.0000000Z"}""",
            canonical);
        Assert.Equal(DurableFile.Sha256Hex(Encoding.UTF8.GetBytes(canonical)), entry.Hash);
        Assert.EndsWith($",\"hash\":\"{entry.Hash}\"}}\n", line);
    }
}
