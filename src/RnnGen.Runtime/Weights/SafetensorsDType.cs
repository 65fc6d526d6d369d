namespace RnnGen;

/// <summary>
/// Element type of a tensor in a safetensors file. Each member is named exactly as its
/// <c>dtype</c> string in the file header.
/// </summary>
public enum SafetensorsDType
{
    /// <summary>IEEE 754 binary32 (<c>"F32"</c>), 4 bytes.</summary>
    F32,

    /// <summary>IEEE 754 binary16 (<c>"F16"</c>), 2 bytes.</summary>
    F16,

    /// <summary>bfloat16, the upper half of a binary32 (<c>"BF16"</c>), 2 bytes.</summary>
    BF16,

    /// <summary>IEEE 754 binary64 (<c>"F64"</c>), 8 bytes.</summary>
    F64,

    /// <summary>Signed 64-bit integer (<c>"I64"</c>), 8 bytes.</summary>
    I64,

    /// <summary>Signed 32-bit integer (<c>"I32"</c>), 4 bytes.</summary>
    I32,

    /// <summary>Signed 16-bit integer (<c>"I16"</c>), 2 bytes.</summary>
    I16,

    /// <summary>Signed 8-bit integer (<c>"I8"</c>), 1 byte.</summary>
    I8,

    /// <summary>Unsigned 8-bit integer (<c>"U8"</c>), 1 byte.</summary>
    U8,

    /// <summary>Boolean stored as one byte, 0 or 1 (<c>"BOOL"</c>).</summary>
    BOOL,
}
