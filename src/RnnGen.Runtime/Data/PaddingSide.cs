namespace RnnGen.Data;

/// <summary>Which end of a sequence gets padding or loses steps (Keras' <c>padding</c> and <c>truncating</c>).</summary>
public enum PaddingSide
{
    /// <summary>The start: padding goes before the first step; truncation drops the first steps (Keras' <c>'pre'</c>).</summary>
    Pre,

    /// <summary>The end: padding goes after the last step; truncation drops the last steps (Keras' <c>'post'</c>).</summary>
    Post,
}
