using RnnGen.Training;

namespace RnnGen.Examples;

/// <summary>What every example leaves in its output folder besides its checkpoint.</summary>
public static class ExampleOutputs
{
    /// <summary>
    /// Writes <c>{stem}-curves.png</c> (the plot) and <c>{stem}-history.csv</c> (one row per epoch, for a
    /// spreadsheet or another plot) into <paramref name="directory"/>.
    /// </summary>
    public static void SaveHistory(TrainingHistory history, string directory, string stem, string title)
    {
        ArgumentNullException.ThrowIfNull(history);
        TrainingPlot.Save(history, Path.Combine(directory, stem + "-curves.png"), title);
        history.SaveCsv(Path.Combine(directory, stem + "-history.csv"));
    }
}
