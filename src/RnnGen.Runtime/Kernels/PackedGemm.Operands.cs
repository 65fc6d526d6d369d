namespace RnnGen.Kernels;

// The operands of PackedGemm's products: the B and C of one product, and their pinned form for the worker threads.
internal static partial class PackedGemm
{
    /// <summary>
    /// The B and C of a product over an A given apart: C [m × <see cref="N"/>] (row stride <see cref="CStride"/>) and B
    /// [depth × <see cref="N"/>] (element (k, j) at B[k·BDepthStride + j·BColumnStride], or tiles by <see cref="PackB"/>).
    /// The default, with <see cref="N"/> 0, is no product.
    /// </summary>
    internal readonly ref struct Columns(ref float c, nuint cStride, ref float b, nuint bDepthStride, nuint bColumnStride, int n)
    {
        public readonly ref float C = ref c;
        public readonly nuint CStride = cStride;
        public readonly ref float B = ref b;
        public readonly nuint BDepthStride = bDepthStride;
        public readonly nuint BColumnStride = bColumnStride;
        public readonly int N = n;
    }

    /// <summary>
    /// Where a product also adds the row sums of its transposed, packed A (the column sums of a gate gradient, which are
    /// its bias gradient): to <see cref="First"/> and, when <see cref="Targets"/> is 2, to <see cref="Second"/> too,
    /// [m] each. The default, with <see cref="Targets"/> 0, is none.
    /// </summary>
    internal readonly ref struct RowSums(ref float first, ref float second, int targets)
    {
        public readonly ref float First = ref first;
        public readonly ref float Second = ref second;
        public readonly int Targets = targets;
    }

    /// <summary>
    /// A row vector [N] that a product puts into every row of its C besides the sums: <see cref="BiasPlacement.Before"/>
    /// takes it for C's old values (C = bias + A·B, as a fill of the rows followed by the product), and
    /// <see cref="BiasPlacement.After"/> adds it to the result (C = (C + A·B) + bias, as the product followed by a pass
    /// that adds it). Either gives those two passes' bits, without the pass over C. The default is none.
    /// </summary>
    internal readonly ref struct RowBias(ref float values, BiasPlacement placement)
    {
        public readonly ref float Values = ref values;
        public readonly BiasPlacement Placement = placement;
    }

    /// <summary>Where a <see cref="RowBias"/> enters a product's C, or that there is none.</summary>
    internal enum BiasPlacement
    {
        None,
        Before,
        After,
    }

    /// <summary>One call's operands as pinned addresses, so that worker threads can compute their panels of it.</summary>
    private sealed unsafe class Job : KernelWorkers.IPartitionedJob
    {
        private PinnedColumns _first;
        private PinnedColumns _second;
        private PinnedRowSums _sums;
        private PinnedRowBias _bias;
        private bool _prepacked;
        private float* _a;
        private nuint _aRowStride;
        private nuint _aDepthStride;
        private int _m;
        private int _depth;
        private int _panels;

        public void Set(PinnedColumns first, PinnedColumns second, PinnedRowSums sums, PinnedRowBias bias, bool prepacked, float* a, nuint aRowStride, nuint aDepthStride, int m, int depth, int panels)
        {
            (_first, _second, _sums, _bias, _prepacked) = (first, second, sums, bias, prepacked);
            _a = a;
            (_aRowStride, _aDepthStride, _m, _depth, _panels) = (aRowStride, aDepthStride, m, depth, panels);
        }

        public void RunPart(int part, int parts) =>
            MultiplyAddPanels(
                _first.AsColumns(), _second.AsColumns(), _sums.AsRowSums(), _bias.AsRowBias(), _prepacked, ref *_a, _aRowStride, _aDepthStride,
                _m, _depth, (int)((long)_panels * part / parts), (int)((long)_panels * (part + 1) / parts));
    }

    /// <summary><see cref="Columns"/> at pinned addresses, kept by a <see cref="Job"/> between threads.</summary>
    private readonly unsafe struct PinnedColumns(float* c, nuint cStride, float* b, nuint bDepthStride, nuint bColumnStride, int n)
    {
        public Columns AsColumns() => new(ref *c, cStride, ref *b, bDepthStride, bColumnStride, n);
    }

    /// <summary><see cref="RowSums"/> at pinned addresses.</summary>
    private readonly unsafe struct PinnedRowSums(float* first, float* second, int targets)
    {
        public RowSums AsRowSums() => new(ref *first, ref *second, targets);
    }

    /// <summary><see cref="RowBias"/> at a pinned address.</summary>
    private readonly unsafe struct PinnedRowBias(float* values, BiasPlacement placement)
    {
        public RowBias AsRowBias() => new(ref *values, placement);
    }
}
