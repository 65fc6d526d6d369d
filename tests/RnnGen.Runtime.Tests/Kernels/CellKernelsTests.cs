using System;
using System.Linq;
using System.Runtime.Intrinsics;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// The fused cell kernels against a double-precision reference of the same formulas, for every hidden size from 1 to
/// 40 (vectors of 16, 8 and 4 plus every possible scalar tail), with pre-activations from tiny to saturating.
/// </summary>
public class CellKernelsTests
{
    // A few float ulps of the largest magnitude involved: the vector exponential and tanh are within 2–4 ulps.
    private const double Tolerance = 2e-6;

    public static TheoryData<int> HiddenSizes { get; } = [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(HiddenSizes))]
    public void Lstm_forward_and_backward_match_the_double_reference(int hidden)
    {
        var random = new SeededRandom((ulong)hidden);
        float[] gates = Values(4 * hidden, random, 6f);
        float[] c = Values(hidden, random, 2f);
        float[] h = new float[hidden];
        double[] expectedGates = new double[4 * hidden];
        double[] expectedC = new double[hidden];
        double[] expectedH = new double[hidden];
        for (int j = 0; j < hidden; j++)
        {
            double i = Sigmoid(gates[j]), f = Sigmoid(gates[hidden + j]), g = Math.Tanh(gates[(2 * hidden) + j]), o = Sigmoid(gates[(3 * hidden) + j]);
            (expectedGates[j], expectedGates[hidden + j], expectedGates[(2 * hidden) + j], expectedGates[(3 * hidden) + j]) = (i, f, g, o);
            expectedC[j] = (f * c[j]) + (i * g);
            expectedH[j] = o * Math.Tanh(expectedC[j]);
        }

        float[] cellPrevious = (float[])c.Clone();
        float[] gatesAlone = (float[])gates.Clone(), cAlone = (float[])c.Clone(), hAlone = new float[hidden];
        float[] keptTanh = new float[hidden];
        CellKernels.LstmForward(gates, c, h, keptTanh);
        AssertClose(expectedGates, gates, "gates");
        AssertClose(expectedC, c, "c");
        AssertClose(expectedH, h, "h");
        AssertClose(expectedC.Select(Math.Tanh).ToArray(), keptTanh, "tanh c'");

        // without the tanh(c') output (Step): the same bits
        CellKernels.LstmForward(gatesAlone, cAlone, hAlone);
        Assert.Equal(gates, gatesAlone);
        Assert.Equal(c, cAlone);
        Assert.Equal(h, hAlone);

        float[] dOutput = Values(hidden, random, 1f);
        float[] dH = Values(hidden, random, 1f);
        float[] dC = Values(hidden, random, 1f);
        double[] expectedDGates = new double[4 * hidden];
        double[] expectedDC = new double[hidden];
        for (int j = 0; j < hidden; j++)
        {
            double i = gates[j], f = gates[hidden + j], g = gates[(2 * hidden) + j], o = gates[(3 * hidden) + j];
            double dh = (double)dH[j] + dOutput[j];
            double tanhCell = Math.Tanh(c[j]);
            double dc = dC[j] + (dh * o * (1 - (tanhCell * tanhCell)));
            expectedDGates[j] = dc * g * i * (1 - i);
            expectedDGates[hidden + j] = dc * cellPrevious[j] * f * (1 - f);
            expectedDGates[(2 * hidden) + j] = dc * i * (1 - (g * g));
            expectedDGates[(3 * hidden) + j] = dh * tanhCell * o * (1 - o);
            expectedDC[j] = dc * f;
        }

        float[] dGates = new float[4 * hidden];
        CellKernels.LstmBackward(gates, keptTanh, cellPrevious, dOutput, dH, dC, dGates);
        AssertClose(expectedDGates, dGates, "dGates");
        AssertClose(expectedDC, dC, "dC");
        Assert.All(dH, value => Assert.Equal(0f, value));
    }

    [Fact]
    public void A_units_result_does_not_depend_on_the_vector_width_that_computes_it()
    {
        // 28 units are one Vector512, one Vector256 and one Vector128 where all three run (and 3 × 8 + 4, or 7 × 4, on
        // narrower machines): with the same inputs in every unit, every output must have the same bits.
        const int Hidden = 28;
        float[] lstmGates = Repeated(Hidden, 0.7f, -1.3f, 2.1f, 0.4f);
        float[] c = Repeated(Hidden, 0.9f);
        float[] h = new float[Hidden], tanhCell = new float[Hidden];
        CellKernels.LstmForward(lstmGates, c, h, tanhCell);
        float[] dH = Repeated(Hidden, 0.3f), dC = Repeated(Hidden, -0.2f), lstmDGates = new float[4 * Hidden];
        CellKernels.LstmBackward(lstmGates, tanhCell, Repeated(Hidden, 0.5f), Repeated(Hidden, 0.25f), dH, dC, lstmDGates);
        AssertUniform(Hidden, ("gates", lstmGates), ("c", c), ("h", h), ("tanh c'", tanhCell), ("dGates", lstmDGates), ("dC", dC));

        float[] gruGates = Repeated(Hidden, -0.6f, 1.7f, 0.2f);
        float[] recurrent = Repeated(Hidden, 0.4f, -0.9f, 1.1f);
        float[] gruH = Repeated(Hidden, 0.35f), recurrentN = new float[Hidden];
        CellKernels.GruForward(gruGates, recurrent, gruH, recurrentN);
        float[] gruDH = Repeated(Hidden, -0.45f), gruDGates = new float[3 * Hidden], dRecurrent = new float[3 * Hidden];
        CellKernels.GruBackward(gruGates, recurrentN, Repeated(Hidden, 0.35f), Repeated(Hidden, 0.15f), gruDH, gruDGates, dRecurrent);
        AssertUniform(Hidden, ("gates", gruGates), ("h", gruH), ("dGates", gruDGates), ("dRecurrent", dRecurrent), ("dH", gruDH));

        float[] tanh = Repeated(Hidden, 0.8f), sigmoid = Repeated(Hidden, -2.5f), relu = Repeated(Hidden, 1.5f);
        CellKernels.Activate(tanh, Activation.Tanh);
        CellKernels.Activate(sigmoid, Activation.Sigmoid);
        CellKernels.Activate(relu, Activation.Relu);
        AssertUniform(Hidden, ("tanh", tanh), ("sigmoid", sigmoid), ("relu", relu));
    }

    [Fact]
    public void Lstm_forward_rejects_a_tanh_buffer_of_another_length()
    {
        float[] gates = new float[4 * 16], c = new float[16], h = new float[16];
        ArgumentException exception = Assert.Throws<ArgumentException>(() => CellKernels.LstmForward(gates, c, h, new float[15]));
        Assert.Contains("15", exception.Message, StringComparison.Ordinal);
        Assert.Contains("16", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HiddenSizes))]
    public void Gru_forward_and_backward_match_the_double_reference(int hidden)
    {
        var random = new SeededRandom(100 + (ulong)hidden);
        float[] gates = Values(3 * hidden, random, 6f);
        float[] recurrent = Values(3 * hidden, random, 3f);
        float[] h = Values(hidden, random, 1f);
        float[] hiddenPrevious = (float[])h.Clone();
        double[] expectedGates = new double[3 * hidden];
        double[] expectedH = new double[hidden];
        for (int j = 0; j < hidden; j++)
        {
            double r = Sigmoid((double)gates[j] + recurrent[j]);
            double z = Sigmoid((double)gates[hidden + j] + recurrent[hidden + j]);
            double n = Math.Tanh(gates[(2 * hidden) + j] + (r * recurrent[(2 * hidden) + j]));
            (expectedGates[j], expectedGates[hidden + j], expectedGates[(2 * hidden) + j]) = (r, z, n);
            expectedH[j] = ((1 - z) * n) + (z * h[j]);
        }

        float[] recurrentN = new float[hidden];
        CellKernels.GruForward(gates, recurrent, h, recurrentN);
        AssertClose(expectedGates, gates, "gates");
        AssertClose(expectedH, h, "h");
        Assert.Equal(recurrent.AsSpan(2 * hidden).ToArray(), recurrentN);

        float[] dH = Values(hidden, random, 1f);
        double[] expectedDGates = new double[3 * hidden];
        double[] expectedDRecurrent = new double[3 * hidden];
        double[] expectedDH = new double[hidden];
        for (int j = 0; j < hidden; j++)
        {
            double r = gates[j], z = gates[hidden + j], n = gates[(2 * hidden) + j];
            double dh = dH[j];
            double dn = dh * (1 - z) * (1 - (n * n));
            double dz = dh * (hiddenPrevious[j] - n) * z * (1 - z);
            double dr = dn * recurrentN[j] * r * (1 - r);
            (expectedDGates[j], expectedDGates[hidden + j], expectedDGates[(2 * hidden) + j]) = (dr, dz, dn);
            (expectedDRecurrent[j], expectedDRecurrent[hidden + j], expectedDRecurrent[(2 * hidden) + j]) = (dr, dz, dn * r);
            expectedDH[j] = dh * z;
        }

        float[] dGates = new float[3 * hidden];
        float[] dRecurrent = new float[3 * hidden];
        CellKernels.GruBackward(gates, recurrentN, hiddenPrevious, default, dH, dGates, dRecurrent);
        AssertClose(expectedDGates, dGates, "dGates");
        AssertClose(expectedDRecurrent, dRecurrent, "dRecurrent");
        AssertClose(expectedDH, dH, "dH");
    }

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Relu)]
    public void Activations_in_place_match_the_double_reference_over_a_wide_range(Activation activation)
    {
        // −30 … 30 in small steps crosses the polynomial/exponential switch of tanh at ±0.25 and both saturations.
        float[] values = new float[6007];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = -30f + (i * 0.01f);
        }

        double[] expected = Array.ConvertAll(values, x => activation switch
        {
            Activation.Tanh => Math.Tanh(x),
            Activation.Sigmoid => Sigmoid(x),
            _ => Math.Max(0, (double)x),
        });
        CellKernels.Activate(values, activation);
        AssertClose(expected, values, activation.ToString());
    }

    [Fact]
    public void Vector_tanh_is_accurate_near_zero_relative_to_its_value()
    {
        // Where tanh x ≈ x is tiny, an absolute tolerance would hide a cancellation; the series keeps it relative.
        if (!Vector128.IsHardwareAccelerated)
        {
            return; // the scalar path is MathF.Tanh itself
        }

        double worst = 0;
        for (float x = 1e-6f; x < 1f; x *= 1.01f)
        {
            float[] values = [x, -x, x, -x, x, -x, x, -x];
            CellKernels.Activate(values, Activation.Tanh);
            worst = Math.Max(worst, Math.Abs(values[0] - Math.Tanh(x)) / Math.Tanh(x));
            Assert.Equal(-values[0], values[1]);
        }

        Assert.True(worst < 5e-7, $"worst relative error {worst:E2}");
    }

    [Fact]
    public void Vector_sigmoid_keeps_its_relative_accuracy_down_the_whole_tail()
    {
        // σ(x) ≈ e^x for x ≪ 0, so its relative error there is the exponential's, over all of float's normal range;
        // the wide-range test above only sees absolute errors of such tiny values.
        if (!Vector128.IsHardwareAccelerated)
        {
            return; // the scalar path is MathF.Exp itself
        }

        double worst = 0;
        for (float x = -87f; x < -1f; x += 0.0137f)
        {
            float[] values = [x, x, x, x, x, x, x, x];
            CellKernels.Activate(values, Activation.Sigmoid);
            worst = Math.Max(worst, Math.Abs(values[0] - Sigmoid(x)) / Sigmoid(x));
        }

        Assert.True(worst < 5e-7, $"worst relative error {worst:E2}");
    }

    [Fact]
    public void Saturation_infinities_and_NaN_behave_like_the_scalar_functions()
    {
        float[] values = [float.PositiveInfinity, float.NegativeInfinity, float.NaN, 100f, -100f, 1e30f, -1e30f, 0f];
        float[] tanh = (float[])values.Clone();
        float[] sigmoid = (float[])values.Clone();
        CellKernels.Activate(tanh, Activation.Tanh);
        CellKernels.Activate(sigmoid, Activation.Sigmoid);
        Assert.Equal([1f, -1f], tanh[..2]);
        Assert.True(float.IsNaN(tanh[2]));
        Assert.Equal([1f, -1f, 1f, -1f, 0f], tanh[3..]);
        Assert.Equal([1f, 0f], sigmoid[..2]);
        Assert.True(float.IsNaN(sigmoid[2]));
        Assert.Equal(1f, sigmoid[3]);
        Assert.InRange(sigmoid[4], 0f, 1e-40f);
        Assert.Equal([1f, 0f, 0.5f], sigmoid[5..]);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>Gate blocks of <paramref name="hidden"/> units, block b filled with blockValues[b].</summary>
    private static float[] Repeated(int hidden, params float[] blockValues) =>
        [.. blockValues.SelectMany(value => Enumerable.Repeat(value, hidden))];

    private static void AssertUniform(int hidden, params (string Name, float[] Values)[] buffers)
    {
        foreach ((string name, float[] values) in buffers)
        {
            for (int j = 0; j < values.Length; j++)
            {
                float first = values[j - (j % hidden)];
                Assert.True(
                    BitConverter.SingleToInt32Bits(values[j]) == BitConverter.SingleToInt32Bits(first),
                    $"{name}[{j}] is {values[j]:R}, unit 0 of its block {first:R}");
            }
        }
    }

    private static float[] Values(int length, SeededRandom random, float scale)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            // Mostly moderate values, some tiny (near-linear region) and some saturating.
            float factor = (i % 7) switch { 0 => 1e-4f, 1 => 4f, _ => 1f };
            values[i] = random.NextUniform(-scale, scale) * factor;
        }

        return values;
    }

    private static void AssertClose(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            Assert.True(error <= Tolerance * Math.Max(1, Math.Abs(expected[i])), $"{what}[{i}]: {actual[i]:G9}, expected {expected[i]:G9} (error {error:E2})");
        }
    }
}
