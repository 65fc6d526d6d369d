using System.Buffers.Binary;
using System.Text;

namespace RnnGen.Benchmarks.Native;

/// <summary>
/// The symbol-version requirements of a little-endian ELF64 shared library (its <c>.gnu.version_r</c> section),
/// read from the file's bytes, and which of them the dynamic relocations actually use.
/// </summary>
/// <remarks>
/// Layouts as in the System V gABI and the LSB's symbol versioning chapter: section headers
/// (<c>Elf64_Shdr</c>, 64 bytes), <c>Elf64_Verneed</c> and <c>Elf64_Vernaux</c> (16 bytes each), one 16-bit
/// <c>.gnu.version</c> entry per <c>.dynsym</c> symbol, and relocations whose <c>r_info</c> carries the symbol
/// index in its upper 32 bits.
/// </remarks>
internal sealed class ElfVersionNeeds
{
    /// <summary><c>VER_FLG_WEAK</c>: a missing version is reported by the loader's verbose mode only, not as an error.</summary>
    public const ushort WeakFlag = 0x2;

    private const uint SectionRela = 4;
    private const uint SectionRel = 9;
    private const uint SectionDynamicSymbols = 11;
    private const uint SectionVersionNeeds = 0x6ffffffe;
    private const uint SectionSymbolVersions = 0x6fffffff;
    private const ushort HiddenVersionBit = 0x8000;
    private const int DynamicSymbolSize = 24;

    private readonly byte[] _bytes;
    private readonly List<Section> _sections;

    private ElfVersionNeeds(byte[] bytes, string path)
    {
        _bytes = bytes;
        Path = path;
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            throw new InvalidDataException($"{path} is not an ELF file.");
        }

        if (bytes[4] != 2 || bytes[5] != 1)
        {
            throw new InvalidDataException($"{path} is ELF class {bytes[4]}, data {bytes[5]}; expected 2 (64-bit), 1 (little-endian).");
        }

        _sections = ReadSections();
        Requirements = ReadRequirements();
    }

    /// <summary>The file the bytes came from.</summary>
    public string Path { get; }

    /// <summary>Every version requirement, in file order.</summary>
    public IReadOnlyList<VersionRequirement> Requirements { get; }

    /// <summary>Reads the library at <paramref name="path"/>.</summary>
    public static ElfVersionNeeds Read(string path) => new(File.ReadAllBytes(path), path);

    /// <summary>The bytes as they are now, with any flags set by <see cref="MarkWeak"/>.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The requirement named <paramref name="version"/> of <paramref name="library"/>, or null.</summary>
    public VersionRequirement? Find(string library, string version) =>
        Requirements.FirstOrDefault(r => r.Library == library && r.Version == version);

    /// <summary>
    /// The dynamic symbols that a relocation (in any <c>SHT_RELA</c> or <c>SHT_REL</c> section over
    /// <c>.dynsym</c>) refers to and whose version is <paramref name="requirement"/>: the ones the loader
    /// would have to bind to that version.
    /// </summary>
    public IReadOnlyList<string> RelocatedSymbolsOf(VersionRequirement requirement)
    {
        int dynamicSymbols = _sections.IndexOf(Single(SectionDynamicSymbols, ".dynsym"));
        var symbols = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Section relocations in _sections.Where(s => (s.Type == SectionRela || s.Type == SectionRel) && s.Link == dynamicSymbols))
        {
            int entrySize = relocations.Type == SectionRela ? 24 : 16;
            for (long entry = relocations.Offset; entry < relocations.Offset + relocations.Size; entry += entrySize)
            {
                // r_info = symbol << 32 | type; symbol 0 (relative relocations) has no version
                uint symbol = (uint)(U64(entry + 8) >> 32);
                if (symbol != 0 && VersionOf(symbol) == requirement.Index)
                {
                    symbols.Add(SymbolName(symbol));
                }
            }
        }

        return [.. symbols];
    }

    /// <summary>The dynamic symbols, relocated or not, whose version is <paramref name="requirement"/>.</summary>
    public IReadOnlyList<string> SymbolsOf(VersionRequirement requirement)
    {
        long count = Single(SectionDynamicSymbols, ".dynsym").Size / DynamicSymbolSize;
        var symbols = new List<string>();
        for (uint symbol = 1; symbol < count; symbol++)
        {
            if (VersionOf(symbol) == requirement.Index)
            {
                symbols.Add(SymbolName(symbol));
            }
        }

        return symbols;
    }

    /// <summary>Sets <see cref="WeakFlag"/> on <paramref name="requirement"/> in <see cref="Bytes"/>.</summary>
    public void MarkWeak(VersionRequirement requirement) =>
        BinaryPrimitives.WriteUInt16LittleEndian(_bytes.AsSpan((int)requirement.FlagsOffset), (ushort)(requirement.Flags | WeakFlag));

    private List<Section> ReadSections()
    {
        long headers = (long)U64(0x28);
        int headerSize = U16(0x3A);
        int count = U16(0x3C);
        if (headers == 0 || headerSize != 64)
        {
            throw new InvalidDataException($"{Path} has no section headers of the ELF64 size (offset {headers}, entry size {headerSize}).");
        }

        var sections = new List<Section>(count);
        for (int i = 0; i < count; i++)
        {
            long header = headers + (i * headerSize);
            sections.Add(new Section(Type: U32(header + 4), Offset: (long)U64(header + 24), Size: (long)U64(header + 32), Link: U32(header + 40), Info: U32(header + 44)));
        }

        return sections;
    }

    private List<VersionRequirement> ReadRequirements()
    {
        Section needs = Single(SectionVersionNeeds, ".gnu.version_r");
        Section names = _sections[(int)needs.Link];
        var requirements = new List<VersionRequirement>();
        long need = needs.Offset;
        for (uint n = 0; n < needs.Info; n++)
        {
            string library = String(names, U32(need + 4));
            long aux = need + U32(need + 8);
            for (int a = 0; a < U16(need + 2); a++)
            {
                requirements.Add(new VersionRequirement(
                    Library: library,
                    Version: String(names, U32(aux + 8)),
                    Index: U16(aux + 6),
                    Flags: U16(aux + 4),
                    FlagsOffset: aux + 4));
                aux += U32(aux + 12);
            }

            need += U32(need + 12);
        }

        return requirements;
    }

    private ushort VersionOf(uint symbol) =>
        (ushort)(U16(Single(SectionSymbolVersions, ".gnu.version").Offset + (2L * symbol)) & ~HiddenVersionBit);

    private string SymbolName(uint symbol)
    {
        Section dynamicSymbols = Single(SectionDynamicSymbols, ".dynsym");
        return String(_sections[(int)dynamicSymbols.Link], U32(dynamicSymbols.Offset + ((long)symbol * DynamicSymbolSize)));
    }

    private Section Single(uint type, string name)
    {
        Section[] matches = _sections.Where(s => s.Type == type).ToArray();
        return matches.Length == 1
            ? matches[0]
            : throw new InvalidDataException($"{Path} has {matches.Length} {name} sections; expected exactly one.");
    }

    private string String(Section table, uint offset)
    {
        int start = checked((int)(table.Offset + offset));
        int end = Array.IndexOf(_bytes, (byte)0, start);
        return Encoding.ASCII.GetString(_bytes, start, end - start);
    }

    private ushort U16(long offset) => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(checked((int)offset)));

    private uint U32(long offset) => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(checked((int)offset)));

    private ulong U64(long offset) => BinaryPrimitives.ReadUInt64LittleEndian(_bytes.AsSpan(checked((int)offset)));

    private sealed record Section(uint Type, long Offset, long Size, uint Link, uint Info);
}

/// <summary>One <c>Elf64_Vernaux</c> entry: <paramref name="Version"/> of <paramref name="Library"/>, numbered <paramref name="Index"/> in <c>.gnu.version</c>.</summary>
internal sealed record VersionRequirement(string Library, string Version, ushort Index, ushort Flags, long FlagsOffset)
{
    /// <summary>Whether the loader treats a missing version as a warning only.</summary>
    public bool IsWeak => (Flags & ElfVersionNeeds.WeakFlag) != 0;
}
