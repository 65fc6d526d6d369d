namespace RnnGen.Runtime.Tests;

/// <summary>
/// Tests that change process-wide kernel settings (<see cref="Parallelism.Threads"/>), or measure allocations that such
/// a change would cause (a thread's first split product or step makes its job): one at a time, after the others, so
/// that none sees another's setting.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelSettingsGroup
{
    public const string Name = "Kernel settings";
}
