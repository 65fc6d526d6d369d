using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;
using Xunit.Abstractions;

namespace RnnGen.Models.Tests;

/// <summary>
/// Every tensor of every libtorch fixture — outputs, final states, and the gradients of sum(output ⊙ loss_weights)
/// for inputs, initial states and parameters — reproduced by the generated model loaded through the public API.
/// </summary>
public sealed class PyTorchParityTests(ITestOutputHelper output)
{
    /// <summary>max |ours − libtorch| / max(1, max |libtorch|); the references' own float32 noise is below 1.6e-6.</summary>
    private const double Tolerance = 1e-5;

    public static TheoryData<string> RecurrentFixtures =>
    [
        "rnn_tanh_i5_h7_l1_uni_t6_b3",
        "rnn_tanh_i5_h7_l2_uni_t6_b3",
        "rnn_tanh_i5_h7_l1_bi_t6_b3",
        "rnn_relu_i5_h7_l1_uni_t6_b3",
        "lstm_i5_h7_l1_uni_t6_b3",
        "lstm_i5_h7_l2_uni_t6_b3",
        "lstm_i5_h7_l1_bi_t6_b3",
        "gru_i5_h7_l1_uni_t6_b3",
        "gru_i5_h7_l2_uni_t6_b3",
        "gru_i5_h7_l1_bi_t6_b3",
    ];

    private static IDenseInputModel ModelFor(string stem) => stem switch
    {
        "rnn_tanh_i5_h7_l1_uni_t6_b3" => new RnnTanhUni(3, 6),
        "rnn_tanh_i5_h7_l2_uni_t6_b3" => new RnnTanhTwoLayers(3, 6),
        "rnn_tanh_i5_h7_l1_bi_t6_b3" => new RnnTanhBidirectional(3, 6),
        "rnn_relu_i5_h7_l1_uni_t6_b3" => new RnnReluUni(3, 6),
        "lstm_i5_h7_l1_uni_t6_b3" => new LstmUni(3, 6),
        "lstm_i5_h7_l2_uni_t6_b3" => new LstmTwoLayers(3, 6),
        "lstm_i5_h7_l1_bi_t6_b3" => new LstmBidirectional(3, 6),
        "gru_i5_h7_l1_uni_t6_b3" => new GruUni(3, 6),
        "gru_i5_h7_l2_uni_t6_b3" => new GruTwoLayers(3, 6),
        "gru_i5_h7_l1_bi_t6_b3" => new GruBidirectional(3, 6),
        _ => throw new ArgumentOutOfRangeException(nameof(stem), stem, "no model declared for this fixture"),
    };

    [Theory]
    [MemberData(nameof(RecurrentFixtures))]
    public void Recurrent_layer_matches_libtorch_in_every_tensor(string stem)
    {
        var file = Fixtures.Read(stem);
        var model = ModelFor(stem);
        bool lstm = file.Metadata["cell"].Contains("LSTM", StringComparison.OrdinalIgnoreCase) || stem.StartsWith("lstm", StringComparison.Ordinal);
        int steps = int.Parse(file.Metadata["seq_len"], System.Globalization.CultureInfo.InvariantCulture);
        int batch = int.Parse(file.Metadata["batch"], System.Globalization.CultureInfo.InvariantCulture);

        LoadParameters(model.Parameters, file, prefix: "rnn.");
        float[] input = file["input"].ToFloat32();
        float[] initialState = lstm ? [.. file["h0"].ToFloat32(), .. file["c0"].ToFloat32()] : file["h0"].ToFloat32();
        Assert.Equal(batch * model.Shape.StateSize, initialState.Length);
        int[] lengths = Enumerable.Repeat(steps, batch).ToArray();

        float[] outputs = new float[model.Shape.OutputLength(steps, batch)];
        float[] finalState = new float[initialState.Length];
        model.Forward(input, lengths, outputs, initialState, finalState, false);

        var errors = new List<(string Name, double Error)>
        {
            ("output", Fixtures.ScaledError(outputs, file["output"].ToFloat32())),
        };
        int half = finalState.Length / (lstm ? 2 : 1);
        errors.Add(("h_n", Fixtures.ScaledError(finalState.AsSpan(0, half), file["h_n"].ToFloat32())));
        if (lstm)
        {
            errors.Add(("c_n", Fixtures.ScaledError(finalState.AsSpan(half), file["c_n"].ToFloat32())));
        }

        model.Parameters.ZeroGradients();
        float[] inputGradient = new float[input.Length];
        float[] initialStateGradient = new float[initialState.Length];
        model.Backward(file["loss_weights"].ToFloat32(), inputGradient, initialStateGradient, default);

        errors.Add(("grad.input", Fixtures.ScaledError(inputGradient, file["grad.input"].ToFloat32())));
        errors.Add(("grad.h0", Fixtures.ScaledError(initialStateGradient.AsSpan(0, half), file["grad.h0"].ToFloat32())));
        if (lstm)
        {
            errors.Add(("grad.c0", Fixtures.ScaledError(initialStateGradient.AsSpan(half), file["grad.c0"].ToFloat32())));
        }

        foreach (var tensor in model.Parameters.Tensors)
        {
            string bare = tensor.Name["rnn.".Length..];
            errors.Add(("grad." + bare, Fixtures.ScaledError(model.Parameters.GradientOf(tensor.Name), file["grad." + bare].ToFloat32())));
        }

        Report(stem, errors);
    }

    [Fact]
    public void Bidirectional_vector_output_is_h_n_forward_then_reverse()
    {
        var file = Fixtures.Read("lstm_i5_h7_l1_bi_t6_b3");
        var model = new LstmBidirectionalVector(3, 6);
        LoadParameters(model.Parameters, file, prefix: "rnn.");
        float[] initialState = [.. file["h0"].ToFloat32(), .. file["c0"].ToFloat32()];
        float[] outputs = new float[3 * LstmBidirectionalVector.OutputSize];
        model.Forward(file["input"].ToFloat32(), [6, 6, 6], outputs, initialState);

        float[] hN = file["h_n"].ToFloat32(); // [2, 3, 7]: direction, batch, hidden
        float[] expected = new float[3 * 14];
        for (int b = 0; b < 3; b++)
        {
            hN.AsSpan((0 * 21) + (b * 7), 7).CopyTo(expected.AsSpan(b * 14, 7));
            hN.AsSpan((1 * 21) + (b * 7), 7).CopyTo(expected.AsSpan((b * 14) + 7, 7));
        }

        Report("lstm bidirectional vector", [("output", Fixtures.ScaledError(outputs, expected))]);
    }

    [Fact]
    public void Dense_matches_torch_nn_Linear()
    {
        var file = Fixtures.Read("linear_i7_o5_b4");
        var model = new LinearModel(maxBatch: 4, maxSteps: 1);
        LoadParameters(model.Parameters, file, prefix: "linear.");
        float[] input = file["input"].ToFloat32();
        float[] outputs = new float[4 * LinearModel.OutputSize];
        model.Forward(input, [1, 1, 1, 1], outputs);

        float[] inputGradient = new float[input.Length];
        model.Backward(file["loss_weights"].ToFloat32(), inputGradient);
        Report("linear",
        [
            ("output", Fixtures.ScaledError(outputs, file["output"].ToFloat32())),
            ("grad.input", Fixtures.ScaledError(inputGradient, file["grad.input"].ToFloat32())),
            ("grad.weight", Fixtures.ScaledError(model.Parameters.GradientOf("linear.weight"), file["grad.weight"].ToFloat32())),
            ("grad.bias", Fixtures.ScaledError(model.Parameters.GradientOf("linear.bias"), file["grad.bias"].ToFloat32())),
        ]);
    }

    [Fact]
    public void Embedding_matches_torch_nn_Embedding_including_repeated_ids()
    {
        var file = Fixtures.Read("embedding_n11_d5_t6_b3");
        var model = new EmbeddingModel(maxBatch: 3, maxSteps: 6);
        LoadParameters(model.Parameters, file, prefix: "embedding.");
        int[] tokens = file["input"].ToInt64().Select(checked_ => checked((int)checked_)).ToArray();
        Assert.True(tokens.Distinct().Count() < tokens.Length, "the fixture repeats ids, which is what tests the accumulation");
        float[] outputs = new float[6 * 3 * EmbeddingModel.OutputSize];
        model.Forward(tokens, [6, 6, 6], outputs);
        model.Backward(file["loss_weights"].ToFloat32());
        Report("embedding",
        [
            ("output", Fixtures.ScaledError(outputs, file["output"].ToFloat32())),
            ("grad.weight", Fixtures.ScaledError(model.Parameters.GradientOf("embedding.weight"), file["grad.weight"].ToFloat32())),
        ]);
    }

    /// <summary>Maps the fixture's bare names (weight_ih_l0) onto the model's (rnn.weight_ih_l0) and copies each through the public API.</summary>
    private static void LoadParameters(ParameterSet parameters, SafetensorsFile file, string prefix)
    {
        foreach (var tensor in parameters.Tensors)
        {
            Assert.StartsWith(prefix, tensor.Name, StringComparison.Ordinal);
            var source = file[tensor.Name[prefix.Length..]];
            Assert.Equal(tensor.Shape, source.Shape);
            source.CopyToFloat32(parameters[tensor.Name]);
        }
    }

    private void Report(string what, List<(string Name, double Error)> errors)
    {
        var worst = errors.MaxBy(e => e.Error);
        output.WriteLine($"{what}: worst scaled error {worst.Error:E2} in {worst.Name} ({errors.Count} tensors)");
        foreach (var (name, error) in errors)
        {
            Assert.True(error <= Tolerance, $"{what}: {name} differs from libtorch by {error:E3} (scaled), above {Tolerance:E0}");
        }
    }
}
