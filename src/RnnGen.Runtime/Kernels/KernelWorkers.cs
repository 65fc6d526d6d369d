using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace RnnGen.Kernels;

/// <summary>
/// Background threads that take a share of the large matrix products and of a batch's sequences
/// (<see cref="BatchRows"/>). A job is split by blocks of output rows, each computed by one thread in the same order
/// as on one thread, so results are bit-identical for any thread count. Workers spin briefly between jobs (training
/// issues one every few tens of microseconds) and then sleep on a semaphore. Nothing is allocated per job.
/// </summary>
internal static class KernelWorkers
{
    // Spin this long for the next product before blocking: longer than the gap between the products of one step.
    // Stopwatch ticks, not the wall clock, which can step back and keep a worker spinning.
    private static readonly long s_spinTicks = Stopwatch.Frequency / 500;

    private static readonly Lock s_gate = new();
    private static Worker[] s_workers = [];

    // True on a thread while it runs a part of a job: work nested in a part stays on that thread (the workers are busy).
    [ThreadStatic]
    private static bool t_inPart;

    /// <summary>Threads that compute a product, the caller included: 1 (default) to <see cref="Environment.ProcessorCount"/>.</summary>
    public static int Threads { get; private set; } = 1;

    /// <summary>Threads a job started on this thread may use: <see cref="Threads"/>, or 1 inside a part of another job.</summary>
    public static int AvailableThreads => t_inPart ? 1 : Threads;

    public static void SetThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        lock (s_gate)
        {
            if (s_workers.Length < threads - 1)
            {
                var workers = new Worker[threads - 1];
                Array.Copy(s_workers, workers, s_workers.Length);
                for (int i = s_workers.Length; i < workers.Length; i++)
                {
                    workers[i] = new Worker(i + 1);
                }

                s_workers = workers;
            }

            Threads = threads;
        }
    }

    /// <summary>
    /// Runs <paramref name="job"/> for parts 0 … parts − 1: part 0 on the calling thread, the others on workers, and
    /// returns when all are done, also when a part throws (then the first failure, by part, is rethrown as it was).
    /// Only one product runs at a time (callers on several threads take turns). Inside a part of another job, or for
    /// one part, every part runs here in turn: the workers are busy, and the parts' results do not depend on the thread.
    /// </summary>
    public static void Run(IPartitionedJob job, int parts)
    {
        if (parts <= 1 || t_inPart)
        {
            int inline = Math.Max(parts, 1);
            for (int part = 0; part < inline; part++)
            {
                job.RunPart(part, inline);
            }

            return;
        }

        lock (s_gate)
        {
            var workers = s_workers;
            if (parts - 1 > workers.Length)
            {
                // before any worker starts: one started and left running would outlive the job's buffers
                throw new ArgumentOutOfRangeException(nameof(parts), parts, $"A job has at most {workers.Length + 1} parts (Parallelism.Threads).");
            }

            for (int i = 1; i < parts; i++)
            {
                workers[i - 1].Start(job, parts);
            }

            Exception? failure = null;
            t_inPart = true;
            try
            {
                job.RunPart(0, parts);
            }
            catch (Exception exception)
            {
                failure = exception; // rethrown once every worker is done with the job's buffers
            }
            finally
            {
                t_inPart = false;
            }

            for (int i = 1; i < parts; i++)
            {
                var workerFailure = workers[i - 1].Wait();
                failure ??= workerFailure;
            }

            if (failure is not null)
            {
                ExceptionDispatchInfo.Capture(failure).Throw();
            }
        }
    }

    /// <summary>A product split into parts that can run on any thread.</summary>
    internal interface IPartitionedJob
    {
        void RunPart(int part, int parts);
    }

    // Workers live as long as the process (background threads), so their semaphore is never disposed.
#pragma warning disable CA1001
    private sealed class Worker
#pragma warning restore CA1001
    {
        private readonly int _part;
        private readonly SemaphoreSlim _wake = new(0);
        private IPartitionedJob? _job;
        private int _parts;
        private Exception? _failure;
        private volatile int _requested;
        private volatile int _completed;

        public Worker(int part)
        {
            _part = part;
            var thread = new Thread(Loop) { IsBackground = true, Name = "RnnGen kernel worker " + part };
            thread.Start();
        }

        public void Start(IPartitionedJob job, int parts)
        {
            _job = job;
            _parts = parts;
            _failure = null;
            _requested++; // publishes the fields above (volatile write)
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }

        public Exception? Wait()
        {
            var spinner = default(SpinWait);
            while (_completed != _requested)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            var failure = _failure;
            _failure = null; // the worker is idle now; its failure belongs to this job only
            return failure;
        }

        private void Loop()
        {
            t_inPart = true;
            int seen = 0;
            while (true)
            {
                long deadline = Stopwatch.GetTimestamp() + s_spinTicks;
                var spinner = default(SpinWait);
                while (_requested == seen)
                {
                    if (Stopwatch.GetTimestamp() > deadline)
                    {
                        _wake.Wait();
                        deadline = Stopwatch.GetTimestamp() + s_spinTicks;
                    }
                    else
                    {
                        spinner.SpinOnce(sleep1Threshold: -1);
                    }
                }

                seen = _requested;
                try
                {
                    _job!.RunPart(_part, _parts);
                }
                catch (Exception exception)
                {
                    _failure = exception;
                }

                _job = null;
                _completed = seen;
            }
        }
    }
}
