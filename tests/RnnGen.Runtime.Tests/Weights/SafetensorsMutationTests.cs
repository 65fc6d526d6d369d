using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace RnnGen.Runtime.Tests.Weights;

/// <summary>
/// Seeded random corruption of real files: every mutant must either parse into tensors that convert without
/// error, or be rejected with exactly <see cref="InvalidDataException"/>. Any other exception is a reader bug.
/// </summary>
public class SafetensorsMutationTests
{
    /// <summary>5,000 for each of the 21 fixtures: 105,000 mutants per run (issue 6 asks for at least 100,000).</summary>
    private const int MutationsPerFile = 5000;

    private const int MinimumMutationsPerRun = 100_000;

    private static readonly byte[] JsonCharacters = Encoding.ASCII.GetBytes("{}[]\":,-.0123456789eE \\u");

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void Every_mutation_of_a_fixture_parses_or_throws_InvalidDataException(string fixture)
    {
        byte[] original = File.ReadAllBytes(LibtorchFixtures.PathOf(fixture));
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(original);
        var random = new Random(StableSeed(fixture));
        var failures = new List<string>();
        int parsed = 0;
        int rejected = 0;

        for (int i = 0; i < MutationsPerFile; i++)
        {
            var description = new StringBuilder();
            byte[] mutant = Mutate(original, headerEnd, random, description);
            try
            {
                SafetensorsFile file = SafetensorsFile.Parse(mutant, fixture);
                ConvertEveryTensor(file);
                parsed++;
            }
            catch (InvalidDataException)
            {
                rejected++;
            }
#pragma warning disable CA1031 // Any other exception type is exactly what this test looks for.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures.Add($"mutation {i} ({description}): {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.GetRange(0, Math.Min(failures.Count, 10))));
        // Both outcomes must occur, or the mutations are not exercising the reader.
        Assert.True(parsed > MutationsPerFile / 40, $"only {parsed} of {MutationsPerFile} mutants parsed");
        Assert.True(rejected > MutationsPerFile / 4, $"only {rejected} of {MutationsPerFile} mutants were rejected");
    }

    /// <summary>Fewer fixtures must not quietly shrink the fuzzing below what the README promises.</summary>
    [Fact]
    public void A_run_mutates_at_least_100000_files()
    {
        int total = LibtorchFixtures.All().Length * MutationsPerFile;
        Assert.True(total >= MinimumMutationsPerRun, $"{total} mutants per run, fewer than {MinimumMutationsPerRun}: raise MutationsPerFile");
    }

    private static byte[] Mutate(byte[] original, int headerEnd, Random random, StringBuilder description)
    {
        byte[] bytes = (byte[])original.Clone();
        int count = random.Next(1, 4);
        for (int m = 0; m < count && bytes.Length > 0; m++)
        {
            switch (random.Next(6))
            {
                case 0:
                {
                    int bit = random.Next(bytes.Length * 8);
                    bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                    description.Append(CultureInfo.InvariantCulture, $"flip bit {bit}; ");
                    break;
                }

                case 1:
                {
                    int position = random.Next(bytes.Length);
                    bytes[position] = (byte)random.Next(256);
                    description.Append(CultureInfo.InvariantCulture, $"byte {position} = {bytes[position]}; ");
                    break;
                }

                case 2:
                {
                    // Most of the structure is in the header, so aim JSON punctuation and digits at it.
                    int position = random.Next(Math.Min(headerEnd, bytes.Length));
                    bytes[position] = JsonCharacters[random.Next(JsonCharacters.Length)];
                    description.Append(CultureInfo.InvariantCulture, $"header byte {position} = '{(char)bytes[position]}'; ");
                    break;
                }

                case 3:
                {
                    int length = random.Next(bytes.Length);
                    bytes = bytes[..length];
                    description.Append(CultureInfo.InvariantCulture, $"truncate to {length}; ");
                    break;
                }

                case 4 when bytes.Length >= 8:
                {
                    ulong current = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
                    ulong length = random.Next(4) switch
                    {
                        0 => (ulong)random.NextInt64(),
                        1 => (ulong)random.Next(bytes.Length + 16),
                        2 => current + (ulong)random.Next(-16, 17),
                        _ => current ^ (1UL << random.Next(64)),
                    };
                    BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
                    description.Append(CultureInfo.InvariantCulture, $"header length = {length}; ");
                    break;
                }

                default:
                {
                    // Delete or duplicate a span of the header, shifting everything after it.
                    int start = random.Next(Math.Min(headerEnd, bytes.Length));
                    int length = random.Next(1, 9);
                    bool delete = random.Next(2) == 0;
                    int end = Math.Min(start + length, bytes.Length);
                    bytes = delete
                        ? [.. bytes.AsSpan(0, start), .. bytes.AsSpan(end)]
                        : [.. bytes.AsSpan(0, end), .. bytes.AsSpan(start, end - start), .. bytes.AsSpan(end)];
                    description.Append(CultureInfo.InvariantCulture, $"{(delete ? "delete" : "duplicate")} [{start}, {end}); ");
                    break;
                }
            }
        }

        return bytes;
    }

    private static void ConvertEveryTensor(SafetensorsFile file)
    {
        foreach (SafetensorsTensor tensor in file.Tensors)
        {
            if (tensor.DType.IsFloatingPoint())
            {
                Assert.Equal(tensor.ElementCount, tensor.ToFloat32().Length);
            }
            else
            {
                Assert.Equal(tensor.ElementCount, tensor.ToInt64().Length);
            }
        }
    }

    /// <summary>FNV-1a of the name, so each file gets its own seed that does not change between runs.</summary>
    private static int StableSeed(string name)
    {
        uint hash = 2166136261;
        foreach (char c in name)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash & int.MaxValue);
    }

    public static TheoryData<string> AllFixtures() => LibtorchFixtures.AllAsTheoryData();
}
