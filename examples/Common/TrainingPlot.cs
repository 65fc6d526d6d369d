using RnnGen.Training;

namespace RnnGen.Examples;

/// <summary>Training curves as a PNG: loss (left axis) and metric (right axis) per epoch, training solid, validation dashed.</summary>
public static class TrainingPlot
{
    /// <summary>Writes <paramref name="history"/> into <paramref name="path"/>.</summary>
    public static void Save(TrainingHistory history, string path, string title)
    {
        ArgumentNullException.ThrowIfNull(history);
        var plot = new ScottPlot.Plot();
        double[] epochs = history.Epochs.Select(r => (double)r.Epoch).ToArray();
        bool validated = history.Epochs.All(r => r.ValidationLoss.HasValue);

        Line(plot, epochs, history.Epochs.Select(r => r.Loss), "train loss", ScottPlot.Colors.Blue, dashed: false, right: false);
        Line(plot, epochs, history.Epochs.Select(r => r.Metric), "train " + history.MetricName, ScottPlot.Colors.OrangeRed, dashed: false, right: true);
        if (validated)
        {
            Line(plot, epochs, history.Epochs.Select(r => r.ValidationLoss!.Value), "validation loss", ScottPlot.Colors.Blue, dashed: true, right: false);
            Line(plot, epochs, history.Epochs.Select(r => r.ValidationMetric!.Value), "validation " + history.MetricName, ScottPlot.Colors.OrangeRed, dashed: true, right: true);
        }

        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel("loss");
        plot.Axes.Right.Label.Text = history.MetricName;
        plot.ShowLegend(ScottPlot.Alignment.MiddleRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 540);
    }

    private static void Line(ScottPlot.Plot plot, double[] epochs, IEnumerable<double> values, string label, ScottPlot.Color color, bool dashed, bool right)
    {
        var line = plot.Add.Scatter(epochs, values.ToArray(), color);
        line.LegendText = label;
        line.LineWidth = 2;
        if (dashed)
        {
            line.LinePattern = ScottPlot.LinePattern.Dashed;
        }

        if (right)
        {
            line.Axes.YAxis = plot.Axes.Right;
        }
    }
}
