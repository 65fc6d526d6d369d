namespace RnnGen.Benchmarks.Support;

/// <summary>
/// Floating-point operations per benchmarked operation, counted as issue 4 counts them: the matrix products
/// only (one multiply-add = 2 FLOPs), activations and element-wise work left out.
/// </summary>
internal static class Flops
{
    /// <summary>One LSTM step of one sequence: 4H gate rows over I + H inputs, 2·4H·(I + H).</summary>
    public static double LstmStep(int input, int hidden) => 2.0 * 4 * hidden * (input + hidden);

    /// <summary>One GRU step of one sequence: 3H gate rows over I + H inputs, 2·3H·(I + H).</summary>
    public static double GruStep(int input, int hidden) => 2.0 * 3 * hidden * (input + hidden);

    /// <summary>One Dense layer for one sequence: 2·in·out.</summary>
    public static double Dense(int input, int output) => 2.0 * input * output;

    /// <summary>
    /// One training step (forward, backward, optimizer) of a batch: 3 × the forward FLOPs, the usual estimate and issue
    /// 4's (backward computes the gradients of both the inputs and the weights, each as large as the forward). Neither
    /// side computes the network input's gradient, so the step makes 6 % fewer (the products case counts them).
    /// </summary>
    public static double TrainingStep(double forwardPerSequence, int batch) => 3 * forwardPerSequence * batch;
}
