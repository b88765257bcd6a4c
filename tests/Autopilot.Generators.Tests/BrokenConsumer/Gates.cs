namespace BrokenConsumer;

/// <summary>Would use the generated gates, if the policy compiled.</summary>
public static class Gates
{
    public static int PhaseCount => 0;
}
