using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Representative models: each must compile with no diagnostic at all at the highest warning level, and its
/// generated source must match the reviewed snapshot in Snapshots/.
/// </summary>
public class SnapshotTests
{
    [Fact]
    public void LstmRowClassifier() => VerifyModel(
        "Mnist.RowClassifier.g.cs",
        """
        using RnnGen;

        namespace Mnist;

        /// <summary>Reads an image row by row.</summary>
        [RnnModel(InputSize = 28)]
        [Lstm(128)]
        [Dense(10)]
        public partial class RowClassifier;
        """);

    [Fact]
    public void EmbeddingBidirectionalGruSoftmax() => VerifyModel(
        "Reviews.SentimentClassifier.g.cs",
        """
        using RnnGen;

        namespace Reviews;

        /// <summary>Classifies a review from its token ids.</summary>
        [Embedding(1000, 32)]
        [Gru(64, Layers = 2, Bidirectional = true)]
        [Dense(5, Activation = Activation.Softmax)]
        public partial class SentimentClassifier;
        """);

    [Fact]
    public void ReluRnnDropoutSigmoidTagger() => VerifyModel(
        "Sensors.EventTagger.g.cs",
        """
        using RnnGen;

        namespace Sensors;

        /// <summary>Tags every time step of a sensor trace.</summary>
        [RnnModel(InputSize = 8)]
        [SimpleRnn(16, Activation = Activation.Relu, ReturnSequences = true)]
        [Dropout(0.25)]
        [Dense(3, Activation = Activation.Sigmoid)]
        public partial class EventTagger;
        """);

    [Fact]
    public void NamedLstmEncoderGruDecoder() => VerifyModel(
        "Speech.EncoderDecoder.g.cs",
        """
        using RnnGen;

        namespace Speech;

        /// <summary>An LSTM encoder feeding a GRU decoder.</summary>
        [RnnModel(InputSize = 12)]
        [Lstm(24, Name = "encoder")]
        [Gru(16, Name = "decoder")]
        public partial class EncoderDecoder;
        """);

    [Fact]
    public void ModelNestedInGlobalNamespaceClass() => VerifyModel(
        "Forecasting.Forecaster.g.cs",
        """
        using RnnGen;

        internal static partial class Forecasting
        {
            [RnnModel(InputSize = 4)]
            [Gru(8)]
            [Dense(1)]
            internal sealed partial class Forecaster;
        }
        """);

    [Fact]
    public void DenseOnlyModelHasNoState() => VerifyModel(
        "Tabular.StepClassifier.g.cs",
        """
        using RnnGen;

        namespace Tabular;

        /// <summary>Classifies each step on its own: no recurrence, so no state.</summary>
        [RnnModel(InputSize = 6)]
        [Dense(8, Activation = Activation.Relu)]
        [Dense(3, Activation = Activation.Softmax)]
        public partial class StepClassifier;
        """);

    [Fact]
    public void ThreeLayerSigmoidSimpleRnn() => VerifyModel(
        "Signals.DeepSigmoidRnn.g.cs",
        """
        using RnnGen;

        namespace Signals;

        /// <summary>Three stacked sigmoid Elman layers.</summary>
        [RnnModel(InputSize = 5)]
        [SimpleRnn(7, Activation = Activation.Sigmoid, Layers = 3)]
        [Dense(2)]
        public partial class DeepSigmoidRnn;
        """);

    /// <summary>A bidirectional GRU encoder handing both directions to a decoder of twice its width; all three files.</summary>
    [Fact]
    public void EncoderDecoderWithConcatenatedDirections()
    {
        var run = GeneratorHarness.Run("""
            using RnnGen;

            namespace Translation;

            [Embedding(12, 8)]
            [Gru(16, Bidirectional = true)]
            public partial class SourceReader;

            [Embedding(12, 8)]
            [Gru(32, ReturnSequences = true)]
            [Dense(12)]
            public partial class TargetWriter;

            /// <summary>Reads a source sentence and writes its translation.</summary>
            [EncoderDecoder(typeof(SourceReader), typeof(TargetWriter))]
            public partial class Translator;
            """);

        Assert.True(run.GeneratorDiagnostics.IsEmpty, "Generator diagnostics:\n" + GeneratorHarness.Describe(run.GeneratorDiagnostics));
        Assert.True(run.CompilationDiagnostics.IsEmpty, "The pair and its generated code have diagnostics:\n" + GeneratorHarness.Describe(run.CompilationDiagnostics));
        Assert.Equal(["Translation.SourceReader.g.cs", "Translation.TargetWriter.g.cs", "Translation.Translator.g.cs"], run.GeneratedSources.Select(s => s.HintName).Order(System.StringComparer.Ordinal));
        SnapshotVerifier.Verify(run);
    }

    private static void VerifyModel(string hintName, string source, [CallerFilePath] string testFile = "", [CallerMemberName] string testMethod = "")
    {
        var run = GeneratorHarness.Run(source);

        Assert.True(run.GeneratorDiagnostics.IsEmpty, "Generator diagnostics:\n" + GeneratorHarness.Describe(run.GeneratorDiagnostics));
        Assert.True(run.CompilationDiagnostics.IsEmpty, "The model and its generated code have diagnostics:\n" + GeneratorHarness.Describe(run.CompilationDiagnostics));
        Assert.Equal([hintName], run.GeneratedSources.Select(s => s.HintName));

        using var assembly = new MemoryStream();
        var emitted = run.OutputCompilation.Emit(assembly);
        Assert.True(emitted.Success && emitted.Diagnostics.IsEmpty, "Emit failed:\n" + GeneratorHarness.Describe(emitted.Diagnostics));

        SnapshotVerifier.Verify(run, testFile, testMethod);
    }
}
