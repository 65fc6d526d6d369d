using System;
using RnnGen.Kernels;

namespace RnnGen;

/// <summary>
/// How many threads run Forward and Backward on a batch, and an optimizer's step: each recurrent layer's time loop is
/// split by sequences (batches of 8 or more), the large matrix products over all steps by blocks of output rows, and
/// the update of a large parameter set (16 K or more) by blocks of parameters. Every value is computed exactly as on
/// one thread, so results do not depend on this setting, bit for bit. Streaming (<c>Step</c>, batch 1) always runs on
/// the calling thread.
/// </summary>
public static class Parallelism
{
    /// <summary>
    /// Threads per batch, the calling thread included: 1 (the default) to <see cref="Environment.ProcessorCount"/>.
    /// The extra threads are started once and wait between jobs. With more than one, models on different threads take
    /// turns for them, so use 1 when you run one model per thread yourself.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above the processor count.</exception>
    public static int Threads
    {
        get => KernelWorkers.Threads;
        set
        {
            if (value < 1 || value > Environment.ProcessorCount)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Threads must be from 1 to this machine's {Environment.ProcessorCount} processors (Environment.ProcessorCount): more would only take turns on them.");
            }

            KernelWorkers.SetThreads(value);
        }
    }
}
