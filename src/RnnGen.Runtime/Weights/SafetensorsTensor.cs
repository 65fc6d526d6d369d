using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace RnnGen;

/// <summary>
/// One tensor of a <see cref="SafetensorsFile"/>: its name, element type, shape and its raw little-endian bytes
/// (a view of the memory given to <see cref="SafetensorsFile.Parse"/>, or an array of its own when read from a file).
/// </summary>
public sealed class SafetensorsTensor
{
    private readonly ReadOnlyMemory<byte> _data;

    internal SafetensorsTensor(string name, SafetensorsDType dtype, int[] shape, int elementCount, ReadOnlyMemory<byte> data)
    {
        Name = name;
        DType = dtype;
        Shape = Array.AsReadOnly(shape);
        ElementCount = elementCount;
        _data = data;
    }

    /// <summary>The tensor's key in the file header.</summary>
    public string Name { get; }

    /// <summary>Element type as stored in the file.</summary>
    public SafetensorsDType DType { get; }

    /// <summary>Dimensions in C order (last index fastest); empty for a scalar.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Product of <see cref="Shape"/> (1 for a scalar); at most <see cref="int.MaxValue"/>.</summary>
    public long ElementCount { get; }

    /// <summary>Converts the elements of a floating-point tensor to a new float32 array.</summary>
    /// <exception cref="InvalidOperationException"><see cref="DType"/> is an integer type.</exception>
    public float[] ToFloat32()
    {
        EnsureFloatingPoint();
        float[] values = new float[ElementCount];
        CopyToFloat32(values);
        return values;
    }

    /// <summary>
    /// Converts the elements of a floating-point tensor into <paramref name="destination"/>:
    /// F32 as is, F16 and BF16 exactly (every such value is a float32), F64 rounded to nearest.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="DType"/> is an integer type.</exception>
    /// <exception cref="ArgumentException">The length of <paramref name="destination"/> is not <see cref="ElementCount"/>.</exception>
    public void CopyToFloat32(Span<float> destination)
    {
        EnsureFloatingPoint();
        if (destination.Length != ElementCount)
        {
            throw new ArgumentException(
                $"Tensor '{Name}' has {ElementCount} elements but the destination holds {destination.Length}.", nameof(destination));
        }

        ReadOnlySpan<byte> bytes = _data.Span;
        switch (DType)
        {
            case SafetensorsDType.F32 when BitConverter.IsLittleEndian:
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
                break;
            case SafetensorsDType.F32:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
                }

                break;
            case SafetensorsDType.F16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(i * 2)..]);
                }

                break;
            case SafetensorsDType.BF16:
                for (int i = 0; i < destination.Length; i++)
                {
                    // bfloat16 is the upper 16 bits of a float32.
                    int bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 2)..]) << 16;
                    destination[i] = BitConverter.Int32BitsToSingle(bits);
                }

                break;
            case SafetensorsDType.F64:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * 8)..]);
                }

                break;
        }
    }

    /// <summary>Converts the elements of an integer or boolean tensor to a new int64 array (BOOL as 0 or 1).</summary>
    /// <exception cref="InvalidOperationException"><see cref="DType"/> is a floating-point type.</exception>
    public long[] ToInt64()
    {
        if (DType.IsFloatingPoint())
        {
            throw new InvalidOperationException(
                $"Tensor '{Name}' has dtype {DType.GetHeaderName()}, which does not convert to int64; only I64, I32, I16, I8, U8 and BOOL do.");
        }

        ReadOnlySpan<byte> bytes = _data.Span;
        long[] values = new long[ElementCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = DType switch
            {
                SafetensorsDType.I64 => BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * 8)..]),
                SafetensorsDType.I32 => BinaryPrimitives.ReadInt32LittleEndian(bytes[(i * 4)..]),
                SafetensorsDType.I16 => BinaryPrimitives.ReadInt16LittleEndian(bytes[(i * 2)..]),
                SafetensorsDType.I8 => (sbyte)bytes[i],
                SafetensorsDType.U8 => bytes[i],
                _ => bytes[i] != 0 ? 1 : 0, // BOOL
            };
        }

        return values;
    }

    /// <summary>Name, dtype and shape, e.g. <c>weight_ih_l0 F32 [28, 5]</c>.</summary>
    public override string ToString() => $"{Name} {DType.GetHeaderName()} {TensorShape.Format(Shape)}";

    private void EnsureFloatingPoint()
    {
        if (!DType.IsFloatingPoint())
        {
            throw new InvalidOperationException(
                $"Tensor '{Name}' has dtype {DType.GetHeaderName()}, which does not convert to float32; only F32, F16, BF16 and F64 do.");
        }
    }
}
