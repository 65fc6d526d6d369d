namespace RnnGen.Benchmarks.Paired;

/// <summary>
/// Two independent one-thread training steps at once: the caller runs its own step while a thread of this class runs
/// the other model's, and <see cref="Run"/> returns when both are done. Timed beside RnnGen's two-thread step, it
/// shows what the machine allows two threads: on this VM two cores busy at once each run memory-bound kernels slower
/// than one core alone does (the FMA peak is not affected), and no split of one step between the threads can beat two
/// steps that share nothing. The thread hands over as RnnGen's kernel workers do: it spins for the next step for a
/// while, then sleeps on a semaphore, so that it neither adds a wake-up to every step nor burns a core during the
/// other contenders' turns.
/// </summary>
internal sealed class ConcurrentSteps : IDisposable
{
    // Spin this long for the next step before sleeping: longer than the gap between two steps of a turn.
    private static readonly TimeSpan Spin = TimeSpan.FromMilliseconds(2);

    private readonly Action _other;
    private readonly Thread _thread;
    private readonly SemaphoreSlim _wake = new(0);
    private volatile int _requested;
    private volatile int _completed;
    private volatile bool _stopping;
    private Exception? _failure;

    /// <summary>Starts the thread that runs <paramref name="other"/> whenever <see cref="Run"/> is called.</summary>
    public ConcurrentSteps(Action other)
    {
        _other = other;
        _thread = new Thread(Loop) { IsBackground = true, Name = "Concurrent training step" };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="mine"/> here and the other step on the thread, at once; rethrows the other's failure.</summary>
    public void Run(Action mine)
    {
        _failure = null;
        _requested++; // the only writer; volatile, so the thread sees it
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }

        mine();
        var spinner = default(SpinWait);
        while (_completed != _requested)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        if (_failure is { } failure)
        {
            throw new InvalidOperationException("The concurrent training step failed: " + failure.Message, failure);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _wake.Release();
        _thread.Join();
        _wake.Dispose();
    }

    private void Loop()
    {
        int seen = 0;
        while (true)
        {
            long deadline = DateTime.UtcNow.Ticks + Spin.Ticks;
            var spinner = default(SpinWait);
            while (_requested == seen && !_stopping)
            {
                if (DateTime.UtcNow.Ticks > deadline)
                {
                    _wake.Wait();
                    deadline = DateTime.UtcNow.Ticks + Spin.Ticks;
                }
                else
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                }
            }

            if (_stopping)
            {
                return;
            }

            seen = _requested;
            try
            {
                _other();
            }
            catch (Exception exception)
            {
                _failure = exception;
            }

            _completed = seen;
        }
    }
}
