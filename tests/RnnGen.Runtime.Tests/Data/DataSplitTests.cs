using System;
using System.Linq;
using RnnGen.Data;

namespace RnnGen.Runtime.Tests.Data;

public class DataSplitTests
{
    [Theory]
    [InlineData(1, 0.0, false)]
    [InlineData(2, 0.5, true)]
    [InlineData(10, 0.2, true)]
    [InlineData(10, 0.2, false)]
    [InlineData(97, 0.1, true)]
    [InlineData(1000, 0.33, true)]
    [InlineData(1000, 0.999, false)]
    public void Split_gives_disjoint_ascending_sets_that_cover_every_index(int count, double fraction, bool shuffle)
    {
        (int[] train, int[] validation) = DataSplit.Split(count, fraction, seed: 3, shuffle);

        Assert.Equal(Enumerable.Range(0, count), train.Concat(validation).Order());
        Assert.Equal(train.Order(), train);
        Assert.Equal(validation.Order(), validation);
        Assert.NotEmpty(train);
    }

    // Sizes are Keras': split_at = int(math.floor(n * (1.0 - validation_split))).
    [Theory]
    [InlineData(10, 0.2, 8)]
    [InlineData(10, 0.3, 7)]
    [InlineData(5, 0.5, 2)]
    [InlineData(3, 0.5, 1)]
    [InlineData(60000, 0.1, 54000)]
    [InlineData(7, 0.0, 7)]
    public void Without_shuffling_validation_is_the_last_fraction_like_Keras_validation_split(int count, double fraction, int trainCount)
    {
        (int[] train, int[] validation) = DataSplit.Split(count, fraction, seed: 0, shuffle: false);

        Assert.Equal(Enumerable.Range(0, trainCount), train);
        Assert.Equal(Enumerable.Range(trainCount, count - trainCount), validation);
    }

    [Fact]
    public void Shuffling_holds_out_as_many_items_as_not_shuffling()
    {
        for (int count = 2; count < 60; count++)
        {
            (int[] train, int[] validation) = DataSplit.Split(count, 0.25, (ulong)count);
            (int[] keptTrain, int[] keptValidation) = DataSplit.Split(count, 0.25, 0, shuffle: false);

            Assert.Equal(keptTrain.Length, train.Length);
            Assert.Equal(keptValidation.Length, validation.Length);
        }
    }

    [Fact]
    public void A_shuffled_split_depends_only_on_the_seed()
    {
        (int[] train, int[] validation) = DataSplit.Split(100, 0.2, seed: 42);
        (int[] sameTrain, int[] sameValidation) = DataSplit.Split(100, 0.2, seed: 42);
        (_, int[] otherValidation) = DataSplit.Split(100, 0.2, seed: 43);

        Assert.Equal(train, sameTrain);
        Assert.Equal(validation, sameValidation);
        Assert.NotEqual(validation, otherValidation);
        Assert.NotEqual(Enumerable.Range(80, 20), validation);
    }

    [Fact]
    public void A_shuffled_split_is_pinned_for_a_seed()
    {
        // The permutation is SeededRandom's Fisher–Yates, part of RnnGen's reproducibility contract.
        int[] order = Enumerable.Range(0, 10).ToArray();
        new SeededRandom(5).Shuffle(order.AsSpan());

        (int[] train, int[] validation) = DataSplit.Split(10, 0.3, seed: 5);

        Assert.Equal(order[..7].Order(), train);
        Assert.Equal(order[7..].Order(), validation);
    }

    [Fact]
    public void Without_shuffling_train_validation_test_are_consecutive_in_order()
    {
        (int[] train, int[] validation, int[] test) = DataSplit.TrainValidationTest(20, 0.2, 0.1, seed: 0, shuffle: false);

        Assert.Equal(Enumerable.Range(0, 14), train);
        Assert.Equal(Enumerable.Range(14, 4), validation);
        Assert.Equal(Enumerable.Range(18, 2), test);
    }

    [Theory]
    [InlineData(10, 0.2, 0.2)]
    [InlineData(101, 0.15, 0.15)]
    [InlineData(5, 0.0, 0.4)]
    [InlineData(5, 0.4, 0.0)]
    public void TrainValidationTest_gives_disjoint_sets_that_cover_every_index_deterministically(int count, double validationFraction, double testFraction)
    {
        (int[] train, int[] validation, int[] test) = DataSplit.TrainValidationTest(count, validationFraction, testFraction, seed: 9);
        (int[] train2, int[] validation2, int[] test2) = DataSplit.TrainValidationTest(count, validationFraction, testFraction, seed: 9);

        Assert.Equal(Enumerable.Range(0, count), train.Concat(validation).Concat(test).Order());
        Assert.Equal(train, train2);
        Assert.Equal(validation, validation2);
        Assert.Equal(test, test2);
        Assert.Equal(count - (int)Math.Floor(count * (1 - validationFraction)), validation.Length);
        Assert.Equal(count - (int)Math.Floor(count * (1 - testFraction)), test.Length);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_fraction_outside_0_to_1_is_rejected(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.Split(10, fraction, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.TrainValidationTest(10, 0.1, fraction, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.TrainValidationTest(10, fraction, 0.1, 0));
    }

    [Fact]
    public void Splits_that_leave_a_set_empty_are_rejected()
    {
        ArgumentException noTraining = Assert.Throws<ArgumentException>(() => DataSplit.Split(1, 0.5, 0));
        Assert.Contains("Holding out 1 of 1 items", noTraining.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => DataSplit.TrainValidationTest(10, 0.5, 0.5, 0));
        Assert.Equal("validationFraction", Assert.Throws<ArgumentException>(() => DataSplit.TrainValidationTest(10, 0.95, 0.0, 0)).ParamName);
        Assert.Equal("testFraction", Assert.Throws<ArgumentException>(() => DataSplit.TrainValidationTest(10, 0.0, 0.95, 0)).ParamName);
        ArgumentException noValidation = Assert.Throws<ArgumentException>(() => DataSplit.Split(50, 1e-17, 0));
        Assert.Contains("selects none", noValidation.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.Split(0, 0.0, 0));
    }
}
