using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// The point-wise part of the recurrent cells for one sequence row, fused in one pass over the hidden units:
/// 8 units at a time with <see cref="Vector256{T}"/> where it is accelerated, the rest (and everything without
/// SIMD) one at a time with the scalar <see cref="Activations"/>. Forward and Step call the same kernel with the
/// same sizes, so they agree bit for bit. Gate blocks are laid out as PyTorch's: LSTM (i, f, g, o), GRU (r, z, n).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CellKernels
{
    private const int Width = 8; // floats in a Vector256

    /// <summary>
    /// LSTM: i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o); c' = f⊙c + i⊙g; h' = o⊙tanh(c').
    /// <paramref name="gates"/> [4H] holds the pre-activations and receives the activations (kept for backward).
    /// </summary>
    public static void LstmForward(Span<float> gates, Span<float> c, Span<float> h) => LstmForward(gates, c, h, default);

    /// <summary>
    /// <see cref="LstmForward(Span{float}, Span{float}, Span{float})"/> that also writes tanh(c') into
    /// <paramref name="tanhCell"/> [H], unless it is empty: backward needs it, and would otherwise compute it again.
    /// </summary>
    public static void LstmForward(Span<float> gates, Span<float> c, Span<float> h, Span<float> tanhCell)
    {
        int hidden = c.Length;
        Check(gates.Length, 4 * hidden, h.Length, hidden);
        bool keep = !tanhCell.IsEmpty;
        Check(tanhCell.Length, keep ? hidden : 0, hidden, hidden);
        ref float a = ref MemoryMarshal.GetReference(gates);
        ref float cRef = ref MemoryMarshal.GetReference(c);
        ref float hRef = ref MemoryMarshal.GetReference(h);
        ref float tRef = ref MemoryMarshal.GetReference(tanhCell);
        nuint n = (nuint)hidden;
        nuint j = 0;
        if (Vector256.IsHardwareAccelerated && n >= Width)
        {
            // The activations first, one gate block at a time: each iteration is then one short, independent
            // exponential and the core overlaps many. Fused into the cell update, the five dependent exponentials per
            // eight units left it waiting on latency (three times slower at hidden 128).
            nuint vectorEnd = n & ~(nuint)(Width - 1);
            VectorMath.SigmoidInPlace(ref a, vectorEnd);
            VectorMath.SigmoidInPlace(ref Unsafe.Add(ref a, n), vectorEnd);
            VectorMath.TanhInPlace(ref Unsafe.Add(ref a, 2 * n), vectorEnd);
            VectorMath.SigmoidInPlace(ref Unsafe.Add(ref a, 3 * n), vectorEnd);
            for (; j < vectorEnd; j += Width)
            {
                var i = Vector256.LoadUnsafe(ref a, j);
                var f = Vector256.LoadUnsafe(ref a, n + j);
                var g = Vector256.LoadUnsafe(ref a, (2 * n) + j);
                var o = Vector256.LoadUnsafe(ref a, (3 * n) + j);
                var cell = (f * Vector256.LoadUnsafe(ref cRef, j)) + (i * g);
                cell.StoreUnsafe(ref cRef, j);
                var tanh = VectorMath.Tanh(cell);
                if (keep)
                {
                    tanh.StoreUnsafe(ref tRef, j);
                }

                (o * tanh).StoreUnsafe(ref hRef, j);
            }
        }

        for (; j < n; j++)
        {
            float i = Activations.Sigmoid(Unsafe.Add(ref a, j));
            float f = Activations.Sigmoid(Unsafe.Add(ref a, n + j));
            float g = Activations.Tanh(Unsafe.Add(ref a, (2 * n) + j));
            float o = Activations.Sigmoid(Unsafe.Add(ref a, (3 * n) + j));
            Unsafe.Add(ref a, j) = i;
            Unsafe.Add(ref a, n + j) = f;
            Unsafe.Add(ref a, (2 * n) + j) = g;
            Unsafe.Add(ref a, (3 * n) + j) = o;
            float cell = (f * Unsafe.Add(ref cRef, j)) + (i * g);
            Unsafe.Add(ref cRef, j) = cell;
            float tanh = Activations.Tanh(cell);
            if (keep)
            {
                Unsafe.Add(ref tRef, j) = tanh;
            }

            Unsafe.Add(ref hRef, j) = o * tanh;
        }
    }

    /// <summary>
    /// LSTM backward for one step: dh = dH + dOutput; dc = dC + dh⊙o⊙(1 − tanh²c'); the pre-activation gate gradients
    /// into <paramref name="dGates"/>; then dC ← dc⊙f and dH ← 0 (the recurrent product adds the rest).
    /// <paramref name="tanhCell"/> is tanh(c') as forward wrote it; <paramref name="dOutput"/> may be empty (no gradient
    /// from this step's output).
    /// </summary>
    public static void LstmBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> tanhCell, ReadOnlySpan<float> cellPrevious, ReadOnlySpan<float> dOutput, Span<float> dH, Span<float> dC, Span<float> dGates)
    {
        int hidden = tanhCell.Length;
        Check(gates.Length, 4 * hidden, cellPrevious.Length, hidden);
        Check(dGates.Length, 4 * hidden, dH.Length, hidden);
        Check(dC.Length, hidden, dOutput.IsEmpty ? hidden : dOutput.Length, hidden);
        ref float a = ref MemoryMarshal.GetReference(gates);
        ref float tanhRef = ref MemoryMarshal.GetReference(tanhCell);
        ref float previous = ref MemoryMarshal.GetReference(cellPrevious);
        ref float dHRef = ref MemoryMarshal.GetReference(dH);
        ref float dCRef = ref MemoryMarshal.GetReference(dC);
        ref float d = ref MemoryMarshal.GetReference(dGates);
        bool hasOutput = !dOutput.IsEmpty;
        ref float dOut = ref MemoryMarshal.GetReference(dOutput);
        nuint n = (nuint)hidden;
        nuint j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256<float>.One;
            for (; j + Width <= n; j += Width)
            {
                var dh = Vector256.LoadUnsafe(ref dHRef, j);
                if (hasOutput)
                {
                    dh += Vector256.LoadUnsafe(ref dOut, j);
                }

                var i = Vector256.LoadUnsafe(ref a, j);
                var f = Vector256.LoadUnsafe(ref a, n + j);
                var g = Vector256.LoadUnsafe(ref a, (2 * n) + j);
                var o = Vector256.LoadUnsafe(ref a, (3 * n) + j);
                var tanh = Vector256.LoadUnsafe(ref tanhRef, j);
                var dc = Vector256.LoadUnsafe(ref dCRef, j) + (dh * o * (one - (tanh * tanh)));
                (dc * g * i * (one - i)).StoreUnsafe(ref d, j);
                (dc * Vector256.LoadUnsafe(ref previous, j) * f * (one - f)).StoreUnsafe(ref d, n + j);
                (dc * i * (one - (g * g))).StoreUnsafe(ref d, (2 * n) + j);
                (dh * tanh * o * (one - o)).StoreUnsafe(ref d, (3 * n) + j);
                (dc * f).StoreUnsafe(ref dCRef, j);
                Vector256<float>.Zero.StoreUnsafe(ref dHRef, j);
            }
        }

        for (; j < n; j++)
        {
            float dh = hasOutput ? Unsafe.Add(ref dHRef, j) + Unsafe.Add(ref dOut, j) : Unsafe.Add(ref dHRef, j);
            float i = Unsafe.Add(ref a, j);
            float f = Unsafe.Add(ref a, n + j);
            float g = Unsafe.Add(ref a, (2 * n) + j);
            float o = Unsafe.Add(ref a, (3 * n) + j);
            float tanh = Unsafe.Add(ref tanhRef, j);
            float dc = Unsafe.Add(ref dCRef, j) + (dh * o * (1f - (tanh * tanh)));
            Unsafe.Add(ref d, j) = dc * g * i * (1f - i);
            Unsafe.Add(ref d, n + j) = dc * Unsafe.Add(ref previous, j) * f * (1f - f);
            Unsafe.Add(ref d, (2 * n) + j) = dc * i * (1f - (g * g));
            Unsafe.Add(ref d, (3 * n) + j) = dh * tanh * o * (1f - o);
            Unsafe.Add(ref dCRef, j) = dc * f;
            Unsafe.Add(ref dHRef, j) = 0f;
        }
    }

    /// <summary>
    /// GRU: r = σ(a_r + u_r), z = σ(a_z + u_z), n = tanh(a_n + r⊙u_n), h' = (1 − z)⊙n + z⊙h, where
    /// <paramref name="recurrent"/> [3H] is u = W_hh·h + b_hh. <paramref name="gates"/> [3H] receives r, z, n and
    /// <paramref name="recurrentN"/> [H] keeps u_n, both for backward.
    /// </summary>
    public static void GruForward(Span<float> gates, ReadOnlySpan<float> recurrent, Span<float> h, Span<float> recurrentN)
    {
        int hidden = h.Length;
        Check(gates.Length, 3 * hidden, recurrent.Length, 3 * hidden);
        Check(recurrentN.Length, hidden, hidden, hidden);
        ref float a = ref MemoryMarshal.GetReference(gates);
        ref float u = ref MemoryMarshal.GetReference(recurrent);
        ref float hRef = ref MemoryMarshal.GetReference(h);
        ref float un = ref MemoryMarshal.GetReference(recurrentN);
        nuint n = (nuint)hidden;
        nuint j = 0;
        if (Vector256.IsHardwareAccelerated && n >= Width)
        {
            // r and z first, block by block, as in LstmForward: independent exponentials overlap.
            nuint vectorEnd = n & ~(nuint)(Width - 1);
            for (nuint k = 0; k < vectorEnd; k += Width)
            {
                (Vector256.LoadUnsafe(ref a, k) + Vector256.LoadUnsafe(ref u, k)).StoreUnsafe(ref a, k);
                (Vector256.LoadUnsafe(ref a, n + k) + Vector256.LoadUnsafe(ref u, n + k)).StoreUnsafe(ref a, n + k);
            }

            VectorMath.SigmoidInPlace(ref a, vectorEnd);
            VectorMath.SigmoidInPlace(ref Unsafe.Add(ref a, n), vectorEnd);
            for (; j < vectorEnd; j += Width)
            {
                var r = Vector256.LoadUnsafe(ref a, j);
                var z = Vector256.LoadUnsafe(ref a, n + j);
                var uN = Vector256.LoadUnsafe(ref u, (2 * n) + j);
                var candidate = VectorMath.Tanh(Vector256.LoadUnsafe(ref a, (2 * n) + j) + (r * uN));
                candidate.StoreUnsafe(ref a, (2 * n) + j);
                uN.StoreUnsafe(ref un, j);
                (((Vector256<float>.One - z) * candidate) + (z * Vector256.LoadUnsafe(ref hRef, j))).StoreUnsafe(ref hRef, j);
            }
        }

        for (; j < n; j++)
        {
            float r = Activations.Sigmoid(Unsafe.Add(ref a, j) + Unsafe.Add(ref u, j));
            float z = Activations.Sigmoid(Unsafe.Add(ref a, n + j) + Unsafe.Add(ref u, n + j));
            float uN = Unsafe.Add(ref u, (2 * n) + j);
            float candidate = Activations.Tanh(Unsafe.Add(ref a, (2 * n) + j) + (r * uN));
            Unsafe.Add(ref a, j) = r;
            Unsafe.Add(ref a, n + j) = z;
            Unsafe.Add(ref a, (2 * n) + j) = candidate;
            Unsafe.Add(ref un, j) = uN;
            Unsafe.Add(ref hRef, j) = ((1f - z) * candidate) + (z * Unsafe.Add(ref hRef, j));
        }
    }

    /// <summary>
    /// GRU backward for one step: dh = dH + dOutput; through n, z and r to the input-side gate gradients
    /// (<paramref name="dGates"/>) and the recurrent side (<paramref name="dRecurrent"/>, whose n block is scaled by r);
    /// dH ← dh⊙z. <paramref name="dOutput"/> may be empty.
    /// </summary>
    public static void GruBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> recurrentN, ReadOnlySpan<float> hiddenPrevious, ReadOnlySpan<float> dOutput, Span<float> dH, Span<float> dGates, Span<float> dRecurrent)
    {
        int hidden = dH.Length;
        Check(gates.Length, 3 * hidden, recurrentN.Length, hidden);
        Check(dGates.Length, 3 * hidden, dRecurrent.Length, 3 * hidden);
        Check(hiddenPrevious.Length, hidden, dOutput.IsEmpty ? hidden : dOutput.Length, hidden);
        ref float a = ref MemoryMarshal.GetReference(gates);
        ref float un = ref MemoryMarshal.GetReference(recurrentN);
        ref float previous = ref MemoryMarshal.GetReference(hiddenPrevious);
        ref float dHRef = ref MemoryMarshal.GetReference(dH);
        ref float d = ref MemoryMarshal.GetReference(dGates);
        ref float dU = ref MemoryMarshal.GetReference(dRecurrent);
        bool hasOutput = !dOutput.IsEmpty;
        ref float dOut = ref MemoryMarshal.GetReference(dOutput);
        nuint n = (nuint)hidden;
        nuint j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256<float>.One;
            for (; j + Width <= n; j += Width)
            {
                var dh = Vector256.LoadUnsafe(ref dHRef, j);
                if (hasOutput)
                {
                    dh += Vector256.LoadUnsafe(ref dOut, j);
                }

                var r = Vector256.LoadUnsafe(ref a, j);
                var z = Vector256.LoadUnsafe(ref a, n + j);
                var candidate = Vector256.LoadUnsafe(ref a, (2 * n) + j);
                var dn = dh * (one - z) * (one - (candidate * candidate));
                var dz = dh * (Vector256.LoadUnsafe(ref previous, j) - candidate) * z * (one - z);
                var dr = dn * Vector256.LoadUnsafe(ref un, j) * r * (one - r);
                dr.StoreUnsafe(ref d, j);
                dz.StoreUnsafe(ref d, n + j);
                dn.StoreUnsafe(ref d, (2 * n) + j);
                dr.StoreUnsafe(ref dU, j);
                dz.StoreUnsafe(ref dU, n + j);
                (dn * r).StoreUnsafe(ref dU, (2 * n) + j);
                (dh * z).StoreUnsafe(ref dHRef, j);
            }
        }

        for (; j < n; j++)
        {
            float dh = hasOutput ? Unsafe.Add(ref dHRef, j) + Unsafe.Add(ref dOut, j) : Unsafe.Add(ref dHRef, j);
            float r = Unsafe.Add(ref a, j);
            float z = Unsafe.Add(ref a, n + j);
            float candidate = Unsafe.Add(ref a, (2 * n) + j);
            float dn = dh * (1f - z) * (1f - (candidate * candidate));
            float dz = dh * (Unsafe.Add(ref previous, j) - candidate) * z * (1f - z);
            float dr = dn * Unsafe.Add(ref un, j) * r * (1f - r);
            Unsafe.Add(ref d, j) = dr;
            Unsafe.Add(ref d, n + j) = dz;
            Unsafe.Add(ref d, (2 * n) + j) = dn;
            Unsafe.Add(ref dU, j) = dr;
            Unsafe.Add(ref dU, n + j) = dz;
            Unsafe.Add(ref dU, (2 * n) + j) = dn * r;
            Unsafe.Add(ref dHRef, j) = dh * z;
        }
    }

    /// <summary>Applies <paramref name="activation"/> (Tanh, Sigmoid or Relu) to <paramref name="values"/> in place.</summary>
    public static void Activate(Span<float> values, Activation activation)
    {
        ref float x = ref MemoryMarshal.GetReference(values);
        nuint n = (nuint)values.Length;
        nuint j = 0;
        if (Vector256.IsHardwareAccelerated && activation is Activation.Tanh or Activation.Sigmoid or Activation.Relu)
        {
            j = n & ~(nuint)(Width - 1);
            switch (activation)
            {
                case Activation.Tanh:
                    VectorMath.TanhInPlace(ref x, j);
                    break;
                case Activation.Sigmoid:
                    VectorMath.SigmoidInPlace(ref x, j);
                    break;
                default:
                    for (nuint k = 0; k < j; k += Width)
                    {
                        var v = Vector256.LoadUnsafe(ref x, k);
                        Vector256.ConditionalSelect(Vector256.LessThan(v, Vector256<float>.Zero), Vector256<float>.Zero, v).StoreUnsafe(ref x, k);
                    }

                    break;
            }
        }

        for (; j < n; j++)
        {
            float v = Unsafe.Add(ref x, j);
            Unsafe.Add(ref x, j) = activation switch
            {
                Activation.Tanh => Activations.Tanh(v),
                Activation.Sigmoid => Activations.Sigmoid(v),
                Activation.Relu => Activations.Relu(v),
                _ => v,
            };
        }
    }

    private static void Check(int length, int expected, int otherLength, int otherExpected)
    {
        if (length != expected || otherLength != otherExpected)
        {
            ThrowLengths(length, expected, otherLength, otherExpected);
        }
    }

    // Apart from the check, so that it stays small enough to inline into each cell call.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLengths(int length, int expected, int otherLength, int otherExpected) =>
        throw new ArgumentException($"Cell buffers have lengths {length} and {otherLength}; expected {expected} and {otherExpected}.");
}

/// <summary>
/// Vector activations accurate to a few float ulps, on an exponential of our own: the runtime's
/// <see cref="Vector256.Exp(Vector256{float})"/> is an out-of-line call that widens to double, and five of them per
/// eight LSTM units cost more than the recurrent product of a batch-64 training step.
/// </summary>
internal static class VectorMath
{
    /// <summary>1 / (1 + e^−x): 0 for very negative x (e^−x overflows to ∞), NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) =>
        Vector256<float>.One / (Vector256<float>.One + Exp(-x));

    /// <summary>
    /// tanh x: an odd Taylor polynomial through x⁹ for |x| &lt; 0.25 (error below 1e-8 relative), elsewhere
    /// sign(x)·(1 − e)/(1 + e) with e = e^−2|x|, which loses at most two bits there; ±1 at ±∞, NaN for NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var magnitude = Vector256.Abs(x);
        var e = Exp(magnitude * Vector256.Create(-2f));
        var large = (Vector256<float>.One - e) / (Vector256<float>.One + e);
        large |= x & Vector256.Create(-0f); // the sign of x on a non-negative value

        var x2 = x * x;
        var series = Vector256.Create(62f / 2835f);
        series = (series * x2) - Vector256.Create(17f / 315f);
        series = (series * x2) + Vector256.Create(2f / 15f);
        series = (series * x2) - Vector256.Create(1f / 3f);
        var small = x + (x * x2 * series);
        return Vector256.ConditionalSelect(Vector256.LessThan(magnitude, Vector256.Create(0.25f)), small, large);
    }

    /// <summary>x ← σ(x) for the first <paramref name="count"/> floats (a multiple of 8).</summary>
    public static void SigmoidInPlace(ref float x, nuint count)
    {
        for (nuint j = 0; j < count; j += 8)
        {
            Sigmoid(Vector256.LoadUnsafe(ref x, j)).StoreUnsafe(ref x, j);
        }
    }

    /// <summary>x ← tanh x for the first <paramref name="count"/> floats (a multiple of 8).</summary>
    public static void TanhInPlace(ref float x, nuint count)
    {
        for (nuint j = 0; j < count; j += 8)
        {
            Tanh(Vector256.LoadUnsafe(ref x, j)).StoreUnsafe(ref x, j);
        }
    }

    /// <summary>
    /// e^x as Cephes' expf: x = n·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 split in two so that n·ln 2 is exact), e^r by its
    /// degree-7 minimax polynomial, 2^n written straight into the exponent bits. Within about 1.3 ulp; +∞ from 88.8 up
    /// (n reaches 128, the exponent of ∞), 2^−126 and below clamp to about 1e-38 instead of underflowing
    /// (callers add it to 1 or subtract it from 1), NaN for NaN.
    /// </summary>
    /// <remarks>
    /// The cells evaluate many of these at once and the core overlaps only a few, so the chain's length sets the pace:
    /// the polynomial goes by Estrin's scheme (three multiply-adds deep, not six), the reduction by multiply-adds, and a
    /// NaN flows through the clamps instead of being selected at the end (max and min return their second operand when
    /// one is NaN, here x). 17 % faster than Horner's order with a final select (3.65 vs 4.39 ns per vector, Zen 3).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var clamped = Vector256.MinNative(Vector256.Create(89f), Vector256.MaxNative(Vector256.Create(-87.3f), x));
        var n = Vector256.Round(clamped * Vector256.Create(1.44269504088896341f));
        var r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-0.693359375f), clamped);
        r = Vector256.MultiplyAddEstimate(n, Vector256.Create(2.12194440e-4f), r);
        var r2 = r * r;
        var high = Vector256.MultiplyAddEstimate(Vector256.Create(1.9875691500e-4f), r, Vector256.Create(1.3981999507e-3f));
        var middle = Vector256.MultiplyAddEstimate(Vector256.Create(8.3334519073e-3f), r, Vector256.Create(4.1665795894e-2f));
        var low = Vector256.MultiplyAddEstimate(Vector256.Create(1.6666665459e-1f), r, Vector256.Create(5.0000001201e-1f));
        var p = Vector256.MultiplyAddEstimate(high, r2 * r2, Vector256.MultiplyAddEstimate(middle, r2, low));
        var y = Vector256.MultiplyAddEstimate(p, r2, r + Vector256<float>.One);
        var twoToN = Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n) + Vector256.Create(127), 23).AsSingle();
        return y * twoToN;
    }
}
