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
    /// <exception cref="InvalidDataException">A row is malformed, a day is missing or repeated, or there is no row.</exception>
    public static DailyBirths Read(string path)
    {
        var dates = new List<DateOnly>();
        var births = new List<float>();
        int lineNumber = 1;   // the header
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string[] fields = line.Split(',');
            if (fields.Length != 5)
            {
                throw Invalid(path, lineNumber, $"{fields.Length} fields, expected 5 (year,month,date_of_month,day_of_week,births)");
            }

            int[] values = new int[fields.Length];
            for (int i = 0; i < fields.Length; i++)
            {
                if (!int.TryParse(fields[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]))
                {
                    throw Invalid(path, lineNumber, $"field {i + 1} is '{fields[i]}', not a whole number");
                }
            }

            var (year, month, day) = (values[0], values[1], values[2]);
            if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            {
                throw Invalid(path, lineNumber, $"{year}-{month}-{day} is not a date");
            }

            if (values[4] < 0)
            {
                throw Invalid(path, lineNumber, $"a negative count of births ({values[4]})");
            }

            var date = new DateOnly(year, month, day);
            if (dates.Count > 0 && date != dates[^1].AddDays(1))
            {
                throw Invalid(path, lineNumber, $"{date:yyyy-MM-dd} follows {dates[^1]:yyyy-MM-dd}; the series must have every day once, in order");
            }

            dates.Add(date);
            births.Add(values[4]);
        }

        if (dates.Count == 0)
        {
            throw new InvalidDataException($"{path}: no data rows; expected a header line, then one row per day.");
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

    private static InvalidDataException Invalid(string path, int lineNumber, string problem) =>
        new($"{path}, line {lineNumber}: {problem}.");
}
