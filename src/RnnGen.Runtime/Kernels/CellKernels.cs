using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// The point-wise part of the recurrent cells for one sequence row, fused in one pass over the hidden units: as many
/// units as fit in whole vectors of the widest accelerated width (Vector512, then Vector256, then Vector128), the
/// rest (and everything without SIMD) one at a time with the scalar <see cref="Activations"/>. Every vector width
/// computes a unit with the same lane-wise operations (VectorMath), so a unit's result does not depend on which of them
/// took it; the scalar path goes through MathF's exponential and tanh, whose last bits can differ. Forward and Step call
/// the same kernel with the same sizes, so they agree bit for bit. Gate blocks are laid out as PyTorch's: LSTM (i, f,
/// g, o), GRU (r, z, n).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CellKernels
{
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
        Check(gates.Length, 4L * hidden, nameof(gates), h.Length, hidden, nameof(h));
        bool keep = !tanhCell.IsEmpty;
        Check(tanhCell.Length, keep ? hidden : 0, nameof(tanhCell), hidden, hidden, nameof(c));
        var cell = new LstmForwardRow(gates, c, h, tanhCell, keep);
        nuint n = (nuint)hidden;
        nuint j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            j = LstmForward<Simd512, Vector512<float>>(cell, n, j);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            j = LstmForward<Simd256, Vector256<float>>(cell, n, j);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            j = LstmForward<Simd128, Vector128<float>>(cell, n, j);
        }

        ref float a = ref cell.Gates;
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
            float next = (f * Unsafe.Add(ref cell.C, j)) + (i * g);
            Unsafe.Add(ref cell.C, j) = next;
            float tanh = Activations.Tanh(next);
            if (keep)
            {
                Unsafe.Add(ref cell.TanhCell, j) = tanh;
            }

            Unsafe.Add(ref cell.H, j) = o * tanh;
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
        Check(gates.Length, 4L * hidden, nameof(gates), cellPrevious.Length, hidden, nameof(cellPrevious));
        Check(dGates.Length, 4L * hidden, nameof(dGates), dH.Length, hidden, nameof(dH));
        Check(dC.Length, hidden, nameof(dC), dOutput.IsEmpty ? hidden : dOutput.Length, hidden, nameof(dOutput));
        var cell = new LstmBackwardRow(gates, tanhCell, cellPrevious, dOutput, dH, dC, dGates);
        nuint n = (nuint)hidden;
        nuint j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            j = LstmBackward<Simd512, Vector512<float>>(cell, n, j);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            j = LstmBackward<Simd256, Vector256<float>>(cell, n, j);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            j = LstmBackward<Simd128, Vector128<float>>(cell, n, j);
        }

        ref float a = ref cell.Gates;
        ref float d = ref cell.DGates;
        for (; j < n; j++)
        {
            float dh = cell.HasOutput ? Unsafe.Add(ref cell.DH, j) + Unsafe.Add(ref cell.DOutput, j) : Unsafe.Add(ref cell.DH, j);
            float i = Unsafe.Add(ref a, j);
            float f = Unsafe.Add(ref a, n + j);
            float g = Unsafe.Add(ref a, (2 * n) + j);
            float o = Unsafe.Add(ref a, (3 * n) + j);
            float tanh = Unsafe.Add(ref cell.TanhCell, j);
            float dc = Unsafe.Add(ref cell.DC, j) + (dh * o * (1f - (tanh * tanh)));
            Unsafe.Add(ref d, j) = dc * g * i * (1f - i);
            Unsafe.Add(ref d, n + j) = dc * Unsafe.Add(ref cell.CellPrevious, j) * f * (1f - f);
            Unsafe.Add(ref d, (2 * n) + j) = dc * i * (1f - (g * g));
            Unsafe.Add(ref d, (3 * n) + j) = dh * tanh * o * (1f - o);
            Unsafe.Add(ref cell.DC, j) = dc * f;
            Unsafe.Add(ref cell.DH, j) = 0f;
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
        Check(gates.Length, 3L * hidden, nameof(gates), recurrent.Length, 3L * hidden, nameof(recurrent));
        Check(recurrentN.Length, hidden, nameof(recurrentN), hidden, hidden, nameof(h));
        var cell = new GruForwardRow(gates, recurrent, h, recurrentN);
        nuint n = (nuint)hidden;
        nuint j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            j = GruForward<Simd512, Vector512<float>>(cell, n, j);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            j = GruForward<Simd256, Vector256<float>>(cell, n, j);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            j = GruForward<Simd128, Vector128<float>>(cell, n, j);
        }

        ref float a = ref cell.Gates;
        ref float u = ref cell.Recurrent;
        for (; j < n; j++)
        {
            float r = Activations.Sigmoid(Unsafe.Add(ref a, j) + Unsafe.Add(ref u, j));
            float z = Activations.Sigmoid(Unsafe.Add(ref a, n + j) + Unsafe.Add(ref u, n + j));
            float uN = Unsafe.Add(ref u, (2 * n) + j);
            float candidate = Activations.Tanh(Unsafe.Add(ref a, (2 * n) + j) + (r * uN));
            Unsafe.Add(ref a, j) = r;
            Unsafe.Add(ref a, n + j) = z;
            Unsafe.Add(ref a, (2 * n) + j) = candidate;
            Unsafe.Add(ref cell.RecurrentN, j) = uN;
            Unsafe.Add(ref cell.H, j) = ((1f - z) * candidate) + (z * Unsafe.Add(ref cell.H, j));
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
        Check(gates.Length, 3L * hidden, nameof(gates), recurrentN.Length, hidden, nameof(recurrentN));
        Check(dGates.Length, 3L * hidden, nameof(dGates), dRecurrent.Length, 3L * hidden, nameof(dRecurrent));
        Check(hiddenPrevious.Length, hidden, nameof(hiddenPrevious), dOutput.IsEmpty ? hidden : dOutput.Length, hidden, nameof(dOutput));
        var cell = new GruBackwardRow(gates, recurrentN, hiddenPrevious, dOutput, dH, dGates, dRecurrent);
        nuint n = (nuint)hidden;
        nuint j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            j = GruBackward<Simd512, Vector512<float>>(cell, n, j);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            j = GruBackward<Simd256, Vector256<float>>(cell, n, j);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            j = GruBackward<Simd128, Vector128<float>>(cell, n, j);
        }

        ref float a = ref cell.Gates;
        ref float d = ref cell.DGates;
        ref float dU = ref cell.DRecurrent;
        for (; j < n; j++)
        {
            float dh = cell.HasOutput ? Unsafe.Add(ref cell.DH, j) + Unsafe.Add(ref cell.DOutput, j) : Unsafe.Add(ref cell.DH, j);
            float r = Unsafe.Add(ref a, j);
            float z = Unsafe.Add(ref a, n + j);
            float candidate = Unsafe.Add(ref a, (2 * n) + j);
            float dn = dh * (1f - z) * (1f - (candidate * candidate));
            float dz = dh * (Unsafe.Add(ref cell.HiddenPrevious, j) - candidate) * z * (1f - z);
            float dr = dn * Unsafe.Add(ref cell.RecurrentN, j) * r * (1f - r);
            Unsafe.Add(ref d, j) = dr;
            Unsafe.Add(ref d, n + j) = dz;
            Unsafe.Add(ref d, (2 * n) + j) = dn;
            Unsafe.Add(ref dU, j) = dr;
            Unsafe.Add(ref dU, n + j) = dz;
            Unsafe.Add(ref dU, (2 * n) + j) = dn * r;
            Unsafe.Add(ref cell.DH, j) = dh * z;
        }
    }

    /// <summary>Applies <paramref name="activation"/> (Tanh, Sigmoid or Relu) to <paramref name="values"/> in place.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="activation"/> is another value: None has nothing to apply, and Softmax is not element-wise
    /// (<see cref="Softmax.Forward"/>); either used to leave the values as they were without a word.
    /// </exception>
    public static void Activate(Span<float> values, Activation activation)
    {
        if (activation is not (Activation.Tanh or Activation.Sigmoid or Activation.Relu))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Activate applies Tanh, Sigmoid or Relu element by element.");
        }

        ref float x = ref MemoryMarshal.GetReference(values);
        nuint n = (nuint)values.Length;
        nuint j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            j = Activate<Simd512, Vector512<float>>(ref x, n, j, activation);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            j = Activate<Simd256, Vector256<float>>(ref x, n, j, activation);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            j = Activate<Simd128, Vector128<float>>(ref x, n, j, activation);
        }

        for (; j < n; j++)
        {
            float v = Unsafe.Add(ref x, j);
            Unsafe.Add(ref x, j) = activation switch
            {
                Activation.Tanh => Activations.Tanh(v),
                Activation.Sigmoid => Activations.Sigmoid(v),
                _ => Activations.Relu(v),
            };
        }
    }

    /// <summary>End of the whole vectors of <typeparamref name="TSimd"/>'s width that fit from <paramref name="from"/> to <paramref name="n"/>.</summary>
    private static nuint VectorEnd<TSimd, TVec>(nuint from, nuint n)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct =>
        from + ((n - from) & ~(nuint)(TSimd.Count - 1));

    /// <summary>LstmForward's units [from, end) in vectors of one width; returns end, the first unit left.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static nuint LstmForward<TSimd, TVec>(in LstmForwardRow cell, nuint n, nuint from)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        nuint end = VectorEnd<TSimd, TVec>(from, n);
        ref float a = ref cell.Gates;

        // The activations first, one gate block at a time: each iteration is then one short, independent exponential
        // and the core overlaps many. Fused into the cell update, the five dependent exponentials per vector left it
        // waiting on latency (three times slower at hidden 128).
        VectorMath.SigmoidInPlace<TSimd, TVec>(ref a, from, end);
        VectorMath.SigmoidInPlace<TSimd, TVec>(ref Unsafe.Add(ref a, n), from, end);
        VectorMath.TanhInPlace<TSimd, TVec>(ref Unsafe.Add(ref a, 2 * n), from, end);
        VectorMath.SigmoidInPlace<TSimd, TVec>(ref Unsafe.Add(ref a, 3 * n), from, end);
        for (nuint j = from; j < end; j += (nuint)TSimd.Count)
        {
            var i = TSimd.Load(ref a, j);
            var f = TSimd.Load(ref a, n + j);
            var g = TSimd.Load(ref a, (2 * n) + j);
            var o = TSimd.Load(ref a, (3 * n) + j);
            var next = TSimd.Add(TSimd.Multiply(f, TSimd.Load(ref cell.C, j)), TSimd.Multiply(i, g));
            TSimd.Store(next, ref cell.C, j);
            var tanh = VectorMath.Tanh<TSimd, TVec>(next);
            if (cell.Keep)
            {
                TSimd.Store(tanh, ref cell.TanhCell, j);
            }

            TSimd.Store(TSimd.Multiply(o, tanh), ref cell.H, j);
        }

        return end;
    }

    /// <summary>LstmBackward's units [from, end) in vectors of one width; returns end.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static nuint LstmBackward<TSimd, TVec>(in LstmBackwardRow cell, nuint n, nuint from)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        nuint end = VectorEnd<TSimd, TVec>(from, n);
        ref float a = ref cell.Gates;
        ref float d = ref cell.DGates;
        var one = TSimd.Broadcast(1f);
        for (nuint j = from; j < end; j += (nuint)TSimd.Count)
        {
            var dh = TSimd.Load(ref cell.DH, j);
            if (cell.HasOutput)
            {
                dh = TSimd.Add(dh, TSimd.Load(ref cell.DOutput, j));
            }

            var i = TSimd.Load(ref a, j);
            var f = TSimd.Load(ref a, n + j);
            var g = TSimd.Load(ref a, (2 * n) + j);
            var o = TSimd.Load(ref a, (3 * n) + j);
            var tanh = TSimd.Load(ref cell.TanhCell, j);
            var dc = TSimd.Add(TSimd.Load(ref cell.DC, j), TSimd.Multiply(TSimd.Multiply(dh, o), TSimd.Subtract(one, TSimd.Multiply(tanh, tanh))));
            TSimd.Store(TSimd.Multiply(TSimd.Multiply(TSimd.Multiply(dc, g), i), TSimd.Subtract(one, i)), ref d, j);
            TSimd.Store(TSimd.Multiply(TSimd.Multiply(TSimd.Multiply(dc, TSimd.Load(ref cell.CellPrevious, j)), f), TSimd.Subtract(one, f)), ref d, n + j);
            TSimd.Store(TSimd.Multiply(TSimd.Multiply(dc, i), TSimd.Subtract(one, TSimd.Multiply(g, g))), ref d, (2 * n) + j);
            TSimd.Store(TSimd.Multiply(TSimd.Multiply(TSimd.Multiply(dh, tanh), o), TSimd.Subtract(one, o)), ref d, (3 * n) + j);
            TSimd.Store(TSimd.Multiply(dc, f), ref cell.DC, j);
            TSimd.Store(TSimd.Zero, ref cell.DH, j);
        }

        return end;
    }

    /// <summary>GruForward's units [from, end) in vectors of one width; returns end.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static nuint GruForward<TSimd, TVec>(in GruForwardRow cell, nuint n, nuint from)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        nuint end = VectorEnd<TSimd, TVec>(from, n);
        ref float a = ref cell.Gates;
        ref float u = ref cell.Recurrent;

        // r and z first, block by block, as in LstmForward: independent exponentials overlap.
        for (nuint k = from; k < end; k += (nuint)TSimd.Count)
        {
            TSimd.Store(TSimd.Add(TSimd.Load(ref a, k), TSimd.Load(ref u, k)), ref a, k);
            TSimd.Store(TSimd.Add(TSimd.Load(ref a, n + k), TSimd.Load(ref u, n + k)), ref a, n + k);
        }

        VectorMath.SigmoidInPlace<TSimd, TVec>(ref a, from, end);
        VectorMath.SigmoidInPlace<TSimd, TVec>(ref Unsafe.Add(ref a, n), from, end);
        var one = TSimd.Broadcast(1f);
        for (nuint j = from; j < end; j += (nuint)TSimd.Count)
        {
            var r = TSimd.Load(ref a, j);
            var z = TSimd.Load(ref a, n + j);
            var uN = TSimd.Load(ref u, (2 * n) + j);
            var candidate = VectorMath.Tanh<TSimd, TVec>(TSimd.Add(TSimd.Load(ref a, (2 * n) + j), TSimd.Multiply(r, uN)));
            TSimd.Store(candidate, ref a, (2 * n) + j);
            TSimd.Store(uN, ref cell.RecurrentN, j);
            TSimd.Store(TSimd.Add(TSimd.Multiply(TSimd.Subtract(one, z), candidate), TSimd.Multiply(z, TSimd.Load(ref cell.H, j))), ref cell.H, j);
        }

        return end;
    }

    /// <summary>GruBackward's units [from, end) in vectors of one width; returns end.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static nuint GruBackward<TSimd, TVec>(in GruBackwardRow cell, nuint n, nuint from)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        nuint end = VectorEnd<TSimd, TVec>(from, n);
        ref float a = ref cell.Gates;
        ref float d = ref cell.DGates;
        ref float dU = ref cell.DRecurrent;
        var one = TSimd.Broadcast(1f);
        for (nuint j = from; j < end; j += (nuint)TSimd.Count)
        {
            var dh = TSimd.Load(ref cell.DH, j);
            if (cell.HasOutput)
            {
                dh = TSimd.Add(dh, TSimd.Load(ref cell.DOutput, j));
            }

            var r = TSimd.Load(ref a, j);
            var z = TSimd.Load(ref a, n + j);
            var candidate = TSimd.Load(ref a, (2 * n) + j);
            var dn = TSimd.Multiply(TSimd.Multiply(dh, TSimd.Subtract(one, z)), TSimd.Subtract(one, TSimd.Multiply(candidate, candidate)));
            var dz = TSimd.Multiply(TSimd.Multiply(TSimd.Multiply(dh, TSimd.Subtract(TSimd.Load(ref cell.HiddenPrevious, j), candidate)), z), TSimd.Subtract(one, z));
            var dr = TSimd.Multiply(TSimd.Multiply(TSimd.Multiply(dn, TSimd.Load(ref cell.RecurrentN, j)), r), TSimd.Subtract(one, r));
            TSimd.Store(dr, ref d, j);
            TSimd.Store(dz, ref d, n + j);
            TSimd.Store(dn, ref d, (2 * n) + j);
            TSimd.Store(dr, ref dU, j);
            TSimd.Store(dz, ref dU, n + j);
            TSimd.Store(TSimd.Multiply(dn, r), ref dU, (2 * n) + j);
            TSimd.Store(TSimd.Multiply(dh, z), ref cell.DH, j);
        }

        return end;
    }

    /// <summary>Activate's values [from, end) in vectors of one width; returns end.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static nuint Activate<TSimd, TVec>(ref float x, nuint n, nuint from, Activation activation)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        nuint end = VectorEnd<TSimd, TVec>(from, n);
        switch (activation)
        {
            case Activation.Tanh:
                VectorMath.TanhInPlace<TSimd, TVec>(ref x, from, end);
                break;
            case Activation.Sigmoid:
                VectorMath.SigmoidInPlace<TSimd, TVec>(ref x, from, end);
                break;
            default:
                for (nuint k = from; k < end; k += (nuint)TSimd.Count)
                {
                    var v = TSimd.Load(ref x, k);
                    TSimd.Store(TSimd.Select(TSimd.LessThan(v, TSimd.Zero), TSimd.Zero, v), ref x, k);
                }

                break;
        }

        return end;
    }

    // The expected lengths in long: 4 × a hidden size above 2^29 would wrap in int and let a short buffer pass.
    private static void Check(int length, long expected, string name, int otherLength, long otherExpected, string otherName)
    {
        if (length != expected || otherLength != otherExpected)
        {
            ThrowLengths(length, expected, name, otherLength, otherExpected, otherName);
        }
    }

    // Apart from the check, so that it stays small enough to inline into each cell call.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLengths(int length, long expected, string name, int otherLength, long otherExpected, string otherName) =>
        throw new ArgumentException(
            $"Cell buffers {name} and {otherName} have lengths {length} and {otherLength}; expected {expected} and {otherExpected}.",
            length != expected ? name : otherName);

    /// <summary>One row's buffers for LstmForward, as references the loops of every width share.</summary>
    private readonly ref struct LstmForwardRow(Span<float> gates, Span<float> c, Span<float> h, Span<float> tanhCell, bool keep)
    {
        public readonly ref float Gates = ref MemoryMarshal.GetReference(gates);
        public readonly ref float C = ref MemoryMarshal.GetReference(c);
        public readonly ref float H = ref MemoryMarshal.GetReference(h);
        public readonly ref float TanhCell = ref MemoryMarshal.GetReference(tanhCell);
        public readonly bool Keep = keep;
    }

    /// <summary>One row's buffers for LstmBackward.</summary>
    private readonly ref struct LstmBackwardRow(
        ReadOnlySpan<float> gates, ReadOnlySpan<float> tanhCell, ReadOnlySpan<float> cellPrevious, ReadOnlySpan<float> dOutput,
        Span<float> dH, Span<float> dC, Span<float> dGates)
    {
        public readonly ref float Gates = ref MemoryMarshal.GetReference(gates);
        public readonly ref float TanhCell = ref MemoryMarshal.GetReference(tanhCell);
        public readonly ref float CellPrevious = ref MemoryMarshal.GetReference(cellPrevious);
        public readonly ref float DOutput = ref MemoryMarshal.GetReference(dOutput);
        public readonly ref float DH = ref MemoryMarshal.GetReference(dH);
        public readonly ref float DC = ref MemoryMarshal.GetReference(dC);
        public readonly ref float DGates = ref MemoryMarshal.GetReference(dGates);
        public readonly bool HasOutput = !dOutput.IsEmpty;
    }

    /// <summary>One row's buffers for GruForward.</summary>
    private readonly ref struct GruForwardRow(Span<float> gates, ReadOnlySpan<float> recurrent, Span<float> h, Span<float> recurrentN)
    {
        public readonly ref float Gates = ref MemoryMarshal.GetReference(gates);
        public readonly ref float Recurrent = ref MemoryMarshal.GetReference(recurrent);
        public readonly ref float H = ref MemoryMarshal.GetReference(h);
        public readonly ref float RecurrentN = ref MemoryMarshal.GetReference(recurrentN);
    }

    /// <summary>One row's buffers for GruBackward.</summary>
    private readonly ref struct GruBackwardRow(
        ReadOnlySpan<float> gates, ReadOnlySpan<float> recurrentN, ReadOnlySpan<float> hiddenPrevious, ReadOnlySpan<float> dOutput,
        Span<float> dH, Span<float> dGates, Span<float> dRecurrent)
    {
        public readonly ref float Gates = ref MemoryMarshal.GetReference(gates);
        public readonly ref float RecurrentN = ref MemoryMarshal.GetReference(recurrentN);
        public readonly ref float HiddenPrevious = ref MemoryMarshal.GetReference(hiddenPrevious);
        public readonly ref float DOutput = ref MemoryMarshal.GetReference(dOutput);
        public readonly ref float DH = ref MemoryMarshal.GetReference(dH);
        public readonly ref float DGates = ref MemoryMarshal.GetReference(dGates);
        public readonly ref float DRecurrent = ref MemoryMarshal.GetReference(dRecurrent);
        public readonly bool HasOutput = !dOutput.IsEmpty;
    }
}
