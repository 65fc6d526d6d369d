using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnGen.Kernels;

/// <summary>
/// Float arrays whose used part starts on a 64-byte boundary (a cache line, one AVX-512 vector): the kernels stream
/// weight rows from them without loads that straddle two cache lines, which cost the L2-bound streaming step about a
/// sixth of its time.
/// </summary>
internal static class AlignedFloats
{
    /// <summary>Bytes of the boundary.</summary>
    public const int Alignment = 64;

    /// <summary>
    /// <paramref name="count"/> rounded up to whole cache lines of floats: the stride that starts each of several spans
    /// laid out one after another in one array on a boundary of its own.
    /// </summary>
    public static int WholeLines(int count)
    {
        const int LineFloats = Alignment / sizeof(float);
        return checked((count + LineFloats - 1) / LineFloats * LineFloats);
    }

    /// <summary>
    /// A zeroed, pinned array holding <paramref name="count"/> floats from index <paramref name="start"/>, which lies on
    /// the boundary. Pinned, so the boundary stays where it was found.
    /// </summary>
    public static unsafe float[] Allocate(int count, out int start)
    {
        const int Spare = (Alignment / sizeof(float)) - 1;
        float[] array = GC.AllocateArray<float>(count <= Array.MaxLength - Spare ? count + Spare : count, pinned: true);
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        int misalignment = (int)(address % Alignment);
        start = array.Length - count < Spare || misalignment == 0 ? 0 : (Alignment - misalignment) / sizeof(float);
        return array;
    }

    /// <summary>
    /// <paramref name="length"/> floats of a buffer kept between calls (a thread's own, in a [ThreadStatic] pair of
    /// fields): <paramref name="array"/> from <paramref name="start"/>, made or grown on the way, so that a caller
    /// allocates nothing once it has asked for its largest length.
    /// </summary>
    public static Span<float> Reuse(ref float[]? array, ref int start, int length)
    {
        if (array is null || array.Length - start < length)
        {
            array = Allocate(length, out start);
        }

        return array.AsSpan(start, length);
    }
}
