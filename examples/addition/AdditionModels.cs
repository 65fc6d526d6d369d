using RnnGen;

namespace Addition;

// Character ids shared by questions and answers: 0 starts an answer, 1 ends it, 2–11 are the digits, 12 is '+'.

/// <summary>Reads a question ("535+61", reversed as in the Keras demo) and keeps only its final LSTM state.</summary>
[Embedding(13, 16)]
[Lstm(128)]
public partial class QuestionEncoder;

/// <summary>Writes the answer one character at a time from the question's state: logits over the 13 ids per step.</summary>
[Embedding(13, 16)]
[Lstm(128, ReturnSequences = true)]
[Dense(13)]
public partial class AnswerDecoder;

/// <summary>The pair: the encoder's final (h, c) is the decoder's initial state, checked at compile time.</summary>
[EncoderDecoder(typeof(QuestionEncoder), typeof(AnswerDecoder))]
public partial class Adder;
