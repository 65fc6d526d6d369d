using System;

namespace RnnGen;

/// <summary>A float32 tensor for <see cref="SafetensorsWriter"/>.</summary>
/// <param name="Name">Key in the file header; non-empty, unique within a file, not <c>__metadata__</c>.</param>
/// <param name="Shape">Dimensions in C order (last index fastest); empty for a scalar.</param>
/// <param name="Data">The elements in C order; exactly as many as the product of <paramref name="Shape"/>.</param>
public readonly record struct SafetensorsEntry(string Name, int[] Shape, ReadOnlyMemory<float> Data);
