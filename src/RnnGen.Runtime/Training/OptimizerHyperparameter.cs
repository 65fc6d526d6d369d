using System.Globalization;

namespace RnnGen.Training;

/// <summary>
/// One fixed hyperparameter of an optimizer (everything but the learning rate) as it is written to and
/// checked against the state metadata: numbers in invariant "R" format, flags as <c>true</c>/<c>false</c>.
/// </summary>
internal sealed class OptimizerHyperparameter
{
    private readonly float _number;
    private readonly bool? _flag;

    private OptimizerHyperparameter(string name, float number, bool? flag)
    {
        Name = name;
        _number = number;
        _flag = flag;
        Text = flag is bool value ? FormatFlag(value) : FormatNumber(number);
    }

    /// <summary>PyTorch's name for it, e.g. <c>weight_decay</c>.</summary>
    public string Name { get; }

    /// <summary>The value as stored in the metadata.</summary>
    public string Text { get; }

    public static OptimizerHyperparameter Number(string name, float value) => new(name, value, null);

    public static OptimizerHyperparameter Flag(string name, bool value) => new(name, 0f, value);

    /// <summary>The round-trip text of <paramref name="value"/> in the invariant culture.</summary>
    public static string FormatNumber(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="stored"/> denotes this value: numbers compared after parsing, so "0.90" matches 0.9.</summary>
    public bool Matches(string stored) =>
        _flag is bool flag
            ? bool.TryParse(stored, out bool storedFlag) && storedFlag == flag
            : float.TryParse(stored, NumberStyles.Float, CultureInfo.InvariantCulture, out float storedNumber) && storedNumber.Equals(_number);

    private static string FormatFlag(bool value) => value ? "true" : "false";
}
