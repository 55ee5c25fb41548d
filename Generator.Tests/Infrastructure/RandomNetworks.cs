using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NetDsl.Generator.Tests.Infrastructure;

// A small model of NetDsl declarations, rendered to C# source text and also interpreted directly with TorchSharp
// (TorchOracle). RandomNetworks.Create(seed) draws one at random: about half are valid, the rest contain one or
// two plausible mistakes.

/// <summary>An integer argument: a literal, or (inside a block) an expression over the block's parameters.</summary>
public sealed class Ex
{
    private readonly Func<IReadOnlyDictionary<string, long>, long> _eval;

    private Ex(string text, bool literal, Func<IReadOnlyDictionary<string, long>, long> eval)
    {
        Text = text;
        IsLiteral = literal;
        _eval = eval;
    }

    public string Text { get; }
    public bool IsLiteral { get; }

    public static Ex Lit(long value) => new(value.ToString(CultureInfo.InvariantCulture), true, _ => value);

    public static Ex Var(string name) => new(name, false, env => Lookup(env, name));

    public static Ex Times(string name, long k) => new($"{name} * {k}", false, env => Lookup(env, name) * k);

    public static Ex Half(string name) => new($"{name} / 2", false, env => Lookup(env, name) / 2);

    public static Ex Plus(string a, string b) => new($"{a} + {b}", false, env => Lookup(env, a) + Lookup(env, b));

    public long Eval(IReadOnlyDictionary<string, long> env) => _eval(env);

    public bool Is(long value) => IsLiteral && Text == value.ToString(CultureInfo.InvariantCulture);

    public string Render() => IsLiteral ? Text : "\"" + Text + "\"";

    private static long Lookup(IReadOnlyDictionary<string, long> env, string name) =>
        env.TryGetValue(name, out var v) ? v : throw new OracleRejection($"unknown name '{name}'");
}

public abstract record Layer
{
    public abstract string Render();

    protected static string Attr(string name, params string?[] args)
    {
        var list = args.Where(a => a is not null).ToList();
        return list.Count == 0 ? name : name + "(" + string.Join(", ", list) + ")";
    }

    protected static string? Named(string name, Ex value, long fallback) => value.Is(fallback) ? null : $"{name} = {value.Render()}";

    protected static string? Named(string name, long value, long fallback) => value == fallback ? null : $"{name} = {value}";
}

public sealed record ConvLayer(Ex Out, Ex Kernel, Ex Stride, Ex? Padding, Ex Dilation, Ex Groups, bool Bias, long? In) : Layer
{
    /// <summary>Padding null means "same".</summary>
    public bool Same => Padding is null;

    public override string Render() => Attr("Conv", Out.Render(), Named("Kernel", Kernel, 3), Named("Stride", Stride, 1),
        Padding is null ? "Padding = \"same\"" : Named("Padding", Padding, 0), Named("Dilation", Dilation, 1), Named("Groups", Groups, 1),
        Bias ? null : "Bias = false", In is null ? null : $"In = {In}");
}

public sealed record ConvTLayer(Ex Out, Ex Kernel, Ex Stride, Ex Padding, Ex OutputPadding, Ex Dilation, Ex Groups, bool Bias) : Layer
{
    public override string Render() => Attr("ConvTranspose", Out.Render(), Named("Kernel", Kernel, 3), Named("Stride", Stride, 1),
        Named("Padding", Padding, 0), Named("OutputPadding", OutputPadding, 0), Named("Dilation", Dilation, 1), Named("Groups", Groups, 1),
        Bias ? null : "Bias = false");
}

public sealed record BatchNormLayer(long? In) : Layer
{
    public override string Render() => Attr("BatchNorm", In is null ? null : $"In = {In}");
}

public sealed record ActLayer(string Kind, bool Inplace) : Layer
{
    public override string Render() => Kind switch
    {
        "LeakyReLU" => "LeakyReLU(Slope = 0.2)",
        "ReLU" or "ReLU6" => Attr(Kind, Inplace ? "Inplace = true" : null),
        _ => Kind,
    };
}

public sealed record PoolLayer(bool Max, long Kernel, long Stride, long Padding, long Dilation, bool Ceil, bool CountIncludePad) : Layer
{
    public override string Render() => Attr(Max ? "MaxPool" : "AvgPool", Kernel.ToString(CultureInfo.InvariantCulture), Named("Stride", Stride, 0),
        Named("Padding", Padding, 0), Max ? Named("Dilation", Dilation, 1) : null, Ceil ? "CeilMode = true" : null,
        Max || CountIncludePad ? null : "CountIncludePad = false");
}

/// <summary>Adaptive pooling to Size x Size; Size 0 means GlobalAvgPool / GlobalMaxPool.</summary>
public sealed record AdaptiveLayer(bool Max, long Size) : Layer
{
    public override string Render() => Size == 0 ? (Max ? "GlobalMaxPool" : "GlobalAvgPool") : $"{(Max ? "AdaptiveMaxPool" : "AdaptiveAvgPool")}({Size})";
}

public sealed record FlattenLayer : Layer
{
    public override string Render() => "Flatten";
}

public sealed record LinearLayer(long Out, bool Bias, long? In) : Layer
{
    public override string Render() => Attr("Linear", Out.ToString(CultureInfo.InvariantCulture), Bias ? null : "Bias = false", In is null ? null : $"In = {In}");
}

public sealed record DropoutLayer(double P, bool Channelwise) : Layer
{
    public override string Render() => Attr("Dropout", P == 0.5 ? null : P.ToString("R", CultureInfo.InvariantCulture), Channelwise ? "Channelwise = true" : null);
}

public sealed record UpsampleLayer(int Scale, int Height, int Width, bool Bilinear, bool AlignCorners) : Layer
{
    public override string Render() => Attr("Upsample", Scale != 0 && Height == 0 && Width == 0 && !Bilinear ? Scale.ToString(CultureInfo.InvariantCulture) : null,
        Scale != 0 && (Height != 0 || Width != 0 || Bilinear) ? $"Scale = {Scale}" : null,
        Height != 0 ? $"Height = {Height}" : null, Width != 0 ? $"Width = {Width}" : null,
        Bilinear ? "Mode = UpsampleMode.Bilinear" : null, AlignCorners ? "AlignCorners = true" : null);
}

public sealed record IdentityLayer : Layer
{
    public override string Render() => "Identity";
}

public abstract record StageDecl(string Name)
{
    public abstract string Attributes();
}

public sealed record SeqStage(string Name, IReadOnlyList<Layer> Layers) : StageDecl(Name)
{
    public override string Attributes() => string.Join(", ", Layers.Select(l => l.Render()));
}

/// <summary>Projection: 0 Auto, 1 Always, 2 Never.</summary>
public sealed record ShortcutStage(string Name, int Projection) : StageDecl(Name)
{
    public override string Attributes() => Projection switch
    {
        1 => "Shortcut(Projection = Projection.Always)",
        2 => "Shortcut(Projection = Projection.Never)",
        _ => "Shortcut",
    };
}

/// <summary>From: names of earlier stages; a name that is not a field is rendered as a string literal.</summary>
public sealed record SkipStage(string Name, bool Add, IReadOnlyList<string> From, IReadOnlyCollection<string> Fields) : StageDecl(Name)
{
    public override string Attributes() =>
        (Add ? "Add(" : "Concat(") + string.Join(", ", From.Select(f => Fields.Contains(f) ? $"nameof({f})" : $"\"{f}\"")) + ")";
}

public sealed record UseStage(string Name, BlockDecl Block, IReadOnlyList<long> Args, int Repeat) : StageDecl(Name)
{
    public override string Attributes() =>
        $"Use(typeof({Block.Name}){string.Concat(Args.Select(a => ", " + a.ToString(CultureInfo.InvariantCulture)))}{(Repeat == 1 ? "" : $", Repeat = {Repeat}")})";
}

public sealed record ParamDecl(string Name, int? Default, bool FirstRepeatOnly);

public sealed record BlockDecl(string Name, IReadOnlyList<ParamDecl> Params, IReadOnlyList<StageDecl> Stages);

public sealed record NetworkDecl(int Seed, string Namespace, string Name, int InChannels, int Height, int Width,
    IReadOnlyList<StageDecl> Stages, IReadOnlyList<BlockDecl> Blocks)
{
    public string FullName => Namespace + "." + Name;
    public string HintName => FullName + ".g.cs";
    public string Path => $"/src/{Name}.cs";
    public bool Symbolic => Height == 0 || Width == 0;

    public string Source
    {
        get
        {
            var sb = new StringBuilder();
            sb.AppendLine("using NetDsl;");
            sb.AppendLine();
            sb.AppendLine($"namespace {Namespace}");
            sb.AppendLine("{");
            foreach (var block in Blocks)
            {
                sb.AppendLine("    [Block]");
                sb.AppendLine($"    public partial class {block.Name}");
                sb.AppendLine("    {");
                foreach (var p in block.Params)
                    sb.AppendLine($"        [Param{(p.FirstRepeatOnly ? "(FirstRepeatOnly = true)" : "")}] int {p.Name}{(p.Default is int d ? " = " + d : "")};");
                foreach (var s in block.Stages) sb.AppendLine($"        [{s.Attributes()}] Stage {s.Name};");
                sb.AppendLine("    }");
                sb.AppendLine();
            }
            var size = new List<string> { $"InChannels = {InChannels}" };
            if (Height != 0) size.Add($"Height = {Height}");
            if (Width != 0) size.Add($"Width = {Width}");
            sb.AppendLine($"    [Network({string.Join(", ", size)})]");
            sb.AppendLine($"    public partial class {Name}");
            sb.AppendLine("    {");
            foreach (var s in Stages) sb.AppendLine($"        [{s.Attributes()}] Stage {s.Name};");
            sb.AppendLine("    }");
            sb.AppendLine("}");
            return sb.ToString();
        }
    }
}

/// <summary>Draws random declarations. Deterministic per seed.</summary>
public static class RandomNetworks
{
    public static NetworkDecl Create(int seed) => new Builder(seed).Build();

    /// <summary>
    /// A network of 1-3 sliding-window layers (pools, mostly in ceil mode, with padding and dilation; strided and
    /// dilated convs; transposed convs with output padding) over a tiny or symbolic input: the edges of the size
    /// formulas. No deliberate mistakes: whether it is valid is up to the sizes.
    /// </summary>
    public static NetworkDecl CreateWindowEdge(int seed)
    {
        var r = new Random(seed);
        int h = r.Next(4) == 0 ? 0 : r.Next(1, 13);
        int w = r.Next(4) == 0 ? 0 : r.Next(1, 13);
        int c = r.Next(1, 5);
        var layers = new List<Layer>();
        int count = r.Next(1, 4);
        for (int i = 0; i < count; i++)
        {
            int roll = r.Next(10);
            if (roll < 6)
            {
                bool max = r.Next(2) == 0;
                int k = r.Next(1, 6), d = max && r.Next(3) == 0 ? 2 : 1;
                layers.Add(new PoolLayer(max, k, r.Next(3) == 0 ? 0 : r.Next(1, 5), r.Next(0, k / 2 + 1), d, r.Next(4) != 0, r.Next(3) != 0));
            }
            else if (roll < 8)
            {
                int k = r.Next(1, 6);
                layers.Add(new ConvLayer(Ex.Lit(r.Next(1, 5)), Ex.Lit(k), Ex.Lit(r.Next(1, 5)), Ex.Lit(r.Next(0, 4)), Ex.Lit(r.Next(1, 4)), Ex.Lit(1), true, null));
            }
            else
            {
                int s = r.Next(1, 4), d = r.Next(1, 3);
                layers.Add(new ConvTLayer(Ex.Lit(r.Next(1, 5)), Ex.Lit(r.Next(1, 5)), Ex.Lit(s), Ex.Lit(r.Next(0, 3)),
                    Ex.Lit(r.Next(0, Math.Max(s, d))), Ex.Lit(d), Ex.Lit(1), true));
            }
        }
        var stages = layers.Select((l, i) => (StageDecl)new SeqStage("s" + i, new[] { l })).ToList();
        return new NetworkDecl(seed, $"Prop.E{seed}", $"Edge{seed}", c, h, w, stages, Array.Empty<BlockDecl>());
    }

    private static readonly string[] s_activations = { "ReLU", "ReLU6", "LeakyReLU", "GELU", "Sigmoid", "SiLU", "Tanh" };

    /// <summary>
    /// Builds stage after stage while tracking an approximate shape (symbolic axes are tracked at a nominal size),
    /// so that most choices fit; each stage is a deliberate mistake with a small probability.
    /// </summary>
    private sealed class Builder
    {
        private const double MistakeRate = 0.1;
        private const int Nominal = 24;

        private readonly Random _r;
        private readonly int _seed;
        private readonly List<StageDecl> _stages = new();
        private readonly List<(string Name, Shape Shape)> _outputs = new();
        private readonly HashSet<string> _fields = new();
        private BlockDecl? _block;
        private Shape _s;
        private Shape _input;
        private long _pathStride = 1;

        public Builder(int seed)
        {
            _seed = seed;
            _r = new Random(seed);
        }

        private struct Shape
        {
            public long C, H, W;
            public bool Flat;
            public bool SymbolicFeatures;
        }

        private bool Chance(double p) => _r.NextDouble() < p;

        private int Between(int lo, int hi) => _r.Next(lo, hi + 1);

        private T Pick<T>(params T[] items) => items[_r.Next(items.Length)];

        public NetworkDecl Build()
        {
            int c = Between(1, 8);
            int h = Chance(0.3) ? 0 : Between(1, 40);
            int w = Chance(0.3) ? 0 : (Chance(0.5) && h != 0 ? h : Between(1, 40));
            if (Chance(0.02)) c = 0; // mistake: no input channels
            _s = new Shape { C = c, H = h == 0 ? Nominal : h, W = w == 0 ? Nominal : w };
            _input = _s;
            int count = Between(1, 8);
            for (int i = 0; i < count; i++)
            {
                string name = "s" + i;
                _fields.Add(name);
            }
            for (int i = 0; i < count; i++)
            {
                string name = "s" + i;
                bool mistake = Chance(MistakeRate);
                int roll = _r.Next(100);
                StageDecl stage;
                if (roll < 8 && i > 0) stage = ShortcutStage(name, mistake);
                else if (roll < 18 && i > 0) stage = Skip(name, mistake);
                else if (roll < 28 && !_s.Flat) stage = Use(name, mistake);
                else stage = Sequence(name, mistake, h == 0 || w == 0);
                _stages.Add(stage);
                _outputs.Add((name, _s));
            }
            return new NetworkDecl(_seed, $"Prop.D{_seed}", $"Net{_seed}", c, h, w, _stages,
                _block is null ? Array.Empty<BlockDecl>() : new[] { _block });
        }

        // ------------------------------------------------------------------ stages

        private StageDecl ShortcutStage(string name, bool mistake)
        {
            int projection = Chance(0.8) ? 0 : Pick(1, 2);
            var main = _s;
            bool project = projection == 1 || (projection == 0 && (_pathStride != 1 || main.C != _input.C || main.Flat));
            if (project && _pathStride >= 1 && !main.Flat)
            {
                _s.H = (_input.H - 1) / _pathStride + 1;
                _s.W = (_input.W - 1) / _pathStride + 1;
            }
            return new ShortcutStage(name, mistake ? 2 : projection);
        }

        private StageDecl Skip(string name, bool mistake)
        {
            bool add = Chance(0.5);
            var candidates = _outputs.Where(o => add
                    ? o.Shape.Flat == _s.Flat && o.Shape.C == _s.C && o.Shape.H == _s.H && o.Shape.W == _s.W
                    : !o.Shape.Flat && !_s.Flat && o.Shape.H == _s.H && o.Shape.W == _s.W)
                .Select(o => o.Name).ToList();
            List<string> from;
            if (mistake || candidates.Count == 0)
            {
                from = new List<string> { Chance(0.5) || _outputs.Count == 0 ? "nope" : _outputs[_r.Next(_outputs.Count)].Name };
                if (Chance(0.3)) from[0] = "s" + Between(_outputs.Count, _outputs.Count + 2); // this or a later stage (not yet an output)
            }
            else
            {
                from = new List<string> { Pick(candidates.ToArray()) };
                if (!add && candidates.Count > 1 && Chance(0.3)) from.Add(Pick(candidates.ToArray()));
            }
            if (!add && !mistake)
            {
                foreach (var f in from)
                {
                    var o = _outputs.FirstOrDefault(x => x.Name == f);
                    if (o.Name is not null) _s.C += o.Shape.C;
                }
            }
            return new SkipStage(name, add, from, _fields);
        }

        private StageDecl Use(string name, bool mistake)
        {
            _block ??= MakeBlock();
            var args = new List<long> { Between(1, 12) };
            var strideParam = _block.Params.FirstOrDefault(p => p.Name == "stride");
            var kParam = _block.Params.FirstOrDefault(p => p.Name == "k");
            long stride = 1, k = 3;
            if (strideParam is not null && (kParam is not null || Chance(0.6)))
            {
                stride = Chance(0.5) ? 1 : 2;
                args.Add(stride);
            }
            if (kParam is not null && args.Count == 2 && Chance(0.6))
            {
                k = Pick(1, 3, 5);
                args.Add(k);
            }
            int repeat = Chance(0.6) ? 1 : Between(2, 3);
            if (mistake)
            {
                if (Chance(0.5)) args.AddRange(new long[] { 1, 1, 1 }); // too many arguments
                else repeat = 0;
            }
            // Approximate tracking: every copy keeps the spatial size except for the stride.
            for (int i = 0; i < Math.Max(repeat, 1); i++)
            {
                long s = i == 0 || strideParam is null || !strideParam.FirstRepeatOnly ? stride : 1;
                _s.H = (_s.H - 1) / s + 1;
                _s.W = (_s.W - 1) / s + 1;
                _pathStride *= s;
                _s.C = BlockOutChannels(_block, _s.C, args[0]);
            }
            return new UseStage(name, _block, args, repeat);
        }

        private static long BlockOutChannels(BlockDecl block, long inChannels, long c)
        {
            long channels = inChannels;
            var env = new Dictionary<string, long> { ["in_channels"] = inChannels, ["c"] = c, ["stride"] = 1, ["k"] = 3 };
            foreach (var stage in block.Stages)
            {
                if (stage is SeqStage seq)
                {
                    foreach (var l in seq.Layers)
                    {
                        if (l is ConvLayer conv)
                        {
                            try { channels = conv.Out.Eval(env); } catch (OracleRejection) { }
                        }
                    }
                }
                else if (stage is SkipStage { Add: false })
                {
                    channels += c; // concats of bn1 (c channels)
                }
            }
            return channels;
        }

        private BlockDecl MakeBlock()
        {
            var ps = new List<ParamDecl> { new("c", null, false) };
            bool hasStride = Chance(0.6), hasK = Chance(0.3);
            if (hasStride) ps.Add(new ParamDecl("stride", 1, Chance(0.6)));
            if (hasK) ps.Add(new ParamDecl("k", 3, false));
            var stages = new List<StageDecl>();
            var fields = new HashSet<string> { "conv1", "bn1", "act1", "conv2", "join", "skip" };
            Ex kernel = hasK ? Ex.Var("k") : Ex.Lit(Pick(1, 3, 5));
            Ex padding = hasK ? Ex.Half("k") : Ex.Lit(kernel.Eval(new Dictionary<string, long>()) / 2);
            Ex stride = hasStride ? Ex.Var("stride") : Ex.Lit(1);
            Ex out1 = Chance(0.05) ? Ex.Var("planes") : Ex.Var("c"); // mistake: unknown parameter
            stages.Add(new SeqStage("conv1", new Layer[] { new ConvLayer(out1, kernel, stride, padding, Ex.Lit(1), Ex.Lit(1), false, null) }));
            stages.Add(new SeqStage("bn1", new Layer[] { new BatchNormLayer(null) }));
            stages.Add(new SeqStage("act1", new Layer[] { new ActLayer(Pick(s_activations), false) }));
            int roll = _r.Next(4);
            if (roll == 0)
            {
                stages.Add(new SeqStage("conv2", new Layer[] { new ConvLayer(Ex.Var("c"), Ex.Lit(1), Ex.Lit(1), Ex.Lit(0), Ex.Lit(1), Ex.Lit(1), true, null) }));
                stages.Add(new SkipStage("join", true, new[] { "conv1" }, fields));
            }
            else if (roll == 1)
            {
                stages.Add(new SkipStage("join", false, new[] { "bn1" }, fields));
            }
            else if (roll == 2)
            {
                var out2 = Pick(Ex.Var("c"), Ex.Times("c", 2), Ex.Var("in_channels"), Ex.Plus("c", "in_channels"));
                stages.Add(new SeqStage("conv2", new Layer[] { new ConvLayer(out2, Ex.Lit(1), Ex.Lit(1), Ex.Lit(0), Ex.Lit(1), Ex.Lit(1), false, null), new BatchNormLayer(null) }));
            }
            if (Chance(0.6)) stages.Add(new ShortcutStage("skip", Chance(0.8) ? 0 : Pick(1, 2)));
            return new BlockDecl($"Blk{_seed}", ps, stages);
        }

        // ------------------------------------------------------------------ sequences

        private StageDecl Sequence(string name, bool mistake, bool symbolic)
        {
            int n = Chance(0.5) ? 1 : Between(2, 3);
            int wrong = mistake ? _r.Next(n) : -1;
            var layers = new List<Layer>();
            for (int i = 0; i < n; i++) layers.Add(NextLayer(i == wrong, symbolic));
            return new SeqStage(name, layers);
        }

        private Layer NextLayer(bool mistake, bool symbolic)
        {
            if (_s.Flat) return FlatLayer(mistake);
            int roll = _r.Next(100);
            if (roll < 26) return Conv(mistake);
            if (roll < 33) return ConvT(mistake);
            if (roll < 41) return BatchNorm(mistake);
            if (roll < 51) return new ActLayer(Pick(s_activations), Chance(0.2));
            if (roll < 63) return Pool(mistake);
            if (roll < 70)
            {
                long size = Chance(0.5) ? 0 : Between(1, 4);
                _s.H = _s.W = Math.Max(size, 1);
                _pathStride = size <= 1 ? _pathStride : 0;
                return new AdaptiveLayer(Chance(0.3), size);
            }
            if (roll < 78)
            {
                if (symbolic && _s.H * _s.W > 1 && Chance(0.6) && !mistake)
                {
                    // Usually pool to a fixed size first, so symbolic networks can end in a Linear.
                    _s.H = _s.W = 1;
                    return new AdaptiveLayer(false, 0);
                }
                _s.Flat = true;
                _s.SymbolicFeatures = symbolic && _s.H * _s.W > 1;
                _s.C = _s.C * _s.H * _s.W;
                return new FlattenLayer();
            }
            if (roll < 83) return new DropoutLayer(Pick(0.1, 0.5), Chance(0.4));
            if (roll < 92) return Upsample(mistake);
            if (roll < 96) return new IdentityLayer();
            return mistake ? new LinearLayer(Between(1, 16), true, null) : new ActLayer(Pick(s_activations), false);
        }

        private Layer FlatLayer(bool mistake)
        {
            if (mistake)
            {
                return _r.Next(3) switch
                {
                    0 => new ConvLayer(Ex.Lit(4), Ex.Lit(1), Ex.Lit(1), Ex.Lit(0), Ex.Lit(1), Ex.Lit(1), true, null),
                    1 => new LinearLayer(Between(1, 16), true, _s.C + 1),
                    _ => new DropoutLayer(0.5, true),
                };
            }
            if (_s.SymbolicFeatures && Chance(0.25)) return new BatchNormLayer(null); // NetDsl needs a fixed feature count here
            int roll = _r.Next(100);
            if (roll < 55)
            {
                long outF = Between(1, 16);
                long? inF = Chance(0.2) ? _s.C : null;
                _s.C = outF;
                _s.SymbolicFeatures = false;
                return new LinearLayer(outF, Chance(0.8), inF);
            }
            if (roll < 67) return new BatchNormLayer(Chance(0.2) ? _s.C : null);
            if (roll < 77) return new DropoutLayer(0.2, false);
            if (roll < 87) return new FlattenLayer();
            if (roll < 95) return new ActLayer(Pick(s_activations), false);
            return new IdentityLayer();
        }

        private long[] Divisors(long a, long b)
        {
            var list = new List<long>();
            for (long g = 1; g <= Math.Min(a, b); g++)
                if (a % g == 0 && b % g == 0) list.Add(g);
            return list.ToArray();
        }

        private Layer Conv(bool mistake)
        {
            long cin = _s.C;
            long cout = Between(1, 16);
            long k = Between(1, 5), s = Chance(0.6) ? 1 : Between(2, 3), d = Chance(0.7) ? 1 : Between(2, 3);
            bool same = s == 1 && Chance(0.2);
            long p = Between(0, 3);
            long g = 1;
            if (Chance(0.25))
            {
                var divisors = Divisors(Math.Max(cin, 1), cout);
                g = Pick(divisors);
            }
            long? expectIn = Chance(0.15) ? cin : null;
            int kind = mistake ? _r.Next(4) : -1;
            if (kind == 0) same = true; // possibly with stride > 1
            if (kind == 1) g = Between(2, 5);
            if (kind == 2) expectIn = cin + 1;
            if (kind == 3) k = Math.Max(_s.H, _s.W) + 2 * p + 1;
            if (kind != 3 && !same)
            {
                long room = Math.Min(_s.H, _s.W) + 2 * p;
                while ((k - 1) * d + 1 > room && (k > 1 || d > 1))
                {
                    if (d > 1) d--;
                    else k--;
                }
            }
            if (!same)
            {
                _s.H = (_s.H + 2 * p - ((k - 1) * d + 1)) / s + 1;
                _s.W = (_s.W + 2 * p - ((k - 1) * d + 1)) / s + 1;
                _pathStride *= s;
            }
            _s.C = cout;
            return new ConvLayer(Ex.Lit(cout), Ex.Lit(k), Ex.Lit(s), same ? null : Ex.Lit(p), Ex.Lit(d), Ex.Lit(g), Chance(0.8), expectIn);
        }

        private Layer ConvT(bool mistake)
        {
            long cin = _s.C;
            long cout = Between(1, 16);
            long k = Between(1, 4), s = Chance(0.5) ? 1 : Between(2, 3), d = Chance(0.8) ? 1 : 2;
            long p = Between(0, 2);
            long op = Math.Max(s, d) > 1 && Chance(0.4) ? Between(1, (int)Math.Max(s, d) - 1) : 0;
            if (mistake) op = Math.Max(s, d);
            long g = Chance(0.2) ? Pick(Divisors(Math.Max(cin, 1), cout)) : 1;
            while (Math.Max(_s.H, _s.W) * s > 48 && s > 1) s--;
            if (op >= Math.Max(s, d) && !mistake) op = 0;
            long ext = (k - 1) * d + 1;
            if ((Math.Min(_s.H, _s.W) - 1) * s - 2 * p + ext + op < 1) p = 0;
            _s.H = (_s.H - 1) * s - 2 * p + ext + op;
            _s.W = (_s.W - 1) * s - 2 * p + ext + op;
            _s.C = cout;
            _pathStride = s == 1 ? _pathStride : 0;
            return new ConvTLayer(Ex.Lit(cout), Ex.Lit(k), Ex.Lit(s), Ex.Lit(p), Ex.Lit(op), Ex.Lit(d), Ex.Lit(g), Chance(0.8));
        }

        private Layer BatchNorm(bool mistake) => new BatchNormLayer(mistake ? _s.C + 1 : Chance(0.15) ? _s.C : null);

        private Layer Pool(bool mistake)
        {
            bool max = Chance(0.55);
            long k = Between(1, 4);
            long s = Chance(0.5) ? 0 : Between(1, 3);
            long d = max && Chance(0.2) ? 2 : 1;
            long ext = (k - 1) * d + 1;
            long p = Chance(0.6) ? 0 : Between(0, (int)(ext / 2));
            if (mistake) p = ext / 2 + 1;
            bool ceil = Chance(0.35);
            long room = Math.Min(_s.H, _s.W);
            while ((k - 1) * d + 1 > room + 2 * p && (k > 1 || d > 1))
            {
                if (d > 1) d--;
                else k--;
                if (!mistake) p = Math.Min(p, ((k - 1) * d + 1) / 2);
            }
            long stride = s == 0 ? k : s;
            _s.H = PoolOut(_s.H, k, stride, p, d, ceil);
            _s.W = PoolOut(_s.W, k, stride, p, d, ceil);
            _pathStride *= stride;
            return new PoolLayer(max, k, s, p, d, ceil, Chance(0.8));
        }

        private static long PoolOut(long n, long k, long s, long p, long d, bool ceil)
        {
            long span = n + 2 * p - ((k - 1) * d + 1);
            if (!ceil) return (long)Math.Floor(span / (double)s) + 1;
            long o = (long)Math.Ceiling(span / (double)s) + 1;
            if ((o - 1) * s >= n + p) o--;
            return o;
        }

        private Layer Upsample(bool mistake)
        {
            bool bilinear = Chance(0.4);
            bool align = bilinear && Chance(0.5);
            if (mistake) return new UpsampleLayer(2, 4, 4, bilinear, align); // both scale and size
            if (Chance(0.3))
            {
                int hh = Between(1, 20), ww = Between(1, 20);
                _s.H = hh;
                _s.W = ww;
                _pathStride = 0;
                return new UpsampleLayer(0, hh, ww, bilinear, align);
            }
            int scale = Math.Max(_s.H, _s.W) * 3 <= 48 ? Between(1, 3) : Math.Max(_s.H, _s.W) * 2 <= 48 ? Between(1, 2) : 1;
            _s.H *= scale;
            _s.W *= scale;
            _pathStride = scale == 1 ? _pathStride : 0;
            return new UpsampleLayer(scale, 0, 0, bilinear, align);
        }
    }
}
