using System.Runtime.Versioning;

namespace RnnGen.Benchmarks.Native;

/// <summary>
/// Makes TorchSharp-cpu 0.107's <c>libLibTorchSharp.so</c> load on a libstdc++ older than GCC 13's (Debian 12's
/// stops at GLIBCXX_3.4.30), by marking its one requirement of <c>GLIBCXX_3.4.32</c> weak in the copy in the
/// output folder. The system and the NuGet cache are never touched.
/// </summary>
/// <remarks>
/// <para>
/// The library was built with GCC 13 headers, whose <c>&lt;iostream&gt;</c> names
/// <c>std::ios_base_library_init()</c> (version GLIBCXX_3.4.32) only to pull a link-time dependency: the symbol is
/// in <c>.dynsym</c> but no relocation refers to it, so nothing ever binds to it. The loader still refuses the
/// whole library because the version is missing, unless the requirement carries <c>VER_FLG_WEAK</c>, in which
/// case glibc's <c>_dl_check_map_versions</c> only mentions it in verbose mode (<c>ldd -v</c>).
/// </para>
/// <para>
/// Before writing, the patch checks that no relocation refers to a symbol of that version; if one did, the
/// library would really need the newer libstdc++ and the patch refuses. It is idempotent (a requirement already
/// weak is left alone) and replaces the file through a temporary copy and a rename, so a hard link into the
/// NuGet cache could not be modified in place.
/// </para>
/// </remarks>
[SupportedOSPlatform("linux")]
internal static class LibTorchSharpPatch
{
    private const string LibraryFile = "libLibTorchSharp.so";
    private const string StandardLibrary = "libstdc++.so.6";
    private const string MissingVersion = "GLIBCXX_3.4.32";

    /// <summary>
    /// Patches <c>libLibTorchSharp.so</c> in <paramref name="outputFolder"/> if it still requires
    /// <c>GLIBCXX_3.4.32</c> strongly, and returns one line saying what it found or did.
    /// </summary>
    /// <exception cref="FileNotFoundException">The library is not in the folder (TorchSharp-cpu's native assets were not copied).</exception>
    /// <exception cref="InvalidOperationException">A relocation uses a symbol of that version: the library really needs the newer libstdc++.</exception>
    public static string EnsureLoadable(string outputFolder)
    {
        string path = Path.Combine(outputFolder, LibraryFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{LibraryFile} is not in {outputFolder}; build the benchmark for linux-x64 so that TorchSharp-cpu's native files are copied there.", path);
        }

        ElfVersionNeeds library = ElfVersionNeeds.Read(path);
        VersionRequirement? requirement = library.Find(StandardLibrary, MissingVersion);
        if (requirement is null)
        {
            return $"{LibraryFile}: no {MissingVersion} requirement, nothing to patch.";
        }

        if (requirement.IsWeak)
        {
            return $"{LibraryFile}: {MissingVersion} is already a weak requirement (patched earlier).";
        }

        IReadOnlyList<string> relocated = library.RelocatedSymbolsOf(requirement);
        if (relocated.Count > 0)
        {
            throw new InvalidOperationException(
                $"{path}: relocations use {string.Join(", ", relocated)} of {MissingVersion}, so the library really needs a libstdc++ " +
                $"that has {MissingVersion}; marking it weak would fail at run time. Install a newer libstdc++ instead.");
        }

        library.MarkWeak(requirement);
        ReplaceFile(path, library.Bytes);
        if (ElfVersionNeeds.Read(path).Find(StandardLibrary, MissingVersion) is not { IsWeak: true })
        {
            throw new InvalidOperationException($"{path}: {MissingVersion} is still a strong requirement after patching.");
        }

        return $"{LibraryFile}: marked {MissingVersion} weak (index {requirement.Index}; symbols of that version, none relocated: " +
            $"{string.Join(", ", library.SymbolsOf(requirement))}).";
    }

    private static void ReplaceFile(string path, ReadOnlySpan<byte> bytes)
    {
        string temporary = path + ".patching";
        using (FileStream stream = File.Create(temporary))
        {
            stream.Write(bytes);
        }

        File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
        File.Move(temporary, path, overwrite: true);
    }
}
