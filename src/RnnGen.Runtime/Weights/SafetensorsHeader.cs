using System.Collections.Generic;

namespace RnnGen;

/// <summary>The parsed and validated JSON header of a safetensors file.</summary>
internal sealed record SafetensorsHeader(
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<SafetensorsHeaderEntry> Entries);

/// <summary>
/// One tensor entry of the header. <see cref="Begin"/> and <see cref="End"/> are byte offsets into the data
/// section, already checked to lie inside it and to span exactly <c>ElementCount × element size</c> bytes.
/// </summary>
internal readonly record struct SafetensorsHeaderEntry(
    string Name,
    SafetensorsDType DType,
    int[] Shape,
    int ElementCount,
    long Begin,
    long End);
