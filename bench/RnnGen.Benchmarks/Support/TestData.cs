namespace RnnGen.Benchmarks.Support;

/// <summary>Seeded inputs; each case builds one array and hands the same values to RnnGen and to libtorch.</summary>
internal static class TestData
{
    /// <summary><paramref name="count"/> values drawn uniformly from [−1, 1).</summary>
    public static float[] Uniform(int count, ulong seed)
    {
        var random = new SeededRandom(seed);
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextUniform(-1f, 1f);
        }

        return values;
    }

    /// <summary><paramref name="count"/> class labels drawn uniformly from [0, <paramref name="classes"/>).</summary>
    public static int[] Labels(int count, int classes, ulong seed)
    {
        var random = new SeededRandom(seed);
        var labels = new int[count];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = random.NextInt(classes);
        }

        return labels;
    }

    /// <summary>A lengths array saying every sequence of the batch runs all <paramref name="steps"/> steps.</summary>
    public static int[] FullLengths(int batch, int steps) => Enumerable.Repeat(steps, batch).ToArray();
}
