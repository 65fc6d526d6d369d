using System.Runtime.Intrinsics;
using RnnGen.Kernels;
using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>
/// Step with a packed copy of the weights (<c>CreateStepWeights</c>): in float32 it gives Step's outputs and states up
/// to float rounding; in bfloat16 it gives, up to float rounding, what Step gives on a model whose weight matrices were
/// rounded to bfloat16 (to nearest, ties to even, as PyTorch rounds), and stays within the 1e-2 of float32;
/// the copy is frozen and belongs to one model class.
/// </summary>
public sealed class StepWeightsTests
{
    private const double Tolerance = 1e-5;
    private const double BFloat16Bound = 1e-2;
    private const int Steps = 20;

    public static TheoryData<string> Models => ["RowClassifier", "EmbeddingGruSoftmax", "SigmoidRnnClassifier", "DenseFrontLstm", "EmbeddingLstmTagger", "MixedLayers", "StackedLstm"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Float32_copy_steps_like_the_parameters(string name)
    {
        Streamer model = Streamer.Create(name, seed: 11);

        float[] expected = model.Run(null);
        float[] actual = model.Run(model.CreateStepWeights(StepPrecision.Float32));

        Assert.True(Fixtures.ScaledError(actual, expected) <= Tolerance, $"{name}: {Fixtures.ScaledError(actual, expected):E2}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void BFloat16_copy_steps_like_parameters_rounded_to_bfloat16(string name)
    {
        Streamer model = Streamer.Create(name, seed: 12);
        Streamer rounded = Streamer.Create(name, seed: 12);
        RoundMatricesToBFloat16(rounded.Parameters);

        float[] single = model.Run(null);
        float[] expected = rounded.Run(null);
        float[] actual = model.Run(model.CreateStepWeights(StepPrecision.BFloat16));

        Assert.True(Fixtures.ScaledError(actual, expected) <= Tolerance, $"{name}: {Fixtures.ScaledError(actual, expected):E2} from the rounded model");
        double largest = MaxAbsDifference(actual, single);
        Assert.True(largest <= BFloat16Bound, $"{name}: {largest:E2} from float32");
        Assert.True(largest > 0, $"{name}: bfloat16 weights gave float32's outputs exactly, so nothing was rounded.");
    }

    [Fact]
    public void An_lstm_whose_units_fill_whole_panels_is_packed_for_the_fused_cell()
    {
        // 32 and 128 units fill whole panels at every vector width (8, 16 or 32 units each); 4 units never do.
        StepWeights stacked = new StackedLstm(seed: 1).CreateStepWeights(StepPrecision.BFloat16);
        Assert.Equal(new[] { 4, 4, 4, 4 }, CellGates(stacked.Lstm(0)).Concat(CellGates(stacked.Lstm(1))));
        Assert.Equal(1, stacked.Matrix(0).CellGates);
        StepWeights classifier = new RowClassifier(seed: 1).CreateStepWeights(StepPrecision.Float32);
        Assert.Equal(new[] { 4, 4 }, CellGates(classifier.Lstm(0)));
        Assert.Equal(1, classifier.Matrix(0).CellGates);
        StepWeights small = new DenseFrontLstm(seed: 1).CreateStepWeights(StepPrecision.Float32);
        Assert.Equal(new[] { 1, 1 }, CellGates(small.Lstm(0)));
        Assert.Equal(1, small.Matrix(0).CellGates);

        static int[] CellGates(LstmStepWeights layer) => [layer.InputWeight.CellGates, layer.RecurrentWeight.CellGates];
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void The_copy_is_frozen_when_it_is_made(string name)
    {
        Streamer model = Streamer.Create(name, seed: 13);
        float[] before = model.Run(null);
        StepWeights weights = model.CreateStepWeights(StepPrecision.Float32);

        model.Parameters.Values.Fill(0.5f);

        Assert.True(Fixtures.ScaledError(model.Run(weights), before) <= Tolerance);
        Assert.True(Fixtures.ScaledError(model.Run(null), before) > 0.1, "filling the parameters changed nothing, so the test proves nothing");
        Assert.Equal(StepPrecision.Float32, weights.Precision);
    }

    [Fact]
    public void BFloat16_halves_the_bytes_of_the_panels()
    {
        var model = new RowClassifier(seed: 14);
        long single = model.CreateStepWeights(StepPrecision.Float32).MatrixBytes;
        long half = model.CreateStepWeights(StepPrecision.BFloat16).MatrixBytes;

        // W_ih [512, 28] and W_hh [512, 128] in panels, halved in bfloat16 (every column count is even). The Dense's
        // [10, 128] is two vectors of rows with 8- or 16-float vectors, kept row-major in float32 in both precisions;
        // with 4-float vectors it is three, in a panel of 12 rows, halved too.
        const long Recurrent = 4L * ((512 * 28) + (512 * 128));
        if (Vector256.IsHardwareAccelerated)
        {
            Assert.Equal(Recurrent + (4L * 10 * 128), single);
            Assert.Equal((Recurrent / 2) + (4L * 10 * 128), half);
        }
        else
        {
            Assert.Equal(Recurrent + (4L * 12 * 128), single);
            Assert.Equal(single / 2, half);
        }
    }

    [Fact]
    public void The_copy_holds_each_parameter_once_and_the_lstms_bias_sum()
    {
        // The packed matrices, a float32 copy of the biases and the LSTM's b_ih + b_hh, which its fused step adds,
        // nothing more: no second, float32 copy of the matrices.
        var model = new RowClassifier(seed: 14);
        StepWeights single = model.CreateStepWeights(StepPrecision.Float32);
        StepWeights half = model.CreateStepWeights(StepPrecision.BFloat16);
        const long Biases = 512 + 512 + 10, Sum = 512;

        Assert.Equal(single.MatrixBytes + (4 * (Biases + Sum)), single.Bytes);
        Assert.Equal(half.MatrixBytes + (4 * (Biases + Sum)), half.Bytes);
        Assert.InRange(single.Bytes, 4L * (RowClassifier.ParameterCount + Sum), 4L * (RowClassifier.ParameterCount + Sum + (2 * 128))); // the Dense's padding
        Assert.Equal(typeof(RowClassifier), single.ModelType);
    }

    [Fact]
    public void Step_refuses_a_copy_made_by_another_model_class()
    {
        var classifier = new RowClassifier(seed: 15);
        var other = new FeatureDetector(seed: 15);
        StepWeights foreign = other.CreateStepWeights(StepPrecision.BFloat16);
        var state = new RowClassifier.State();

        ArgumentException error = Assert.Throws<ArgumentException>(
            () => classifier.Step(new float[RowClassifier.InputSize], ref state, new float[RowClassifier.OutputSize], foreign));

        Assert.Equal("weights", error.ParamName);
        Assert.Contains("FeatureDetector.CreateStepWeights", error.Message, StringComparison.Ordinal);
        Assert.Contains("RowClassifier needs weights made by its own CreateStepWeights", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_undefined_precision_is_refused()
    {
        var model = new RowClassifier(seed: 16);
        Assert.Equal("precision", Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateStepWeights((StepPrecision)9)).ParamName);
    }

    // Rounds every matrix Step multiplies by (not embeddings, not biases) as c10::BFloat16 does, written apart from
    // the runtime's rounding so that the two check each other.
    private static void RoundMatricesToBFloat16(ParameterSet parameters)
    {
        foreach (TensorDescriptor tensor in parameters.Tensors)
        {
            if (tensor.Shape.Length != 2 || tensor.Name.StartsWith("embedding", StringComparison.Ordinal))
            {
                continue;
            }

            Span<float> values = parameters[tensor.Name];
            for (int i = 0; i < values.Length; i++)
            {
                uint bits = BitConverter.SingleToUInt32Bits(values[i]);
                uint lsb = (bits >> 16) & 1;
                values[i] = BitConverter.UInt32BitsToSingle(((bits + 0x7FFF + lsb) >> 16) << 16);
            }
        }
    }

    private static double MaxAbsDifference(float[] actual, float[] expected)
    {
        double largest = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            largest = Math.Max(largest, Math.Abs((double)actual[i] - expected[i]));
        }

        return largest;
    }

    /// <summary>One test model streamed for <see cref="Steps"/> steps from the zero state: every output, then the final state.</summary>
    private sealed class Streamer(ParameterSet parameters, Func<StepPrecision, StepWeights> create, Func<StepWeights?, float[]> run)
    {
        public ParameterSet Parameters { get; } = parameters;

        public StepWeights CreateStepWeights(StepPrecision precision) => create(precision);

        public float[] Run(StepWeights? weights) => run(weights);

        public static Streamer Create(string name, ulong seed)
        {
            float[] features = GradientCheck.Gaussian(Steps * RowClassifier.InputSize, 1f, new SeededRandom(seed + 100));
            int[] tokens = [.. Enumerable.Range(0, Steps).Select(t => (int)((t * 7 + (int)seed) % 9))];
            switch (name)
            {
                case "RowClassifier":
                {
                    var model = new RowClassifier(seed: seed);
                    return new(model.Parameters, model.CreateStepWeights, weights => Stream<RowClassifier.State>(
                        RowClassifier.OutputSize, (t, ref s, y) => model.Step(features.AsSpan(t * RowClassifier.InputSize, RowClassifier.InputSize), ref s, y, weights)));
                }

                case "EmbeddingGruSoftmax":
                {
                    var model = new EmbeddingGruSoftmax(seed: seed);
                    return new(model.Parameters, model.CreateStepWeights, weights => Stream<EmbeddingGruSoftmax.State>(
                        EmbeddingGruSoftmax.OutputSize, (t, ref s, y) => model.Step(tokens[t], ref s, y, weights)));
                }

                case "SigmoidRnnClassifier":
                {
                    var model = new SigmoidRnnClassifier(seed: seed);
                    return new(model.Parameters, model.CreateStepWeights, weights => Stream<SigmoidRnnClassifier.State>(
                        SigmoidRnnClassifier.OutputSize, (t, ref s, y) => model.Step(features.AsSpan(t * 3, 3), ref s, y, weights)));
                }

                case "DenseFrontLstm":
                {
                    var model = new DenseFrontLstm(seed: seed);
                    return new(model.Parameters, model.CreateStepWeights, weights => Stream<DenseFrontLstm.State>(
                        DenseFrontLstm.OutputSize, (t, ref s, y) => model.Step(features.AsSpan(t * 3, 3), ref s, y, weights)));
                }

                case "MixedLayers":
                {
                    var model = new MixedLayers(seed: seed);
                    return new(model.Parameters, model.CreateStepWeights, weights => Stream<MixedLayers.State>(
                        MixedLayers.OutputSize, (t, ref s, y) => model.Step(features.AsSpan(t * MixedLayers.InputSize, MixedLayers.InputSize), ref s, y, weights)));
                }

                case "StackedLstm":
                {
                    var model = new StackedLstm(seed: seed);
                    return new(model.Parameters, model.CreateStepWeights, weights => Stream<StackedLstm.State>(
                        StackedLstm.OutputSize, (t, ref s, y) => model.Step(features.AsSpan(t * StackedLstm.InputSize, StackedLstm.InputSize), ref s, y, weights)));
                }

                default:
                {
                    var model = new EmbeddingLstmTagger(seed: seed);
                    return new(model.Parameters, model.CreateStepWeights, weights => Stream<EmbeddingLstmTagger.State>(
                        EmbeddingLstmTagger.OutputSize, (t, ref s, y) => model.Step(tokens[t], ref s, y, weights)));
                }
            }
        }

        private delegate void StepAt<TState>(int t, ref TState state, Span<float> output);

        private static float[] Stream<TState>(int outputSize, StepAt<TState> step)
            where TState : struct
        {
            var all = new List<float>();
            var state = default(TState);
            float[] output = new float[outputSize];
            for (int t = 0; t < Steps; t++)
            {
                step(t, ref state, output);
                all.AddRange(output);
            }

            all.AddRange(System.Runtime.InteropServices.MemoryMarshal.Cast<TState, float>(new Span<TState>(ref state)).ToArray());
            return [.. all];
        }
    }
}
