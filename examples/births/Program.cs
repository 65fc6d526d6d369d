// US births one week ahead from the previous eight weeks. The daily series 2000–2014 is cut into 56-day windows, each
// day read as its standardized births plus the day of the week; a GRU(32) predicts the day one week after the window.
// The split is by time: the model trains on days up to 2011, 2012 picks the best epoch, 2013–2014 is the test,
// touched once and scored in births per day next to two naive forecasts of the same days that a forecaster one week
// ahead could make: the same weekday last week (seasonal naive) and the mean of that weekday over the eight weeks.
using System.Diagnostics;
using System.Globalization;
using Births;
using RnnGen.Data;
using RnnGen.Examples;
using RnnGen.Training;

const int Window = 8 * 7, Lead = 7, BatchSize = 32, PlotDays = 8 * 7;
const int LastTrainingYear = 2011, ValidationYear = 2012;
const float LearningRate = 1e-2f, ClipNorm = 1f;   // with the cosine decay; 1e-3 stalled near 360 births/day (validation MAE)

var clock = Stopwatch.StartNew();
if (ExampleOptions.Parse(args, "births", out int exitCode) is not { } options)
{
    return exitCode;
}

string csv = Path.Combine(options.DataDirectory, "births", "data.csv");
if (!ExampleConsole.RequireData("scripts/get-data.sh npm", csv))
{
    return 2;
}

DailyBirths births;
try
{
    births = DailyBirths.Read(csv);
}
catch (InvalidDataException error)
{
    // A damaged or hand-made file (--data): one line naming the file, the line and the problem, not a stack trace.
    Console.Error.WriteLine($"error: {error.Message}");
    return 2;
}

DateOnly[] dates = births.Dates;

// Each part of the split needs target days with a full window before them (63 days), or there would be nothing to
// train on, to pick the best epoch by or to test: a shorter file (--data) is refused here, not deep in the slicing.
var targetYears = dates.Skip(Window + Lead - 1).Select(d => d.Year).ToHashSet();
if (!targetYears.Any(y => y <= LastTrainingYear) || !targetYears.Contains(ValidationYear) || !targetYears.Any(y => y > ValidationYear))
{
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"error: {csv}: {dates.Length} days ({dates.FirstOrDefault():yyyy-MM-dd} … {dates.LastOrDefault():yyyy-MM-dd}); the split needs days to predict in or before {LastTrainingYear}, in {ValidationYear} and after it, each {Window + Lead - 1} days after the first"));
    return 2;
}

// Statistics from the training years only: nothing of 2012–2014 shapes the inputs.
float[] standardized = (float[])births.Births.Clone();
int trainingDays = dates.Count(d => d.Year <= LastTrainingYear);
var scaling = Sequences.Standardize(standardized, trainingDays);

// Window k reads days k … k + 55 and predicts day k + 62, a week after its last day (the same weekday); the target
// day's year decides the split. Each day also carries its weekday: births drop by about a third on weekends, which
// the GRU would otherwise have to infer from the phase of the weeks it reads.
var (windows, nextWeeks) = Sequences.SlidingWindows(standardized, Window, horizon: Lead);
int TargetDay(int k) => k + Window + Lead - 1;
var targets = Enumerable.Range(0, nextWeeks.Length / Lead).Select(k => new[] { nextWeeks[(k * Lead) + Lead - 1] }).ToArray();
var all = SequenceDataset.FromFeatures(births.WithWeekdays(windows, Window), DailyBirths.FeaturesPerDay, targets, valueSize: 1);
int[] WindowsPredicting(Func<int, bool> year) => Enumerable.Range(0, all.Count).Where(k => year(dates[TargetDay(k)].Year)).ToArray();
int[] trainWindows = WindowsPredicting(y => y <= LastTrainingYear);
int[] validationWindows = WindowsPredicting(y => y == ValidationYear);
int[] testWindows = WindowsPredicting(y => y > ValidationYear);
var train = all.Subset(trainWindows);
var validation = all.Subset(validationWindows);
var test = all.Subset(testWindows);

int epochs = options.EpochsOr(full: 100, quick: 8);
var model = new BirthsForecaster(maxBatch: BatchSize, maxSteps: Window, seed: options.Seed);
var trainer = new Trainer<BirthsForecaster>(model, new Adam(LearningRate), Loss.MeanSquaredError);
Directory.CreateDirectory(options.OutputDirectory);
string checkpoint = Path.Combine(options.OutputDirectory, "births-best.safetensors");

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"US births per day {dates[0]:yyyy-MM-dd} … {dates[^1]:yyyy-MM-dd}: {train.Count:N0} training days (≤ {LastTrainingYear}), {validation.Count:N0} validation ({ValidationYear}), {test.Count:N0} test"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{Window}-day windows × {DailyBirths.FeaturesPerDay} features; training mean {scaling.Mean:F0} sd {scaling.StandardDeviation:F0} births/day; {BirthsForecaster.ParameterCount:N0} parameters; Adam lr {LearningRate:G3}, batch {BatchSize}, up to {epochs} epochs"));

var history = ExampleConsole.Train(
    (progress, epochEnd) => trainer.Fit(train, new FitOptions
    {
        Epochs = epochs,
        BatchSize = BatchSize,
        Seed = options.Seed,
        Validation = validation,
        ClipGradientNorm = ClipNorm,
        Schedule = new CosineAnnealing(epochs, LearningRate / 100),
        EarlyStopping = new EarlyStopping(Patience: 25, RestoreBestWeights: true),
        CheckpointPath = checkpoint,
        Progress = progress,
        EpochEnd = epochEnd,
    }),
    "mae");

ExampleOutputs.SaveHistory(history, options.OutputDirectory, "births", "US births: 8 weeks → GRU(32) → one week ahead (standardized units)");
var best = history.Epochs[history.BestEpoch - 1];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"best epoch {history.BestEpoch} of {history.Epochs.Count}: validation MAE {best.ValidationMetric * scaling.StandardDeviation:F0} births/day; weights restored, checkpoint {checkpoint}"));

// The test days, once, in births per day, against the naive forecasts of the same days.
var predictions = trainer.Predict(test);
int[] testDays = testWindows.Select(TargetDay).ToArray();
double[] actual = testDays.Select(t => (double)births.Births[t]).ToArray();
double[] predicted = predictions.Select(p => (double)scaling.Invert(p[0])).ToArray();
double[] weekAgo = testDays.Select(t => (double)births.Births[t - 7]).ToArray();
double[] weekdayMean = testDays.Select(t => Enumerable.Range(1, 8).Average(w => (double)births.Births[t - (7 * w)])).ToArray();
double Mae(double[] forecast) => forecast.Zip(actual, (f, a) => Math.Abs(f - a)).Average();
double Mape(double[] forecast) => 100 * forecast.Zip(actual, (f, a) => Math.Abs(f - a) / a).Average();
foreach (var (name, forecast) in new[] { ("GRU(32)", predicted), ("same weekday last week", weekAgo), ("mean of that weekday, 8 weeks", weekdayMean) })
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test {dates[testDays[0]]:yyyy-MM-dd} … {dates[testDays[^1]]:yyyy-MM-dd}  {name,-30} MAE {Mae(forecast),6:F0} births/day  MAPE {Mape(forecast),5:F2} %"));
}

string plotPath = Path.Combine(options.OutputDirectory, "births-forecast.png");
int plotted = Math.Min(PlotDays, testDays.Length);   // a short file (--data) may have fewer test days
ForecastPlot.Save(testDays[..plotted].Select(t => dates[t]).ToArray(), actual[..plotted], predicted[..plotted], weekAgo[..plotted], plotPath,
    string.Create(CultureInfo.InvariantCulture, $"US births, first {plotted} test days: GRU forecast vs actual (test MAE {Mae(predicted):F0})"));
Console.WriteLine($"forecast plot {plotPath}");
ExampleConsole.Result("births", "test_mae", Mae(predicted), clock);
return 0;
