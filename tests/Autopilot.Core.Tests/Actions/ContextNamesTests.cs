using Autopilot.Core.Shell;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Actions;

public sealed class ContextNamesTests
{
    [Fact]
    public void ThePolicyLanguageAndTheParserNameTheSameContexts() =>
        Assert.Equal(CommandContextNames.All, InvocationContexts.Names);
}
