using System.Globalization;

namespace RnnGen.Examples;

/// <summary>
/// The command line every example shares: <c>--epochs N --seed N --quick --data DIR --out DIR --threads N</c>.
/// <c>--threads</c> sets <see cref="Parallelism.Threads"/> (default 1); results do not depend on it, bit for bit.
/// </summary>
public sealed record ExampleOptions(int? Epochs, ulong Seed, bool Quick, string DataDirectory, string OutputDirectory)
{
    /// <summary>
    /// Parses the arguments, or returns null when the program should stop at once with <paramref name="exitCode"/>:
    /// 0 after <c>--help</c> printed the usage, 2 after a bad argument, named on stderr above the usage line.
    /// </summary>
    public static ExampleOptions? Parse(string[] args, string example, out int exitCode)
    {
        ArgumentNullException.ThrowIfNull(args);
        int? epochs = null;
        ulong seed = 1;
        bool quick = false;
        string? data = null;
        string? output = null;
        int threads = 1;
        exitCode = 2;
        for (int i = 0; i < args.Length; i++)
        {
            string argument = args[i];
            if (argument is "--help" or "-h")
            {
                Console.WriteLine(Usage(example));
                Console.WriteLine(Help(example));
                exitCode = 0;
                return null;
            }

            if (argument == "--quick")
            {
                quick = true;
                continue;
            }

            if (argument is not ("--epochs" or "--seed" or "--data" or "--out" or "--threads"))
            {
                return Refuse(example, $"unknown argument '{argument}'");
            }

            // An option in the value's place means the value is missing: "--epochs --quick".
            if (i + 1 == args.Length || string.IsNullOrWhiteSpace(args[i + 1]) || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                return Refuse(example, $"{argument} needs a value");
            }

            string value = args[++i];
            switch (argument)
            {
                case "--epochs":
                    if (!TryParseCount(value, out int epochCount))
                    {
                        return Refuse(example, $"--epochs expects a whole number from 1 to {int.MaxValue}, not '{value}'");
                    }

                    epochs = epochCount;
                    break;
                case "--seed":
                    if (!ulong.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out seed))
                    {
                        return Refuse(example, $"--seed expects a whole number from 0 to {ulong.MaxValue}, not '{value}'");
                    }

                    break;
                case "--data":
                    data = value;
                    break;
                case "--out":
                    output = value;
                    break;
                case "--threads":
                    if (!TryParseCount(value, out threads))
                    {
                        return Refuse(example, $"--threads expects a whole number from 1 to {int.MaxValue}, not '{value}'");
                    }

                    break;
            }
        }

        // Parallelism.Threads refuses more threads than processors; run on all of them rather than stop.
        if (threads > Environment.ProcessorCount)
        {
            Console.Error.WriteLine($"{example}: note: --threads {threads} is more than this machine's {Environment.ProcessorCount} processors; using {Environment.ProcessorCount}");
            threads = Environment.ProcessorCount;
        }

        Parallelism.Threads = threads;
        string root = RepositoryRoot();
        exitCode = 0;
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

    /// <summary>A count of epochs or threads: a whole number, at least 1, read the same in every culture.</summary>
    private static bool TryParseCount(string text, out int count) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out count) && count >= 1;

    /// <summary>Names the problem and shows the usage line, both on stderr; the caller exits with code 2.</summary>
    private static ExampleOptions? Refuse(string example, string problem)
    {
        Console.Error.WriteLine($"{example}: {problem}");
        Console.Error.WriteLine(Usage(example));
        return null;
    }

    private static string Usage(string example) =>
        $"usage: dotnet run -c Release --project examples/{example} -- [--epochs N] [--seed N] [--quick] [--data DIR] [--out DIR] [--threads N]";

    private static string Help(string example) => $"""
          --epochs N   epochs to train (default: the example's own, fewer with --quick)
          --seed N     seed of every random choice (default 1)
          --quick      a short run: fewer epochs and, in most examples, less data
          --data DIR   the folder scripts/get-data.sh fills (default: data/ in the repository)
          --out DIR    where curves and checkpoints go (default: artifacts/{example}/ in the repository)
          --threads N  kernel threads, 1 to the processor count (default 1); the results are the same, bit for bit
        """;
}
