using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using RnnGen.Kernels;

namespace RnnGen.Training;

/// <summary>
/// Updates a model's parameters from their gradients, one <see cref="Step"/> per batch, in one flat loop over
/// <see cref="ParameterSet.Values"/> and <see cref="ParameterSet.Gradients"/>.
/// </summary>
/// <remarks>
/// <para>
/// The optimizers are <see cref="Sgd"/>, <see cref="RmsProp"/>, <see cref="Adam"/> and <see cref="AdamW"/>. Each
/// follows the update rule of its torch.optim counterpart, including the float32 rounding of PyTorch's
/// single-tensor CPU path: scalars PyTorch computes as Python floats (bias corrections, 1 − β) are computed in
/// double from the value as written, and the operations libtorch fuses are fused here too. Running means are
/// updated as the documented β·m + (1 − β)·g (<c>mul_</c> then <c>add_</c>, as TorchSharp and PyTorch 1.x do);
/// PyTorch 2's Python code uses <c>lerp_</c>, which can differ in the last bit.
/// </para>
/// <para>
/// State such as momentum lives in buffers of the parameter buffer's length, allocated on the first
/// <see cref="Step"/>; later steps allocate nothing. <see cref="ExportState"/> and <see cref="ExportMetadata"/>
/// describe the state as safetensors tensors and metadata, and <see cref="ImportState"/> restores it, so a
/// training run saved and resumed continues bit for bit.
/// </para>
/// <para>
/// Every update is element by element, so with <see cref="Parallelism.Threads"/> above 1 a large parameter set is
/// split between the threads in blocks, with the same bits as on one thread.
/// </para>
/// </remarks>
public abstract class Optimizer
{
    /// <summary>Prefix of every tensor name and metadata key the state uses.</summary>
    private const string Prefix = "optimizer.";
    private const string TypeKey = Prefix + "type";
    private const string LearningRateKey = Prefix + "lr";
    private const string StepKey = Prefix + "step";

    /// <summary>The parameter count before the first step: the state serves no parameters yet.</summary>
    private const int Unbound = -1;

    /// <summary>
    /// Parameters from which a step is split between the kernel threads: below it the workers' round trip (about 2 µs)
    /// costs more than half the update.
    /// </summary>
    private const int ParallelParameters = 1 << 14;

    /// <summary>Parameters per block of a split step: whole cache lines, and whole vectors at every width.</summary>
    private const int BlockAlignment = 16;

    private readonly string[] _bufferNames;
    private float[][] _buffers = [];
    private int _parameterCount = Unbound;
    private PartsJob? _partsJob;
    private float _learningRate;

    /// <param name="learningRate">γ; zero or positive, finite.</param>
    /// <param name="bufferNames">The state buffers this configuration keeps, named as in PyTorch's state dict.</param>
    private protected Optimizer(float learningRate, string[] bufferNames)
    {
        ArgumentGuard.NonNegative(learningRate, nameof(learningRate));
        _bufferNames = bufferNames;
        SetLearningRate(learningRate);
    }

    /// <summary>The step size γ used by the next <see cref="Step"/>; a schedule may change it between steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            ArgumentGuard.NonNegative(value, nameof(LearningRate));
            SetLearningRate(value);
        }
    }

    /// <summary>Completed steps since construction, <see cref="Reset"/> or the imported state.</summary>
    public long Steps { get; private set; }

    /// <summary>The learning rate as the double PyTorch would hold for it (see <see cref="WrittenValue"/>).</summary>
    private protected double LearningRateAsWritten { get; private set; }

    /// <summary>The type name written to and required by the state metadata.</summary>
    private protected abstract string TypeName { get; }

    /// <summary>Every hyperparameter except the learning rate, in the order the metadata lists them.</summary>
    private protected abstract IReadOnlyList<OptimizerHyperparameter> Hyperparameters { get; }

    /// <summary>
    /// Updates <see cref="ParameterSet.Values"/> from <see cref="ParameterSet.Gradients"/> (which it does not
    /// change). The first call allocates the state for <paramref name="parameters"/>' length; later calls must
    /// pass parameters of that length and allocate nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The optimizer's state belongs to a parameter buffer of a different length.
    /// </exception>
    public void Step(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (_parameterCount == Unbound)
        {
            _buffers = AllocateBuffers(parameters.Count);
            _parameterCount = parameters.Count;
        }
        else if (_parameterCount != parameters.Count)
        {
            throw new InvalidOperationException(
                $"This {TypeName} optimizer holds state for {_parameterCount} parameters but was given {parameters.Count}; " +
                "use one optimizer per parameter set, or call Reset first.");
        }

        int parts = parameters.Count >= ParallelParameters ? KernelWorkers.AvailableThreads : 1;
        if (parts <= 1)
        {
            Update(parameters.Values, parameters.Gradients, 0, Steps + 1);
        }
        else
        {
            UpdateInParts(parameters, parts, Steps + 1);
        }

        Steps++;
    }

    /// <summary>Forgets all state: the step count returns to 0 and the next <see cref="Step"/> starts afresh, for any parameter length.</summary>
    public void Reset()
    {
        _buffers = [];
        _parameterCount = Unbound;
        Steps = 0;
    }

    /// <summary>
    /// A copy of every state buffer as a float32 tensor of shape [parameter count], named
    /// <c>optimizer.&lt;name&gt;</c> as in PyTorch's state dict (e.g. <c>optimizer.exp_avg</c>); empty before the
    /// first step and for optimizers without state. Write it with <see cref="ExportMetadata"/>.
    /// </summary>
    public IReadOnlyList<SafetensorsEntry> ExportState()
    {
        var entries = new SafetensorsEntry[_buffers.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = new SafetensorsEntry(Prefix + _bufferNames[i], [_parameterCount], _buffers[i].ToArray());
        }

        return entries;
    }

    /// <summary>
    /// The optimizer's type, learning rate, every other hyperparameter and the step count, as safetensors
    /// metadata (<c>optimizer.type</c>, <c>optimizer.lr</c>, …, <c>optimizer.step</c>); numbers are in invariant
    /// round-trip ("R") format.
    /// </summary>
    public IReadOnlyDictionary<string, string> ExportMetadata()
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [TypeKey] = TypeName,
            [LearningRateKey] = OptimizerHyperparameter.FormatNumber(LearningRate),
        };
        foreach (OptimizerHyperparameter hyperparameter in Hyperparameters)
        {
            metadata[Prefix + hyperparameter.Name] = hyperparameter.Text;
        }

        metadata[StepKey] = Steps.ToString(CultureInfo.InvariantCulture);
        return metadata;
    }

    /// <summary>
    /// Replaces the state with the one in <paramref name="file"/>, written from <see cref="ExportState"/> and
    /// <see cref="ExportMetadata"/>: the step count, the buffers and the learning rate (which a schedule may
    /// have changed). Tensors whose names do not start with <c>optimizer.</c> are ignored, so the file may also
    /// hold the model's weights.
    /// </summary>
    /// <remarks>
    /// The file must be for this optimizer type with the same hyperparameters (other than the learning rate);
    /// after a step its buffers must be exactly this configuration's, float32, one-dimensional and all as long as
    /// the parameters this optimizer already serves (or as each other when it serves none yet). Everything is
    /// checked before anything changes.
    /// </remarks>
    /// <exception cref="InvalidDataException">The file does not hold a matching state; the message lists every problem and nothing changed.</exception>
    public void ImportState(SafetensorsFile file) => ApplyState(ReadState(file));

    /// <summary>
    /// The state <paramref name="file"/> holds, checked as <see cref="ImportState"/> checks it, without changing
    /// anything: a checkpoint checks the optimizer's file before it writes the weights, so that a mismatch leaves
    /// both as they were.
    /// </summary>
    /// <exception cref="InvalidDataException">The file does not hold a matching state.</exception>
    internal ImportedState ReadState(SafetensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        IReadOnlyDictionary<string, string> metadata = file.Metadata;
        if (!metadata.TryGetValue(TypeKey, out string? type))
        {
            throw new InvalidDataException(
                $"{file.Source}: the metadata has no '{TypeKey}', so it holds no optimizer state; nothing was changed.");
        }

        if (type != TypeName)
        {
            throw new InvalidDataException(
                $"{file.Source}: the optimizer state is for {SafetensorsFile.Quote(type)} but this optimizer is {TypeName}; nothing was changed.");
        }

        var problems = new List<string>();
        float learningRate = ReadLearningRate(metadata, problems);
        long step = ReadStep(metadata, problems);
        foreach (OptimizerHyperparameter hyperparameter in Hyperparameters)
        {
            string key = Prefix + hyperparameter.Name;
            if (!metadata.TryGetValue(key, out string? stored))
            {
                problems.Add($"missing '{key}' (this optimizer has {hyperparameter.Text})");
            }
            else if (!hyperparameter.Matches(stored))
            {
                problems.Add($"'{key}' is {SafetensorsFile.Quote(stored)} but this optimizer has {hyperparameter.Text}");
            }
        }

        (float[][] buffers, int parameterCount) = ReadBuffers(file, step, problems);
        if (problems.Count > 0)
        {
            throw new InvalidDataException(
                $"{file.Source}: the {TypeName} state does not match this optimizer ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}; nothing was changed):" +
                Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", problems));
        }

        return new ImportedState(learningRate, step, buffers, parameterCount);
    }

    /// <summary>Replaces the state with one that <see cref="ReadState"/> returned; cannot fail.</summary>
    internal void ApplyState(ImportedState state)
    {
        SetLearningRate(state.LearningRate);
        Steps = state.Step;
        _buffers = state.Buffers;
        _parameterCount = state.ParameterCount;
    }

    /// <summary>An optimizer state read from a file and checked against this optimizer, not yet applied.</summary>
    internal sealed record ImportedState(float LearningRate, long Step, float[][] Buffers, int ParameterCount);

    /// <summary>
    /// Applies one update to the parameters [<paramref name="offset"/>, offset + values.Length) of the set, whose values
    /// and gradients are given; <paramref name="step"/> is the 1-based number of this step (t in PyTorch's formulas).
    /// Parts of one step may run at once on several threads.
    /// </summary>
    private protected abstract void Update(Span<float> values, ReadOnlySpan<float> gradients, int offset, long step);

    /// <summary>
    /// The part [<paramref name="offset"/>, offset + <paramref name="length"/>) of the state buffer at
    /// <paramref name="index"/> in the order of the names given to the constructor.
    /// </summary>
    private protected Span<float> Buffer(int index, int offset, int length) => _buffers[index].AsSpan(offset, length);

    /// <summary>One step split between the kernel threads in blocks of whole cache lines, each updated as on one thread.</summary>
    private unsafe void UpdateInParts(ParameterSet parameters, int parts, long step)
    {
        // The workers need addresses that stay put: the parameter set's buffers are pinned, and fixed holds them anyway.
        fixed (float* values = parameters.Values, gradients = parameters.Gradients)
        {
            var job = _partsJob ??= new PartsJob(this);
            job.Set(values, gradients, parameters.Count, step);
            try
            {
                KernelWorkers.Run(job, parts);
            }
            finally
            {
                job.Set(null, null, 0, 0);
            }
        }
    }

    /// <summary>One optimizer step as parts of the parameter range; kept by its optimizer, so a step allocates nothing.</summary>
    private sealed unsafe class PartsJob(Optimizer optimizer) : KernelWorkers.IPartitionedJob
    {
        private float* _values;
        private float* _gradients;
        private int _count;
        private long _step;

        public void Set(float* values, float* gradients, int count, long step)
        {
            _values = values;
            _gradients = gradients;
            _count = count;
            _step = step;
        }

        public void RunPart(int part, int parts)
        {
            int blocks = (_count + BlockAlignment - 1) / BlockAlignment;
            int start = (int)((long)blocks * part / parts) * BlockAlignment;
            int end = Math.Min(_count, (int)((long)blocks * (part + 1) / parts) * BlockAlignment);
            if (end > start)
            {
                optimizer.Update(new Span<float>(_values + start, end - start), new ReadOnlySpan<float>(_gradients + start, end - start), start, _step);
            }
        }
    }

    private void SetLearningRate(float value)
    {
        _learningRate = value;
        LearningRateAsWritten = WrittenValue.Of(value);
    }

    private float[][] AllocateBuffers(int length)
    {
        var buffers = new float[_bufferNames.Length][];
        for (int i = 0; i < buffers.Length; i++)
        {
            buffers[i] = new float[length];
        }

        return buffers;
    }

    private static float ReadLearningRate(IReadOnlyDictionary<string, string> metadata, List<string> problems)
    {
        if (!metadata.TryGetValue(LearningRateKey, out string? text))
        {
            problems.Add($"missing '{LearningRateKey}'");
            return 0f;
        }

        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float learningRate)
            || !(learningRate >= 0f && learningRate < float.PositiveInfinity))
        {
            problems.Add($"'{LearningRateKey}' is {SafetensorsFile.Quote(text)}, not a finite number ≥ 0");
            return 0f;
        }

        return learningRate;
    }

    private static long ReadStep(IReadOnlyDictionary<string, string> metadata, List<string> problems)
    {
        if (!metadata.TryGetValue(StepKey, out string? text))
        {
            problems.Add($"missing '{StepKey}'");
            return -1;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long step))
        {
            problems.Add($"'{StepKey}' is {SafetensorsFile.Quote(text)}, not a whole number ≥ 0");
            return -1;
        }

        return step;
    }

    /// <summary>
    /// Checks the <c>optimizer.*</c> tensors against the buffers a state at <paramref name="step"/> must have
    /// (none before the first step) and copies them; the count is the buffers' length, or unbound without buffers.
    /// </summary>
    private (float[][] Buffers, int ParameterCount) ReadBuffers(SafetensorsFile file, long step, List<string> problems)
    {
        if (step < 0)
        {
            // The step count is already reported; without it there is no knowing which buffers belong.
            return ([], Unbound);
        }

        string[] expected = step > 0 ? _bufferNames.Select(name => Prefix + name).ToArray() : [];
        foreach (SafetensorsTensor stored in file.Tensors)
        {
            if (stored.Name.StartsWith(Prefix, StringComparison.Ordinal) && Array.IndexOf(expected, stored.Name) < 0)
            {
                problems.Add(step == 0
                    ? $"unexpected '{stored.Name}': a state before the first step has no buffers"
                    : $"unexpected '{stored.Name}': this optimizer keeps {(expected.Length == 0 ? "no buffers" : string.Join(", ", expected))}");
            }
        }

        int parameterCount = _parameterCount;
        var matches = new SafetensorsTensor[expected.Length];
        int problemCount = problems.Count;
        for (int i = 0; i < expected.Length; i++)
        {
            if (!file.TryGetTensor(expected[i], out SafetensorsTensor? stored))
            {
                problems.Add($"missing '{expected[i]}'");
                continue;
            }

            if (stored.DType != SafetensorsDType.F32)
            {
                problems.Add($"'{stored.Name}' has dtype {stored.DType.GetHeaderName()}; optimizer state is F32");
            }

            if (stored.Shape.Count != 1)
            {
                problems.Add($"'{stored.Name}' has shape {TensorShape.Format(stored.Shape)}; optimizer state is one-dimensional");
            }
            else if (parameterCount == Unbound)
            {
                parameterCount = stored.Shape[0];
            }
            else if (stored.Shape[0] != parameterCount)
            {
                problems.Add(_parameterCount == Unbound
                    ? $"'{stored.Name}' has shape {TensorShape.Format(stored.Shape)} but '{expected[0]}' has [{parameterCount}]; every buffer is as long as the parameters"
                    : $"'{stored.Name}' has shape {TensorShape.Format(stored.Shape)} but this optimizer serves {parameterCount} parameters");
            }

            matches[i] = stored;
        }

        if (problems.Count > problemCount || expected.Length == 0)
        {
            return ([], Unbound);
        }

        var buffers = new float[expected.Length][];
        for (int i = 0; i < buffers.Length; i++)
        {
            buffers[i] = matches[i].ToFloat32();
        }

        return (buffers, parameterCount);
    }
}
