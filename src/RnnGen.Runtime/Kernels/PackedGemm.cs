using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// C += A·B for the batched products of training (many rows), in the GotoBLAS shape: the inner dimension in blocks of
/// <see cref="DepthBlock"/>; for each block, A in panels of up to <see cref="PanelRows"/> rows (read in place when its
/// rows are contiguous, else packed interleaved by depth, sixteen panels at a time) and B in tiles of
/// <see cref="TileColumns"/> columns (packed once per block when enough panels pass over it, read in place or packed
/// per tile otherwise, or packed once by <see cref="PackB"/> for a weight that every step of a time loop multiplies); a
/// register-blocked kernel keeps two accumulators per row (12 for a full panel) and multiplies each A value into two B
/// vectors: two Vector256 of one tile, or with AVX-512 two Vector512 of two neighbouring tiles.
/// Any operand may be transposed through its strides. Each panel height has its own kernel, so no row is computed
/// twice; a partial tile of columns is zero-padded, and goes through a scratch tile alone or is added under a lane mask
/// as the second of a pair. Each element of C is the same chain of multiply-adds whatever the panel it falls in and
/// whatever the vector width, so results do not depend on the number of rows, on how they are split or on the machine.
/// Two products over the same transposed A (two weight gradients of one gate gradient) can share A's panels, and take
/// A's row sums (the bias gradient) while they pack it (<see cref="MultiplyAddTransposedA"/>). A single product can put
/// a bias into every row of C as it stores its sums (<see cref="RowBias"/>), in place of a pass over C before or after.
/// Scratch lives per thread and is reused: no allocation once a thread has seen its largest shape.
/// </summary>
internal static partial class PackedGemm
{
    /// <summary>Rows of C per kernel call (register block); the last panels may have fewer.</summary>
    public const int PanelRows = 6;

    /// <summary>Columns of a B tile: two Vector256. One kernel call takes a tile, or with AVX-512 a pair of tiles.</summary>
    public const int TileColumns = 16;

    /// <summary>
    /// Whether neighbouring tiles go through the kernel in pairs, as 32 columns of Vector512: where AVX-512 runs at full
    /// width, it does twice the multiply-adds per instruction of two Vector256.
    /// </summary>
    private static bool PairTiles => Vector512.IsHardwareAccelerated;

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
    private static float[]? t_aSums;

    [ThreadStatic]
    private static float[]? t_bTile;

    [ThreadStatic]
    private static float[]? t_cTile;

    [ThreadStatic]
    private static float[]? t_bBlock;

    /// <summary>Largest B block packed whole per depth block: 64 K floats (256 KB), half of a 512 KB L2.</summary>
    private const long MaximumPackedBlock = 1 << 16;

    /// <summary>Row panels from which packing B once per depth block pays for itself.</summary>
    private const int PanelsToPackB = 4;

    /// <summary>Products smaller than this many multiply-adds stay on the calling thread.</summary>
    private const long ParallelWork = 1 << 18;

    [ThreadStatic]
    private static Job? t_job;

    /// <summary>
    /// c[i·cStride + j] += Σ_k a[i·aRowStride + k·aDepthStride] · b[k·bDepthStride + j·bColumnStride]
    /// for i &lt; m, j &lt; n, k &lt; depth, with <paramref name="bias"/> (if any) put into every row as it says. Callers
    /// have validated every extent, and depth is at least 1. With more than one kernel thread, large products are split
    /// by panels of rows, each computed exactly as on one thread.
    /// </summary>
    public static void MultiplyAdd(
        ref float c, nuint cStride,
        ref float a, nuint aRowStride, nuint aDepthStride,
        ref float b, nuint bDepthStride, nuint bColumnStride,
        int m, int n, int depth, scoped in RowBias bias = default) =>
        Run(new Columns(ref c, cStride, ref b, bDepthStride, bColumnStride, n), default, default, bias, prepacked: false, ref a, aRowStride, aDepthStride, m, depth);

    /// <summary>
    /// One or two products over the same transposed A (<paramref name="aDepthStride"/> not 1), <paramref name="first"/>.C
    /// += A·<paramref name="first"/>.B and the same for <paramref name="second"/> unless its N is 0, with A packed once for
    /// both and its row sums added to <paramref name="sums"/> while it is. The weight gradients dW_hh and dW_ih of a
    /// recurrent layer both multiply the transposed gate gradients, whose packing took about a tenth of dW_hh's time and a
    /// third of dW_ih's (LSTM(28→128), batch 64); and the gate gradients' column sums are the bias gradients, which a pass
    /// of their own read again from memory. Each element of either C is computed exactly as by <see cref="MultiplyAdd"/>,
    /// and each sum is 0 plus the row's elements in depth order, then added to its target, as
    /// <see cref="MatrixKernels.AccumulateColumnSums(ReadOnlySpan{float}, int, Span{float}, int, int)"/> computes it.
    /// </summary>
    public static void MultiplyAddTransposedA(
        scoped in Columns first, scoped in Columns second, scoped in RowSums sums,
        ref float a, nuint aRowStride, nuint aDepthStride, int m, int depth)
    {
        Debug.Assert(aDepthStride != 1, "A transposed operand is packed, and summed on the way.");
        Run(first, second, sums, default, prepacked: false, ref a, aRowStride, aDepthStride, m, depth);
    }

    /// <summary>
    /// The same product with B already in tiles by <see cref="PackB"/>: the per-step products of a time loop use one
    /// weight at every step, and reading it as consecutive tiles (rather than rows a matrix width apart) lets the
    /// prefetchers stream it. Each element of C is computed exactly as by <see cref="MultiplyAdd"/>.
    /// </summary>
    public static void MultiplyAddPrepacked(ref float c, nuint cStride, ref float a, nuint aRowStride, nuint aDepthStride, ref float packedB, int m, int n, int depth, scoped in RowBias bias = default) =>
        Run(new Columns(ref c, cStride, ref packedB, 0, 0, n), default, default, bias, prepacked: true, ref a, aRowStride, aDepthStride, m, depth);

    /// <summary>
    /// Whether the B blocks of two products over the same A (<see cref="MultiplyAddTransposedA"/>) fit one packed block
    /// together, as each would alone: otherwise sharing A would cost the packing of B.
    /// </summary>
    public static bool FitOnePackedBlock(int depth, int n1, int n2) =>
        (long)Math.Min(DepthBlock, depth) * (RoundUpToTile(n1) + RoundUpToTile(n2)) <= MaximumPackedBlock;

    // In long: columns near int.MaxValue would round up past it.
    /// <summary>Floats that <see cref="PackB"/> writes for a B of <paramref name="depth"/> × <paramref name="columns"/>.</summary>
    public static long PackedLength(int depth, int columns) => ((long)columns + TileColumns - 1) / TileColumns * TileColumns * depth;

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackBlock(ref float b, nuint depthStride, nuint columnStride, int kc, int columns, Span<float> packed)
    {
        for (int j0 = 0; j0 < columns; j0 += TileColumns)
        {
            ref float origin = ref Unsafe.Add(ref b, (nuint)j0 * columnStride);
            PackTile(ref origin, depthStride, columnStride, Math.Min(TileColumns, columns - j0), kc, packed.Slice(j0 * kc, kc * TileColumns));
        }
    }

    private static int RoundUpToTile(int columns) => (columns + TileColumns - 1) / TileColumns * TileColumns;

    private static unsafe void Run(scoped in Columns first, scoped in Columns second, scoped in RowSums sums, scoped in RowBias bias, bool prepacked, ref float a, nuint aRowStride, nuint aDepthStride, int m, int depth)
    {
        Debug.Assert(depth > 0, "A bias Before takes the place of C's values only where a depth block writes them.");
        Debug.Assert(bias.Placement == BiasPlacement.None || second.N == 0, "A row bias belongs to a single product.");
        int panels = PanelCount(m);
        int parts = Math.Min(KernelWorkers.AvailableThreads, panels);
        if (parts <= 1 || (long)m * (first.N + second.N) * depth < ParallelWork)
        {
            MultiplyAddPanels(first, second, sums, bias, prepacked, ref a, aRowStride, aDepthStride, m, depth, 0, panels);
            return;
        }

        // The workers need addresses that stay put: pin the operands for the duration of the product.
        fixed (float* aPointer = &a, c1 = &first.C, b1 = &first.B, c2 = &second.C, b2 = &second.B, s1 = &sums.First, s2 = &sums.Second, biasPointer = &bias.Values)
        {
            var job = t_job ??= new Job();
            job.Set(new PinnedColumns(c1, first.CStride, b1, first.BDepthStride, first.BColumnStride, first.N),
                new PinnedColumns(c2, second.CStride, b2, second.BDepthStride, second.BColumnStride, second.N),
                new PinnedRowSums(s1, s2, sums.Targets),
                new PinnedRowBias(biasPointer, bias.Placement),
                prepacked, aPointer, aRowStride, aDepthStride, m, depth, panels);
            KernelWorkers.Run(job, parts);
        }
    }

    /// <summary>The products (and A's row sums, and the first product's row bias) restricted to the row panels [firstPanel, endPanel).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyAddPanels(
        scoped in Columns first, scoped in Columns second, scoped in RowSums sums, scoped in RowBias bias, bool prepacked,
        ref float a, nuint aRowStride, nuint aDepthStride,
        int m, int depth, int firstPanel, int endPanel)
    {
        Debug.Assert(!prepacked || second.N == 0, "Prepacked tiles hold one product's B.");
        Debug.Assert(sums.Targets == 0 || aDepthStride != 1, "Only a packed A is summed.");
        int panels = PanelCount(m);
        int firstPadded = RoundUpToTile(first.N);
        int secondPadded = RoundUpToTile(second.N);
        int firstTiles = firstPadded / TileColumns;
        int tiles = firstTiles + (secondPadded / TileColumns);

        // A with contiguous rows is read in place: its rows are the kernel's six broadcast streams. Otherwise (a
        // transposed operand) its panels are packed, sixteen at a time, each row interleaved by depth.
        bool packA = aDepthStride != 1;
        float[] aPanels = packA ? Scratch(ref t_aPanels, Math.Min(PanelGroup, endPanel - firstPanel) * PanelRows * DepthBlock) : [];

        // A's row sums so far, across the depth blocks, for the rows of these panels
        int firstRow = PanelStart(firstPanel, m, panels);
        int sumRows = sums.Targets > 0 ? PanelEnd(endPanel - 1, m, panels) - firstRow : 0;
        Span<float> partialSums = sumRows > 0 ? Scratch(ref t_aSums, sumRows).AsSpan(0, sumRows) : [];
        partialSums.Clear();
        float[] bTile = Scratch(ref t_bTile, 2 * DepthBlock * TileColumns); // room for a pair of tiles
        float[] cTile = Scratch(ref t_cTile, PanelRows * TileColumns);

        // B is packed once per depth block when enough panels pass over it (its tiles then stream as consecutive
        // floats rather than rows a matrix width apart) and the block is not too large to keep.
        bool packBlocks = !prepacked && endPanel - firstPanel >= PanelsToPackB
            && (long)Math.Min(DepthBlock, depth) * (firstPadded + secondPadded) <= MaximumPackedBlock;
        float[] bBlock = packBlocks ? Scratch(ref t_bBlock, Math.Min(DepthBlock, depth) * (firstPadded + secondPadded)) : [];
        for (int k0 = 0; k0 < depth; k0 += DepthBlock)
        {
            int kc = Math.Min(DepthBlock, depth - k0);
            ref float aBlock = ref Unsafe.Add(ref a, (nuint)k0 * aDepthStride);

            // a bias that takes the place of C's values goes in with the first depth block, one added to the sums
            // with the last
            BiasPlacement placement = bias.Placement switch
            {
                BiasPlacement.Before when k0 == 0 => BiasPlacement.Before,
                BiasPlacement.After when k0 + kc == depth => BiasPlacement.After,
                _ => BiasPlacement.None,
            };
            if (packBlocks)
            {
                // the second product's tiles follow the first's
                PackBlock(ref Unsafe.Add(ref first.B, (nuint)k0 * first.BDepthStride), first.BDepthStride, first.BColumnStride, kc, first.N, bBlock);
                if (second.N > 0)
                {
                    PackBlock(ref Unsafe.Add(ref second.B, (nuint)k0 * second.BDepthStride), second.BDepthStride, second.BColumnStride, kc, second.N, bBlock.AsSpan(kc * firstPadded));
                }
            }

            for (int g0 = firstPanel; g0 < endPanel; g0 += PanelGroup)
            {
                int g1 = Math.Min(endPanel, g0 + PanelGroup);
                if (packA)
                {
                    for (int p = g0; p < g1; p++)
                    {
                        int i0 = PanelStart(p, m, panels);
                        int rows = PanelEnd(p, m, panels) - i0;
                        PackPanel(ref aBlock, aRowStride, aDepthStride, i0, rows, kc, aPanels.AsSpan((p - g0) * PanelRows * kc, PanelRows * kc), partialSums.IsEmpty ? [] : partialSums.Slice(i0 - firstRow, rows));
                    }
                }

                // the tiles of the first product's columns, then of the second's: both use the panels of A packed above;
                // with AVX-512, two neighbouring tiles of one product (the second may be partial) go through the kernel
                // together
                for (int tileIndex = 0; tileIndex < tiles;)
                {
                    bool inFirst = tileIndex < firstTiles;
                    scoped ref readonly Columns columns = ref inFirst ? ref first : ref second;
                    int j0 = (inFirst ? tileIndex : tileIndex - firstTiles) * TileColumns;
                    bool pair = PairTiles && columns.N - j0 > TileColumns;
                    int span = pair ? 2 * TileColumns : TileColumns; // the columns the kernel computes
                    int nr = Math.Min(span, columns.N - j0); // of which inside C
                    ref float tileBias = ref Unsafe.Add(ref bias.Values, j0); // read only with a placement, which only the first product has
                    ref float b = ref columns.B;
                    ref float tile = ref b;
                    nuint tileStride = TileColumns;
                    nuint secondTile = (nuint)(TileColumns * kc); // where the next tile starts, in the packed layouts
                    if (prepacked)
                    {
                        tile = ref Unsafe.Add(ref b, (k0 * firstPadded) + (j0 * kc));
                    }
                    else if (packBlocks)
                    {
                        tile = ref bBlock[(inFirst ? 0 : kc * firstPadded) + (j0 * kc)];
                    }
                    else if (columns.BColumnStride != 1 || nr < span)
                    {
                        ref float bOrigin = ref Unsafe.Add(ref b, ((nuint)k0 * columns.BDepthStride) + ((nuint)j0 * columns.BColumnStride));
                        PackTile(ref bOrigin, columns.BDepthStride, columns.BColumnStride, Math.Min(TileColumns, nr), kc, bTile);
                        if (pair)
                        {
                            PackTile(ref Unsafe.Add(ref bOrigin, (nuint)TileColumns * columns.BColumnStride), columns.BDepthStride, columns.BColumnStride, nr - TileColumns, kc, bTile.AsSpan(TileColumns * kc));
                        }

                        tile = ref MemoryMarshal.GetArrayDataReference(bTile);
                    }
                    else
                    {
                        tile = ref Unsafe.Add(ref b, ((nuint)k0 * columns.BDepthStride) + (nuint)j0);
                        tileStride = columns.BDepthStride;
                        secondTile = TileColumns;
                    }

                    for (int p = g0; p < g1; p++)
                    {
                        int i0 = PanelStart(p, m, panels);
                        int mr = PanelEnd(p, m, panels) - i0;
                        ref float panel = ref packA ? ref aPanels[(p - g0) * PanelRows * kc] : ref Unsafe.Add(ref aBlock, (nuint)i0 * aRowStride);
                        (nuint panelRowStride, nuint panelDepthStride) = packA ? ((nuint)1, (nuint)PanelRows) : (aRowStride, (nuint)1);
                        ref float cOrigin = ref Unsafe.Add(ref columns.C, ((nuint)i0 * columns.CStride) + (nuint)j0);
                        if (pair)
                        {
                            // a partial second tile is added to C under a lane mask
                            PairKernel(mr, ref cOrigin, columns.CStride, ref panel, panelRowStride, panelDepthStride, ref tile, tileStride, secondTile, nr - TileColumns, kc, placement, ref tileBias);
                            continue;
                        }

                        if (nr == TileColumns)
                        {
                            Kernel(mr, ref cOrigin, columns.CStride, ref panel, panelRowStride, panelDepthStride, ref tile, tileStride, kc, placement, ref tileBias);
                            continue;
                        }

                        // A column edge: compute the whole block of 16 columns into the scratch tile (B's padding columns
                        // are zero) and add only the part inside C.
                        Array.Clear(cTile);
                        ref float scratch = ref MemoryMarshal.GetArrayDataReference(cTile);
                        Kernel(mr, ref scratch, TileColumns, ref panel, panelRowStride, panelDepthStride, ref tile, tileStride, kc, BiasPlacement.None, ref scratch);
                        for (int i = 0; i < mr; i++)
                        {
                            ref float cRow = ref Unsafe.Add(ref cOrigin, (nuint)i * columns.CStride);
                            for (int j = 0; j < nr; j++)
                            {
                                ref float target = ref Unsafe.Add(ref cRow, j);
                                float sum = cTile[(i * TileColumns) + j];
                                target = placement switch
                                {
                                    BiasPlacement.Before => Unsafe.Add(ref tileBias, j) + sum,
                                    BiasPlacement.After => target + sum + Unsafe.Add(ref tileBias, j),
                                    _ => target + sum,
                                };
                            }
                        }
                    }

                    tileIndex += pair ? 2 : 1;
                }
            }
        }

        // each row's sum, complete, added to its targets
        for (int i = 0; i < sumRows; i++)
        {
            Unsafe.Add(ref sums.First, firstRow + i) += partialSums[i];
            if (sums.Targets == 2)
            {
                Unsafe.Add(ref sums.Second, firstRow + i) += partialSums[i];
            }
        }
    }

    private static int PanelCount(int m) => (m + PanelRows - 1) / PanelRows;

    /// <summary>
    /// First row of panel <paramref name="p"/> of an <paramref name="m"/>-row A: every sixth row, except that a
    /// last panel of one or two rows takes two rows of the panel before it (4 + 3 or 4 + 4 rather than 6 + 1 or 6 + 2):
    /// a panel of two rows keeps four accumulators, too few to cover the multiply-add latency.
    /// </summary>
    private static int PanelStart(int p, int m, int panels) =>
        p == panels - 1 && panels >= 2 && m % PanelRows is 1 or 2 ? (p * PanelRows) - 2 : p * PanelRows;

    private static int PanelEnd(int p, int m, int panels) => p == panels - 1 ? m : PanelStart(p + 1, m, panels);

    /// <summary>
    /// Rows [i0, i0 + rows) of the A block as panel[k·6 + i], each row's elements also added in depth order to its
    /// running sum in <paramref name="sums"/> unless that is empty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackPanel(ref float a, nuint rowStride, nuint depthStride, int i0, int rows, int kc, Span<float> panel, Span<float> sums)
    {
        ref float target = ref MemoryMarshal.GetReference(panel);
        if (rowStride == 1 && rows == PanelRows)
        {
            // A transposed operand (the gradient of the gates, read as [gates, steps·batch] for a weight gradient): the
            // panel's six rows sit side by side at every depth; copy them as two overlapping four-float vectors.
            ref float first = ref Unsafe.Add(ref a, i0);
            if (sums.IsEmpty)
            {
                for (int k = 0; k < kc; k++)
                {
                    ref float source = ref Unsafe.Add(ref first, (nuint)k * depthStride);
                    ref float packed = ref Unsafe.Add(ref target, k * PanelRows);
                    Vector128.LoadUnsafe(ref source).StoreUnsafe(ref packed);
                    Vector128.LoadUnsafe(ref source, 2).StoreUnsafe(ref packed, 2);
                }

                return;
            }

            // rows 2 and 3 are in both vectors: both sum them alike, from the same start
            ref float sum = ref MemoryMarshal.GetReference(sums);
            var low = Vector128.LoadUnsafe(ref sum);
            var high = Vector128.LoadUnsafe(ref sum, 2);
            for (int k = 0; k < kc; k++)
            {
                ref float source = ref Unsafe.Add(ref first, (nuint)k * depthStride);
                ref float packed = ref Unsafe.Add(ref target, k * PanelRows);
                var lowRows = Vector128.LoadUnsafe(ref source);
                var highRows = Vector128.LoadUnsafe(ref source, 2);
                lowRows.StoreUnsafe(ref packed);
                highRows.StoreUnsafe(ref packed, 2);
                low += lowRows;
                high += highRows;
            }

            low.StoreUnsafe(ref sum);
            high.StoreUnsafe(ref sum, 2);
            return;
        }

        for (int i = 0; i < rows; i++)
        {
            ref float row = ref Unsafe.Add(ref a, (nuint)(i0 + i) * rowStride);
            float sum = sums.IsEmpty ? 0f : sums[i];
            for (int k = 0; k < kc; k++)
            {
                float value = Unsafe.Add(ref row, (nuint)k * depthStride);
                Unsafe.Add(ref target, (k * PanelRows) + i) = value;
                sum += value;
            }

            if (!sums.IsEmpty)
            {
                sums[i] = sum;
            }
        }
    }

    /// <summary>Columns [0, columns) of a B tile as tile[k·16 + j]; columns past the end are zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
                ref float packed = ref Unsafe.Add(ref target, k * TileColumns);
                if (columns == TileColumns)
                {
                    Vector256.LoadUnsafe(ref row).StoreUnsafe(ref packed);
                    Vector256.LoadUnsafe(ref row, 8).StoreUnsafe(ref packed, 8);
                    continue;
                }

                for (int j = 0; j < columns; j++)
                {
                    Unsafe.Add(ref packed, j) = Unsafe.Add(ref row, j);
                }
            }

            return;
        }

        // A transposed operand (a weight [outputs, inner] used as [inner, outputs]): each column is a contiguous row.
        int vectorDepth = 0;
        int vectorColumns = 0;
        if (Avx.IsSupported && depthStride == 1)
        {
            vectorDepth = kc & ~7;
            vectorColumns = columns & ~7;
            for (int j = 0; j < vectorColumns; j += 8)
            {
                for (int k = 0; k < vectorDepth; k += 8)
                {
                    Transpose8x8(ref Unsafe.Add(ref b, ((nuint)j * columnStride) + (nuint)k), columnStride, ref Unsafe.Add(ref target, (k * TileColumns) + j));
                }
            }
        }

        // What the 8 × 8 blocks left: the last depths of every column, and the columns past the last block of 8.
        for (int j = 0; j < columns; j++)
        {
            ref float column = ref Unsafe.Add(ref b, (nuint)j * columnStride);
            for (int k = j < vectorColumns ? vectorDepth : 0; k < kc; k++)
            {
                Unsafe.Add(ref target, (k * TileColumns) + j) = Unsafe.Add(ref column, (nuint)k * depthStride);
            }
        }
    }

    /// <summary>
    /// tile[k·16 + i] = source[i·stride + k] for i, k &lt; 8: eight contiguous runs of eight (eight columns of a transposed
    /// B, eight depths each) written as eight rows of eight, in registers (unpack, shuffle, then swap 128-bit halves).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose8x8(ref float source, nuint stride, ref float tile)
    {
        var r0 = Vector256.LoadUnsafe(ref source);
        var r1 = Vector256.LoadUnsafe(ref source, stride);
        var r2 = Vector256.LoadUnsafe(ref source, 2 * stride);
        var r3 = Vector256.LoadUnsafe(ref source, 3 * stride);
        var r4 = Vector256.LoadUnsafe(ref source, 4 * stride);
        var r5 = Vector256.LoadUnsafe(ref source, 5 * stride);
        var r6 = Vector256.LoadUnsafe(ref source, 6 * stride);
        var r7 = Vector256.LoadUnsafe(ref source, 7 * stride);

        // Pairs of rows interleaved, then quadruples: u holds, in each 128-bit half, one depth of four rows.
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);

        // Rows 0–3 from u0..u3 and rows 4–7 from u4..u7: the low halves are depths 0–3, the high halves depths 4–7.
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref tile);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref tile, TileColumns);
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref tile, 2 * TileColumns);
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref tile, 3 * TileColumns);
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref tile, 4 * TileColumns);
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref tile, 5 * TileColumns);
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref tile, 6 * TileColumns);
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref tile, 7 * TileColumns);
    }

    /// <summary>
    /// The register-blocked kernel for a panel of <paramref name="rows"/> (1 to 6) rows and one tile of 16 columns:
    /// two Vector256 per row.
    /// </summary>
    private static void Kernel(int rows, ref float c, nuint cStride, ref float a, nuint aRowStride, nuint aDepthStride, ref float b, nuint bStride, int kc, BiasPlacement placement, ref float bias) =>
        Kernel<Simd256, Vector256<float>>(rows, ref c, cStride, ref a, aRowStride, aDepthStride, ref b, bStride, 8, 8, kc, placement, ref bias);

    /// <summary>
    /// The kernel for two neighbouring tiles at once, where the second tile's B is <paramref name="secondTile"/> floats
    /// after the first's and only its first <paramref name="secondColumns"/> (1 to 16) columns are inside C: two
    /// Vector512 per row (AVX-512). The tiles keep the 16-column layout of every machine (<see cref="PackB"/>); AVX-512
    /// doubles the multiply-adds per instruction and needs the twelve accumulators of two tiles to cover their latency.
    /// </summary>
    private static void PairKernel(int rows, ref float c, nuint cStride, ref float a, nuint aRowStride, nuint aDepthStride, ref float b, nuint bStride, nuint secondTile, int secondColumns, int kc, BiasPlacement placement, ref float bias) =>
        Kernel<Simd512, Vector512<float>>(rows, ref c, cStride, ref a, aRowStride, aDepthStride, ref b, bStride, secondTile, secondColumns, kc, placement, ref bias);

    private static void Kernel<TSimd, TVec>(int rows, ref float c, nuint cStride, ref float a, nuint aRowStride, nuint aDepthStride, ref float b, nuint bStride, nuint bSecond, int secondLanes, int kc, BiasPlacement placement, ref float bias)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        switch (placement)
        {
            case BiasPlacement.Before: Kernel<TSimd, TVec, BiasBefore>(rows, ref c, cStride, ref a, aRowStride, aDepthStride, ref b, bStride, bSecond, secondLanes, kc, ref bias); break;
            case BiasPlacement.After: Kernel<TSimd, TVec, BiasAfter>(rows, ref c, cStride, ref a, aRowStride, aDepthStride, ref b, bStride, bSecond, secondLanes, kc, ref bias); break;
            default: Kernel<TSimd, TVec, NoBias>(rows, ref c, cStride, ref a, aRowStride, aDepthStride, ref b, bStride, bSecond, secondLanes, kc, ref bias); break;
        }
    }

    private static void Kernel<TSimd, TVec, TBias>(int rows, ref float c, nuint cStride, ref float a, nuint aRowStride, nuint aDepthStride, ref float b, nuint bStride, nuint bSecond, int secondLanes, int kc, ref float bias)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
        where TBias : struct, IBiasPlacement
    {
        switch (rows)
        {
            case 6: Kernel<TSimd, TVec, Six, TBias>(ref c, cStride, ref a, aRowStride, aDepthStride, ref b, bStride, bSecond, secondLanes, kc, ref bias); break;
            case 5: Kernel<TSimd, TVec, Five, TBias>(ref c, cStride, ref a, aRowStride, aDepthStride, ref b, bStride, bSecond, secondLanes, kc, ref bias); break;
            case 4: Kernel<TSimd, TVec, Four, TBias>(ref c, cStride, ref a, aRowStride, aDepthStride, ref b, bStride, bSecond, secondLanes, kc, ref bias); break;
            case 3: Kernel<TSimd, TVec, Three, TBias>(ref c, cStride, ref a, aRowStride, aDepthStride, ref b, bStride, bSecond, secondLanes, kc, ref bias); break;
            case 2: Kernel<TSimd, TVec, Two, TBias>(ref c, cStride, ref a, aRowStride, aDepthStride, ref b, bStride, bSecond, secondLanes, kc, ref bias); break;
            default: Kernel<TSimd, TVec, One, TBias>(ref c, cStride, ref a, aRowStride, aDepthStride, ref b, bStride, bSecond, secondLanes, kc, ref bias); break;
        }
    }

    /// <summary>
    /// C[rows × (w + secondLanes)] += A[rows×kc] · B[kc × (w + secondLanes)] for vectors of w lanes, row i of A at
    /// depth k read from a[i·aRowStride + k·aDepthStride] (a packed panel or rows in place), B's first w columns at
    /// b[k·bStride] and its next w at b[k·bStride + bSecond] (zero past secondLanes): two accumulators per row, two B
    /// loads and one broadcast per row at each depth step; <typeparamref name="TBias"/> says where the row bias (the
    /// tile's part at <paramref name="bias"/>) goes in, if anywhere. Each element of C is the same chain of multiply-adds
    /// whatever the number of rows or the vector width.
    /// </summary>
    /// <remarks>
    /// The placement is a type, not a value tested in the stores: with the three ways in one method the JIT kept the
    /// twelve accumulators on the stack and stored them at every depth step (a product 25 % slower).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel<TSimd, TVec, TRows, TBias>(ref float c, nuint cStride, ref float a, nuint aRowStride, nuint aDepthStride, ref float b, nuint bStride, nuint bSecond, int secondLanes, int kc, ref float bias)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
        where TRows : struct, IPanelRows
        where TBias : struct, IBiasPlacement
    {
        nuint width = (nuint)TSimd.Count;

        // C is read and written only after the depth loop: ask for its lines now, so that they come from L2 or L3 while
        // the multiply-adds run (a time step's gates were written by the input projection long before). In an
        // interleaved timing a batch-64 LSTM training step ran 3-8 % faster on one thread and 10 % on two; batch 8
        // did not change.
        if (Sse.IsSupported)
        {
            PrefetchRows(ref c, cStride, TRows.Count, 2 * (int)width);
        }

        TVec c00 = TSimd.Zero, c01 = TSimd.Zero, c10 = TSimd.Zero, c11 = TSimd.Zero, c20 = TSimd.Zero, c21 = TSimd.Zero;
        TVec c30 = TSimd.Zero, c31 = TSimd.Zero, c40 = TSimd.Zero, c41 = TSimd.Zero, c50 = TSimd.Zero, c51 = TSimd.Zero;
        nuint row2 = 2 * aRowStride, row3 = 3 * aRowStride, row4 = 4 * aRowStride, row5 = 5 * aRowStride;
        ref float aStep = ref a;
        ref float bRow = ref b;
        for (int k = 0; k < kc; k++)
        {
            var b0 = TSimd.Load(ref bRow, 0);
            var b1 = TSimd.Load(ref bRow, bSecond);
            var x = TSimd.Broadcast(aStep);
            c00 = TSimd.MultiplyAdd(x, b0, c00);
            c01 = TSimd.MultiplyAdd(x, b1, c01);
            if (TRows.Count > 1)
            {
                x = TSimd.Broadcast(Unsafe.Add(ref aStep, aRowStride));
                c10 = TSimd.MultiplyAdd(x, b0, c10);
                c11 = TSimd.MultiplyAdd(x, b1, c11);
            }

            if (TRows.Count > 2)
            {
                x = TSimd.Broadcast(Unsafe.Add(ref aStep, row2));
                c20 = TSimd.MultiplyAdd(x, b0, c20);
                c21 = TSimd.MultiplyAdd(x, b1, c21);
            }

            if (TRows.Count > 3)
            {
                x = TSimd.Broadcast(Unsafe.Add(ref aStep, row3));
                c30 = TSimd.MultiplyAdd(x, b0, c30);
                c31 = TSimd.MultiplyAdd(x, b1, c31);
            }

            if (TRows.Count > 4)
            {
                x = TSimd.Broadcast(Unsafe.Add(ref aStep, row4));
                c40 = TSimd.MultiplyAdd(x, b0, c40);
                c41 = TSimd.MultiplyAdd(x, b1, c41);
            }

            if (TRows.Count > 5)
            {
                x = TSimd.Broadcast(Unsafe.Add(ref aStep, row5));
                c50 = TSimd.MultiplyAdd(x, b0, c50);
                c51 = TSimd.MultiplyAdd(x, b1, c51);
            }

            aStep = ref Unsafe.Add(ref aStep, aDepthStride);
            bRow = ref Unsafe.Add(ref bRow, bStride);
        }

        Accumulate<TSimd, TVec, TBias>(ref c, c00, c01, secondLanes, ref bias);
        if (TRows.Count > 1)
        {
            Accumulate<TSimd, TVec, TBias>(ref Unsafe.Add(ref c, cStride), c10, c11, secondLanes, ref bias);
        }

        if (TRows.Count > 2)
        {
            Accumulate<TSimd, TVec, TBias>(ref Unsafe.Add(ref c, 2 * cStride), c20, c21, secondLanes, ref bias);
        }

        if (TRows.Count > 3)
        {
            Accumulate<TSimd, TVec, TBias>(ref Unsafe.Add(ref c, 3 * cStride), c30, c31, secondLanes, ref bias);
        }

        if (TRows.Count > 4)
        {
            Accumulate<TSimd, TVec, TBias>(ref Unsafe.Add(ref c, 4 * cStride), c40, c41, secondLanes, ref bias);
        }

        if (TRows.Count > 5)
        {
            Accumulate<TSimd, TVec, TBias>(ref Unsafe.Add(ref c, 5 * cStride), c50, c51, secondLanes, ref bias);
        }
    }

    /// <summary>Prefetches the first <paramref name="columns"/> floats of each of <paramref name="rows"/> rows of C into L1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchRows(ref float c, nuint cStride, int rows, int columns)
    {
        const int LineFloats = 16;
        for (int i = 0; i < rows; i++)
        {
            ref float row = ref Unsafe.Add(ref c, (nuint)i * cStride);
            for (int j = 0; j < columns; j += LineFloats)
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref row, j)));
            }

            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref row, columns - 1)));
        }
    }

    /// <summary>
    /// row[0, w + rightLanes) ← [left | right] put into it as <typeparamref name="TBias"/> says (added to it, added to the
    /// bias instead, or added and then the bias added), for vectors of w lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate<TSimd, TVec, TBias>(ref float row, TVec left, TVec right, int rightLanes, ref float bias)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
        where TBias : struct, IBiasPlacement
    {
        nuint width = (nuint)TSimd.Count;
        TSimd.Store(Put<TSimd, TVec, TBias>(ref row, ref bias, 0, left), ref row, 0);
        if (rightLanes == TSimd.Count)
        {
            TSimd.Store(Put<TSimd, TVec, TBias>(ref row, ref bias, width, right), ref row, width);
        }
        else
        {
            Debug.Assert(typeof(TVec) == typeof(Vector512<float>), "Only pairs of tiles end inside a vector.");
            AccumulateLanes<TBias>(ref Unsafe.Add(ref row, width), Unsafe.As<TVec, Vector512<float>>(ref right), rightLanes, ref Unsafe.Add(ref bias, width));
        }
    }

    /// <summary>The sums for row[offset, offset + w): row + sums, bias + sums (Before) or (row + sums) + bias (After).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Put<TSimd, TVec, TBias>(ref float row, ref float bias, nuint offset, TVec sums)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
        where TBias : struct, IBiasPlacement
    {
        if (TBias.Placement == BiasPlacement.Before)
        {
            return TSimd.Add(TSimd.Load(ref bias, offset), sums);
        }

        var result = TSimd.Add(TSimd.Load(ref row, offset), sums);
        return TBias.Placement == BiasPlacement.After ? TSimd.Add(result, TSimd.Load(ref bias, offset)) : result;
    }

    /// <summary>
    /// row[0, lanes) ← value[0, lanes) put as <typeparamref name="TBias"/> says, under a mask: the lanes past C's last
    /// column (and past the bias's end) are neither read nor written.
    /// </summary>
    /// <remarks>
    /// Inlined, and one placement per instance: as a call, the kernel's accumulators are live across it, and the JIT
    /// then kept them on the stack inside the depth loop.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void AccumulateLanes<TBias>(ref float row, Vector512<float> value, int lanes, ref float bias)
        where TBias : struct, IBiasPlacement
    {
        var inside = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(lanes)).AsSingle();
        fixed (float* target = &row, biasValues = &bias)
        {
            Vector512<float> result;
            if (TBias.Placement == BiasPlacement.Before)
            {
                result = Avx512F.MaskLoad(biasValues, inside, Vector512<float>.Zero) + value;
            }
            else
            {
                result = Avx512F.MaskLoad(target, inside, Vector512<float>.Zero) + value;
                if (TBias.Placement == BiasPlacement.After)
                {
                    result += Avx512F.MaskLoad(biasValues, inside, Vector512<float>.Zero);
                }
            }

            Avx512F.MaskStore(target, inside, result);
        }
    }

    /// <summary>A bias placement as a type, so that each kernel compiles only its own way of storing its sums.</summary>
    private interface IBiasPlacement
    {
        static abstract BiasPlacement Placement { get; }
    }

    private struct NoBias : IBiasPlacement { public static BiasPlacement Placement => BiasPlacement.None; }

    private struct BiasBefore : IBiasPlacement { public static BiasPlacement Placement => BiasPlacement.Before; }

    private struct BiasAfter : IBiasPlacement { public static BiasPlacement Placement => BiasPlacement.After; }

    /// <summary>A panel height as a type, so that each height gets its own kernel with the unused rows compiled out.</summary>
    private interface IPanelRows
    {
        static abstract int Count { get; }
    }

    private struct One : IPanelRows { public static int Count => 1; }

    private struct Two : IPanelRows { public static int Count => 2; }

    private struct Three : IPanelRows { public static int Count => 3; }

    private struct Four : IPanelRows { public static int Count => 4; }

    private struct Five : IPanelRows { public static int Count => 5; }

    private struct Six : IPanelRows { public static int Count => 6; }

    private static float[] Scratch(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = new float[length];
        }

        return buffer;
    }
}
