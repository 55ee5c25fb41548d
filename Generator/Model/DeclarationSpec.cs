namespace NetDsl.Generator.Model
{
    /// <summary>Whether a declaration is a network (entry point) or a reusable block.</summary>
    public enum DeclarationKind
    {
        Network,
        Block,
    }

    /// <summary>
    /// One [Network] or [Block] class, as parsed from source. Immutable and value-equal all the way
    /// down (records, <see cref="EquatableArray{T}"/>, strings): it holds no ISymbol, SyntaxNode or
    /// Compilation, so the incremental pipeline can compare successive runs and cache.
    /// </summary>
    public sealed record DeclarationSpec(
        DeclarationKind Kind,
        string MetadataName,
        string Namespace,
        string ClassName,
        string Accessibility,
        EquatableArray<string> ContainingTypes,
        int InChannels,
        int Height,
        int Width,
        bool SequentialBlock,
        EquatableArray<ParamSpec> Params,
        EquatableArray<StageSpec> Stages,
        EquatableArray<DiagnosticInfo> ParseDiagnostics,
        LocationInfo? Location)
    {
        /// <summary>[Network(OutputStride = n)] / [Block(OutputStride = n)]: the stride to reach by dilating the last strided
        /// block uses (0: keep the strides). See Inference/DilationRewrite.cs.</summary>
        public int OutputStride { get; init; }

        /// <summary>Where OutputStride was written (for NDSL0049).</summary>
        public LocationInfo? OutputStrideLocation { get; init; }

        /// <summary>
        /// Names the generated code must not give its own members, locals or parameters in this class, sorted: every
        /// member the user declares (stages included), nested types, the class's and its containing types' names, and the
        /// accessible members of TorchSharp's Module (a generated field named like one would hide it). See
        /// <see cref="Emit.NameScope"/>.
        /// </summary>
        public EquatableArray<string> ReservedNames { get; init; } = EquatableArray<string>.Empty;

        /// <summary>
        /// The short names the generated code uses (nn, Tensor, Modules, cat, ...) that something else binds where the
        /// generated partial class sits (a stage named nn, a class named Tensor, a type of the namespace, a global using):
        /// the emitter writes those fully qualified. Sorted.
        /// </summary>
        public EquatableArray<string> ShadowedNames { get; init; } = EquatableArray<string>.Empty;

        /// <summary>
        /// A second sighting of a class another parse already speaks for (its marker on two partial declarations, or a
        /// [Block] that is also a [Network]): the pipeline drops it, so the class is reported and generated once.
        /// </summary>
        public bool IsDuplicate { get; init; }

        /// <summary>Whether the name forward is taken by a member that is not a method (a stage named forward) or by the class
        /// itself: the forward pass is then a method of another name, called by <c>NetDsl.RenamedForwardModule</c>.</summary>
        public bool ForwardTaken { get; init; }

        /// <summary>Whether the user's class declares its own ToString() (or a member named ToString, a stage): a block then
        /// keeps it and gets none generated.</summary>
        public bool HasOwnToString { get; init; }

        /// <summary>[Network(Like = typeof(Body))]: the body's metadata name (this declaration is a variant of it), else null.
        /// Resolved by <see cref="Inference.Variants"/> before inference.</summary>
        public string? Like { get; init; }

        /// <summary>Where Like was written (its diagnostics point there).</summary>
        public LocationInfo? LikeLocation { get; init; }

        /// <summary>The [Network] arguments a variant gives itself (InChannels, Height, Width), which win over the body's.</summary>
        public EquatableArray<string> ExplicitArguments { get; init; } = EquatableArray<string>.Empty;

        /// <summary>For a resolved variant: the body's display name (for the summary and doc comments), else null.</summary>
        public string? VariantOf { get; init; }

        /// <summary>For a resolved variant: the members the generated part declares because the class itself does not (the
        /// body's stage fields and the parameters the variant leaves at the body's defaults), in the body's order.</summary>
        public EquatableArray<string> InheritedFields { get; init; } = EquatableArray<string>.Empty;

        /// <summary>The name used in messages and the summary: the class name with its containing types.</summary>
        /// <remarks><see cref="ContainingTypes"/> hold the declaration keyword too ("class Outer"); only the name is shown.</remarks>
        public string DisplayName
        {
            get
            {
                if (ContainingTypes.Count == 0) return ClassName;
                var names = new string[ContainingTypes.Count + 1];
                for (int i = 0; i < ContainingTypes.Count; i++) names[i] = ContainingTypes[i].Substring(ContainingTypes[i].LastIndexOf(' ') + 1);
                names[names.Length - 1] = ClassName;
                return string.Join(".", names);
            }
        }
    }

    /// <summary>
    /// A block parameter: an int field marked [Param] (or a double one, <paramref name="Real"/>, for an octave
    /// convolution's alpha), positional at the use site. <paramref name="Default"/> holds an int default,
    /// <paramref name="RealDefault"/> a double one.
    /// </summary>
    public sealed record ParamSpec(string Name, int? Default, bool FirstRepeatOnly, LocationInfo? Location, bool Real = false, double? RealDefault = null)
    {
        /// <summary>A <c>[Param] Type block = typeof(Bottleneck);</c>: the block's metadata name (a block parameter for
        /// <c>[Use("block", ...)]</c>, fixed by the declaration), else null.</summary>
        public string? TypeDefault { get; init; }

        /// <summary>Whether this is a Type parameter (<see cref="TypeDefault"/>; null there when its default is missing).</summary>
        public bool IsType { get; init; }

        /// <summary>The default as an expression, or null when the parameter has none.</summary>
        public Inference.Expr? DefaultExpr =>
            Default is int d ? Inference.Expr.Num(d) : RealDefault is double r ? Inference.Expr.Real(r) : null;

        /// <summary>The C# type of the parameter.</summary>
        public string TypeName => IsType ? "global::System.Type" : Real ? "double" : "int";
    }

    /// <summary>A Stage field and the layer attributes on it, in source order.</summary>
    public sealed record StageSpec(string Name, EquatableArray<LayerSpec> Layers, LocationInfo? Location);

    /// <summary>
    /// One layer attribute as written: its kind (the attribute's class name without "Attribute") and its
    /// arguments by parameter/property name. Binding to defaults and validation happen in inference.
    /// </summary>
    public sealed record LayerSpec(string Kind, EquatableArray<ArgSpec> Args, LocationInfo? Location)
    {
        /// <summary>For [Module(typeof(X), ...)]: the hand-written module's class as parsed; null for every other layer.</summary>
        public ModuleTypeSpec? Module { get; init; }
    }

    /// <summary>A named attribute argument and where it was written.</summary>
    public sealed record ArgSpec(string Name, ArgValue Value, LocationInfo? Location)
    {
        /// <summary>
        /// For a params array written as a list (<c>[Use(typeof(B), 64, -8)]</c>), where each item was written, in
        /// order (<see cref="Location"/> spans them all); empty otherwise. Lets a diagnostic point at the one item at fault.
        /// </summary>
        public EquatableArray<LocationInfo> ItemLocations { get; init; } = EquatableArray<LocationInfo>.Empty;

        /// <summary>Where item <paramref name="index"/> of a params list was written, else the whole argument.</summary>
        public LocationInfo? LocationOfItem(int index) =>
            index >= 0 && index < ItemLocations.Count ? ItemLocations[index] : Location;
    }

    /// <summary>The kinds of constant an attribute argument can hold.</summary>
    public enum ArgKind
    {
        Null,
        Int,
        Double,
        Bool,
        String,
        Enum,
        Type,
        Array,
        Other,
    }

    /// <summary>
    /// An attribute argument's constant value. <see cref="Text"/> carries strings, a type's metadata name,
    /// or the display text of an unsupported constant; <see cref="Number"/> carries numbers, bools and enums.
    /// </summary>
    public sealed record ArgValue(ArgKind Kind, double Number, string? Text, EquatableArray<ArgValue> Items)
    {
        public static ArgValue Int(long value) => new ArgValue(ArgKind.Int, value, null, EquatableArray<ArgValue>.Empty);
        public static ArgValue String(string value) => new ArgValue(ArgKind.String, 0, value, EquatableArray<ArgValue>.Empty);

        public override string ToString() => Kind switch
        {
            ArgKind.Null => "null",
            ArgKind.Int => ((long)Number).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ArgKind.Double => Number.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ArgKind.Bool => Number != 0 ? "true" : "false",
            ArgKind.String => "\"" + Text + "\"",
            ArgKind.Type => "typeof(" + Text + ")",
            ArgKind.Array => "[" + string.Join(", ", Items) + "]",
            _ => Text ?? "?",
        };
    }
}
