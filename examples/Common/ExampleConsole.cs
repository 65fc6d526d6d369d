using System.Diagnostics;
using System.Globalization;
using RnnGen.Training;
using Spectre.Console;

namespace RnnGen.Examples;

/// <summary>What every example prints: a header, missing-data advice, a live training progress bar, and the RESULT line.</summary>
public static class ExampleConsole
{
    /// <summary>Checks that every path exists; otherwise says which command fetches them and returns false.</summary>
    public static bool RequireData(string fetchCommand, params string[] paths)
    {
        var missing = paths.Where(p => !File.Exists(p) && !Directory.Exists(p)).ToList();
        if (missing.Count == 0)
        {
            return true;
        }

        // On standard error, as every other refusal of the examples: a redirected log of results stays clean.
        Console.Error.WriteLine($"error: data not found: {string.Join(", ", missing)}");
        Console.Error.WriteLine($"fetch it with: {fetchCommand} (from the repository root)");
        return false;
    }

    /// <summary>
    /// Runs <paramref name="fit"/> with a live progress bar per epoch and a summary line per epoch
    /// (loss and metric, training and validation, learning rate, seconds).
    /// </summary>
    public static TrainingHistory Train(Func<IProgress<TrainingProgress>, Action<EpochRecord>, TrainingHistory> fit, string metric)
    {
        ArgumentNullException.ThrowIfNull(fit);
        if (Console.IsOutputRedirected)
        {
            // A log file gets one plain line per epoch: no progress bar, no wrapping at a pretend console width.
            return fit(new InlineProgress<TrainingProgress>(_ => { }), record => Console.WriteLine(Summary(record, metric)));
        }

        TrainingHistory? history = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                ProgressTask? task = null;
                int epochShown = 0;
                var progress = new InlineProgress<TrainingProgress>(p =>
                {
                    if (task is null || p.Epoch != epochShown)
                    {
                        task?.StopTask();
                        epochShown = p.Epoch;
                        task = context.AddTask($"epoch {p.Epoch}/{p.Epochs}", maxValue: p.Batches);
                    }

                    task.Value = p.Batch;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch}/{p.Epochs} loss {p.Loss:F4} {metric} {p.Metric:F4}");
                });

                history = fit(progress, record =>
                {
                    task?.StopTask();
                    AnsiConsole.MarkupLine(Markup.Escape(Summary(record, metric)));
                });
            });

        return history!;
    }

    private static string Summary(EpochRecord record, string metric)
    {
        string validation = record.ValidationLoss is { } loss
            ? string.Create(CultureInfo.InvariantCulture, $"  val_loss {loss:F4}  val_{metric} {record.ValidationMetric:F4}")
            : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {record.Epoch,3}: loss {record.Loss:F4}  {metric} {record.Metric:F4}{validation}  lr {record.LearningRate:G3}  {record.Seconds:F1} s");
    }

    /// <summary>Prints the machine-readable last line: <c>RESULT task=… metric=… value=… seconds=…</c>.</summary>
    public static void Result(string task, string metric, double value, Stopwatch clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT task={task} metric={metric} value={value:0.####} seconds={clock.Elapsed.TotalSeconds:0.#}"));
    }

    /// <summary>Reports synchronously on the training thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
