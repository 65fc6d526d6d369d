using System.Globalization;

namespace Births;

/// <summary>US births per day, in date order, and the features the forecaster reads for each day.</summary>
internal sealed class DailyBirths
{
    /// <summary>The standardized births, then the day of the week one-hot (Monday first).</summary>
    public const int FeaturesPerDay = 1 + 7;

    private DailyBirths(DateOnly[] dates, float[] births)
    {
        Dates = dates;
        Births = births;
    }

    /// <summary>The day of each value.</summary>
    public DateOnly[] Dates { get; }

    /// <summary>Births per day.</summary>
    public float[] Births { get; }

    /// <summary>Reads the stdlib CSV (year,month,date_of_month,day_of_week,births) and checks that no day is missing.</summary>
    public static DailyBirths Read(string path)
    {
        var dates = new List<DateOnly>();
        var births = new List<float>();
        foreach (string line in File.ReadLines(path).Skip(1).Where(l => l.Length > 0))
        {
            int[] fields = Array.ConvertAll(line.Split(','), f => int.Parse(f, CultureInfo.InvariantCulture));
            var date = new DateOnly(fields[0], fields[1], fields[2]);
            if (dates.Count > 0 && date != dates[^1].AddDays(1))
            {
                throw new InvalidDataException($"{path}: {date:yyyy-MM-dd} follows {dates[^1]:yyyy-MM-dd}; the series must have every day once, in order.");
            }

            dates.Add(date);
            births.Add(fields[4]);
        }

        return new DailyBirths([.. dates], [.. births]);
    }

    /// <summary>
    /// Adds the day of the week to windows cut from the standardized series by <c>Sequences.SlidingWindows</c>
    /// (stride 1, so window k covers days k … k + <paramref name="window"/> − 1): one sequence per window, each day
    /// as <see cref="FeaturesPerDay"/> features.
    /// </summary>
    public float[][] WithWeekdays(ReadOnlySpan<float> windows, int window)
    {
        var sequences = new float[windows.Length / window][];
        for (int k = 0; k < sequences.Length; k++)
        {
            var sequence = new float[window * FeaturesPerDay];
            for (int step = 0; step < window; step++)
            {
                int weekday = ((int)Dates[k + step].DayOfWeek + 6) % 7;   // Monday 0 … Sunday 6
                sequence[step * FeaturesPerDay] = windows[(k * window) + step];
                sequence[(step * FeaturesPerDay) + 1 + weekday] = 1f;
            }

            sequences[k] = sequence;
        }

        return sequences;
    }
}
