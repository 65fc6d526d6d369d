using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// One of a generated model's buffers (<see cref="Workspace.Floats"/>): its floats start on a 64-byte boundary, a cache
/// line and one Vector512. Unaligned, every Vector512 load or store of the kernels straddles two lines, and when two
/// threads take neighbouring sequences of a batch, the line that holds the end of one's rows and the start of the
/// other's goes back and forth between their cores at every time step.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct WorkspaceBuffer
{
    private readonly float[] _array;
    private readonly int _start;

    internal WorkspaceBuffer(int length)
    {
        _array = AlignedFloats.Allocate(length, out _start);
        Length = length;
    }

    /// <summary>Floats in the buffer.</summary>
    public int Length { get; }

    /// <summary>All of the buffer.</summary>
    public Span<float> Span => new(_array, _start, Length);

    /// <summary>All of the buffer, where a kernel takes a span.</summary>
    public static implicit operator Span<float>(WorkspaceBuffer buffer) => buffer.Span;

    /// <summary>All of the buffer, read-only.</summary>
    public static implicit operator ReadOnlySpan<float>(WorkspaceBuffer buffer) => buffer.Span;

    /// <summary>Floats [start, start + length) of the buffer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the buffer.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> Slice(int start, int length)
    {
        if ((uint)start > (uint)Length || (uint)length > (uint)(Length - start))
        {
            ThrowOutside(start, length, Length);
        }

        return new Span<float>(_array, _start + start, length);
    }

    private static void ThrowOutside(int start, int length, int bufferLength) =>
        throw new ArgumentOutOfRangeException(nameof(start), $"Floats [{start}, {(long)start + length}) are not inside a workspace buffer of {bufferLength}.");
}
