using System;
using System.Globalization;

namespace RnnGen.Data;

/// <summary>
/// Splits the indices 0 … count − 1 of a dataset into disjoint training, validation and test sets that together
/// cover every index.
/// </summary>
/// <remarks>
/// A held-out set of fraction f has count − ⌊count · (1 − f)⌋ items, the size Keras' <c>validation_split</c>
/// gives. Without shuffling the held-out sets are the last items in order, as with <c>validation_split</c> (which
/// never shuffles) and as a time series needs; with shuffling a <see cref="SeededRandom"/> permutation chooses them,
/// the same for the same seed everywhere. Either way each returned array is in ascending order.
/// </remarks>
public static class DataSplit
{
    /// <summary>Splits <paramref name="count"/> indices into a training and a validation set.</summary>
    /// <param name="count">Number of items; at least 1.</param>
    /// <param name="validationFraction">Fraction held out for validation, in [0, 1); 0 holds out nothing.</param>
    /// <param name="seed">Seeds the permutation when <paramref name="shuffle"/> is true; unused otherwise.</param>
    /// <param name="shuffle">Choose the validation items at random rather than take the last ones.</param>
    /// <returns>The training and validation indices, each ascending.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> or the fraction is out of range.</exception>
    /// <exception cref="ArgumentException">The fraction leaves no training item, or is positive but selects no item.</exception>
    public static (int[] Train, int[] Validation) Split(int count, double validationFraction, ulong seed, bool shuffle = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        int validationCount = HeldOutCount(count, validationFraction, nameof(validationFraction));
        CheckTrainingLeft(count, validationCount, validationFraction, 0, nameof(validationFraction));
        int[] order = Order(count, seed, shuffle);
        return (Part(order, 0, count - validationCount), Part(order, count - validationCount, validationCount));
    }

    /// <summary>Splits <paramref name="count"/> indices into training, validation and test sets.</summary>
    /// <param name="count">Number of items; at least 1.</param>
    /// <param name="validationFraction">Fraction held out for validation, in [0, 1).</param>
    /// <param name="testFraction">Fraction held out for testing, in [0, 1).</param>
    /// <param name="seed">Seeds the permutation when <paramref name="shuffle"/> is true; unused otherwise.</param>
    /// <param name="shuffle">
    /// Choose the held-out items at random rather than take them from the end: without shuffling the order is
    /// training, then validation, then test, as a time series is split.
    /// </param>
    /// <returns>The training, validation and test indices, each ascending.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> or a fraction is out of range.</exception>
    /// <exception cref="ArgumentException">The fractions leave no training item, or one is positive but selects no item.</exception>
    public static (int[] Train, int[] Validation, int[] Test) TrainValidationTest(
        int count, double validationFraction, double testFraction, ulong seed, bool shuffle = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        int validationCount = HeldOutCount(count, validationFraction, nameof(validationFraction));
        int testCount = HeldOutCount(count, testFraction, nameof(testFraction));
        // the fraction that holds out more: naming the other would point at the wrong argument
        CheckTrainingLeft(count, validationCount + testCount, validationFraction, testFraction, validationCount > testCount ? nameof(validationFraction) : nameof(testFraction));
        int trainCount = count - validationCount - testCount;
        int[] order = Order(count, seed, shuffle);
        return (Part(order, 0, trainCount), Part(order, trainCount, validationCount), Part(order, trainCount + validationCount, testCount));
    }

    private static int HeldOutCount(int count, double fraction, string parameterName)
    {
        if (!(fraction >= 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(parameterName, fraction, "The fraction must be at least 0 and below 1.");
        }

        // Keras: split_at = int(math.floor(num_samples * (1.0 - validation_split))).
        int heldOut = count - (int)Math.Floor(count * (1.0 - fraction));
        if (fraction > 0 && heldOut == 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A fraction of {fraction} of {count} items selects none; use at least {1.0 / count} or 0 to hold out nothing."), parameterName);
        }

        return heldOut;
    }

    private static void CheckTrainingLeft(int count, int heldOut, double validationFraction, double testFraction, string parameterName)
    {
        if (heldOut >= count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Holding out {heldOut} of {count} items (validation fraction {validationFraction}, test fraction {testFraction}) leaves none to train on."),
                parameterName);
        }
    }

    private static int[] Order(int count, ulong seed, bool shuffle)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        if (shuffle)
        {
            new SeededRandom(seed).Shuffle(order.AsSpan());
        }

        return order;
    }

    private static int[] Part(int[] order, int start, int length)
    {
        int[] part = order.AsSpan(start, length).ToArray();
        Array.Sort(part);
        return part;
    }
}
