using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnGen.Benchmarks.LibTorch;

/// <summary>What every libtorch side of a case needs: the thread count, tensors from arrays, RnnGen's weights.</summary>
internal static class Torch
{
    /// <summary>Sets libtorch's intra-op thread count (process-wide) and checks that it took.</summary>
    public static void UseThreads(int threads)
    {
        torch.set_num_threads(threads);
        int actual = torch.get_num_threads();
        if (actual != threads)
        {
            throw new InvalidOperationException($"torch.set_num_threads({threads}) left libtorch with {actual} threads.");
        }
    }

    /// <summary>A float32 tensor of <paramref name="shape"/> holding a copy of <paramref name="values"/>.</summary>
    public static Tensor FromArray(float[] values, params long[] shape) => torch.tensor(values, shape);

    /// <summary>An int64 tensor of class labels, the type CrossEntropyLoss expects.</summary>
    public static Tensor Labels(int[] labels) => torch.tensor(labels.Select(label => (long)label).ToArray(), [labels.Length]);

    /// <summary>The values of <paramref name="tensor"/>, row-major.</summary>
    public static float[] ToArray(Tensor tensor) => tensor.contiguous().data<float>().ToArray();

    /// <summary>
    /// Copies every parameter of <paramref name="module"/> from the RnnGen tensor that <paramref name="rnnGenName"/>
    /// names for it (both sides use PyTorch's layouts), so both sides run the same weights.
    /// </summary>
    /// <exception cref="InvalidOperationException">A tensor's shape differs between the two sides.</exception>
    public static void CopyWeights(ParameterSet source, nn.Module module, Func<string, string> rnnGenName)
    {
        using var noGrad = torch.no_grad();
        foreach ((string name, Parameter parameter) in module.named_parameters())
        {
            string sourceName = rnnGenName(name);
            int[] sourceShape = source.Describe(sourceName).Shape;
            if (!sourceShape.Select(d => (long)d).SequenceEqual(parameter.shape))
            {
                throw new InvalidOperationException(
                    $"RnnGen's {sourceName} is [{string.Join(", ", sourceShape)}] but libtorch's {name} is [{string.Join(", ", parameter.shape)}].");
            }

            using Tensor values = FromArray(source[sourceName].ToArray(), parameter.shape);
            parameter.copy_(values);
        }
    }
}
