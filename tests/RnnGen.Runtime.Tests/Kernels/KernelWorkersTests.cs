using System;
using System.IO;
using System.Threading;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// The runtime's worker threads on the error path and when nested: a part that throws is rethrown as it was, only
/// after every part has finished with the job's buffers, and the workers stay usable; a job started inside a part
/// runs on that thread instead of waiting for busy workers.
/// </summary>
[Collection(KernelSettingsGroup.Name)]
public sealed class KernelWorkersTests
{
    [Fact]
    public void A_failing_part_is_rethrown_with_its_type_after_every_part_has_finished()
    {
        int threads = Math.Min(2, Environment.ProcessorCount);
        int previous = Parallelism.Threads;
        Parallelism.Threads = threads;
        try
        {
            // part 0 (the caller) fails at once while part 1 is still working: Run must wait for part 1
            var slowWorker = new Job(part =>
            {
                if (part == 0 && threads > 1)
                {
                    throw new ArgumentException("part 0");
                }

                Thread.Sleep(200);
                if (threads == 1)
                {
                    throw new ArgumentException("part 0");
                }
            });
            Assert.Equal("part 0", Assert.Throws<ArgumentException>(() => KernelWorkers.Run(slowWorker, threads)).Message);
            Assert.Equal(threads, slowWorker.Finished);

            // a worker's failure keeps its type (one thread: the same part fails on the caller)
            var failingWorker = new Job(part =>
            {
                if (part == threads - 1)
                {
                    throw new InvalidDataException("last part");
                }
            });
            Assert.Throws<InvalidDataException>(() => KernelWorkers.Run(failingWorker, threads));

            var healthy = new Job(_ => { });
            KernelWorkers.Run(healthy, threads);
            Assert.Equal(threads, healthy.Finished);

            // more parts than threads are refused before any worker starts
            Assert.Throws<ArgumentOutOfRangeException>(() => KernelWorkers.Run(new Job(_ => { }), threads + 1));
        }
        finally
        {
            Parallelism.Threads = previous;
        }
    }

    [Fact]
    public void A_job_started_inside_a_part_runs_every_part_on_that_thread()
    {
        int threads = Math.Min(2, Environment.ProcessorCount);
        int previous = Parallelism.Threads;
        Parallelism.Threads = threads;
        try
        {
            var inner = new Job(_ => { });
            var outer = new Job(_ => KernelWorkers.Run(inner, threads));
            KernelWorkers.Run(outer, threads);
            Assert.Equal(threads, outer.Finished);
            Assert.Equal(threads * threads, inner.Finished); // each outer part ran every inner part itself
        }
        finally
        {
            Parallelism.Threads = previous;
        }
    }

    private sealed class Job(Action<int> body) : KernelWorkers.IPartitionedJob
    {
        private int _finished;

        public int Finished => Volatile.Read(ref _finished);

        public void RunPart(int part, int parts)
        {
            try
            {
                body(part);
            }
            finally
            {
                Interlocked.Increment(ref _finished);
            }
        }
    }
}
