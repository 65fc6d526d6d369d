using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>
/// Backward (BPTT) against central finite differences for every layer kind and option that has no libtorch fixture:
/// stacked × bidirectional, vector and sequence outputs, variable lengths, length-1 sequences, Dense heads with each
/// activation, Embedding, Dropout, and the gradient arriving at the final state.
/// </summary>
public sealed class GradientCheckTests
{
    [Theory]
    [InlineData(5, 3, 11UL)]
    [InlineData(1, 2, 12UL)]
    [InlineData(4, 4, 13UL)]
    [InlineData(3, 7, 14UL)] // a batch of 6 or more rows takes the packed-kernel path (transposed W_hh)
    public void Stacked_bidirectional_lstm_sequences(int steps, int batch, ulong seed) =>
        GradientCheck.Run(new StackedBidirectionalLstm(batch, steps, seed), steps, batch, seed);

    [Theory]
    [InlineData(6, 3, 21UL)]
    [InlineData(1, 1, 22UL)]
    [InlineData(4, 9, 23UL)]
    public void Stacked_bidirectional_gru_vector_into_tanh_dense(int steps, int batch, ulong seed) =>
        GradientCheck.Run(new BidirectionalGruClassifier(batch, steps, seed), steps, batch, seed);

    [Theory]
    [InlineData(5, 3, 31UL)]
    [InlineData(1, 2, 32UL)]
    [InlineData(3, 8, 33UL)]
    public void Stacked_sigmoid_simple_rnn_into_linear_dense(int steps, int batch, ulong seed) =>
        GradientCheck.Run(new SigmoidRnnClassifier(batch, steps, seed), steps, batch, seed);

    [Fact]
    public void Bidirectional_simple_rnn_tagger_with_sigmoid_dense_per_step() =>
        GradientCheck.Run(new BidirectionalRnnTagger(3, 5, 41), 5, 3, 41);

    [Fact]
    public void Embedding_gru_softmax_head() =>
        GradientCheck.Run(new EmbeddingGruSoftmax(3, 6, 51), 6, 3, 51);

    [Fact]
    public void Embedding_lstm_tagger_with_softmax_per_step() =>
        GradientCheck.Run(new EmbeddingLstmTagger(4, 5, 61), 5, 4, 61);

    [Fact]
    public void Lstm_into_bidirectional_gru_as_two_attributes() =>
        GradientCheck.Run(new LstmIntoGru(3, 5, 71), 5, 3, 71);

    [Fact]
    public void Dropout_in_training_with_a_fixed_mask()
    {
        var model = new LstmDropoutHead(3, 5, 81);
        GradientCheck.Run(model, 5, 3, 81, training: true, beforeForward: () => model.SeedDropout(7));
    }

    [Fact]
    public void Per_step_dense_and_dropout_in_front_of_the_recurrence()
    {
        var model = new DenseFrontLstm(3, 4, 91);
        GradientCheck.Run(model, 4, 3, 91, training: true, beforeForward: () => model.SeedDropout(8));
    }

    [Fact]
    public void Dropout_at_inference_passes_gradients_through()
    {
        GradientCheck.Run(new LstmDropoutHead(2, 4, 82), 4, 2, 82, training: false);
    }
}
