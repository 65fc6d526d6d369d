namespace RnnGen.Training;

/// <summary>The loss a <see cref="Trainer{TModel}"/> minimises, with PyTorch's mean reduction.</summary>
public enum Loss
{
    /// <summary>Softmax cross-entropy over the model's outputs (logits) with integer labels; reports accuracy.</summary>
    SoftmaxCrossEntropy,

    /// <summary>Binary cross-entropy on logits (sigmoid inside, numerically stable) with 0/1 targets; reports accuracy.</summary>
    BinaryCrossEntropy,

    /// <summary>Mean squared error with real-valued targets; reports the mean absolute error.</summary>
    MeanSquaredError,
}
