using System;
using System.Linq;
using System.Reflection;

namespace RnnGen.Generator.Tests;

/// <summary>The generator finds the runtime's attributes by name only; these names must not drift from the types.</summary>
public class AttributeNameTests
{
    public static TheoryData<string, Type> Pairs { get; } = new()
    {
        { AttributeNames.RnnModel, typeof(RnnModelAttribute) },
        { AttributeNames.SimpleRnn, typeof(SimpleRnnAttribute) },
        { AttributeNames.Lstm, typeof(LstmAttribute) },
        { AttributeNames.Gru, typeof(GruAttribute) },
        { AttributeNames.Dense, typeof(DenseAttribute) },
        { AttributeNames.Embedding, typeof(EmbeddingAttribute) },
        { AttributeNames.Dropout, typeof(DropoutAttribute) },
        { AttributeNames.EncoderDecoder, typeof(EncoderDecoderAttribute) },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Name_equals_the_runtime_type_name(string name, Type attribute) =>
        Assert.Equal(attribute.FullName, name);

    [Fact]
    public void Every_constant_names_the_runtime_attribute_of_the_same_name()
    {
        var constants = typeof(AttributeNames)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToList();

        Assert.Equal(Pairs.Count, constants.Count);
        Assert.All(constants, field =>
        {
            var attribute = typeof(LstmAttribute).Assembly.GetType("RnnGen." + field.Name + "Attribute");
            Assert.NotNull(attribute);
            Assert.Equal(attribute.FullName, (string?)field.GetRawConstantValue());
        });
    }

    /// <summary>Every model attribute can start a model; [EncoderDecoder] makes a pair instead and has its own provider.</summary>
    [Fact]
    public void All_covers_every_concrete_runtime_model_attribute_once()
    {
        var runtimeAttributes = typeof(LstmAttribute).Assembly
            .GetExportedTypes()
            .Where(t => t.Namespace == "RnnGen" && t.IsSubclassOf(typeof(Attribute)) && !t.IsAbstract && t != typeof(EncoderDecoderAttribute))
            .Select(t => t.FullName!)
            .Order(StringComparer.Ordinal);

        Assert.Equal(runtimeAttributes, AttributeNames.All.Order(StringComparer.Ordinal));
        Assert.Equal(AttributeNames.All.Length, AttributeNames.All.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Only_the_abstract_recurrent_base_is_left_out()
    {
        var abstractAttributes = typeof(LstmAttribute).Assembly
            .GetExportedTypes()
            .Where(t => t.Namespace == "RnnGen" && t.IsSubclassOf(typeof(Attribute)) && t.IsAbstract);

        Assert.Equal([typeof(RecurrentLayerAttribute)], abstractAttributes);
    }
}
