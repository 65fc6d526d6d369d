namespace RnnGen.Training;

/// <summary>Running sums of an epoch or an evaluation: mean loss over counted elements, metric over counted rows.</summary>
internal struct RunningTotals
{
    private double _loss;
    private double _metric;
    private int _lossCount;
    private int _metricCount;

    // NaN when nothing counted (every batch skipped, every label ignored): such an epoch can never be "best".
    public readonly double Loss => _lossCount == 0 ? double.NaN : _loss / _lossCount;

    public readonly double Metric => _metricCount == 0 ? double.NaN : _metric / _metricCount;

    public readonly int Counted => _lossCount;

    public void Add(BatchResult step)
    {
        _loss += step.LossSum;
        _lossCount += step.LossCount;
        _metric += step.MetricSum;
        _metricCount += step.MetricCount;
    }
}
