using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Tests.Infrastructure;

/// <summary>Builds parsed models directly, to test inference as plain C# without Roslyn.</summary>
public sealed class SpecBuilder
{
    private readonly DeclarationKind _kind;
    private readonly string _name;
    private readonly int _in, _h, _w;
    private readonly List<StageSpec> _stages = new();
    private readonly List<ParamSpec> _params = new();

    private SpecBuilder(DeclarationKind kind, string name, int inChannels, int height, int width)
    {
        _kind = kind;
        _name = name;
        _in = inChannels;
        _h = height;
        _w = width;
    }

    public static SpecBuilder Network(string name, int inChannels, int height, int width) => new(DeclarationKind.Network, name, inChannels, height, width);

    public static SpecBuilder Block(string name) => new(DeclarationKind.Block, name, 0, 0, 0);

    public SpecBuilder Param(string name, int? fallback = null, bool firstRepeatOnly = false)
    {
        _params.Add(new ParamSpec(name, fallback, firstRepeatOnly, null));
        return this;
    }

    /// <summary>A double [Param] (an octave alpha).</summary>
    public SpecBuilder RealParam(string name, double? fallback = null, bool firstRepeatOnly = false)
    {
        _params.Add(new ParamSpec(name, null, firstRepeatOnly, null, Real: true, RealDefault: fallback));
        return this;
    }

    public SpecBuilder Stage(string name, params LayerSpec[] layers)
    {
        _stages.Add(new StageSpec(name, layers.ToEquatableArray(), null));
        return this;
    }

    public DeclarationSpec Build() => new(_kind, "global::Test." + _name, "Test", _name, "public", EquatableArray<string>.Empty,
        _in, _h, _w, false, _params.ToEquatableArray(), _stages.ToEquatableArray(), EquatableArray<DiagnosticInfo>.Empty, null);

    /// <summary>A layer attribute; arguments are (name, value) with int, string, bool, double or ArgValue values.</summary>
    public static LayerSpec L(string kind, params (string Name, object Value)[] args) =>
        new(kind, args.Select(a => new ArgSpec(a.Name, Value(a.Value), null)).ToEquatableArray(), null);

    public static ArgValue Value(object value) => value switch
    {
        ArgValue v => v,
        int i => ArgValue.Int(i),
        long l => ArgValue.Int(l),
        string s => ArgValue.String(s),
        bool b => new ArgValue(ArgKind.Bool, b ? 1 : 0, null, EquatableArray<ArgValue>.Empty),
        double d => new ArgValue(ArgKind.Double, d, null, EquatableArray<ArgValue>.Empty),
        object[] items => new ArgValue(ArgKind.Array, 0, null, items.Select(Value).ToEquatableArray()),
        _ => throw new System.ArgumentException("unsupported test argument " + value),
    };

    public static ArgValue Type(string blockName) => new(ArgKind.Type, 0, "global::Test." + blockName, EquatableArray<ArgValue>.Empty);
}
