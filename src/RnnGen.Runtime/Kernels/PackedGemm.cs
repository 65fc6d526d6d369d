using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// C += A·B for the batched products of training (many rows), in the GotoBLAS shape with Vector256:
/// the inner dimension in blocks of <see cref="DepthBlock"/>; for each block, A packed into panels of
/// <see cref="PanelRows"/> rows interleaved by depth (so the kernel's broadcasts read consecutive floats), sixteen
/// panels at a time, and B in tiles of <see cref="TileColumns"/> columns (read in place when its rows are
/// contiguous, packed otherwise, or packed once by <see cref="PackB"/> for a weight that every step of a time loop
/// multiplies); a register-blocked 6×16 kernel keeps 12 accumulators and multiplies each packed A value into two
/// B vectors.
/// Any operand may be transposed through its strides. Partial panels and tiles are zero-padded and go through a
/// scratch tile, so the kernel itself has no edge cases. Scratch lives per thread and is reused: no allocation
/// once a thread has seen its largest shape.
/// </summary>
internal static class PackedGemm
{
    /// <summary>Rows of C per kernel call (register block).</summary>
    public const int PanelRows = 6;

    /// <summary>Columns of C per kernel call: two Vector256.</summary>
    public const int TileColumns = 16;

    /// <summary>Inner-dimension block: a packed A panel (6 KB) stays in L1, a B block in L2.</summary>
    public const int DepthBlock = 256;

    /// <summary>
    /// Row panels packed and multiplied together: 96 rows × 256 deep is 96 KB of packed A, which stays in L2 beside
    /// the B block while every tile of B passes over it. A tall A packed whole (a weight gradient sums 1,792 rows into
    /// 512) spilled to L3 and came back from there for every tile.
    /// </summary>
    private const int PanelGroup = 16;

    [ThreadStatic]
    private static float[]? t_aPanels;

    [ThreadStatic]
    private static float[]? t_bTile;

    [ThreadStatic]
    private static float[]? t_cTile;

    [ThreadStatic]
    private static float[]? t_bBlock;

    /// <summary>Largest B block packed whole per depth block: 64 K floats (256 KB), half of a 512 KB L2.</summary>
    private const long MaximumPackedBlock = 1 << 16;

    /// <summary>Products smaller than this many multiply-adds stay on the calling thread.</summary>
    private const long ParallelWork = 1 << 18;

    [ThreadStatic]
    private static Job? t_job;

    /// <summary>
    /// c[i·cStride + j] += Σ_k a[i·aRowStride + k·aDepthStride] · b[k·bDepthStride + j·bColumnStride]
    /// for i &lt; m, j &lt; n, k &lt; depth. Callers have validated every extent. With more than one kernel thread, large
    /// products are split by panels of rows, each computed exactly as on one thread.
    /// </summary>
    public static void MultiplyAdd(
        ref float c, nuint cStride,
        ref float a, nuint aRowStride, nuint aDepthStride,
        ref float b, nuint bDepthStride, nuint bColumnStride,
        int m, int n, int depth) =>
        Run(ref c, cStride, ref a, aRowStride, aDepthStride, ref b, bDepthStride, bColumnStride, prepacked: false, m, n, depth);

    /// <summary>
    /// The same product with B already in tiles by <see cref="PackB"/>: the per-step products of a time loop use one
    /// weight at every step, and reading it as consecutive tiles (rather than rows a matrix width apart) lets the
    /// prefetchers stream it. Each element of C is computed exactly as by <see cref="MultiplyAdd"/>.
    /// </summary>
    public static void MultiplyAddPrepacked(ref float c, nuint cStride, ref float a, nuint aRowStride, nuint aDepthStride, ref float packedB, int m, int n, int depth) =>
        Run(ref c, cStride, ref a, aRowStride, aDepthStride, ref packedB, 0, 0, prepacked: true, m, n, depth);

    /// <summary>Floats that <see cref="PackB"/> writes for a B of <paramref name="depth"/> × <paramref name="columns"/>.</summary>
    public static long PackedLength(int depth, int columns) => (long)RoundUpToTile(columns) * depth;

    /// <summary>
    /// B [depth × columns] (element (k, j) at b[k·depthStride + j·columnStride]) as
    /// <see cref="MultiplyAddPrepacked"/> reads it: depth blocks of <see cref="DepthBlock"/>, in each the tiles of
    /// <see cref="TileColumns"/> columns one after another, each tile [kc × 16] with the last one zero-padded.
    /// </summary>
    public static void PackB(ref float b, nuint depthStride, nuint columnStride, int depth, int columns, Span<float> packed)
    {
        int padded = RoundUpToTile(columns);
        for (int k0 = 0; k0 < depth; k0 += DepthBlock)
        {
            int kc = Math.Min(DepthBlock, depth - k0);
            PackBlock(ref Unsafe.Add(ref b, (nuint)k0 * depthStride), depthStride, columnStride, kc, columns, packed.Slice(k0 * padded, kc * padded));
        }
    }

    /// <summary>One depth block of B (kc rows) as consecutive tiles of [kc × 16].</summary>
    private static void PackBlock(ref float b, nuint depthStride, nuint columnStride, int kc, int columns, Span<float> packed)
    {
        for (int j0 = 0; j0 < columns; j0 += TileColumns)
        {
            ref float origin = ref Unsafe.Add(ref b, (nuint)j0 * columnStride);
            PackTile(ref origin, depthStride, columnStride, Math.Min(TileColumns, columns - j0), kc, packed.Slice(j0 * kc, kc * TileColumns));
        }
    }

    private static int RoundUpToTile(int columns) => (columns + TileColumns - 1) / TileColumns * TileColumns;

    private static unsafe void Run(
        ref float c, nuint cStride,
        ref float a, nuint aRowStride, nuint aDepthStride,
        ref float b, nuint bDepthStride, nuint bColumnStride, bool prepacked,
        int m, int n, int depth)
    {
        int panels = (m + PanelRows - 1) / PanelRows;
        int parts = Math.Min(KernelWorkers.AvailableThreads, panels);
        if (parts <= 1 || (long)m * n * depth < ParallelWork)
        {
            MultiplyAddPanels(ref c, cStride, ref a, aRowStride, aDepthStride, ref b, bDepthStride, bColumnStride, prepacked, m, n, depth, 0, panels);
            return;
        }

        // The workers need addresses that stay put: pin the three operands for the duration of the product.
        fixed (float* cPointer = &c, aPointer = &a, bPointer = &b)
        {
            var job = t_job ??= new Job();
            job.Set(cPointer, cStride, aPointer, aRowStride, aDepthStride, bPointer, bDepthStride, bColumnStride, prepacked, m, n, depth, panels);
            KernelWorkers.Run(job, parts);
        }
    }

    /// <summary>The product restricted to the row panels [firstPanel, endPanel).</summary>
    private static void MultiplyAddPanels(
        ref float c, nuint cStride,
        ref float a, nuint aRowStride, nuint aDepthStride,
        ref float b, nuint bDepthStride, nuint bColumnStride, bool prepacked,
        int m, int n, int depth, int firstPanel, int endPanel)
    {
        int padded = RoundUpToTile(n);
        float[] aPanels = Scratch(ref t_aPanels, Math.Min(PanelGroup, endPanel - firstPanel) * PanelRows * DepthBlock);
        float[] bTile = Scratch(ref t_bTile, DepthBlock * TileColumns);
        float[] cTile = Scratch(ref t_cTile, PanelRows * TileColumns);

        // A B that cannot be read in place, met by more than one group of panels, is packed once per depth block
        // (when the block is not too large to keep) rather than once per tile per group.
        bool packBlocks = !prepacked && (bColumnStride != 1 || n % TileColumns != 0)
            && endPanel - firstPanel > PanelGroup && (long)Math.Min(DepthBlock, depth) * padded <= MaximumPackedBlock;
        float[] bBlock = packBlocks ? Scratch(ref t_bBlock, Math.Min(DepthBlock, depth) * padded) : [];
        for (int k0 = 0; k0 < depth; k0 += DepthBlock)
        {
            int kc = Math.Min(DepthBlock, depth - k0);
            ref float aBlock = ref Unsafe.Add(ref a, (nuint)k0 * aDepthStride);
            if (packBlocks)
            {
                PackBlock(ref Unsafe.Add(ref b, (nuint)k0 * bDepthStride), bDepthStride, bColumnStride, kc, n, bBlock);
            }

            for (int g0 = firstPanel; g0 < endPanel; g0 += PanelGroup)
            {
                int g1 = Math.Min(endPanel, g0 + PanelGroup);
                for (int p = g0; p < g1; p++)
                {
                    PackPanel(ref aBlock, aRowStride, aDepthStride, p * PanelRows, Math.Min(PanelRows, m - (p * PanelRows)), kc, aPanels.AsSpan((p - g0) * PanelRows * kc, PanelRows * kc));
                }

                for (int j0 = 0; j0 < n; j0 += TileColumns)
                {
                    int nr = Math.Min(TileColumns, n - j0);
                    ref float tile = ref b;
                    nuint tileStride = TileColumns;
                    if (prepacked)
                    {
                        tile = ref Unsafe.Add(ref b, (k0 * padded) + (j0 * kc));
                    }
                    else if (packBlocks)
                    {
                        tile = ref bBlock[j0 * kc];
                    }
                    else if (bColumnStride != 1 || nr < TileColumns)
                    {
                        ref float bOrigin = ref Unsafe.Add(ref b, ((nuint)k0 * bDepthStride) + ((nuint)j0 * bColumnStride));
                        PackTile(ref bOrigin, bDepthStride, bColumnStride, nr, kc, bTile);
                        tile = ref MemoryMarshal.GetArrayDataReference(bTile);
                    }
                    else
                    {
                        tile = ref Unsafe.Add(ref b, ((nuint)k0 * bDepthStride) + (nuint)j0);
                        tileStride = bDepthStride;
                    }

                    for (int p = g0; p < g1; p++)
                    {
                        int i0 = p * PanelRows;
                        int mr = Math.Min(PanelRows, m - i0);
                        ref float panel = ref aPanels[(p - g0) * PanelRows * kc];
                        ref float cOrigin = ref Unsafe.Add(ref c, ((nuint)i0 * cStride) + (nuint)j0);
                        if (mr == PanelRows && nr == TileColumns)
                        {
                            Kernel6x16(ref cOrigin, cStride, ref panel, ref tile, tileStride, kc);
                            continue;
                        }

                        // An edge: compute the whole 6×16 block into the scratch tile and add only the part inside C.
                        Array.Clear(cTile);
                        ref float scratch = ref MemoryMarshal.GetArrayDataReference(cTile);
                        Kernel6x16(ref scratch, TileColumns, ref panel, ref tile, tileStride, kc);
                        for (int i = 0; i < mr; i++)
                        {
                            ref float cRow = ref Unsafe.Add(ref cOrigin, (nuint)i * cStride);
                            for (int j = 0; j < nr; j++)
                            {
                                Unsafe.Add(ref cRow, j) += cTile[(i * TileColumns) + j];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Rows [i0, i0 + rows) of the A block as panel[k·6 + i]; rows past the end are zero.</summary>
    private static void PackPanel(ref float a, nuint rowStride, nuint depthStride, int i0, int rows, int kc, Span<float> panel)
    {
        if (rows < PanelRows)
        {
            panel.Clear();
        }

        ref float target = ref MemoryMarshal.GetReference(panel);
        if (rowStride == 1)
        {
            // A transposed operand (the gradient of the gates, read as [gates, steps·batch] for a weight gradient): the
            // panel's rows sit side by side at every depth, so read them together, one depth after another.
            ref float first = ref Unsafe.Add(ref a, i0);
            for (int k = 0; k < kc; k++)
            {
                ref float source = ref Unsafe.Add(ref first, (nuint)k * depthStride);
                ref float packed = ref Unsafe.Add(ref target, k * PanelRows);
                for (int i = 0; i < rows; i++)
                {
                    Unsafe.Add(ref packed, i) = Unsafe.Add(ref source, i);
                }
            }

            return;
        }

        for (int i = 0; i < rows; i++)
        {
            ref float row = ref Unsafe.Add(ref a, (nuint)(i0 + i) * rowStride);
            if (depthStride == 1)
            {
                for (int k = 0; k < kc; k++)
                {
                    Unsafe.Add(ref target, (k * PanelRows) + i) = Unsafe.Add(ref row, k);
                }
            }
            else
            {
                for (int k = 0; k < kc; k++)
                {
                    Unsafe.Add(ref target, (k * PanelRows) + i) = Unsafe.Add(ref row, (nuint)k * depthStride);
                }
            }
        }
    }

    /// <summary>Columns [0, columns) of a B tile as tile[k·16 + j]; columns past the end are zero.</summary>
    private static void PackTile(ref float b, nuint depthStride, nuint columnStride, int columns, int kc, Span<float> tile)
    {
        if (columns < TileColumns)
        {
            tile.Slice(0, kc * TileColumns).Clear();
        }

        ref float target = ref MemoryMarshal.GetReference(tile);
        if (columnStride == 1)
        {
            for (int k = 0; k < kc; k++)
            {
                ref float row = ref Unsafe.Add(ref b, (nuint)k * depthStride);
                for (int j = 0; j < columns; j++)
                {
                    Unsafe.Add(ref target, (k * TileColumns) + j) = Unsafe.Add(ref row, j);
                }
            }

            return;
        }

        // A transposed operand (a weight [outputs, inner] used as [inner, outputs]): each column is a contiguous row.
        for (int j = 0; j < columns; j++)
        {
            ref float column = ref Unsafe.Add(ref b, (nuint)j * columnStride);
            for (int k = 0; k < kc; k++)
            {
                Unsafe.Add(ref target, (k * TileColumns) + j) = Unsafe.Add(ref column, (nuint)k * depthStride);
            }
        }
    }

    /// <summary>C[6×16] += panel[kc×6]ᵀ-interleaved · B[kc×16]: 12 accumulators, 2 loads and 6 broadcasts per depth step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16(ref float c, nuint cStride, ref float panel, ref float b, nuint bStride, int kc)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        ref float aStep = ref panel;
        ref float bRow = ref b;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector256.LoadUnsafe(ref bRow);
            var b1 = Vector256.LoadUnsafe(ref bRow, 8);
            var x = Vector256.Create(aStep);
            c00 = Vector256.MultiplyAddEstimate(x, b0, c00);
            c01 = Vector256.MultiplyAddEstimate(x, b1, c01);
            x = Vector256.Create(Unsafe.Add(ref aStep, 1));
            c10 = Vector256.MultiplyAddEstimate(x, b0, c10);
            c11 = Vector256.MultiplyAddEstimate(x, b1, c11);
            x = Vector256.Create(Unsafe.Add(ref aStep, 2));
            c20 = Vector256.MultiplyAddEstimate(x, b0, c20);
            c21 = Vector256.MultiplyAddEstimate(x, b1, c21);
            x = Vector256.Create(Unsafe.Add(ref aStep, 3));
            c30 = Vector256.MultiplyAddEstimate(x, b0, c30);
            c31 = Vector256.MultiplyAddEstimate(x, b1, c31);
            x = Vector256.Create(Unsafe.Add(ref aStep, 4));
            c40 = Vector256.MultiplyAddEstimate(x, b0, c40);
            c41 = Vector256.MultiplyAddEstimate(x, b1, c41);
            x = Vector256.Create(Unsafe.Add(ref aStep, 5));
            c50 = Vector256.MultiplyAddEstimate(x, b0, c50);
            c51 = Vector256.MultiplyAddEstimate(x, b1, c51);
            aStep = ref Unsafe.Add(ref aStep, PanelRows);
            bRow = ref Unsafe.Add(ref bRow, bStride);
        }

        Accumulate(ref c, c00, c01);
        Accumulate(ref Unsafe.Add(ref c, cStride), c10, c11);
        Accumulate(ref Unsafe.Add(ref c, 2 * cStride), c20, c21);
        Accumulate(ref Unsafe.Add(ref c, 3 * cStride), c30, c31);
        Accumulate(ref Unsafe.Add(ref c, 4 * cStride), c40, c41);
        Accumulate(ref Unsafe.Add(ref c, 5 * cStride), c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(ref float row, Vector256<float> left, Vector256<float> right)
    {
        (Vector256.LoadUnsafe(ref row) + left).StoreUnsafe(ref row);
        (Vector256.LoadUnsafe(ref row, 8) + right).StoreUnsafe(ref row, 8);
    }

    /// <summary>One product's operands as pinned addresses, so that worker threads can compute their panels of it.</summary>
    private sealed unsafe class Job : KernelWorkers.IPartitionedJob
    {
        private float* _c;
        private float* _a;
        private float* _b;
        private nuint _cStride;
        private nuint _aRowStride;
        private nuint _aDepthStride;
        private nuint _bDepthStride;
        private nuint _bColumnStride;
        private bool _prepacked;
        private int _m;
        private int _n;
        private int _depth;
        private int _panels;

        public void Set(float* c, nuint cStride, float* a, nuint aRowStride, nuint aDepthStride, float* b, nuint bDepthStride, nuint bColumnStride, bool prepacked, int m, int n, int depth, int panels)
        {
            _c = c;
            _a = a;
            _b = b;
            (_cStride, _aRowStride, _aDepthStride, _bDepthStride, _bColumnStride) = (cStride, aRowStride, aDepthStride, bDepthStride, bColumnStride);
            _prepacked = prepacked;
            (_m, _n, _depth, _panels) = (m, n, depth, panels);
        }

        public void RunPart(int part, int parts) =>
            MultiplyAddPanels(
                ref *_c, _cStride, ref *_a, _aRowStride, _aDepthStride, ref *_b, _bDepthStride, _bColumnStride, _prepacked,
                _m, _n, _depth, _panels * part / parts, _panels * (part + 1) / parts);
    }

    private static float[] Scratch(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = new float[length];
        }

        return buffer;
    }
}
