using Autopilot.Core.Secrets;

namespace Autopilot.Changes.Tests.Rules;

public sealed class EntropyTests
{
    [Fact]
    public void Entropy_separates_random_values_from_words()
    {
        Assert.True(SecretDetectors.Entropy("9f8e7d6c5b4a39281706f5e4d3c2b1a0") > SecretDetectors.DefaultEntropyThreshold);
        Assert.True(SecretDetectors.Entropy("changeme") < SecretDetectors.DefaultEntropyThreshold);
        Assert.Equal(0, SecretDetectors.Entropy("aaaaaaaa"));
        Assert.Equal(1, SecretDetectors.Entropy("abababab"), 6);
    }
}
