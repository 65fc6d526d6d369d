using System.IO;
using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>Initialization, safetensors save/load under state_dict names, and input validation of the generated API.</summary>
public sealed class WeightsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-weights-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Tensor_names_and_shapes_are_pytorch_state_dict_keys()
    {
        var model = new BidirectionalGruClassifier();
        string[] expected =
        [
            "gru.weight_ih_l0 [18,4]", "gru.weight_hh_l0 [18,6]", "gru.bias_ih_l0 [18]", "gru.bias_hh_l0 [18]",
            "gru.weight_ih_l0_reverse [18,4]", "gru.weight_hh_l0_reverse [18,6]", "gru.bias_ih_l0_reverse [18]", "gru.bias_hh_l0_reverse [18]",
            "gru.weight_ih_l1 [18,12]", "gru.weight_hh_l1 [18,6]", "gru.bias_ih_l1 [18]", "gru.bias_hh_l1 [18]",
            "gru.weight_ih_l1_reverse [18,12]", "gru.weight_hh_l1_reverse [18,6]", "gru.bias_ih_l1_reverse [18]", "gru.bias_hh_l1_reverse [18]",
            "dense.weight [3,12]", "dense.bias [3]",
        ];
        Assert.Equal(expected, model.Parameters.Tensors.Select(t => $"{t.Name} [{string.Join(",", t.Shape)}]"));
        Assert.Equal(BidirectionalGruClassifier.ParameterCount, model.Parameters.Count);
    }

    [Fact]
    public void Each_instance_owns_its_tensor_shapes()
    {
        var first = new RowClassifier();
        first.Parameters.Tensors[0].Shape[0] = 7;
        Assert.Equal([512, 28], new RowClassifier().Parameters.Tensors[0].Shape);
    }

    [Fact]
    public void Initialization_follows_pytorch_defaults_and_the_seed()
    {
        var model = new RowClassifier(seed: 11);
        float recurrentBound = 1f / MathF.Sqrt(128);
        var weightHh = model.Parameters["lstm.weight_hh_l0"].ToArray();
        Assert.True(weightHh.All(v => Math.Abs(v) <= recurrentBound));
        Assert.True(weightHh.Max() > 0.95f * recurrentBound && weightHh.Min() < -0.95f * recurrentBound, "U(−1/√H, 1/√H) should reach near both bounds");
        float denseBound = 1f / MathF.Sqrt(128);
        Assert.True(model.Parameters["dense.weight"].ToArray().All(v => Math.Abs(v) <= denseBound));

        var embedding = new EmbeddingGruSoftmax(seed: 11).Parameters["embedding.weight"].ToArray();
        double mean = embedding.Average();
        double variance = embedding.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, -0.5, 0.5); // 52 draws of N(0, 1)
        Assert.InRange(variance, 0.4, 1.8);

        Assert.Equal(model.Parameters.Values.ToArray(), new RowClassifier(seed: 11).Parameters.Values.ToArray());
        Assert.NotEqual(model.Parameters.Values.ToArray(), new RowClassifier(seed: 12).Parameters.Values.ToArray());
    }

    [Fact]
    public void Saved_weights_load_into_a_fresh_model_and_give_identical_outputs()
    {
        string path = Path.Combine(_folder, "rows.safetensors");
        var trained = new RowClassifier(seed: 1);
        trained.Parameters.SaveSafetensors(path);

        var loaded = new RowClassifier(seed: 2);
        var report = loaded.Parameters.LoadSafetensors(path);
        Assert.Equal(6, report.Loaded.Count);
        Assert.Equal(trained.Parameters.Values.ToArray(), loaded.Parameters.Values.ToArray());

        float[] x = GradientCheck.Gaussian(5 * RowClassifier.InputSize, 1f, new SeededRandom(3));
        float[] a = new float[RowClassifier.OutputSize];
        float[] b = new float[RowClassifier.OutputSize];
        trained.Predict(x, a);
        loaded.Predict(x, b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Strict_load_of_another_architecture_names_every_mismatch_and_changes_nothing()
    {
        string path = Path.Combine(_folder, "gru.safetensors");
        new GruUni(seed: 1).Parameters.SaveSafetensors(path); // rnn.* with 3 gates: wrong shapes for an LSTM
        new BidirectionalGruClassifier().Parameters.SaveSafetensors(Path.Combine(_folder, "other.safetensors"));

        var lstm = new LstmUni(seed: 5);
        float[] before = lstm.Parameters.Values.ToArray();
        var error = Assert.Throws<InvalidDataException>(() => lstm.Parameters.LoadSafetensors(path));
        foreach (string name in new[] { "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0" })
        {
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, lstm.Parameters.Values.ToArray());
        var other = Assert.Throws<InvalidDataException>(() => lstm.Parameters.LoadSafetensors(Path.Combine(_folder, "other.safetensors")));
        Assert.Contains("gru.weight_ih_l0", other.Message, StringComparison.Ordinal);
        Assert.Contains("rnn.weight_ih_l0", other.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_weight_file_is_an_invalid_data_exception()
    {
        string path = Path.Combine(_folder, "cut.safetensors");
        new RowClassifier().Parameters.SaveSafetensors(path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var model = new RowClassifier();
        Assert.Throws<InvalidDataException>(() => model.Parameters.LoadSafetensors(path));
    }

    [Fact]
    public void Forward_and_backward_validate_every_span_before_touching_state()
    {
        var model = new RowClassifier(maxBatch: 2, maxSteps: 4);
        float[] x = new float[3 * 2 * RowClassifier.InputSize];
        float[] y = new float[2 * RowClassifier.OutputSize];
        Assert.Throws<InvalidOperationException>(() => model.Backward(y));

        Assert.Equal("lengths", Assert.Throws<ArgumentException>(() => model.Forward(x, [3, 3, 3], new float[30])).ParamName);
        Assert.Equal("lengths", Assert.Throws<ArgumentException>(() => model.Forward(x, [3, 4], y)).ParamName);
        Assert.Equal("lengths", Assert.Throws<ArgumentException>(() => model.Forward(x, [0, 3], y)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => model.Forward(x.AsSpan(1), [3, 3], y)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => model.Forward(new float[5 * 2 * RowClassifier.InputSize], [5, 5], y)).ParamName);
        Assert.Equal("outputs", Assert.Throws<ArgumentException>(() => model.Forward(x, [3, 3], new float[19])).ParamName);
        Assert.Equal("initialState", Assert.Throws<ArgumentException>(() => model.Forward(x, [3, 3], y, new float[7])).ParamName);
        var message = Assert.Throws<ArgumentException>(() => model.Forward(x, [3, 3], new float[19])).Message;
        Assert.Contains("20", message, StringComparison.Ordinal);
        Assert.Contains("19", message, StringComparison.Ordinal);

        model.Forward(x, [3, 3], y);
        Assert.Equal("outputGradient", Assert.Throws<ArgumentException>(() => model.Backward(new float[21])).ParamName);
        Assert.Equal("inputGradient", Assert.Throws<ArgumentException>(() => model.Backward(y, new float[4])).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RowClassifier(maxBatch: 0));

        var tagger = new EmbeddingLstmTagger(maxBatch: 1, maxSteps: 3);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => tagger.Forward([1, 9, 2], [3], new float[12])).ParamName);
        tagger.Forward([1, 2, -7], [2], new float[12]); // the padded step's id is never read
        Assert.Equal("sequence", Assert.Throws<ArgumentException>(() => tagger.Predict([1, 9, 2], new float[12])).ParamName);
    }

    /// <summary>
    /// The activations a Forward caches serve one Backward: a second used to add the same gradients again without a
    /// word (PyTorch refuses a second backward through a graph too). A Backward refused for a wrong argument leaves
    /// the Forward usable.
    /// </summary>
    [Fact]
    public void A_second_backward_after_one_forward_is_refused()
    {
        var model = new RowClassifier(maxBatch: 2, maxSteps: 3, seed: 4);
        float[] inputs = new float[3 * 2 * RowClassifier.InputSize];
        inputs.AsSpan().Fill(0.1f);
        float[] outputs = new float[2 * RowClassifier.OutputSize];
        float[] gradient = new float[outputs.Length];
        gradient.AsSpan().Fill(0.5f);
        model.Forward(inputs, [3, 2], outputs);

        Assert.Throws<ArgumentException>(() => model.Backward(new float[3]));
        model.Backward(gradient);
        float[] once = model.Parameters.Gradients.ToArray();
        var error = Assert.Throws<InvalidOperationException>(() => model.Backward(gradient));
        Assert.Contains("for one Backward", error.Message, StringComparison.Ordinal);
        Assert.Equal(once, model.Parameters.Gradients.ToArray());
    }

    /// <summary>
    /// maxBatch × maxSteps too large for the widest buffer (rows × 528 gate floats here) is refused before the
    /// constructor allocates anything: it used to fill gigabytes of narrower buffers first, or run out of memory.
    /// </summary>
    [Fact]
    public void A_capacity_too_large_for_the_widest_buffer_is_refused_before_any_allocation()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RowClassifier(maxBatch: 4096, maxSteps: 4096));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("maxSteps", error.ParamName);
        Assert.Contains("16777216 rows of up to 528 floats", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated before the refusal");
    }
}
