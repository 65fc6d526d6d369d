using RnnGen.Training;

namespace RnnGen.Runtime.Tests.Losses;

public class LossValueTests
{
    [Fact]
    public void Mean_is_the_sum_over_the_count()
    {
        Assert.Equal(2.5, new LossValue(10, 4).Mean);
    }

    [Fact]
    public void Mean_of_nothing_is_zero_not_NaN()
    {
        Assert.Equal(0, default(LossValue).Mean);
        Assert.Equal(0, new LossValue(0, 0).Mean);
    }
}
