using System;
using System.ComponentModel;

namespace RnnGen.Kernels;

/// <summary>
/// The time steps of sequences [<paramref name="first"/>, <paramref name="end"/>) of a batch of
/// <paramref name="batch"/> sequences: a part of a recurrent layer's forward or backward loop.
/// <paramref name="data"/> is the span the caller passed to <see cref="BatchRows.For"/>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate void BatchRowsBody<in TModel>(TModel model, ReadOnlySpan<float> data, int steps, int batch, int first, int end);

/// <summary>
/// Splits the sequences of a batch between the kernel threads (<see cref="Parallelism.Threads"/>) for a recurrent
/// layer's time loop. Sequences do not interact inside the loop, so each thread runs every step for its rows with
/// no synchronisation until the loop ends; the point-wise cells and copies are split along with the products. Each
/// row is computed exactly as on one thread (the per-step products use <see cref="MatrixKernels.MultiplyAddPrepacked"/>,
/// whose rows do not depend on each other), so results are bit-identical for any thread count.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BatchRows
{
    /// <summary>Fewest sequences worth a thread of their own: below this the products would waste most of a register block.</summary>
    private const int MinimumRowsPerThread = 4;

    // StateForThisThread's buffer, from a 64-byte line
    [ThreadStatic]
    private static float[]? t_state;

    [ThreadStatic]
    private static int t_stateStart;

    /// <summary>
    /// Runs <paramref name="body"/> for rows [0, batch), split into contiguous parts when there are threads to spare
    /// and the batch takes the packed products (<see cref="MatrixKernels.PrefersPackedWeights"/>); otherwise once,
    /// on this thread. The parts hold about the same number of time steps (<paramref name="lengths"/>, one per row:
    /// a longest-first batch puts fewer rows in the first part). <paramref name="data"/> is pinned while they run.
    /// </summary>
    public static unsafe void For<TModel>(TModel model, ReadOnlySpan<float> data, ReadOnlySpan<int> lengths, int steps, int batch, BatchRowsBody<TModel> body)
        where TModel : class
    {
        ArgumentNullException.ThrowIfNull(body);
        int parts = MatrixKernels.PrefersPackedWeights(batch) ? Math.Min(KernelWorkers.AvailableThreads, batch / MinimumRowsPerThread) : 1;
        if (parts <= 1)
        {
            body(model, data, steps, batch, 0, batch);
            return;
        }

        fixed (float* pointer = data)
        {
            var job = Job<TModel>.ForThisThread;
            job.Set(model, pointer, data.Length, steps, batch, body);
            job.Balance(lengths.Slice(0, batch), parts);
            try
            {
                KernelWorkers.Run(job, parts);
            }
            finally
            {
                job.Set(null, null, 0, 0, 0, null); // keep neither the model nor the delegate alive
            }
        }
    }

    /// <summary>
    /// A buffer of <paramref name="length"/> floats of the calling thread's own, reused by its next call (made or grown
    /// on the way; generated models ask for room for their whole batch, so that a part whose size changes with the
    /// lengths of the next batch allocates nothing), for the running state of its part of a time loop: h and c
    /// forward, their gradients backward. Each part copies its rows of the state in, runs every
    /// step on them, and copies them back: two threads that write neighbouring rows of one state array at every step
    /// slow each other down (a batch-8 LSTM(28→128) backward loop on two threads took 145-149 µs that way, 110-115 µs
    /// with the state of each part in its thread's own buffer, as long as one part alone).
    /// </summary>
    /// <returns>The buffer, contents unspecified, valid until this thread's next call.</returns>
    public static Span<float> StateForThisThread(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return AlignedFloats.Reuse(ref t_state, ref t_stateStart, length);
    }

    private sealed unsafe class Job<TModel> : KernelWorkers.IPartitionedJob
        where TModel : class
    {
        [ThreadStatic]
        private static Job<TModel>? t_job;

        private TModel? _model;
        private float* _data;
        private int _length;
        private int _steps;
        private int _batch;
        private BatchRowsBody<TModel>? _body;
        private int[] _bounds = [];

        public static Job<TModel> ForThisThread => t_job ??= new Job<TModel>();

        public void Set(TModel? model, float* data, int length, int steps, int batch, BatchRowsBody<TModel>? body)
        {
            _model = model;
            _data = data;
            _length = length;
            _steps = steps;
            _batch = batch;
            _body = body;
        }

        /// <summary>Part p gets rows [bounds[p], bounds[p + 1]): equal shares of the steps, at least the minimum rows each.</summary>
        public void Balance(ReadOnlySpan<int> lengths, int parts)
        {
            if (_bounds.Length < parts + 1)
            {
                _bounds = new int[parts + 1];
            }

            long total = 0;
            foreach (int length in lengths)
            {
                total += length;
            }

            _bounds[0] = 0;
            long sum = 0;
            int row = 0;
            for (int p = 1; p < parts; p++)
            {
                long share = total * p / parts;
                while (row < lengths.Length && sum + lengths[row] <= share)
                {
                    sum += lengths[row++];
                }

                int bounded = Math.Clamp(row, _bounds[p - 1] + MinimumRowsPerThread, lengths.Length - ((parts - p) * MinimumRowsPerThread));
                for (; row < bounded; row++)
                {
                    sum += lengths[row];
                }

                for (; row > bounded; row--)
                {
                    sum -= lengths[row - 1];
                }

                _bounds[p] = row;
            }

            _bounds[parts] = lengths.Length;
        }

        public void RunPart(int part, int parts) =>
            _body!(_model!, new ReadOnlySpan<float>(_data, _length), _steps, _batch, _bounds[part], _bounds[part + 1]);
    }
}
