using System.IO;
using RnnGen.Decoding;
using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;
using RnnGen.Training;

namespace RnnGen.Models.Tests;

/// <summary>
/// Encoder–decoder pairs: gradients through the state hand-off against finite differences, streaming decoding against
/// the batch Forward, beam search against greedy decoding and exhaustive search, and a copy task learned end to end.
/// </summary>
public sealed class EncoderDecoderTests
{
    private const int Start = 0;
    private const int End = 1;

    [Fact]
    public void Token_pair_gradients_flow_through_the_lstm_state_hand_off()
    {
        var pair = new TokenPair(3, 5, 6, seed: 3);
        var random = new SeededRandom(4);
        var (sources, sourceLengths) = Tokens(5, 3, 7, random);
        var (targets, targetLengths) = Tokens(6, 3, 7, random);
        int checkedValues = GradientCheck.RunPair(
            pair.Parameters,
            6 * 3 * TokenPair.TargetVocabularySize,
            logits => pair.Forward(sources, sourceLengths, targets, targetLengths, logits),
            gradient => pair.Backward(gradient),
            seed: 5);
        Assert.True(checkedValues > 200);
    }

    [Fact]
    public void Bidirectional_encoder_gradients_flow_through_the_concatenated_directions()
    {
        var pair = new BidirectionalPair(3, 4, 5, seed: 6);
        var random = new SeededRandom(7);
        float[] sources = GradientCheck.Gaussian(4 * 3 * BidirectionalPair.SourceInputSize, 1f, random);
        int[] sourceLengths = [4, 2, 3];
        var (targets, targetLengths) = Tokens(5, 3, 6, random);
        float[] sourceGradient = new float[sources.Length];
        GradientCheck.RunPair(
            pair.Parameters,
            5 * 3 * BidirectionalPair.TargetVocabularySize,
            logits => pair.Forward(sources, sourceLengths, targets, targetLengths, logits),
            gradient => pair.Backward(gradient, sourceGradient),
            seed: 8,
            sources: (sources, sourceGradient));
    }

    [Fact]
    public void A_wrong_source_gradient_is_refused_before_the_decoder_adds_its_gradients()
    {
        var pair = new BidirectionalPair(3, 4, 5, seed: 6);
        var random = new SeededRandom(7);
        float[] sources = GradientCheck.Gaussian(4 * 3 * BidirectionalPair.SourceInputSize, 1f, random);
        var (targets, targetLengths) = Tokens(5, 3, 6, random);
        var logits = new float[5 * 3 * BidirectionalPair.TargetVocabularySize];
        pair.Forward(sources, [4, 2, 3], targets, targetLengths, logits);
        float[] logitGradient = GradientCheck.Gaussian(logits.Length, 1f, random);

        var error = Assert.Throws<ArgumentException>(() => pair.Backward(logitGradient, new float[sources.Length - 1]));
        Assert.Equal("sourceGradient", error.ParamName);
        Assert.All(pair.Parameters.Gradients.ToArray(), g => Assert.Equal(0f, g));

        // the Forward's activations are still there: the same call with a right span goes through once
        pair.Backward(logitGradient, new float[sources.Length]);
        Assert.Contains(pair.Parameters.Gradients.ToArray(), g => g != 0f);
    }

    [Fact]
    public void A_pair_names_the_limit_that_is_out_of_range()
    {
        Assert.Equal("maxBatch", Assert.Throws<ArgumentOutOfRangeException>(() => new TokenPair(maxBatch: 0)).ParamName);
        Assert.Equal("maxSourceSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new TokenPair(maxSourceSteps: 0)).ParamName);
        Assert.Equal("maxTargetSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new TokenPair(maxTargetSteps: -1)).ParamName);

        // too large for the decoder's widest buffer: refused by the pair's name before the encoder allocates anything
        long before = GC.GetAllocatedBytesForCurrentThread();
        var tooLarge = Assert.Throws<ArgumentOutOfRangeException>(() => new TokenPair(maxBatch: 1 << 14, maxSourceSteps: 1, maxTargetSteps: 1 << 14));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Equal("maxTargetSteps", tooLarge.ParamName);
        Assert.Contains("maxBatch × maxTargetSteps = 268435456 rows", tooLarge.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pair_checks_tokens_and_decoding_arguments_before_either_model_runs()
    {
        var pair = new TokenPair(3, 5, 6, seed: 3);
        var random = new SeededRandom(4);
        var (sources, sourceLengths) = Tokens(5, 3, 7, random);
        var (targets, targetLengths) = Tokens(6, 3, 7, random);
        var logits = new float[6 * 3 * TokenPair.TargetVocabularySize];
        pair.Forward(sources, sourceLengths, targets, targetLengths, logits);

        // refused under the pair's own names, and the cached Forward survives each refusal
        int[] badTargets = (int[])targets.Clone();
        badTargets[0] = TokenPair.TargetVocabularySize;
        Assert.Equal("targetInputs", Assert.Throws<ArgumentException>(() => pair.Forward(sources, sourceLengths, badTargets, targetLengths, new float[logits.Length])).ParamName);
        int[] badSources = (int[])sources.Clone();
        badSources[0] = -1;
        Assert.Equal("sources", Assert.Throws<ArgumentException>(() => pair.Forward(badSources, sourceLengths, targets, targetLengths, new float[logits.Length])).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentException>(() => pair.Translate([1, TokenPair.SourceVocabularySize], Start, End, new int[4])).ParamName);
        Assert.Equal("endToken", Assert.Throws<ArgumentOutOfRangeException>(() => pair.Translate([1, 2], Start, TokenPair.TargetVocabularySize, new int[4])).ParamName);
        Assert.Equal("lengthPenalty", Assert.Throws<ArgumentOutOfRangeException>(() => pair.BeamSearch([1, 2], Start, End, new int[4], width: 2, lengthPenalty: double.NaN)).ParamName);

        // a width whose hypotheses would not fit an array (65,536² ids wrapped to 0 in int)
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => pair.BeamSearch([1, 2], Start, End, new int[65_536], width: 65_536)).ParamName);

        pair.Backward(GradientCheck.Gaussian(logits.Length, 1f, random));
        Assert.Contains(pair.Parameters.Gradients.ToArray(), g => g != 0f);
    }

    [Fact]
    public void Mixed_pair_gradients_with_a_copied_and_a_concatenated_layer()
    {
        var pair = new MixedPair(4, 5, 4, seed: 9);
        var random = new SeededRandom(10);
        var (sources, sourceLengths) = Tokens(5, 4, 5, random);
        var (targets, targetLengths) = Tokens(4, 4, 5, random);
        GradientCheck.RunPair(
            pair.Parameters,
            4 * 4 * MixedPair.TargetVocabularySize,
            logits => pair.Forward(sources, sourceLengths, targets, targetLengths, logits),
            gradient => pair.Backward(gradient),
            seed: 11);
    }

    [Fact]
    public void Parameters_are_one_set_named_like_a_pytorch_module_and_shared_with_the_models()
    {
        var pair = new TokenPair(seed: 1);
        Assert.Equal(TokenPair.ParameterCount, pair.Parameters.Count);
        Assert.Equal("encoder.embedding.weight", pair.Parameters.Tensors[0].Name);
        Assert.Contains(pair.Parameters.Tensors, t => t.Name == "decoder.dense.bias");

        // Writing through the pair's set is what the models compute with, and the other way round.
        pair.Parameters["decoder.dense.bias"][2] = 42f;
        Assert.Equal(42f, pair.Decoder.Parameters["dense.bias"][2]);
        pair.Encoder.Parameters.GradientOf("lstm.bias_hh_l0")[0] = 7f;
        Assert.Equal(7f, pair.Parameters.GradientOf("encoder.lstm.bias_hh_l0")[0]);

        // Encoder from the seed, decoder from seed + 1, as documented.
        Assert.Equal(new TokenEncoder(seed: 1).Parameters.Values.ToArray(), pair.Encoder.Parameters.Values.ToArray());
        Assert.Equal(new TokenDecoder(seed: 2).Parameters["lstm.weight_hh_l0"].ToArray(), pair.Decoder.Parameters["lstm.weight_hh_l0"].ToArray());
    }

    [Theory]
    [InlineData(12UL)]
    [InlineData(13UL)]
    public void Greedy_decoding_through_step_agrees_with_the_teacher_forced_forward(ulong seed)
    {
        // Encode uses the batch-of-one layout of the final state and Step; Forward uses the batch hand-off and the
        // batch kernels. Feeding the greedy answer back through Forward must predict the same tokens and then the end.
        var pair = new BidirectionalPair(1, 6, 9, seed);
        var random = new SeededRandom(seed + 100);
        for (int trial = 0; trial < 5; trial++)
        {
            int steps = 1 + random.NextInt(6);
            float[] source = GradientCheck.Gaussian(steps * BidirectionalPair.SourceInputSize, 1f, random);
            int[] output = new int[8];
            int length = pair.Translate(source, Start, End, output);
            int[] inputs = [Start, .. output.AsSpan(0, length)];
            float[] logits = new float[inputs.Length * BidirectionalPair.TargetVocabularySize];
            pair.Forward(source, [steps], inputs, [inputs.Length], logits);
            // After a full output the decoder was cut off, so only then is the last prediction not the end token.
            int checkedSteps = length == output.Length ? length : inputs.Length;
            for (int t = 0; t < checkedSteps; t++)
            {
                int predicted = ArgMax(logits.AsSpan(t * BidirectionalPair.TargetVocabularySize, BidirectionalPair.TargetVocabularySize));
                int expected = t < length ? output[t] : End;
                Assert.Equal(expected, predicted);
            }
        }
    }

    [Fact]
    public void Beam_search_of_width_one_is_greedy_decoding()
    {
        var pair = new MixedPair(1, 6, 10, seed: 14);
        var random = new SeededRandom(15);
        int differentLengths = 0;
        for (int trial = 0; trial < 40; trial++)
        {
            int[] source = RandomTokens(1 + random.NextInt(6), MixedPair.SourceVocabularySize, random);
            int[] greedy = new int[9];
            int[] beam = new int[9];
            int greedyLength = pair.Translate(source, Start, End, greedy);
            int beamLength = pair.BeamSearch(source, Start, End, beam, width: 1);
            Assert.Equal(greedy.AsSpan(0, greedyLength).ToArray(), beam.AsSpan(0, beamLength).ToArray());
            differentLengths |= 1 << greedyLength;
        }

        Assert.True(int.PopCount(differentLengths) > 1, "the random pair always decoded the same length; the test would not see length handling");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Wide_beam_search_finds_the_best_sequence_of_an_exhaustive_search(double lengthPenalty)
    {
        // Vocabulary 6 (end = 1), at most 3 tokens: 1 + 5 + 25 + 125 hypotheses, so a beam of 200 keeps them all and
        // must return exactly the best-scoring sequence that brute force finds with the decoder's Step.
        var pair = new BidirectionalPair(1, 4, 5, seed: 16);
        var random = new SeededRandom(17);
        for (int trial = 0; trial < 4; trial++)
        {
            float[] source = GradientCheck.Gaussian(3 * BidirectionalPair.SourceInputSize, 1.5f, random);
            int[] beam = new int[3];
            int beamLength = pair.BeamSearch(source, Start, End, beam, width: 200, lengthPenalty);

            WideDecoder.State start = default;
            pair.Encode(source, ref start);
            var (best, bestScore) = BruteForce(pair.Decoder, start, [], 0, 3, lengthPenalty);
            Assert.Equal(best, beam.AsSpan(0, beamLength).ToArray());
            Assert.True(double.IsFinite(bestScore));
        }
    }

    /// <summary>
    /// Widths 2–5 over a vocabulary of 6 prune every step, so the kept list's insertion (replace the worst, keep the
    /// earlier candidate on ties) is compared with a plain sort of every extension, the same classic beam written
    /// the obvious way.
    /// </summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.6)]
    [InlineData(1.0)]
    public void Beam_search_equals_a_reference_that_sorts_every_extension(double lengthPenalty)
    {
        var pair = new BidirectionalPair(1, 4, 7, seed: 24);
        var random = new SeededRandom(25);
        for (int trial = 0; trial < 6; trial++)
        {
            float[] source = GradientCheck.Gaussian(3 * BidirectionalPair.SourceInputSize, 1.5f, random);
            WideDecoder.State start = default;
            pair.Encode(source, ref start);
            for (int width = 2; width <= 5; width++)
            {
                int[] beam = new int[6];
                int beamLength = pair.BeamSearch(source, Start, End, beam, width, lengthPenalty);
                Assert.Equal(ReferenceBeamSearch(pair.Decoder, start, width, 6, lengthPenalty), beam.AsSpan(0, beamLength).ToArray());
            }
        }
    }

    /// <summary>
    /// The decoder keeps its hypotheses' buffers for later calls; a wide short search then a narrow long one used to
    /// size them width × length from the largest of each (65,536² wrapped to 0 and the next write failed).
    /// </summary>
    [Fact]
    public void Beam_search_buffers_survive_a_wide_short_search_then_a_narrow_long_one()
    {
        var pair = new MixedPair(1, 6, 10, seed: 26);
        int[] source = [2, 3, 4];
        int[] greedy = new int[1 << 16];
        int greedyLength = pair.Translate(source, Start, End, greedy);

        pair.BeamSearch(source, Start, End, new int[1], width: 1 << 16);
        int[] beam = new int[1 << 16];
        int beamLength = pair.BeamSearch(source, Start, End, beam, width: 1);

        Assert.Equal(greedy.AsSpan(0, greedyLength).ToArray(), beam.AsSpan(0, beamLength).ToArray());
    }

    [Fact]
    public void A_sequence_decoder_needs_logits_over_the_tokens_its_model_reads()
    {
        var wrongWidth = Assert.Throws<ArgumentException>(() => new SequenceDecoder<CopyEncoder, CopyEncoder.State>(new CopyEncoder()));
        Assert.Equal("decoder", wrongWidth.ParamName);
        Assert.Contains("logits over the 8 tokens it reads, but CopyEncoder outputs 64 values", wrongWidth.Message, StringComparison.Ordinal);

        var probabilities = Assert.Throws<ArgumentException>(() => new SequenceDecoder<SoftmaxTokenDecoder, SoftmaxTokenDecoder.State>(new SoftmaxTokenDecoder()));
        Assert.Contains("outputs 5 values through Softmax", probabilities.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decoding_with_packed_decoder_weights_gives_the_tokens_of_those_weights()
    {
        // Float32: the tokens of decoding through the parameters. BFloat16: the tokens of a pair whose decoder matrices
        // were rounded to bfloat16 beforehand.
        var pair = new MixedPair(1, 6, 10, seed: 21);
        var rounded = new MixedPair(1, 6, 10, seed: 21);
        foreach (TensorDescriptor tensor in rounded.Decoder.Parameters.Tensors)
        {
            if (tensor.Shape.Length == 2 && !tensor.Name.StartsWith("embedding", StringComparison.Ordinal))
            {
                Span<float> values = rounded.Decoder.Parameters[tensor.Name];
                for (int i = 0; i < values.Length; i++)
                {
                    uint bits = BitConverter.SingleToUInt32Bits(values[i]);
                    values[i] = BitConverter.UInt32BitsToSingle(((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16);
                }
            }
        }

        StepWeights single = pair.Decoder.CreateStepWeights(StepPrecision.Float32);
        StepWeights half = pair.Decoder.CreateStepWeights(StepPrecision.BFloat16);
        var random = new SeededRandom(22);
        for (int trial = 0; trial < 30; trial++)
        {
            int[] source = RandomTokens(1 + random.NextInt(6), MixedPair.SourceVocabularySize, random);
            Assert.Equal(Greedy(pair, source, null), Greedy(pair, source, single));
            Assert.Equal(Beam(pair, source, null), Beam(pair, source, single));
            Assert.Equal(Greedy(rounded, source, null), Greedy(pair, source, half));
            Assert.Equal(Beam(rounded, source, null), Beam(pair, source, half));
        }

        static int[] Greedy(MixedPair pair, int[] source, StepWeights? weights)
        {
            int[] output = new int[9];
            return output[..pair.Translate(source, Start, End, output, weights)];
        }

        static int[] Beam(MixedPair pair, int[] source, StepWeights? weights)
        {
            int[] output = new int[9];
            return output[..pair.BeamSearch(source, Start, End, output, width: 3, decoderWeights: weights)];
        }
    }

    [Fact]
    public void Decoding_allocates_nothing_after_warm_up()
    {
        var pair = new MixedPair(1, 6, 10, seed: 18);
        StepWeights packed = pair.Decoder.CreateStepWeights(StepPrecision.BFloat16);
        int[] source = [2, 3, 4, 1, 0];
        int[] output = new int[9];
        pair.Translate(source, Start, End, output);
        pair.BeamSearch(source, Start, End, output, width: 4);
        pair.Translate(source, Start, End, output, packed);
        pair.BeamSearch(source, Start, End, output, width: 4, decoderWeights: packed);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            pair.Translate(source, Start, End, output);
            pair.BeamSearch(source, Start, End, output, width: 4);
            pair.BeamSearch(source, Start, End, output.AsSpan(0, 5), width: 2);
            pair.Translate(source, Start, End, output, packed);
            pair.BeamSearch(source, Start, End, output, width: 4, decoderWeights: packed);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Forward_checks_sizes_before_running_and_backward_needs_a_forward()
    {
        var pair = new TokenPair(2, 4, 5, seed: 19);
        float[] logits = new float[3 * 2 * TokenPair.TargetVocabularySize];
        var wrongLogits = Assert.Throws<ArgumentException>(() => pair.Forward(new int[4], [2, 2], new int[6], [3, 3], new float[5]));
        Assert.Equal("logits", wrongLogits.ParamName);
        var wrongBatch = Assert.Throws<ArgumentException>(() => pair.Forward(new int[4], [2, 2], new int[3], [3], logits));
        Assert.Equal("targetLengths", wrongBatch.ParamName);
        var tooLong = Assert.Throws<ArgumentException>(() => pair.Translate([2, 3, 4, 5, 6], Start, End, new int[3]));
        Assert.Equal("source", tooLong.ParamName);
        Assert.Throws<InvalidOperationException>(() => pair.Backward(logits));
        pair.Forward(new int[4], [2, 2], new int[6], [3, 3], logits);
        pair.Translate([2], Start, End, new int[3]);
        Assert.Throws<InvalidOperationException>(() => pair.Backward(logits)); // Translate replaced the cached activations
    }

    /// <summary>
    /// The pair's models are public, so a caller can run one of them between the pair's Forward and Backward; that
    /// replaces the activations the pair's Backward would read (with another batch of the same size, silently), so
    /// Backward refuses, names the model, and nothing is added to the gradients. A new Forward makes it work again.
    /// </summary>
    [Fact]
    public void Backward_refuses_when_a_model_of_the_pair_ran_on_its_own_since_Forward()
    {
        var pair = new TokenPair(2, 4, 5, seed: 23);
        int[] sources = [1, 2, 3, 4, 5, 6, 1, 2];
        int[] targets = [1, 2, 3, 4, 5, 6];
        float[] logits = new float[3 * 2 * TokenPair.TargetVocabularySize];
        float[] gradient = new float[logits.Length];
        gradient.AsSpan().Fill(0.01f);

        pair.Forward(sources, [4, 4], targets, [3, 3], logits);
        pair.Encoder.Forward(sources, [4, 4], new float[2 * TokenEncoder.OutputSize]);
        var encoder = Assert.Throws<InvalidOperationException>(() => pair.Backward(gradient));
        Assert.Contains("Encoder has run a Forward, Predict or Backward of its own", encoder.Message, StringComparison.Ordinal);

        pair.Forward(sources, [4, 4], targets, [3, 3], logits);
        pair.Decoder.Predict([1, 2, 3], new float[3 * TokenPair.TargetVocabularySize]);
        var decoder = Assert.Throws<InvalidOperationException>(() => pair.Backward(gradient));
        Assert.Contains("Decoder has run a Forward, Predict or Backward", decoder.Message, StringComparison.Ordinal);
        Assert.All(pair.Parameters.Gradients.ToArray(), g => Assert.Equal(0f, g));

        // a Backward of the encoder's own uses up its activations: refused before the decoder adds anything
        pair.Forward(sources, [4, 4], targets, [3, 3], logits);
        pair.Encoder.Backward(new float[2 * TokenEncoder.OutputSize]);
        float[] before = pair.Parameters.Gradients.ToArray();
        Assert.Contains("Encoder has run a Forward, Predict or Backward", Assert.Throws<InvalidOperationException>(() => pair.Backward(gradient)).Message, StringComparison.Ordinal);
        Assert.Equal(before, pair.Parameters.Gradients.ToArray());

        // a wrong gradient is refused by the pair's own name, and the Forward stays usable
        pair.Forward(sources, [4, 4], targets, [3, 3], logits);
        Assert.Equal("logitGradient", Assert.Throws<ArgumentException>(() => pair.Backward(new float[gradient.Length - 1])).ParamName);
        pair.Parameters.ZeroGradients();
        pair.Backward(gradient);
        float[] once = pair.Parameters.Gradients.ToArray();
        Assert.Contains(once, g => g != 0f);
        Assert.Contains("for one Backward", Assert.Throws<InvalidOperationException>(() => pair.Backward(gradient)).Message, StringComparison.Ordinal);
        Assert.Equal(once, pair.Parameters.Gradients.ToArray());
    }

    [Fact]
    public void Copy_task_is_learned_to_every_held_out_sequence()
    {
        // Sequences of 1–5 symbols from 2..7 must come back unchanged through the fixed-size state.
        var random = new SeededRandom(20);
        var train = CopyPairs(1500, random);
        var test = CopyPairs(200, random);
        var pair = new Copier(maxBatch: 32, maxSourceSteps: 5, maxTargetSteps: 6, seed: 21);
        var trainer = new EncoderDecoderTrainer<Copier>(pair, new Adam(learningRate: 0.01f));
        var history = trainer.Fit(train, new EncoderDecoderFitOptions { Epochs = 12, BatchSize = 32, Seed = 22, ClipGradientNorm = 1f });
        Assert.True(history.Epochs[^1].Loss < history.Epochs[0].Loss / 10, $"loss went from {history.Epochs[0].Loss} to {history.Epochs[^1].Loss}");
        Assert.Equal(1.0, trainer.ExactMatch(test));
        Assert.Equal(1.0, trainer.Evaluate(test).Metric);

        // Scheduled sampling feeds the model's most likely token of the previous step. This model predicts every
        // training token, so that is the true token and a probability of 1 must change nothing at all; reading the
        // wrong step, or anything but the argmax, would change the inputs and so the weights.
        Assert.Equal(1.0, trainer.Evaluate(train).Metric);
        float[] Continue(double sampling)
        {
            var copy = new Copier(maxBatch: 32, maxSourceSteps: 5, maxTargetSteps: 6);
            pair.Parameters.Values.CopyTo(copy.Parameters.Values);
            new EncoderDecoderTrainer<Copier>(copy, new Adam(learningRate: 1e-4f))
                .Fit(train, new EncoderDecoderFitOptions { Epochs = 1, BatchSize = 32, Seed = 26, SamplingProbability = _ => sampling });
            return copy.Parameters.Values.ToArray();
        }

        float[] teacherForced = Continue(0);
        Assert.NotEqual(pair.Parameters.Values.ToArray(), teacherForced);
        Assert.Equal(teacherForced, Continue(1));
    }

    [Fact]
    public void Training_is_deterministic_and_scheduled_sampling_changes_the_run()
    {
        var random = new SeededRandom(23);
        var data = CopyPairs(200, random);
        float[] Run(double sampling)
        {
            var pair = new Copier(maxBatch: 16, maxSourceSteps: 5, maxTargetSteps: 6, seed: 24);
            var trainer = new EncoderDecoderTrainer<Copier>(pair, new Adam(learningRate: 0.01f));
            trainer.Fit(data, new EncoderDecoderFitOptions { Epochs = 2, BatchSize = 16, Seed = 25, SamplingProbability = _ => sampling });
            return pair.Parameters.Values.ToArray();
        }

        Assert.Equal(Run(0), Run(0));
        Assert.Equal(Run(0.5), Run(0.5));
        Assert.NotEqual(Run(0), Run(0.5));
    }

    /// <summary>As for Trainer: the checkpoint's folder is created before training, or the path refused before it.</summary>
    [Fact]
    public void The_checkpoint_folder_is_created_or_refused_before_training()
    {
        var data = CopyPairs(32, new SeededRandom(30));
        string folder = Directory.CreateTempSubdirectory("rnngen-pair-folder-").FullName;
        try
        {
            var pair = new Copier(maxBatch: 16, maxSourceSteps: 5, maxTargetSteps: 6, seed: 31);
            var trainer = new EncoderDecoderTrainer<Copier>(pair, new Adam());
            string path = Path.Combine(folder, "runs", "best.safetensors");
            trainer.Fit(data, new EncoderDecoderFitOptions { Epochs = 1, BatchSize = 16, CheckpointPath = path });
            Assert.True(File.Exists(path));

            string blocked = Path.Combine(folder, "a-file");
            File.WriteAllText(blocked, "not a folder");
            float[] weights = pair.Parameters.Values.ToArray();
            Assert.Throws<IOException>(() => trainer.Fit(data, new EncoderDecoderFitOptions { Epochs = 1, BatchSize = 16, CheckpointPath = Path.Combine(blocked, "best.safetensors") }));
            Assert.Equal(weights, pair.Parameters.Values.ToArray());
            Assert.Equal("options", Assert.Throws<ArgumentException>(() => trainer.Fit(data, new EncoderDecoderFitOptions { Epochs = 1, BatchSize = 16, CheckpointPath = string.Empty })).ParamName);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Resuming_from_the_best_checkpoint_continues_bit_identically()
    {
        var random = new SeededRandom(28);
        var data = CopyPairs(96, random);
        var validation = CopyPairs(32, random);
        string folder = Directory.CreateTempSubdirectory("rnngen-pair-resume-").FullName;
        try
        {
            EncoderDecoderFitOptions Options(int epochs, string checkpoint, CheckpointInfo? resume = null) => new()
            {
                Epochs = epochs,
                InitialEpoch = resume?.Epoch ?? 0,
                InitialBest = resume?.MonitoredValue,
                BatchSize = 16,
                Seed = 29,
                Validation = validation,
                Schedule = new StepDecay(stepSize: 2, gamma: 0.5f),
                SamplingProbability = epoch => 0.1 * epoch,
                CheckpointPath = checkpoint,
            };

            var uninterrupted = new Copier(maxBatch: 16, maxSourceSteps: 5, maxTargetSteps: 6, seed: 30);
            TrainingHistory full = new EncoderDecoderTrainer<Copier>(uninterrupted, new Adam(learningRate: 0.01f))
                .Fit(data, Options(5, Path.Combine(folder, "full.safetensors")));

            // stopped after 3 epochs, then resumed from its best checkpoint (epoch 3 unless a later one did worse)
            string path = Path.Combine(folder, "best.safetensors");
            new EncoderDecoderTrainer<Copier>(new Copier(maxBatch: 16, maxSourceSteps: 5, maxTargetSteps: 6, seed: 30), new Adam(learningRate: 0.01f))
                .Fit(data, Options(3, path));
            var resumed = new Copier(maxBatch: 16, maxSourceSteps: 5, maxTargetSteps: 6, seed: 31);
            var optimizer = new Adam(learningRate: 0.01f);
            var trainer = new EncoderDecoderTrainer<Copier>(resumed, optimizer);
            CheckpointInfo info = Checkpoint.Load(path, resumed.Parameters, optimizer);
            Assert.InRange(info.Epoch, 1, 3);
            TrainingHistory rest = trainer.Fit(data, Options(5, path, info));

            Assert.Equal(5 - info.Epoch, rest.Epochs.Count);
            Assert.Equal(uninterrupted.Parameters.Values.ToArray(), resumed.Parameters.Values.ToArray());
            Assert.Equal(full.BestEpoch, rest.BestEpoch);
            Assert.Equal(full.Epochs[^1], rest.Epochs[^1] with { Seconds = full.Epochs[^1].Seconds });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_sampling_probability_out_of_range_in_a_late_epoch_is_refused_before_the_first()
    {
        var data = CopyPairs(32, new SeededRandom(26));
        var pair = new Copier(maxBatch: 16, maxSourceSteps: 5, maxTargetSteps: 6, seed: 27);
        float[] before = pair.Parameters.Values.ToArray();
        var trainer = new EncoderDecoderTrainer<Copier>(pair, new Adam(learningRate: 0.01f));
        var asked = new List<int>();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(data, new EncoderDecoderFitOptions
        {
            Epochs = 3, BatchSize = 16, SamplingProbability = epoch => { asked.Add(epoch); return epoch == 3 ? 1.5 : 0.1; },
        }));
        Assert.Contains("SamplingProbability(3)", error.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { 1, 2, 3 }, asked);
        Assert.Equal(before, pair.Parameters.Values.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(data, new EncoderDecoderFitOptions { Epochs = 1, BatchSize = 16, ClipGradientNorm = float.PositiveInfinity }));
    }

    private static SequencePairDataset CopyPairs(int count, SeededRandom random)
    {
        var sources = new int[count][];
        for (int i = 0; i < count; i++)
        {
            sources[i] = new int[1 + random.NextInt(5)];
            for (int t = 0; t < sources[i].Length; t++)
            {
                sources[i][t] = 2 + random.NextInt(6);
            }
        }

        return new SequencePairDataset(sources, sources, Start, End);
    }

    /// <summary>
    /// The classic beam search, written plainly: every extension of every live hypothesis, sorted by score (a stable
    /// sort: ties keep the earlier hypothesis and token), the first <paramref name="width"/> kept; those that end go to
    /// the finished list, which stops the search once it holds <paramref name="width"/>.
    /// </summary>
    private static int[] ReferenceBeamSearch(WideDecoder decoder, WideDecoder.State start, int width, int maxLength, double lengthPenalty)
    {
        var live = new List<(int[] Tokens, double Score, WideDecoder.State State, int Last)> { ([], 0, start, Start) };
        var finished = new List<(int[] Tokens, double Score)>();
        float[] logits = new float[WideDecoder.OutputSize];
        for (int t = 0; live.Count > 0 && t <= maxLength; t++)
        {
            var extensions = new List<(int Beam, int Token, double Score, WideDecoder.State State)>();
            for (int beam = 0; beam < live.Count; beam++)
            {
                var state = live[beam].State;
                decoder.Step(live[beam].Last, ref state, logits);
                double max = logits.Max();
                double logSumExp = max + Math.Log(logits.Sum(z => Math.Exp(z - max)));
                for (int token = 0; token < logits.Length; token++)
                {
                    if (t < maxLength || token == End)
                    {
                        extensions.Add((beam, token, live[beam].Score + logits[token] - logSumExp, state));
                    }
                }
            }

            var next = new List<(int[] Tokens, double Score, WideDecoder.State State, int Last)>();
            foreach (var (beam, token, score, state) in extensions.OrderByDescending(e => e.Score).Take(width))
            {
                if (token != End)
                {
                    next.Add(([.. live[beam].Tokens, token], score, state, token));
                }
                else if (finished.Count < width)
                {
                    finished.Add((live[beam].Tokens, score / Math.Pow(t + 1, lengthPenalty)));
                }
            }

            live = finished.Count >= width ? [] : next;
        }

        return finished.Aggregate((best, candidate) => candidate.Score > best.Score ? candidate : best).Tokens;
    }

    /// <summary>The best continuation of <paramref name="prefix"/> by score / length^α, enumerating every sequence.</summary>
    private static (int[] Tokens, double Score) BruteForce(WideDecoder decoder, WideDecoder.State state, int[] prefix, double logProbability, int maxLength, double lengthPenalty)
    {
        float[] logits = new float[WideDecoder.OutputSize];
        decoder.Step(prefix.Length == 0 ? Start : prefix[^1], ref state, logits);
        double max = logits.Max();
        double logSumExp = max + Math.Log(logits.Sum(z => Math.Exp(z - max)));
        // Ending here: the end token counts in the length.
        (int[] Tokens, double Score) best = (prefix, (logProbability + logits[End] - logSumExp) / Math.Pow(prefix.Length + 1, lengthPenalty));
        if (prefix.Length == maxLength)
        {
            return best;
        }

        for (int token = 0; token < logits.Length; token++)
        {
            if (token == End)
            {
                continue;
            }

            var candidate = BruteForce(decoder, state, [.. prefix, token], logProbability + logits[token] - logSumExp, maxLength, lengthPenalty);
            if (candidate.Score > best.Score)
            {
                best = candidate;
            }
        }

        return best;
    }

    private static (int[] Tokens, int[] Lengths) Tokens(int steps, int batch, int vocabulary, SeededRandom random)
    {
        int[] lengths = GradientCheck.Lengths(steps, batch, random);
        return (RandomTokens(steps * batch, vocabulary, random), lengths);
    }

    private static int[] RandomTokens(int count, int vocabulary, SeededRandom random)
    {
        int[] tokens = new int[count];
        for (int i = 0; i < count; i++)
        {
            tokens[i] = random.NextInt(vocabulary);
        }

        return tokens;
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
