using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>
/// Predict with a <c>StepWeights</c> copy runs Step over the sequence from the zero state: the bits of Step in such a
/// loop, Predict's outputs up to float rounding, no limit from maxSteps, and nothing written when the sequence, the
/// output or the copy is wrong.
/// </summary>
public sealed class PredictWithStepWeightsTests
{
    private const double Tolerance = 1e-5;
    private const int Steps = 7;

    public static TheoryData<string> Models => ["RowClassifier", "StackedLstm", "MixedLayers", "SigmoidRnnClassifier", "DenseFrontLstm", "LstmDropoutHead", "DenseStepper", "EmbeddingGruSoftmax", "EmbeddingLstmTagger"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Predict_with_a_copy_gives_the_bits_of_step_in_a_loop(string name)
    {
        Subject subject = Subject.Create(name, seed: 21);
        foreach (StepPrecision precision in new[] { StepPrecision.Float32, StepPrecision.BFloat16 })
        {
            StepWeights weights = subject.CreateStepWeights(precision);

            float[] predicted = subject.Predict(weights);
            float[] stepped = subject.StepLoop(weights);

            Assert.True(predicted.AsSpan().SequenceEqual(stepped), $"{name}, {precision}: Predict with the copy differs from Step in a loop");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Predict_with_a_float32_copy_gives_predicts_outputs_up_to_rounding(string name)
    {
        Subject subject = Subject.Create(name, seed: 22);

        float[] expected = subject.Predict(null);
        float[] actual = subject.Predict(subject.CreateStepWeights(StepPrecision.Float32));

        Assert.True(Fixtures.ScaledError(actual, expected) <= Tolerance, $"{name}: {Fixtures.ScaledError(actual, expected):E2}");
        Assert.Contains(expected, v => v != 0f);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Predict_with_no_copy_is_predict(string name)
    {
        Subject subject = Subject.Create(name, seed: 23);

        Assert.True(subject.Predict(null).AsSpan().SequenceEqual(subject.PredictThroughForward()));
    }

    [Fact]
    public void Predict_with_a_copy_takes_sequences_longer_than_max_steps()
    {
        var model = new RowClassifier(maxSteps: 4, seed: 24);
        StepWeights weights = model.CreateStepWeights(StepPrecision.Float32);
        float[] sequence = GradientCheck.Gaussian(Steps * RowClassifier.InputSize, 1f, new SeededRandom(25));
        float[] predicted = new float[RowClassifier.OutputSize];
        float[] stepped = new float[RowClassifier.OutputSize];

        model.Predict(sequence, predicted, weights);
        var state = new RowClassifier.State();
        for (int t = 0; t < Steps; t++)
        {
            model.Step(sequence.AsSpan(t * RowClassifier.InputSize, RowClassifier.InputSize), ref state, stepped, weights);
        }

        Assert.True(predicted.AsSpan().SequenceEqual(stepped));
        Assert.Equal("sequence", Assert.Throws<ArgumentException>(() => model.Predict(sequence, predicted)).ParamName);
        Assert.Equal("sequence", Assert.Throws<ArgumentException>(() => model.Predict(sequence, predicted, null)).ParamName);
    }

    [Fact]
    public void A_wrong_sequence_output_or_copy_throws_before_anything_is_written()
    {
        var model = new RowClassifier(seed: 26);
        StepWeights weights = model.CreateStepWeights(StepPrecision.Float32);
        float[] sequence = GradientCheck.Gaussian(3 * RowClassifier.InputSize, 1f, new SeededRandom(27));
        float[] output = Untouched(RowClassifier.OutputSize);

        Assert.Equal("sequence", Assert.Throws<ArgumentException>(() => model.Predict(sequence.AsSpan(0, 40), output, weights)).ParamName);
        Assert.Equal("sequence", Assert.Throws<ArgumentException>(() => model.Predict(ReadOnlySpan<float>.Empty, output, weights)).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => model.Predict(sequence, new float[RowClassifier.OutputSize + 1], weights)).ParamName);
        StepWeights other = new StackedLstm(seed: 1).CreateStepWeights(StepPrecision.Float32);
        var foreign = Assert.Throws<ArgumentException>(() => model.Predict(sequence, output, other));
        Assert.Equal("weights", foreign.ParamName);
        Assert.Contains("StackedLstm.CreateStepWeights", foreign.Message);
        Assert.All(output, v => Assert.True(float.IsNaN(v)));

        // A tagger writes an output per step: a bad token or an output one step short must stop it before the first.
        var tagger = new EmbeddingLstmTagger(seed: 28);
        StepWeights tagging = tagger.CreateStepWeights(StepPrecision.Float32);
        int[] tokens = [1, 2, 3, 9];
        float[] tags = Untouched(tokens.Length * EmbeddingLstmTagger.OutputSize);
        var error = Assert.Throws<ArgumentException>(() => tagger.Predict(tokens, tags, tagging));
        Assert.Equal("sequence", error.ParamName);
        Assert.Contains("step 3", error.Message);
        Assert.All(tags, v => Assert.True(float.IsNaN(v)));
        float[] tooShort = Untouched((tokens.Length - 1) * EmbeddingLstmTagger.OutputSize);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => tagger.Predict([1, 2, 3, 4], tooShort, tagging)).ParamName);
        Assert.All(tooShort, v => Assert.True(float.IsNaN(v)));
    }

    private static float[] Untouched(int length) => Enumerable.Repeat(float.NaN, length).ToArray();

    /// <summary>One test model and a sequence of <see cref="Steps"/> steps for it: Predict with or without a copy, Predict through Forward, and Step in a loop.</summary>
    private sealed class Subject(
        Func<StepPrecision, StepWeights> create, Func<StepWeights?, float[]> predict, Func<float[]> predictThroughForward, Func<StepWeights, float[]> stepLoop)
    {
        public StepWeights CreateStepWeights(StepPrecision precision) => create(precision);

        public float[] Predict(StepWeights? weights) => predict(weights);

        public float[] PredictThroughForward() => predictThroughForward();

        public float[] StepLoop(StepWeights weights) => stepLoop(weights);

        public static Subject Create(string name, ulong seed)
        {
            var random = new SeededRandom(seed + 100);
            int[] tokens = [.. Enumerable.Range(0, Steps).Select(t => (int)((t * 5 + (int)seed) % 9))];
            switch (name)
            {
                case "RowClassifier":
                {
                    var m = new RowClassifier(seed: seed);
                    float[] x = GradientCheck.Gaussian(Steps * RowClassifier.InputSize, 1f, random);
                    return Of(m.CreateStepWeights, (o, w) => m.Predict(x, o, w), o => m.Predict(x, o), RowClassifier.OutputSize, false,
                        (w, o) => { var s = new RowClassifier.State(); for (int t = 0; t < Steps; t++) { m.Step(x.AsSpan(t * RowClassifier.InputSize, RowClassifier.InputSize), ref s, o, w); } });
                }

                case "StackedLstm":
                {
                    var m = new StackedLstm(seed: seed);
                    float[] x = GradientCheck.Gaussian(Steps * StackedLstm.InputSize, 1f, random);
                    return Of(m.CreateStepWeights, (o, w) => m.Predict(x, o, w), o => m.Predict(x, o), StackedLstm.OutputSize, false,
                        (w, o) => { var s = new StackedLstm.State(); for (int t = 0; t < Steps; t++) { m.Step(x.AsSpan(t * StackedLstm.InputSize, StackedLstm.InputSize), ref s, o, w); } });
                }

                case "MixedLayers":
                {
                    var m = new MixedLayers(seed: seed);
                    float[] x = GradientCheck.Gaussian(Steps * MixedLayers.InputSize, 1f, random);
                    return Of(m.CreateStepWeights, (o, w) => m.Predict(x, o, w), o => m.Predict(x, o), MixedLayers.OutputSize, false,
                        (w, o) => { var s = new MixedLayers.State(); for (int t = 0; t < Steps; t++) { m.Step(x.AsSpan(t * MixedLayers.InputSize, MixedLayers.InputSize), ref s, o, w); } });
                }

                case "SigmoidRnnClassifier":
                {
                    var m = new SigmoidRnnClassifier(seed: seed);
                    float[] x = GradientCheck.Gaussian(Steps * SigmoidRnnClassifier.InputSize, 1f, random);
                    return Of(m.CreateStepWeights, (o, w) => m.Predict(x, o, w), o => m.Predict(x, o), SigmoidRnnClassifier.OutputSize, false,
                        (w, o) => { var s = new SigmoidRnnClassifier.State(); for (int t = 0; t < Steps; t++) { m.Step(x.AsSpan(t * SigmoidRnnClassifier.InputSize, SigmoidRnnClassifier.InputSize), ref s, o, w); } });
                }

                case "DenseFrontLstm":
                {
                    var m = new DenseFrontLstm(seed: seed);
                    float[] x = GradientCheck.Gaussian(Steps * DenseFrontLstm.InputSize, 1f, random);
                    const int Size = DenseFrontLstm.OutputSize;
                    return Of(m.CreateStepWeights, (o, w) => m.Predict(x, o, w), o => m.Predict(x, o), Size, true,
                        (w, o) => { var s = new DenseFrontLstm.State(); for (int t = 0; t < Steps; t++) { m.Step(x.AsSpan(t * DenseFrontLstm.InputSize, DenseFrontLstm.InputSize), ref s, o.AsSpan(t * Size, Size), w); } });
                }

                case "LstmDropoutHead":
                {
                    var m = new LstmDropoutHead(seed: seed);
                    float[] x = GradientCheck.Gaussian(Steps * LstmDropoutHead.InputSize, 1f, random);
                    return Of(m.CreateStepWeights, (o, w) => m.Predict(x, o, w), o => m.Predict(x, o), LstmDropoutHead.OutputSize, false,
                        (w, o) => { var s = new LstmDropoutHead.State(); for (int t = 0; t < Steps; t++) { m.Step(x.AsSpan(t * LstmDropoutHead.InputSize, LstmDropoutHead.InputSize), ref s, o, w); } });
                }

                case "DenseStepper":
                {
                    var m = new DenseStepper(seed: seed);
                    float[] x = GradientCheck.Gaussian(Steps * DenseStepper.InputSize, 1f, random);
                    const int Size = DenseStepper.OutputSize;
                    return Of(m.CreateStepWeights, (o, w) => m.Predict(x, o, w), o => m.Predict(x, o), Size, true,
                        (w, o) => { for (int t = 0; t < Steps; t++) { m.Step(x.AsSpan(t * DenseStepper.InputSize, DenseStepper.InputSize), o.AsSpan(t * Size, Size), w); } });
                }

                case "EmbeddingGruSoftmax":
                {
                    var m = new EmbeddingGruSoftmax(seed: seed);
                    return Of(m.CreateStepWeights, (o, w) => m.Predict(tokens, o, w), o => m.Predict(tokens, o), EmbeddingGruSoftmax.OutputSize, false,
                        (w, o) => { var s = new EmbeddingGruSoftmax.State(); for (int t = 0; t < Steps; t++) { m.Step(tokens[t], ref s, o, w); } });
                }

                default:
                {
                    var m = new EmbeddingLstmTagger(seed: seed);
                    const int Size = EmbeddingLstmTagger.OutputSize;
                    return Of(m.CreateStepWeights, (o, w) => m.Predict(tokens, o, w), o => m.Predict(tokens, o), Size, true,
                        (w, o) => { var s = new EmbeddingLstmTagger.State(); for (int t = 0; t < Steps; t++) { m.Step(tokens[t], ref s, o.AsSpan(t * Size, Size), w); } });
                }
            }
        }

        // The closures over one model, each writing a fresh output of the sequence's length.
        private static Subject Of(
            Func<StepPrecision, StepWeights> create, Action<float[], StepWeights?> predict, Action<float[]> predictThroughForward, int outputSize, bool sequences,
            Action<StepWeights, float[]> stepLoop)
        {
            int length = sequences ? Steps * outputSize : outputSize;
            return new(
                create,
                w => Run(o => predict(o, w)),
                () => Run(predictThroughForward),
                w => Run(o => stepLoop(w, o)));

            float[] Run(Action<float[]> fill)
            {
                float[] output = new float[length];
                fill(output);
                return output;
            }
        }
    }
}
