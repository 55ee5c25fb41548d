namespace NetDsl.Generator.Model
{
    /// <summary>
    /// The class of a [Module] stage (a hand-written TorchSharp module), as the parser saw it: what the rule needs to check
    /// it and call its constructor, reduced to strings (no ISymbol).
    /// </summary>
    /// <param name="Name">The fully qualified name as C# ("global::Ns.MyAttention").</param>
    /// <param name="Display">The name for messages ("MyAttention").</param>
    /// <param name="Problem">Why it cannot be a stage (not an nn.Module&lt;Tensor, Tensor&gt;, abstract, an open generic, a [Block]),
    /// or null.</param>
    /// <param name="Constructors">Its constructors the generated code may call, in declaration order.</param>
    public sealed record ModuleTypeSpec(string Name, string Display, string? Problem, EquatableArray<ConstructorSpec> Constructors);

    /// <summary>One constructor of a hand-written module: its parameters, and how C# shows it ("MyAttention(long channels, int heads = 4)").</summary>
    public sealed record ConstructorSpec(EquatableArray<ConstructorParamSpec> Parameters, string Display);

    /// <summary>A constructor parameter.</summary>
    /// <param name="Type">"int", "long", "double", "float", "bool", "string"; any other type by its C# name (no argument binds to it).</param>
    /// <param name="Optional">It has a default value (or is a params array), so an argument may be left out.</param>
    public sealed record ConstructorParamSpec(string Name, string Type, bool Optional);
}
