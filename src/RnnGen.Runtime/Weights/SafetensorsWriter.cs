using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;

namespace RnnGen;

/// <summary>
/// Writes float32 tensors as safetensors: <c>__metadata__</c> first (when there is any), then the tensors in
/// the given order with their data back to back; the header is padded with spaces to a multiple of 8 bytes.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> to <paramref name="path"/> atomically: the bytes go to a temporary
    /// file next to it, are flushed to disk, and the temporary file then replaces <paramref name="path"/>, so
    /// readers see either the old file or the complete new one. The temporary file is removed on failure.
    /// </summary>
    /// <exception cref="ArgumentException">A tensor has no name, a duplicate or reserved name, a negative dimension,
    /// or a data length that differs from the product of its shape; or a metadata value is null.</exception>
    /// <exception cref="IOException">The file cannot be written; <see cref="DirectoryNotFoundException"/> when its folder
    /// does not exist (it is not created, as <c>torch.save</c> does not create one).</exception>
    public static void Write(string path, IEnumerable<SafetensorsEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafetensorsLayout layout = SafetensorsLayout.Create(tensors, metadata);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
        {
            // said here, with the caller's path: the stream below would name the temporary file
            throw new DirectoryNotFoundException($"Cannot write {path}: the folder {folder} does not exist.");
        }

        string temporaryPath = $"{path}.tmp-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        try
        {
            using (var stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                layout.WriteTo(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporaryPath, path, overwrite: true);
        }
        catch
        {
            DeleteIfPresent(temporaryPath);
            throw;
        }
    }

    /// <summary>Encodes <paramref name="tensors"/> as the bytes of a safetensors file.</summary>
    /// <exception cref="ArgumentException">As for <see cref="Write"/>, or the result would not fit in a byte array.</exception>
    public static byte[] Serialize(IEnumerable<SafetensorsEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        SafetensorsLayout layout = SafetensorsLayout.Create(tensors, metadata);
        if (layout.TotalLength > Array.MaxLength)
        {
            throw new ArgumentException(
                $"The tensors need {layout.TotalLength} bytes, more than a byte array holds ({Array.MaxLength}); use Write to stream them to a file.",
                nameof(tensors));
        }

        byte[] bytes = new byte[layout.TotalLength];
        using var stream = new MemoryStream(bytes);
        layout.WriteTo(stream);
        return bytes;
    }

    private static void DeleteIfPresent(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The write already failed; its exception is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
