using System;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>After warm-up, no kernel allocates on the calling thread, on vector or scalar paths.</summary>
[Collection(KernelSettingsGroup.Name)]
public class MatrixKernelsAllocationTests
{
    // Sizes reaching the scalar path, every vector width, and the remainders of each block.
    private static readonly int[] Sizes = [1, 3, 4, 7, 8, 13, 16, 17, 33, 67];

    public static readonly TheoryData<string> KernelNames = new()
    {
        nameof(MatrixKernels.MultiplyTransposedAdd),
        nameof(MatrixKernels.MultiplyAdd),
        nameof(MatrixKernels.AccumulateTransposedProduct),
        nameof(MatrixKernels.AccumulateTransposedProducts),
        TransposedProductWithSums,
        TransposedProductsWithSums,
        nameof(MatrixKernels.AddRowVector),
        nameof(MatrixKernels.AccumulateColumnSums),
        nameof(MatrixKernels.CopyRows),
        nameof(MatrixKernels.FillRows),
        nameof(MatrixKernels.Dot),
        nameof(MatrixKernels.Axpy),
        nameof(MatrixKernels.PackWeightsForThisThread),
    };

    // The weight-gradient products that also take the bias gradient (column sums) while they pack.
    private const string TransposedProductWithSums = nameof(MatrixKernels.AccumulateTransposedProduct) + " with column sums";
    private const string TransposedProductsWithSums = nameof(MatrixKernels.AccumulateTransposedProducts) + " with column sums";

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void Kernel_does_not_allocate(string kernel)
    {
        const int MaxRows = 9;
        int max = Sizes[^1];
        var a = new float[MaxRows * max];
        var w = new float[max * max];
        var w2 = new float[max * max];
        var c = new float[MaxRows * max];
        var sums = new float[max];
        var otherSums = new float[max];
        Action<int, int> call = kernel switch
        {
            nameof(MatrixKernels.MultiplyTransposedAdd) => (rows, n) => MatrixKernels.MultiplyTransposedAdd(a, n, w, c, n, rows, n, n),
            nameof(MatrixKernels.MultiplyAdd) => (rows, n) => MatrixKernels.MultiplyAdd(a, n, w, c, n, rows, n, n),
            nameof(MatrixKernels.AccumulateTransposedProduct) => (rows, n) => MatrixKernels.AccumulateTransposedProduct(a, n, c, n, w, rows, n, n),
            nameof(MatrixKernels.AccumulateTransposedProducts) => (rows, n) => MatrixKernels.AccumulateTransposedProducts(a, n, c, n, w, n, a, n, w2, n, rows, n),
            TransposedProductWithSums => (rows, n) => MatrixKernels.AccumulateTransposedProduct(a, n, c, n, w, rows, n, n, sums),
            TransposedProductsWithSums => (rows, n) => MatrixKernels.AccumulateTransposedProducts(a, n, c, n, w, n, a, n, w2, n, rows, n, sums, otherSums),
            nameof(MatrixKernels.AddRowVector) => (rows, n) => MatrixKernels.AddRowVector(c, n, a.AsSpan(0, n), rows, n),
            nameof(MatrixKernels.AccumulateColumnSums) => (rows, n) => MatrixKernels.AccumulateColumnSums(a, n, c.AsSpan(0, n), rows, n),
            nameof(MatrixKernels.CopyRows) => (rows, n) => MatrixKernels.CopyRows(a, n, c, n, rows, n),
            nameof(MatrixKernels.FillRows) => (rows, n) => MatrixKernels.FillRows(c, n, a.AsSpan(0, n), rows, n),
            nameof(MatrixKernels.Dot) => (rows, n) => MatrixKernels.Dot(a.AsSpan(0, rows * n), c.AsSpan(0, rows * n)),
            nameof(MatrixKernels.Axpy) => (rows, n) => MatrixKernels.Axpy(0.5f, a.AsSpan(0, rows * n), c.AsSpan(0, rows * n)),
            nameof(MatrixKernels.PackWeightsForThisThread) => (rows, n) => MatrixKernels.PackWeightsForThisThread(w.AsSpan(0, rows * n), rows, n, transposed: rows % 2 == 1),
            _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "Unknown kernel."),
        };

        // Warm up past tiered compilation's call-count threshold.
        for (int i = 0; i < 50; i++)
        {
            CallAllSizes(call, MaxRows);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            CallAllSizes(call, MaxRows);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    private static void CallAllSizes(Action<int, int> call, int maxRows)
    {
        foreach (int n in Sizes)
        {
            for (int rows = 1; rows <= maxRows; rows += 4)
            {
                call(rows, n);
            }
        }
    }
}
