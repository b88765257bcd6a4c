namespace Autopilot.MSBuild.Tests.Infrastructure;

/// <summary>A test that takes minutes: skipped (and reported as skipped) unless AUTOPILOT_LONG_TESTS=1.</summary>
public sealed class LongFactAttribute : FactAttribute
{
    public LongFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("AUTOPILOT_LONG_TESTS") != "1")
        {
            Skip = "Long test: set AUTOPILOT_LONG_TESTS=1 to run it.";
        }
    }
}
