using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace RnnGen.Runtime.Tests.Weights;

public class SafetensorsFixtureTests
{
    [Fact]
    public void The_fixture_folder_holds_the_twelve_module_files_and_nine_optimizer_files()
    {
        string[] files = LibtorchFixtures.All();

        Assert.Equal(12, files.Count(f => !f.StartsWith("optim/", StringComparison.Ordinal)));
        Assert.Equal(9, files.Count(f => f.StartsWith("optim/", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void Every_fixture_reads_with_module_metadata_and_F32_or_I64_tensors(string fixture)
    {
        string path = LibtorchFixtures.PathOf(fixture);

        SafetensorsFile file = SafetensorsFile.Read(path);

        Assert.Equal(path, file.Source);
        Assert.StartsWith("torch.", file.Metadata["module"], StringComparison.Ordinal);
        Assert.NotEmpty(file.Tensors);
        Assert.All(file.Tensors, tensor =>
        {
            Assert.Contains(tensor.DType, new[] { SafetensorsDType.F32, SafetensorsDType.I64 });
            Assert.Equal(tensor.Shape.Aggregate(1L, (product, dimension) => product * dimension), tensor.ElementCount);
        });
    }

    [Fact]
    public void The_LSTM_fixture_has_the_README_tensor_list_in_order_with_its_shapes()
    {
        (string Name, int[] Shape)[] expected =
        [
            ("weight_ih_l0", [28, 5]), ("weight_hh_l0", [28, 7]), ("bias_ih_l0", [28]), ("bias_hh_l0", [28]),
            ("input", [6, 3, 5]), ("h0", [1, 3, 7]), ("c0", [1, 3, 7]), ("loss_weights", [6, 3, 7]),
            ("output", [6, 3, 7]), ("h_n", [1, 3, 7]), ("c_n", [1, 3, 7]), ("loss", []),
            ("grad.input", [6, 3, 5]), ("grad.h0", [1, 3, 7]), ("grad.c0", [1, 3, 7]),
            ("grad.weight_ih_l0", [28, 5]), ("grad.weight_hh_l0", [28, 7]), ("grad.bias_ih_l0", [28]), ("grad.bias_hh_l0", [28]),
        ];

        SafetensorsFile file = SafetensorsFile.Read(LibtorchFixtures.PathOf("lstm_i5_h7_l1_uni_t6_b3.safetensors"));

        Assert.Equal(expected.Select(e => e.Name), file.Tensors.Select(t => t.Name));
        foreach ((string name, int[] shape) in expected)
        {
            Assert.Equal(shape, file[name].Shape);
            Assert.Equal(SafetensorsDType.F32, file[name].DType);
        }

        Assert.Equal("torch.nn.LSTM", file.Metadata["module"]);
        Assert.Equal("7", file.Metadata["hidden_size"]);
    }

    [Fact]
    public void The_LSTM_fixture_values_match_the_bytes_written_by_libtorch()
    {
        SafetensorsFile file = SafetensorsFile.Read(LibtorchFixtures.PathOf("lstm_i5_h7_l1_uni_t6_b3.safetensors"));

        float[] weights = file["weight_ih_l0"].ToFloat32();
        float[] loss = file["loss"].ToFloat32();

        Assert.Equal(140, weights.Length);
        Assert.Equal([0.1496322602033615f, 0.2820374667644501f, -0.14500018954277039f], weights[..3]);
        Assert.Empty(file["loss"].Shape);
        Assert.Equal(1, file["loss"].ElementCount);
        Assert.Equal([-0.6028769612312317f], loss);
    }

    [Theory]
    [InlineData("rnn_tanh_i5_h7_l1_uni_t6_b3.safetensors")]
    [InlineData("rnn_tanh_i5_h7_l1_bi_t6_b3.safetensors")]
    [InlineData("lstm_i5_h7_l2_uni_t6_b3.safetensors")]
    [InlineData("gru_i5_h7_l1_bi_t6_b3.safetensors")]
    [InlineData("linear_i7_o5_b4.safetensors")]
    [InlineData("embedding_n11_d5_t6_b3.safetensors")]
    public void Each_fixture_loss_equals_the_sum_of_output_times_loss_weights(string fixture)
    {
        // Ties three tensors at different offsets together, so a wrong slice or decoding cannot pass.
        SafetensorsFile file = SafetensorsFile.Read(LibtorchFixtures.PathOf(fixture));
        float[] output = file["output"].ToFloat32();
        float[] lossWeights = file["loss_weights"].ToFloat32();

        double sum = 0;
        for (int i = 0; i < output.Length; i++)
        {
            sum += (double)output[i] * lossWeights[i];
        }

        float loss = file["loss"].ToFloat32()[0];
        Assert.Equal(loss, sum, tolerance: 1e-5 * Math.Max(1, Math.Abs(sum)));
    }

    [Fact]
    public void The_embedding_fixture_input_is_I64_indices()
    {
        SafetensorsFile file = SafetensorsFile.Read(LibtorchFixtures.PathOf("embedding_n11_d5_t6_b3.safetensors"));
        SafetensorsTensor input = file["input"];

        Assert.Equal(SafetensorsDType.I64, input.DType);
        Assert.Equal([6, 3], input.Shape);
        Assert.Equal([7L, 3, 4, 3, 2, 1, 6, 10, 4, 9, 3, 3, 7, 2, 6, 6, 6, 7], input.ToInt64());
        Assert.Equal([11, 5], file["weight"].Shape);
        Assert.Equal("torch.nn.Embedding", file.Metadata["module"]);
    }

    [Fact]
    public void The_optimizer_fixture_holds_the_initial_parameters_and_five_steps()
    {
        SafetensorsFile file = SafetensorsFile.Read(LibtorchFixtures.PathOf("optim/optim_adam.safetensors"));

        Assert.Equal([11], file["a.initial"].Shape);
        Assert.Equal([3, 4], file["b.initial"].Shape);
        Assert.Equal([3, 4], file["b.after.step5"].Shape);
        Assert.Equal(22, file.Tensors.Count);
        Assert.Contains("Adam", file.Metadata["optimizer"], StringComparison.Ordinal);
    }

    [Fact]
    public void Looking_up_a_missing_tensor_lists_the_tensors_the_file_has()
    {
        SafetensorsFile file = SafetensorsFile.Read(LibtorchFixtures.PathOf("linear_i7_o5_b4.safetensors"));

        KeyNotFoundException error = Assert.Throws<KeyNotFoundException>(() => file["weight_ih_l0"]);

        Assert.Contains("weight_ih_l0", error.Message, StringComparison.Ordinal);
        foreach (SafetensorsTensor tensor in file.Tensors)
        {
            Assert.Contains(tensor.Name, error.Message, StringComparison.Ordinal);
        }

        Assert.False(file.TryGetTensor("weight_ih_l0", out SafetensorsTensor? missing));
        Assert.Null(missing);
        Assert.True(file.TryGetTensor("weight", out SafetensorsTensor? weight));
        Assert.Equal([5, 7], weight.Shape);
    }

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void Rewriting_an_all_F32_fixture_keeps_its_data_section_byte_for_byte_and_its_header_contents(string fixture)
    {
        byte[] original = File.ReadAllBytes(LibtorchFixtures.PathOf(fixture));
        SafetensorsFile file = SafetensorsFile.Parse(original, fixture);
        if (file.Tensors.Any(t => t.DType != SafetensorsDType.F32))
        {
            return; // The writer writes F32 only; the embedding fixture's indices are I64.
        }

        byte[] rewritten = SafetensorsWriter.Serialize(
            file.Tensors.Select(t => new SafetensorsEntry(t.Name, t.Shape.ToArray(), t.ToFloat32())),
            file.Metadata);
        SafetensorsFile reread = SafetensorsFile.Parse(rewritten);

        // The header text may differ (the fixtures escape '+' and '"' as \u002B, \u0022); its contents may not.
        Assert.Equal(DataSection(original).ToArray(), DataSection(rewritten).ToArray());
        Assert.Equal(file.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal), reread.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal));
        Assert.Equal(file.Tensors.Select(t => t.ToString()), reread.Tensors.Select(t => t.ToString()));
    }

    private static ReadOnlySpan<byte> DataSection(byte[] file) =>
        file.AsSpan(8 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(file));

    public static TheoryData<string> AllFixtures() => LibtorchFixtures.AllAsTheoryData();
}
