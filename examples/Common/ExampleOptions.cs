using System.Globalization;

namespace RnnGen.Examples;

/// <summary>
/// The command line every example shares: <c>--epochs N --seed N --quick --data DIR --out DIR --threads N</c>.
/// <c>--threads</c> sets <see cref="Parallelism.Threads"/> (default 1); results do not depend on it, bit for bit.
/// </summary>
public sealed record ExampleOptions(int? Epochs, ulong Seed, bool Quick, string DataDirectory, string OutputDirectory)
{
    /// <summary>Parses the arguments; unknown ones stop the program with a usage line.</summary>
    public static ExampleOptions Parse(string[] args, string example)
    {
        int? epochs = null;
        ulong seed = 1;
        bool quick = false;
        string? data = null;
        string? output = null;
        int threads = 1;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw Usage(example, $"{args[i]} needs a value");
            switch (args[i])
            {
                case "--epochs":
                    epochs = int.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--seed":
                    seed = ulong.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--quick":
                    quick = true;
                    break;
                case "--data":
                    data = Next();
                    break;
                case "--out":
                    output = Next();
                    break;
                case "--threads":
                    threads = int.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                default:
                    throw Usage(example, $"unknown argument {args[i]}");
            }
        }

        Parallelism.Threads = Math.Clamp(threads, 1, Environment.ProcessorCount);
        string root = RepositoryRoot();
        return new ExampleOptions(
            epochs,
            seed,
            quick,
            Path.GetFullPath(data ?? Path.Combine(root, "data")),
            Path.GetFullPath(output ?? Path.Combine(root, "artifacts", example)));
    }

    /// <summary>Epochs from the command line, else the example's default (fewer with --quick).</summary>
    public int EpochsOr(int full, int quick) => Epochs ?? (Quick ? quick : full);

    /// <summary>The folder holding RnnGen.sln above the working directory, else the working directory.</summary>
    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "RnnGen.sln")))
            {
                return folder.FullName;
            }
        }

        return Environment.CurrentDirectory;
    }

    private static ArgumentException Usage(string example, string problem) =>
        new($"{problem}. Usage: dotnet run -c Release --project examples/{example} -- [--epochs N] [--seed N] [--quick] [--data DIR] [--out DIR] [--threads N]");
}
