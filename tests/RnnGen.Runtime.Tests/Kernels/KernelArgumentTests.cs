using System;
using System.Runtime.InteropServices;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// Argument checks of the smaller public kernels: sizes whose products overflow int, zero sizes, negative sizes, and the
/// parameter each refusal names.
/// </summary>
public unsafe class KernelArgumentTests
{
    [Fact]
    public void A_cell_whose_gate_length_would_wrap_in_int_is_refused_before_anything_is_touched()
    {
        // hidden = 2^30 + 1: 4·hidden wraps to 4 in int, which a 4-float gate buffer would have matched. The spans only
        // claim their lengths (they start on four real floats); the check comes before the kernel reads any of them.
        const int Hidden = (1 << 30) + 1;
        nint memory = (nint)NativeMemory.AllocZeroed(16, sizeof(float));
        try
        {
            var error = Assert.Throws<ArgumentException>(() => LstmForwardClaiming(memory, Hidden));
            Assert.Equal("gates", error.ParamName);
            Assert.Contains(((long)Hidden * 4).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        }
        finally
        {
            NativeMemory.Free((void*)memory);
        }
    }

    // gates of 4 floats, c and h claiming hidden floats each, all over the same 16 real ones
    private static void LstmForwardClaiming(nint memory, int hidden) =>
        CellKernels.LstmForward(new Span<float>((float*)memory, 4), new Span<float>((float*)memory + 4, hidden), new Span<float>((float*)memory + 8, hidden));

    [Fact]
    public void Cell_refusals_name_the_buffer_at_fault()
    {
        Assert.Equal("h", Assert.Throws<ArgumentException>(() => CellKernels.LstmForward(new float[64], new float[16], new float[15])).ParamName);
        Assert.Equal("gates", Assert.Throws<ArgumentException>(() => CellKernels.LstmForward(new float[63], new float[16], new float[16])).ParamName);
        Assert.Equal("recurrent", Assert.Throws<ArgumentException>(() => CellKernels.GruForward(new float[48], new float[47], new float[16], new float[16])).ParamName);
        Assert.Equal("dOutput", Assert.Throws<ArgumentException>(() =>
            CellKernels.GruBackward(new float[48], new float[16], new float[16], new float[15], new float[16], new float[48], new float[48])).ParamName);
    }

    [Fact]
    public void Reordering_nothing_does_nothing()
    {
        SequenceKernels.ToSequenceMajor([], [], steps: 0, batch: 3, width: 2);
        SequenceKernels.ToTimeMajor([], [], steps: 2, batch: 0, width: 3);
        SequenceKernels.ToTimeMajor([], [], steps: 2, batch: 3, width: 0);
    }

    [Fact]
    public void Small_kernels_refuse_bad_sizes_naming_them()
    {
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => SequenceKernels.ValidateBatch(6, 0, [1], 4, 4, "input", "lengths")).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => Softmax.Backward(new float[4], new float[3])).ParamName);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => Workspace.Floats(-1, 5)).ParamName);
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => Workspace.Floats(2, -3)).ParamName);
        Assert.Equal("layers", Assert.Throws<ArgumentOutOfRangeException>(() => StateBridge.ConcatenateDirections(new float[2], new float[2], -1, -1, 1)).ParamName);
        Assert.Equal("target", Assert.Throws<ArgumentException>(() => StateBridge.ConcatenateDirections(new float[8], new float[7], 1, 2, 2)).ParamName);
        Assert.Equal("target", Assert.Throws<ArgumentException>(() => StateBridge.SplitDirections(new float[8], new float[7], 1, 2, 2)).ParamName);
    }

    [Fact]
    public void Activate_refuses_what_it_cannot_apply_element_by_element()
    {
        float[] values = [0.5f, -1f];
        Assert.Equal("activation", Assert.Throws<ArgumentOutOfRangeException>(() => CellKernels.Activate(values, Activation.Softmax)).ParamName);
        Assert.Equal("activation", Assert.Throws<ArgumentOutOfRangeException>(() => CellKernels.Activate(values, Activation.None)).ParamName);
        Assert.Equal("activation", Assert.Throws<ArgumentOutOfRangeException>(() => CellKernels.Activate(values, (Activation)99)).ParamName);
        Assert.Equal(new[] { 0.5f, -1f }, values);
    }

    [Fact]
    public void An_output_length_beyond_int_is_refused_not_wrapped()
    {
        var shape = new ModelShape(TokenInput: false, InputSize: 3, OutputSize: 4096, StateSize: 8, ReturnsSequences: true, ParameterCount: 10);
        Assert.Equal(12 * 4096, shape.OutputLength(3, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => shape.OutputLength(1_000_000, 1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => shape.OutputLength(-1, 2));
    }

    [Fact]
    public void Packing_a_weight_larger_than_any_array_names_the_weight()
    {
        var error = Assert.Throws<ArgumentException>(() => MatrixKernels.PackWeightsForThisThread(new float[10], 100_000, 100_000, transposed: true));
        Assert.Equal("w", error.ParamName);
    }

    [Fact]
    public void A_packed_map_blames_the_output_when_the_weight_and_the_bias_agree()
    {
        var weight = PackedStepMatrix.Pack(new float[4 * 3], 4, 3, StepPrecision.Float32);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => StepKernels.Affine(weight, new float[3], new float[4], new float[5])).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => StepKernels.Affine(weight, new float[3], new float[5], new float[4])).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => StepKernels.Affine(weight, new float[2], new float[4], new float[4])).ParamName);
    }
}
