namespace RnnGen.Generator.Model;

/// <summary>A member of the user's part of a model or pair class whose name an emitter might also give a member.</summary>
/// <param name="Kind">field, constant, property, event, method or type, as the diagnostic says it.</param>
/// <param name="Arity">A nested type's number of type parameters (types of one name and another arity may coexist).</param>
internal sealed record UserMember(string Name, string Kind, int Arity, LocationInfo? Location);

/// <summary>
/// What the generated members must not collide with: the class's own name (located only when it is one an emitter
/// might use) and the user's members of such names. Checked against the generated code once it is written.
/// </summary>
internal sealed record UserNames(LocationInfo? TypeLocation, EquatableArray<UserMember> Members)
{
    public static UserNames None { get; } = new(null, EquatableArray<UserMember>.Empty);
}
