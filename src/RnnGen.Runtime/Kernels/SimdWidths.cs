using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>The vector operations the loops need, for one vector width; every member is a JIT intrinsic once inlined.</summary>
/// <remarks>
/// Until inlined, each member is a call, and a loop over them runs about thirty times slower. So the loops written
/// over this interface are compiled with full optimization on their first call
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>) instead of being left to tiered compilation, whose first
/// code ran a training step's LSTM cells that much slower until a background compile replaced it, which on one CPU (a
/// container limited to one core) took seconds of training. Their entry points are also
/// <see cref="MethodImplOptions.NoInlining"/>: the dispatcher that picks a width, recompiled later, inlined them into
/// code ten times slower.
/// </remarks>
internal interface ISimd<TVec>
    where TVec : struct
{
    static abstract int Count { get; }

    static abstract TVec Zero { get; }

    static abstract TVec Load(ref float source, nuint offset);

    static abstract void Store(TVec value, ref float destination, nuint offset);

    static abstract TVec Broadcast(float value);

    /// <summary>left · right + addend, fused when the hardware can.</summary>
    static abstract TVec MultiplyAdd(TVec left, TVec right, TVec addend);

    static abstract TVec Add(TVec left, TVec right);

    static abstract TVec Subtract(TVec left, TVec right);

    static abstract TVec Multiply(TVec left, TVec right);

    static abstract TVec Divide(TVec left, TVec right);

    /// <summary>The lane-wise minimum as the hardware gives it: <paramref name="right"/> where either is NaN (x86).</summary>
    static abstract TVec MinNative(TVec left, TVec right);

    /// <summary>The lane-wise maximum as the hardware gives it: <paramref name="right"/> where either is NaN (x86).</summary>
    static abstract TVec MaxNative(TVec left, TVec right);

    /// <summary>Each lane rounded to the nearest integer, ties to even.</summary>
    static abstract TVec Round(TVec value);

    static abstract TVec Abs(TVec value);

    /// <summary>All bits set in lanes where left &lt; right, zero elsewhere.</summary>
    static abstract TVec LessThan(TVec left, TVec right);

    static abstract TVec Or(TVec left, TVec right);

    /// <summary>2ⁿ for lanes holding integers n in [−126, 128], built in the exponent bits (128 gives ∞).</summary>
    static abstract TVec PowerOfTwo(TVec n);

    /// <summary>All bits set in lanes at or above <paramref name="firstLane"/>, zero below.</summary>
    static abstract TVec LanesFrom(int firstLane);

    static abstract TVec And(TVec value, TVec mask);

    static abstract TVec Select(TVec mask, TVec whereSet, TVec whereClear);

    static abstract float Sum(TVec value);

    /// <summary>The lane sums of four vectors, as [Σs0, Σs1, Σs2, Σs3].</summary>
    static abstract Vector128<float> SumEach(TVec s0, TVec s1, TVec s2, TVec s3);

    /// <summary>The bfloat16 values in the low halves of the 32-bit lanes of <paramref name="pairs"/>, as floats.</summary>
    static abstract TVec LowBFloat16(TVec pairs);

    /// <summary>The bfloat16 values in the high halves of the 32-bit lanes of <paramref name="pairs"/>, as floats.</summary>
    static abstract TVec HighBFloat16(TVec pairs);
}

/// <summary>Four lanes: SSE on x64, NEON on Arm64.</summary>
internal readonly struct Simd128 : ISimd<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    public static Vector128<float> Zero => Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> left, Vector128<float> right, Vector128<float> addend) =>
        Vector128.MultiplyAddEstimate(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> left, Vector128<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> left, Vector128<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> left, Vector128<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> left, Vector128<float> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MinNative(Vector128<float> left, Vector128<float> right) => Vector128.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MaxNative(Vector128<float> left, Vector128<float> right) => Vector128.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Round(Vector128<float> value) => Vector128.Round(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Abs(Vector128<float> value) => Vector128.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LessThan(Vector128<float> left, Vector128<float> right) => Vector128.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Or(Vector128<float> left, Vector128<float> right) => left | right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> PowerOfTwo(Vector128<float> n) =>
        Vector128.ShiftLeft(Vector128.ConvertToInt32Native(n) + Vector128.Create(127), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LanesFrom(int firstLane) =>
        Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create(firstLane)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> And(Vector128<float> value, Vector128<float> mask) => value & mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Select(Vector128<float> mask, Vector128<float> whereSet, Vector128<float> whereClear) =>
        Vector128.ConditionalSelect(mask, whereSet, whereClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> value) => Vector128.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SumEach(Vector128<float> s0, Vector128<float> s1, Vector128<float> s2, Vector128<float> s3)
    {
        // Pairwise adds turn four reductions into three instructions where the hardware has them.
        if (Sse3.IsSupported)
        {
            return Sse3.HorizontalAdd(Sse3.HorizontalAdd(s0, s1), Sse3.HorizontalAdd(s2, s3));
        }

        if (AdvSimd.Arm64.IsSupported)
        {
            return AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(s0, s1), AdvSimd.Arm64.AddPairwise(s2, s3));
        }

        return Vector128.Create(Vector128.Sum(s0), Vector128.Sum(s1), Vector128.Sum(s2), Vector128.Sum(s3));
    }

    // A bfloat16 is the upper half of a float32: shifted up, or with the other half cleared, it is that float.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LowBFloat16(Vector128<float> pairs) => (pairs.AsUInt32() << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HighBFloat16(Vector128<float> pairs) => (pairs.AsUInt32() & Vector128.Create(0xFFFF0000u)).AsSingle();
}

/// <summary>Eight lanes: AVX2 with FMA.</summary>
internal readonly struct Simd256 : ISimd<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend) =>
        Vector256.MultiplyAddEstimate(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> left, Vector256<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> left, Vector256<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> left, Vector256<float> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MinNative(Vector256<float> left, Vector256<float> right) => Vector256.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MaxNative(Vector256<float> left, Vector256<float> right) => Vector256.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Round(Vector256<float> value) => Vector256.Round(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Abs(Vector256<float> value) => Vector256.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LessThan(Vector256<float> left, Vector256<float> right) => Vector256.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Or(Vector256<float> left, Vector256<float> right) => left | right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> PowerOfTwo(Vector256<float> n) =>
        Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n) + Vector256.Create(127), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LanesFrom(int firstLane) =>
        Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(firstLane)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> And(Vector256<float> value, Vector256<float> mask) => value & mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Select(Vector256<float> mask, Vector256<float> whereSet, Vector256<float> whereClear) =>
        Vector256.ConditionalSelect(mask, whereSet, whereClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> value) => Vector256.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SumEach(Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3) =>
        Simd128.SumEach(
            s0.GetLower() + s0.GetUpper(), s1.GetLower() + s1.GetUpper(), s2.GetLower() + s2.GetUpper(), s3.GetLower() + s3.GetUpper());

    // A bfloat16 is the upper half of a float32: shifted up, or with the other half cleared, it is that float.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LowBFloat16(Vector256<float> pairs) => (pairs.AsUInt32() << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HighBFloat16(Vector256<float> pairs) => (pairs.AsUInt32() & Vector256.Create(0xFFFF0000u)).AsSingle();
}

/// <summary>Sixteen lanes: AVX-512.</summary>
internal readonly struct Simd512 : ISimd<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend) =>
        Vector512.MultiplyAddEstimate(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> left, Vector512<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> left, Vector512<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> left, Vector512<float> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MinNative(Vector512<float> left, Vector512<float> right) => Vector512.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MaxNative(Vector512<float> left, Vector512<float> right) => Vector512.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Round(Vector512<float> value) => Vector512.Round(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Abs(Vector512<float> value) => Vector512.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LessThan(Vector512<float> left, Vector512<float> right) => Vector512.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Or(Vector512<float> left, Vector512<float> right) => left | right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> PowerOfTwo(Vector512<float> n) =>
        Vector512.ShiftLeft(Vector512.ConvertToInt32Native(n) + Vector512.Create(127), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LanesFrom(int firstLane) =>
        Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(firstLane)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> And(Vector512<float> value, Vector512<float> mask) => value & mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Select(Vector512<float> mask, Vector512<float> whereSet, Vector512<float> whereClear) =>
        Vector512.ConditionalSelect(mask, whereSet, whereClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> value) => Vector512.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SumEach(Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3) =>
        Simd256.SumEach(
            s0.GetLower() + s0.GetUpper(), s1.GetLower() + s1.GetUpper(), s2.GetLower() + s2.GetUpper(), s3.GetLower() + s3.GetUpper());

    // A bfloat16 is the upper half of a float32: shifted up, or with the other half cleared, it is that float.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LowBFloat16(Vector512<float> pairs) => (pairs.AsUInt32() << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HighBFloat16(Vector512<float> pairs) => (pairs.AsUInt32() & Vector512.Create(0xFFFF0000u)).AsSingle();
}
