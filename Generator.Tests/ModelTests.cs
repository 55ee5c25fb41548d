using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using NetDsl.Generator.Inference;
using NetDsl.Generator.Model;
using NetDsl.Generator.Parse;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>The parsed model: value equality, and the binder's defaults agree with the attribute classes.</summary>
public class ModelTests
{
    [Fact]
    public void Equatable_arrays_compare_by_value()
    {
        var a = new[] { "x", "y" }.ToEquatableArray();
        var b = new List<string> { "x", "y" }.ToEquatableArray();
        var c = new[] { "x", "z" }.ToEquatableArray();
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
        Assert.Equal(default(EquatableArray<string>), EquatableArray<string>.Empty);
        Assert.Empty(default(EquatableArray<string>));
    }

    private static DeclarationSpec ParseNetwork(string source)
    {
        var result = GeneratorHarness.Run(source);
        var step = GeneratorHarness.Steps(result.Run)[TrackingNames.Networks];
        return (DeclarationSpec)step.Single().Outputs.Single().Value;
    }

    [Fact]
    public void Equivalent_sources_give_equal_specs()
    {
        const string source = """
            using NetDsl;
            namespace App;
            [Network(InChannels = 3, Height = 32, Width = 32)]
            public partial class Net
            {
                [Conv(16, Kernel = 3, Padding = 1), BatchNorm, ReLU] Stage conv1;
                [GlobalAvgPool, Flatten] Stage pool;
                [Linear(10)] Stage fc;
                public int Helper() => 1;
            }
            """;
        var a = ParseNetwork(source);
        var b = ParseNetwork(source.Replace("=> 1;", "=> 2 + 3;"));
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());

        var c = ParseNetwork(source.Replace("[Linear(10)]", "[Linear(11)]"));
        Assert.NotEqual(a, c);
    }

    /// <summary>
    /// The binder applies the attribute defaults itself (the generator cannot read property initializers of the
    /// attribute classes). This reads each attribute class's defaults by reflection and checks the binder agrees.
    /// </summary>
    [Fact]
    public void Binder_defaults_match_the_attribute_property_initializers()
    {
        var checkedCount = 0;
        var attributeTypes = typeof(NetDsl.LayerAttribute).Assembly.GetTypes()
            .Where(t => typeof(NetDsl.LayerAttribute).IsAssignableFrom(t) && !t.IsAbstract);
        foreach (var type in attributeTypes)
        {
            var ctor = type.GetConstructors().OrderBy(c => c.GetParameters().Length).First();
            var ctorArgs = ctor.GetParameters().Select(p => p.ParameterType == typeof(Type) ? typeof(object)
                : p.ParameterType == typeof(object) ? (object)7 : p.ParameterType.IsArray ? Array.CreateInstance(p.ParameterType.GetElementType()!, 0)
                : p.ParameterType == typeof(double) ? 0.5 : p.ParameterType == typeof(int) ? 2 : p.ParameterType == typeof(string) ? "s"
                : Activator.CreateInstance(p.ParameterType)).ToArray();
            var instance = ctor.Invoke(ctorArgs);

            // Bind the attribute with only its constructor arguments, as the generator would see it.
            var args = ctor.GetParameters().Select((p, i) => (p.Name!, ctorArgs[i] switch
            {
                Type => (object)SpecBuilder.Type("X"),
                Array arr => Array.Empty<object>(),
                Enum e => new ArgValue(ArgKind.Enum, Convert.ToInt32(e), null, EquatableArray<ArgValue>.Empty),
                var v => v!,
            })).ToArray();
            var layer = SpecBuilder.L(type.Name.Substring(0, type.Name.Length - "Attribute".Length), args);
            var spec = SpecBuilder.Network("Defaults", 3, 8, 8).Stage("s", layer).Build();
            var diagnostics = new List<DiagnosticInfo>();
            var bound = NetDsl.Generator.Inference.Binder.Bind(spec, diagnostics).Stages.SelectMany(s => s.Layers).SingleOrDefault();
            if (bound is null) continue; // composition-only attributes (Add/Concat without names) are rejected by design

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                var expected = property.GetValue(instance);
                var boundProperty = typeof(BoundLayer).GetProperty(BinderName(type.Name, property.Name));
                if (boundProperty is null) continue;
                var actual = boundProperty.GetValue(bound);
                Assert.True(Same(expected, actual), $"{type.Name}.{property.Name}: attribute default {expected ?? "null"}, binder {actual ?? "null"}");
                checkedCount++;
            }
        }
        Assert.True(checkedCount > 30, $"only {checkedCount} defaults were compared");
    }

    private static string BinderName(string attribute, string property) => (attribute, property) switch
    {
        ("UpsampleAttribute", "Height") => nameof(BoundLayer.UpHeight),
        ("UpsampleAttribute", "Width") => nameof(BoundLayer.UpWidth),
        ("UpsampleAttribute", "Mode") => nameof(BoundLayer.UpsampleMode),
        ("DownsampleAttribute", "ReLU") => nameof(BoundLayer.WithReLU),
        ("WTConvAttribute", "Wavelet") => nameof(BoundLayer.WaveletName),
        ("SPPAttribute", "Mode") => nameof(BoundLayer.PoolMode),
        ("OctConvAttribute", "BatchNorm") => nameof(BoundLayer.OctBatchNorm),
        ("OctConvAttribute", "ReLU") => nameof(BoundLayer.OctReLU),
        ("DSPPAttribute", "Filters") or ("MDSPPAttribute", "Filters") => nameof(BoundLayer.Out),
        ("SeparableConvAttribute", "Padding") => nameof(BoundLayer.PaddingSame),
        _ => property,
    };

    private static bool Same(object? attributeValue, object? boundValue) => (attributeValue, boundValue) switch
    {
        (null, null) => true,
        (int i, Expr e) => e.Equals(Expr.Num(i)),
        (double d, Expr e) => e.Equals(Expr.Real(d)),
        (Enum a, int b) => Convert.ToInt32(a) == b,
        (int a, int b) => a == b,
        (int a, null) => a == 0,
        (double a, double b) => a == b,
        (bool a, bool b) => a == b,
        (null, Expr) => false,
        (int[] a, List<long> b) => a.Select(v => (long)v).SequenceEqual(b),
        ("same", bool same) => same,
        _ => Equals(attributeValue, boundValue),
    };

    [Fact]
    public void Each_block_argument_and_Repeat_carry_where_they_were_written()
    {
        const string source = """
            using NetDsl;

            [Block] public partial class B { [Param] int c; [Param] int s = 1; [Conv("c", Kernel = 1, Stride = "s")] Stage conv; }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(B), 64, -8, Repeat = 100000)] Stage body;
                [Use(typeof(B), 4, FirstArgs = new[] { 4, 2 }, Repeat = 2)] Stage more;
            }
            """;
        var spec = ParseNetwork(source);
        string Text(LocationInfo? location) => source.Substring(location!.Span.Start, location.Span.Length);

        var body = spec.Stages[0].Layers[0].Args;
        var items = body.Single(a => a.Name == "args");
        Assert.Equal("64, -8", Text(items.Location));
        Assert.Equal(new[] { "64", "-8" }, items.ItemLocations.Select(Text).ToArray());
        Assert.Equal("-8", Text(items.LocationOfItem(1)));
        Assert.Equal("64, -8", Text(items.LocationOfItem(5)));
        Assert.Equal("Repeat = 100000", Text(body.Single(a => a.Name == "Repeat").Location));

        var first = spec.Stages[1].Layers[0].Args.Single(a => a.Name == "FirstArgs");
        Assert.Equal(new[] { "4", "2" }, first.ItemLocations.Select(Text).ToArray());
        Assert.Empty(spec.Stages[1].Layers[0].Args.Single(a => a.Name == "Repeat").ItemLocations);
    }

    [Fact]
    public void Reserved_and_shadowed_names_are_the_users_and_what_binds_elsewhere()
    {
        var plain = ParseNetwork("""
            using NetDsl;
            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net { [Conv(4, Kernel = 3)] Stage conv; }
            """);
        Assert.Empty(plain.ShadowedNames);
        Assert.Contains("conv", plain.ReservedNames);
        Assert.Contains("Net", plain.ReservedNames);
        Assert.Contains("register_module", plain.ReservedNames);   // TorchSharp's Module
        Assert.False(plain.ForwardTaken);

        var clash = ParseNetwork("""
            using NetDsl;
            namespace App;
            public class Modules { }
            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Tensor { [Conv(4, Kernel = 3)] Stage forward; [ReLU] Stage cat; }
            """);
        Assert.Equal(new[] { "Modules", "Tensor", "cat" }, clash.ShadowedNames.ToArray());
        Assert.True(clash.ForwardTaken);
    }
}
