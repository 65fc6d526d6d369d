using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using static RnnGen.Runtime.Tests.Weights.SafetensorsBytes;

namespace RnnGen.Runtime.Tests.Weights;

public class ParameterSetTests
{
    /// <summary>A small layout: w [2,3] at 0, b [4] at 6, c [2] at 10, d [3] at 12, e [] at 15; 16 floats.</summary>
    private static TensorDescriptor[] Layout() =>
    [
        new("w", 0, [2, 3]),
        new("b", 6, [4]),
        new("c", 10, [2]),
        new("d", 12, [3]),
        new("e", 15, []),
    ];

    [Fact]
    public void The_buffers_hold_every_tensor_back_to_back_and_start_zeroed()
    {
        var parameters = new ParameterSet(Layout());

        Assert.Equal(16, parameters.Count);
        Assert.Equal(16, parameters.Values.Length);
        Assert.Equal(16, parameters.Gradients.Length);
        Assert.All(parameters.Values.ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(Layout(), parameters.Tensors);
        Assert.Equal(new TensorDescriptor("d", 12, [3]), parameters.Describe("d"));
    }

    [Fact]
    public void Values_and_gradients_start_on_a_cache_line_also_when_sets_are_joined()
    {
        // The kernels stream weight rows in place; a buffer on a 64-byte boundary keeps rows of 16k floats off line
        // splits. Many sets, because an array that happens to land on a boundary proves nothing.
        for (int i = 0; i < 50; i++)
        {
            var first = new ParameterSet(Layout());
            var second = new ParameterSet([new("w", 0, [16, 3 + i])]);
            Assert.Equal(0, Address(first.Values) % 64);
            Assert.Equal(0, Address(first.Gradients) % 64);

            var joined = ParameterSet.Concatenate(("a.", first), ("b.", second));
            Assert.Equal(0, Address(joined.Values) % 64);
            Assert.Equal(0, Address(joined.Gradients) % 64);
            Assert.Equal(Address(joined.Values) + (16 * sizeof(float)), Address(second.Values)); // the part follows the 16 floats of the first
            Assert.Equal(Address(joined.Gradients) + (16 * sizeof(float)), Address(second.Gradients));
        }
    }

    private static unsafe long Address(Span<float> span)
    {
        fixed (float* pointer = span)
        {
            return (long)pointer;
        }
    }

    [Fact]
    public void An_empty_layout_has_no_parameters()
    {
        var parameters = new ParameterSet([]);

        Assert.Equal(0, parameters.Count);
        Assert.True(parameters.Values.IsEmpty);
    }

    [Theory]
    [InlineData("gap", "'b' starts at offset 7 but the tensors before it end at 6")]
    [InlineData("overlap", "'b' starts at offset 5 but the tensors before it end at 6")]
    [InlineData("not at zero", "'w' starts at offset 1 but the tensors before it end at 0")]
    [InlineData("out of order", "'b' starts at offset 0 but the tensors before it end at 6")]
    [InlineData("duplicate", "'w' appears more than once")]
    [InlineData("negative", "'b' has shape [-4]")]
    [InlineData("too large", "'w' has shape [65536, 65536]")]
    [InlineData("total too large", "'b' ends at 3200000000")]
    [InlineData("empty name", "descriptor 1 has no name")]
    public void A_layout_that_does_not_tile_the_buffer_is_rejected_naming_the_tensor(string layoutName, string expectedText)
    {
        TensorDescriptor[] layout = layoutName switch
        {
            "gap" => [new("w", 0, [2, 3]), new("b", 7, [4])],
            "overlap" => [new("w", 0, [2, 3]), new("b", 5, [4])],
            "not at zero" => [new("w", 1, [2, 3])],
            "out of order" => [new("w", 0, [2, 3]), new("b", 0, [4])],
            "duplicate" => [new("w", 0, [2, 3]), new("w", 6, [4])],
            "negative" => [new("w", 0, [2, 3]), new("b", 6, [-4])],
            "too large" => [new("w", 0, [65536, 65536])],
            "total too large" => [new("w", 0, [40000, 40000]), new("b", 1_600_000_000, [40000, 40000])],
            _ => [new("w", 0, [2, 3]), new("", 6, [4])],
        };

        ArgumentException error = Assert.Throws<ArgumentException>(() => new ParameterSet(layout));

        Assert.Contains(expectedText, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Named_views_alias_the_value_and_gradient_buffers()
    {
        var parameters = new ParameterSet(Layout());

        parameters["b"][2] = 7f;
        parameters.Values[12] = 3f;
        parameters.GradientOf("c")[1] = -1f;
        parameters.Gradients[15] = 5f;

        Assert.Equal(7f, parameters.Values[8]);
        Assert.Equal(3f, parameters["d"][0]);
        Assert.Equal(-1f, parameters.Gradients[11]);
        Assert.Equal(5f, parameters.GradientOf("e")[0]);
        Assert.Equal(6, parameters["w"].Length);
        Assert.Equal(1, parameters["e"].Length);
        Assert.Equal(0f, parameters.Gradients[8]);
    }

    [Fact]
    public void An_unknown_name_lists_the_known_names()
    {
        var parameters = new ParameterSet(Layout());

        KeyNotFoundException values = Assert.Throws<KeyNotFoundException>(() => parameters["lstm.w"].Length);
        KeyNotFoundException gradients = Assert.Throws<KeyNotFoundException>(() => parameters.GradientOf("lstm.w").Length);
        KeyNotFoundException describe = Assert.Throws<KeyNotFoundException>(() => parameters.Describe("lstm.w"));

        foreach (KeyNotFoundException error in new[] { values, gradients, describe })
        {
            Assert.Contains("'lstm.w'", error.Message, StringComparison.Ordinal);
            Assert.Contains("w, b, c, d, e", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ZeroGradients_clears_the_gradients_and_keeps_the_values()
    {
        var parameters = new ParameterSet(Layout());
        parameters.Values.Fill(2f);
        parameters.Gradients.Fill(3f);

        parameters.ZeroGradients();

        Assert.All(parameters.Gradients.ToArray(), g => Assert.Equal(0f, g));
        Assert.All(parameters.Values.ToArray(), v => Assert.Equal(2f, v));
    }

    [Fact]
    public void CopyFrom_copies_the_values_of_an_equal_layout_but_not_the_gradients()
    {
        var source = new ParameterSet(Layout());
        var target = new ParameterSet(Layout());
        Sequence(16, start: 1).CopyTo(source.Values);
        source.Gradients.Fill(9f);

        target.CopyFrom(source);

        Assert.Equal(Sequence(16, start: 1), target.Values.ToArray());
        Assert.All(target.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void CopyFrom_rejects_a_different_layout()
    {
        var target = new ParameterSet(Layout());
        var other = new ParameterSet([new("w", 0, [3, 2]), new("b", 6, [4]), new("c", 10, [2]), new("d", 12, [3]), new("e", 15, [])]);

        ArgumentException error = Assert.Throws<ArgumentException>(() => target.CopyFrom(other));

        Assert.Contains("w [2, 3] at 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("w [3, 2] at 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_strict_load_of_a_matching_file_converts_every_float_dtype()
    {
        var parameters = new ParameterSet(Layout());
        byte[] file = Build(
            "{" + string.Join(",",
                Entry("w", "F32", "[2, 3]", 0, 24),
                Entry("b", "BF16", "[4]", 24, 32),
                Entry("c", "F16", "[2]", 32, 36),
                Entry("d", "F64", "[3]", 36, 60),
                Entry("e", "F32", "[]", 60, 64)) + "}",
            [
                .. Singles(1f, 2f, 3f, 4f, 5f, 6f),
                .. UInt16s(0x3F80, 0xC020, 0x4049, 0x0000),
                .. UInt16s(0x3C00, 0xC100),
                .. Doubles(0.5, -0.25, 0.1),
                .. Singles(42f),
            ]);

        WeightLoadReport report = parameters.Load(SafetensorsFile.Parse(file));

        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f, 1f, -2.5f, 3.140625f, 0f, 1f, -2.5f, 0.5f, -0.25f, 0.1f, 42f], parameters.Values.ToArray());
        Assert.Equal(["w", "b", "c", "d", "e"], report.Loaded);
        Assert.Empty(report.Missing);
        Assert.Empty(report.Unexpected);
        Assert.Empty(report.Mismatched);
    }

    [Fact]
    public void A_strict_load_lists_every_problem_at_once_and_changes_no_value()
    {
        var parameters = new ParameterSet(Layout());
        float[] before = Sequence(16, start: 100);
        before.CopyTo(parameters.Values);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => parameters.Load(SafetensorsFile.Parse(MismatchedFile(), "checkpoint.safetensors")));

        Assert.StartsWith("checkpoint.safetensors: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing 'b' [4]", error.Message, StringComparison.Ordinal);
        Assert.Contains("'c' has shape [3] but the model expects [2]", error.Message, StringComparison.Ordinal);
        Assert.Contains("'d' has dtype I64", error.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected 'optimizer.step' []", error.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected 'extra' [2]", error.Message, StringComparison.Ordinal);
        Assert.Contains("5 problems", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'w'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'e'", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, parameters.Values.ToArray());
    }

    /// <summary>
    /// A PyTorch module nested in another saves its tensors under the outer name (<c>model.w</c>); when no name
    /// matches but all would under one prefix, the error says which, both ways.
    /// </summary>
    [Fact]
    public void A_load_under_the_wrong_prefix_names_the_prefix_that_fits()
    {
        var parameters = new ParameterSet([new("w", 0, [2]), new("b", 2, [1])]);
        byte[] nested = Build("{" + Entry("model.w", "F32", "[2]", 0, 8) + "," + Entry("model.b", "F32", "[1]", 8, 12) + "}", 12);
        byte[] plain = Build("{" + Entry("w", "F32", "[2]", 0, 8) + "," + Entry("b", "F32", "[1]", 8, 12) + "}", 12);

        string withoutPrefix = Assert.Throws<InvalidDataException>(() => parameters.Load(SafetensorsFile.Parse(nested))).Message;
        Assert.Contains("every name matches under the prefix \"model.\": load with prefix: \"model.\";", withoutPrefix, StringComparison.Ordinal);
        string wrongPrefix = Assert.Throws<InvalidDataException>(() => parameters.Load(SafetensorsFile.Parse(plain), prefix: "model.")).Message;
        Assert.Contains("load with prefix: \"\" (or null)", wrongPrefix, StringComparison.Ordinal);
        parameters.Load(SafetensorsFile.Parse(nested), prefix: "model.");

        // some names matching: no suggestion, the list says the rest
        string partial = Assert.Throws<InvalidDataException>(() => new ParameterSet([new("w", 0, [2]), new("c", 2, [1])]).Load(SafetensorsFile.Parse(plain))).Message;
        Assert.DoesNotContain("load with prefix", partial, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_with_both_a_wrong_dtype_and_a_wrong_shape_reports_both()
    {
        var parameters = new ParameterSet([new("w", 0, [2])]);
        byte[] file = Build("{" + Entry("w", "I32", "[3]", 0, 12) + "}", 12);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => parameters.Load(SafetensorsFile.Parse(file)));

        Assert.Contains("'w' has dtype I32", error.Message, StringComparison.Ordinal);
        Assert.Contains("'w' has shape [3] but the model expects [2]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_strict_load_loads_what_matches_and_reports_the_rest()
    {
        var parameters = new ParameterSet(Layout());
        float[] before = Sequence(16, start: 100);
        before.CopyTo(parameters.Values);

        WeightLoadReport report = parameters.Load(SafetensorsFile.Parse(MismatchedFile()), strict: false);

        Assert.Equal(["w", "e"], report.Loaded);
        Assert.Equal(["b"], report.Missing);
        Assert.Equal(["c", "d"], report.Mismatched);
        Assert.Equal(["optimizer.step", "extra"], report.Unexpected);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], parameters["w"].ToArray());
        Assert.Equal([42f], parameters["e"].ToArray());
        Assert.Equal(before[6..15], parameters.Values[6..15].ToArray());
        Assert.Equal("loaded 2, missing 1 (b), unexpected 2 (optimizer.step, extra), mismatched 2 (c, d)", report.ToString());
    }

    [Fact]
    public void A_prefix_is_prepended_to_the_model_names_when_looking_them_up()
    {
        var parameters = new ParameterSet([new("lstm.weight_ih_l0", 0, [2]), new("lstm.bias", 2, [1])]);
        byte[] file = Build(
            "{" + Entry("model.lstm.weight_ih_l0", "F32", "[2]", 0, 8) + "," + Entry("model.lstm.bias", "F32", "[1]", 8, 12) + "}",
            Singles(1f, 2f, 3f));

        WeightLoadReport report = parameters.Load(SafetensorsFile.Parse(file), prefix: "model.");
        InvalidDataException withoutPrefix = Assert.Throws<InvalidDataException>(() => parameters.Load(SafetensorsFile.Parse(file)));

        Assert.Equal([1f, 2f, 3f], parameters.Values.ToArray());
        Assert.Equal(["lstm.weight_ih_l0", "lstm.bias"], report.Loaded);
        Assert.Contains("missing 'lstm.weight_ih_l0'", withoutPrefix.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected 'model.lstm.weight_ih_l0'", withoutPrefix.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Saving_and_loading_round_trips_every_value_with_shapes_order_and_metadata()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("model.safetensors");
        var saved = new ParameterSet(Layout());
        var random = new Random(1234);
        for (int i = 0; i < saved.Count; i++)
        {
            saved.Values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        saved.SaveSafetensors(path, new Dictionary<string, string> { ["model"] = "test" });
        var loaded = new ParameterSet(Layout());
        WeightLoadReport report = loaded.LoadSafetensors(path);
        SafetensorsFile file = SafetensorsFile.Read(path);

        Assert.Equal(saved.Values.ToArray(), loaded.Values.ToArray());
        Assert.Equal(["w", "b", "c", "d", "e"], report.Loaded);
        Assert.Equal(Layout().Select(t => t.Name), file.Tensors.Select(t => t.Name));
        Assert.Equal(Layout().Select(t => t.Shape), file.Tensors.Select(t => t.Shape.ToArray()));
        Assert.All(file.Tensors, t => Assert.Equal(SafetensorsDType.F32, t.DType));
        Assert.Equal("test", file.Metadata["model"]);
        Assert.Equal([path], Directory.GetFiles(directory.Path));
    }

    [Fact]
    public void ToEntries_views_the_live_values_in_layout_order()
    {
        var parameters = new ParameterSet(Layout());
        SafetensorsEntry[] entries = parameters.ToEntries().ToArray();

        parameters["d"][1] = 8f;

        Assert.Equal(["w", "b", "c", "d", "e"], entries.Select(e => e.Name));
        Assert.Equal(8f, entries[3].Data.Span[1]);
        Assert.Equal([3], entries[3].Shape);
    }

    [Fact]
    public void A_failed_load_from_a_corrupt_file_leaves_the_values_unchanged()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("corrupt.safetensors");
        File.WriteAllBytes(path, Build("{" + Entry("w", "F32", "[2, 3]", 0, 24) + "}", 20));
        var parameters = new ParameterSet(Layout());
        float[] before = Sequence(16, start: 1);
        before.CopyTo(parameters.Values);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => parameters.LoadSafetensors(path, strict: false));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, parameters.Values.ToArray());
    }

    [Fact]
    public void The_LSTM_fixture_parameters_load_by_name_and_the_rest_is_reported_unexpected()
    {
        TensorDescriptor[] layout =
        [
            new("weight_ih_l0", 0, [28, 5]),
            new("weight_hh_l0", 140, [28, 7]),
            new("bias_ih_l0", 336, [28]),
            new("bias_hh_l0", 364, [28]),
        ];
        var parameters = new ParameterSet(layout);
        SafetensorsFile file = SafetensorsFile.Read(LibtorchFixtures.PathOf("lstm_i5_h7_l1_uni_t6_b3.safetensors"));

        WeightLoadReport report = parameters.Load(file, strict: false);
        InvalidDataException strictError = Assert.Throws<InvalidDataException>(() => new ParameterSet(layout).Load(file));

        Assert.Equal(layout.Select(t => t.Name), report.Loaded);
        Assert.Equal(15, report.Unexpected.Count);
        Assert.Contains("grad.weight_ih_l0", report.Unexpected);
        foreach (TensorDescriptor tensor in layout)
        {
            Assert.Equal(file[tensor.Name].ToFloat32(), parameters[tensor.Name].ToArray());
        }

        Assert.Contains("unexpected 'input' [6, 3, 5]", strictError.Message, StringComparison.Ordinal);
        Assert.Contains("15 problems", strictError.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Against <see cref="Layout"/>: w matches (F32), b is missing, c has shape [3] not [2], d is I64,
    /// e matches (F32 scalar), and the file also has optimizer.step and extra.
    /// </summary>
    private static byte[] MismatchedFile() =>
        Build(
            "{" + string.Join(",",
                Entry("w", "F32", "[2, 3]", 0, 24),
                Entry("optimizer.step", "I64", "[]", 24, 32),
                Entry("c", "F32", "[3]", 32, 44),
                Entry("d", "I64", "[3]", 44, 68),
                Entry("e", "F32", "[]", 68, 72),
                Entry("extra", "F32", "[2]", 72, 80)) + "}",
            [.. Singles(1f, 2f, 3f, 4f, 5f, 6f), .. Int64s(7), .. Singles(8f, 9f, 10f), .. Int64s(1, 2, 3), .. Singles(42f, 0f, 0f)]);

    private static float[] Sequence(int count, float start) => Enumerable.Range(0, count).Select(i => start + i).ToArray();
}
