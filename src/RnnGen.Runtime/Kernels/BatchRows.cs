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
    public const int MinimumRowsPerThread = 4;

    /// <summary>
    /// Runs <paramref name="body"/> for rows [0, batch), split into contiguous parts when there are threads to spare
    /// and the batch takes the packed products (<see cref="MatrixKernels.PrefersPackedWeights"/>); otherwise once,
    /// on this thread. <paramref name="data"/> is pinned while the parts run.
    /// </summary>
    public static unsafe void For<TModel>(TModel model, ReadOnlySpan<float> data, int steps, int batch, BatchRowsBody<TModel> body)
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

        public void RunPart(int part, int parts) =>
            _body!(_model!, new ReadOnlySpan<float>(_data, _length), _steps, _batch, _batch * part / parts, _batch * (part + 1) / parts);
    }
}
