using System.Globalization;

namespace Births;

/// <summary>Predicted against actual births per day, with the seasonal-naive baseline for reference.</summary>
internal static class ForecastPlot
{
    public static void Save(IReadOnlyList<DateOnly> days, double[] actual, double[] predicted, double[] weekAgo, string path, string title)
    {
        double[] x = days.Select(d => d.ToDateTime(TimeOnly.MinValue).ToOADate()).ToArray();
        var plot = new ScottPlot.Plot();
        Line(plot, x, actual, "actual", ScottPlot.Colors.Black, 2.5f, dashed: false);
        Line(plot, x, predicted, "GRU forecast", ScottPlot.Colors.OrangeRed, 2f, dashed: false);
        Line(plot, x, weekAgo, "same as 7 days ago", ScottPlot.Colors.SteelBlue, 1.5f, dashed: true);
        plot.Axes.DateTimeTicksBottom();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.DateTimeAutomatic
        {
            LabelFormatter = day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        plot.Title(title);
        plot.YLabel("births per day");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 1100, 540);
    }

    private static void Line(ScottPlot.Plot plot, double[] x, double[] y, string label, ScottPlot.Color color, float width, bool dashed)
    {
        var line = plot.Add.Scatter(x, y, color);
        line.LegendText = label;
        line.LineWidth = width;
        line.MarkerSize = dashed ? 0 : 4;
        if (dashed)
        {
            line.LinePattern = ScottPlot.LinePattern.Dashed;
        }
    }
}
