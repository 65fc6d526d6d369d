using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace RnnGen.Training;

/// <summary>The per-epoch record of a <see cref="Trainer{TModel}.Fit(SequenceDataset, FitOptions)"/> run (Keras' <c>History</c>).</summary>
public sealed class TrainingHistory
{
    internal TrainingHistory(string metricName, IReadOnlyList<EpochRecord> epochs, int bestEpoch, bool stoppedEarly)
    {
        MetricName = metricName;
        Epochs = epochs;
        BestEpoch = bestEpoch;
        StoppedEarly = stoppedEarly;
    }

    /// <summary><c>accuracy</c> or <c>mae</c>.</summary>
    public string MetricName { get; }

    /// <summary>One record per completed epoch.</summary>
    public IReadOnlyList<EpochRecord> Epochs { get; }

    /// <summary>
    /// 1-based epoch with the best monitored value: when a resumed run (<see cref="FitOptions.InitialBest"/>) improves on
    /// nothing, the <see cref="FitOptions.InitialEpoch"/> it resumed from; 0 when no epoch had a finite monitored value.
    /// </summary>
    public int BestEpoch { get; }

    /// <summary>True when early stopping ended the run.</summary>
    public bool StoppedEarly { get; }

    /// <summary>Writes the history as CSV (epoch, loss, metric, val_loss, val_metric, learning_rate, seconds, skipped), invariant culture.</summary>
    public void SaveCsv(string path)
    {
        var text = new StringBuilder();
        text.Append("epoch,loss,").Append(MetricName).Append(",val_loss,val_").Append(MetricName).Append(",learning_rate,seconds,skipped_batches\n");
        foreach (var e in Epochs)
        {
            text.Append(CultureInfo.InvariantCulture, $"{e.Epoch},{e.Loss:R},{e.Metric:R},{e.ValidationLoss:R},{e.ValidationMetric:R},{e.LearningRate:R},{e.Seconds:F3},{e.SkippedBatches}\n");
        }

        File.WriteAllText(path, text.ToString());
    }
}
