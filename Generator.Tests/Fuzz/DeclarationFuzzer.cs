using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NetDsl.Generator.Tests.Fuzz;

/// <summary>One random declaration: its own file and namespace, so a batch can compile many of them together.</summary>
public sealed record FuzzDecl(int Seed, string Namespace, string Source, IReadOnlyList<string> Features)
{
    public string Path => $"/fuzz/{Namespace}.cs";
    public string NetworkHint => Namespace + ".Net.g.cs";
}

/// <summary>
/// Random NetDsl declarations as source text: every layer and composition attribute, blocks with parameters and
/// expressions, symbolic sizes, octave runs, pyramids, taps and outputs, dilation rewrites, and extreme numbers
/// (0, negatives, int.MaxValue, int.MinValue, 2^16...). Most arguments are plausible, so a good share is accepted;
/// the rest exercises the error paths. Known-defect classes appear only when <see cref="FuzzOptions.KnownDefects"/>
/// asks for them. Deterministic per seed: <c>DeclarationFuzzer.Create(seed, options)</c> reproduces a failure.
/// </summary>
public sealed class DeclarationFuzzer
{
    private readonly Random _r;
    private readonly FuzzOptions _o;
    private readonly int _seed;
    private readonly HashSet<string> _features = new(StringComparer.Ordinal);
    private readonly List<string> _blocks = new();
    private readonly List<string> _stageNames = new();
    private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
    private bool _symbolic;
    private bool _hasDilatedStack;
    /// <summary>An octave convolution came before (G2: a [Mul] after it does not compile).</summary>
    private bool _sawOctave;

    private DeclarationFuzzer(int seed, FuzzOptions options)
    {
        _seed = seed;
        _r = new Random(seed);
        _o = options;
    }

    public static FuzzDecl Create(int seed, FuzzOptions options) => new DeclarationFuzzer(seed, options).Build();

    // ------------------------------------------------------------------ randomness

    private bool Chance(double p) => _r.NextDouble() < p;
    private int Between(int lo, int hi) => _r.Next(lo, hi + 1);
    private T Pick<T>(params T[] items) => items[_r.Next(items.Length)];
    private void Feature(string name) => _features.Add(name);

    private static readonly string[] s_extremeInts = { "0", "-1", "-7", "int.MaxValue", "int.MinValue", "65536", "1048576", "2147483646", "-2147483647" };
    private static readonly string[] s_safeExtremeInts = { "0", "-1", "-7", "65536", "-65536" };

    /// <summary>A plausible int in [lo, hi], or now and then an extreme one.</summary>
    private string Int(int lo, int hi, double extreme = 0.025)
    {
        if (Chance(extreme))
        {
            Feature("extreme int");
            return _o.Includes(KnownDefect.Overflow) ? Pick(s_extremeInts) : Pick(s_safeExtremeInts);
        }
        return Between(lo, hi).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A dilation: small, sometimes extreme; the huge ones (hangs, B1) only with <see cref="KnownDefect.HugeDilation"/>.</summary>
    private string Dilation()
    {
        if (Chance(0.04))
        {
            Feature("extreme int");
            return _o.Includes(KnownDefect.HugeDilation) && _hasDilatedStack ? Pick("int.MaxValue", "2147483647", "1073741824") : Pick("0", "-1", "-3");
        }
        return Chance(0.7) ? "1" : Between(2, 5).ToString(CultureInfo.InvariantCulture);
    }

    private static readonly string[] s_extremeDoubles = { "-1.0", "0.0", "1.5", "2.0", "1e308", "double.Epsilon", "-0.0", "1e-300" };
    private static readonly string[] s_nonFinite = { "double.NaN", "double.PositiveInfinity", "double.NegativeInfinity" };

    private string Double(params double[] plausible)
    {
        if (Chance(0.06))
        {
            Feature("extreme double");
            return _o.Includes(KnownDefect.NonFiniteDoubles) && Chance(0.4) ? Pick(s_nonFinite) : Pick(s_extremeDoubles);
        }
        return Pick(plausible).ToString("0.0#####", CultureInfo.InvariantCulture);
    }

    // ------------------------------------------------------------------ names

    private static readonly string[] s_stageStems = { "conv", "bn", "relu", "pool", "layer", "head", "block", "down", "up", "fc", "stem", "branch", "s", "x", "features", "classifier" };
    private static readonly string[] s_keywordNames = { "@in", "@event", "@return", "@class", "@checked", "@base", "@this", "@out", "@params" };
    private static readonly string[] s_clashingNames = { "forward", "Summary", "Stages", "nn", "torch", "Dispose", "register_module", "InChannels", "Tensor", "Outputs", "forward_all" };

    private string StageName(int i, string suffix = "")
    {
        string name;
        if (_o.Includes(KnownDefect.KeywordNames) && Chance(0.05))
        {
            name = Pick(s_keywordNames);
            Feature("keyword name");
        }
        else if (_o.Includes(KnownDefect.ClashingNames) && Chance(0.05))
        {
            name = Chance(0.5) && _stageNames.Count > 0 ? "_" + _stageNames[^1].TrimStart('@') : Pick(s_clashingNames);
            Feature("clashing name");
        }
        else
        {
            name = Pick(s_stageStems) + i.ToString(CultureInfo.InvariantCulture) + suffix;
            // Same-looking names that are still distinct C# identifiers.
            if (Chance(0.03)) name = name.ToUpperInvariant();
        }
        if (!_usedNames.Add(name)) name = "s" + i.ToString(CultureInfo.InvariantCulture) + "_" + _usedNames.Count.ToString(CultureInfo.InvariantCulture);
        _usedNames.Add(name);
        _stageNames.Add(name);
        return name;
    }

    private string Earlier() => _stageNames.Count == 0 ? "nope" : _stageNames[_r.Next(_stageNames.Count)];

    private static string NameOf(string stage) => stage.StartsWith('@') ? $"\"{stage.Substring(1)}\"" : $"nameof({stage})";

    // ------------------------------------------------------------------ the declaration

    private FuzzDecl Build()
    {
        var ns = "Fz.D" + _seed.ToString(CultureInfo.InvariantCulture).Replace('-', 'm');
        var net = new StringBuilder();
        _symbolic = Chance(0.3);
        int c = Chance(0.04) ? int.Parse(Pick("0", "-1", "65536"), CultureInfo.InvariantCulture) : Between(1, 16);
        var args = new List<string> { $"InChannels = {c}" };
        if (!_symbolic)
        {
            int h = Between(1, 48);
            args.Add($"Height = {(Chance(0.03) ? Pick("0", "-8", _o.Includes(KnownDefect.Overflow) ? "int.MaxValue" : "4096") : h.ToString(CultureInfo.InvariantCulture))}");
            args.Add($"Width = {(Chance(0.5) ? h.ToString(CultureInfo.InvariantCulture) : Int(1, 48))}");
        }
        else
        {
            Feature("symbolic size");
            if (Chance(0.2)) args.Add($"Height = {Between(1, 48)}");
        }
        if (Chance(0.03)) args.Add($"OutputStride = {Pick("4", "8", "16", "3", "1", "-8")}");
        if (Chance(0.03))
        {
            if (_o.Includes(KnownDefect.SilentlyAccepted)) args.Add($"Batch = {Pick("0", "-1")}");
            else args.Add($"Batch = {Between(1, 4)}");
        }

        int count = Between(1, 6);
        var stages = new List<string>();
        if (_o.Includes(KnownDefect.HugeDilation) && Chance(0.01))
        {
            // B1 as it hangs: a valid 3x3 conv, then one whose padding keeps the huge dilation past the kernel check.
            Feature("huge dilation");
            args = new List<string> { "InChannels = 3", "Height = 16", "Width = 16" };
            stages.Add("[Conv(8, Kernel = 3, Padding = 1)] Stage conv0;");
            stages.Add($"[Conv(8, Kernel = 3, Padding = 2147483647, Dilation = {Pick("2147483647", "1073741824")})] Stage conv1;");
            count = 0;
        }
        for (int i = 0; i < count; i++) stages.AddRange(Stage(i, count));
        // G1: a network with outputs cannot have a [Scale] stage yet (its forward_all calls the parameter).
        bool scales = stages.Any(s => s.StartsWith("[Scale", StringComparison.Ordinal));
        if (Chance(0.12) && (!scales || _o.Includes(KnownDefect.ScaleWithOutputs)))
        {
            if (scales) Feature("scale with outputs");
            stages.AddRange(SideHead(stages));
        }

        string className = "Net";
        string head = "public partial class";
        string attributes = $"[Network({string.Join(", ", args)})]";
        if (_o.Includes(KnownDefect.NetworkAndBlock) && Chance(0.01)) { attributes += "\n    [Block]"; Feature("network and block"); }
        if (_o.Includes(KnownDefect.UserMembers) && Chance(0.02)) { head = "public partial record"; Feature("partial record"); }
        if (_o.Includes(KnownDefect.SilentlyAccepted) && Chance(0.01)) { head = "public abstract partial class"; Feature("abstract"); }
        if (_o.Includes(KnownDefect.UserMembers) && Chance(0.02)) { stages.Add("public Net() { }"); Feature("own constructor"); }

        net.AppendLine("using NetDsl;");
        net.AppendLine();
        net.AppendLine($"namespace {ns}");
        net.AppendLine("{");
        foreach (var b in _blocks) net.Append(b).AppendLine();
        if (_o.Includes(KnownDefect.SilentlyAccepted) && Chance(0.01))
        {
            net.AppendLine("    public partial class Orphan { [Conv(8, Kernel = 3)] Stage conv; }");
            Feature("orphan stages");
        }
        net.AppendLine("    " + attributes);
        net.AppendLine($"    {head} {className}");
        net.AppendLine("    {");
        foreach (var s in stages) net.AppendLine("        " + s);
        net.AppendLine("    }");
        net.AppendLine("}");
        return new FuzzDecl(_seed, ns, net.ToString(), _features.OrderBy(f => f, StringComparer.Ordinal).ToList());
    }

    private IEnumerable<string> Stage(int i, int count)
    {
        int roll = _r.Next(100);
        if (roll < 6 && i > 0) { Feature("Shortcut"); return new[] { $"[{Shortcut()}] Stage {StageName(i)};" }; }
        if (roll < 12 && i > 0)
        {
            bool add = Chance(0.5);
            Feature(add ? "Add" : "Concat");
            string from = Chance(0.1) ? "\"nope\"" : Chance(0.1) ? "From.Input" : NameOf(Earlier());
            if (from == "From.Input") Feature("From.Input");
            if (_o.Includes(KnownDefect.NullStageName) && Chance(0.05)) { from = "null"; Feature("null stage name"); }
            if (!add && Chance(0.2) && _stageNames.Count > 1) from += ", " + NameOf(Earlier());
            if (!add && Chance(0.3)) { from += ", EarlierFirst = true"; Feature("EarlierFirst"); }
            return new[] { $"[{(add ? "Add" : "Concat")}({from})] Stage {StageName(i)};" };
        }
        if (roll < 14 && i > 0 && (!_sawOctave || _o.Includes(KnownDefect.MulAfterOctave)))
        {
            // An element-wise product with an earlier stage (broadcast, or NDSL0075).
            Feature("Mul");
            string from = Chance(0.1) ? "\"nope\"" : Chance(0.15) ? "From.Input" : NameOf(Earlier());
            if (from == "From.Input") Feature("From.Input");
            if (_o.Includes(KnownDefect.NullStageName) && Chance(0.05)) { from = "null"; Feature("null stage name"); }
            return new[] { $"[Mul({from})] Stage {StageName(i)};" };
        }
        if (roll < 24) return new[] { $"[{Use()}] Stage {StageName(i)};" };
        if (roll < 28) return new[] { $"[{Branches()}] Stage {StageName(i)};" };
        if (roll < 34) return OctaveRun(i);
        if (roll < 40) return ChannelsLastRun(i);
        if (roll < 43) return new[] { $"[{ScaleLayer()}] Stage {StageName(i)};" };

        int layers = Chance(0.5) ? 1 : Between(2, 3);
        var list = new List<string>();
        for (int k = 0; k < layers; k++) list.Add(Layer());
        if (Chance(0.02)) list.Add(Pick("Use(typeof(int))", "Shortcut", "Join(Join.Sum)"));
        return new[] { $"[{string.Join(", ", list)}] Stage {StageName(i)};" };
    }

    private string Shortcut() => Pick("Shortcut", "Shortcut", "Shortcut(Projection = Projection.Always)", "Shortcut(Projection = Projection.Never)");

    // ------------------------------------------------------------------ layers

    private bool _flat;

    private string Layer()
    {
        if (_flat && Chance(0.9))
        {
            // After a Flatten, mostly what takes [N, F].
            var flat = Pick($"Linear({Int(1, 32)})", "BatchNorm", "Dropout(0.2)", "ReLU", "Identity", "Flatten", "Sigmoid", $"LeakyReLU(Slope = {Double(0.1)})",
                Opt("LayerNorm", P("Eps", Double(1e-6, 1e-5), 0.4)), "Hardswish", $"StochasticDepth({Double(0.1, 0.0)})");
            Feature(flat.Split('(')[0]);
            return flat;
        }
        int roll = _r.Next(110);
        string a = roll switch
        {
            >= 100 => ModernLayer(),
            < 16 => Conv(),
            < 20 => ConvTranspose(),
            < 24 => SeparableConv(),
            < 31 => Opt("BatchNorm", P("Eps", Double(1e-5, 1e-3), 0.15), P("Momentum", Double(0.1, 0.01, 0.9), 0.15), P("In", Int(1, 16), 0.1)),
            < 40 => Activation(),
            < 46 => Pool(),
            < 50 => $"{Pick("AdaptiveAvgPool", "AdaptiveMaxPool")}({Int(1, 4)})",
            < 54 => Pick("GlobalAvgPool", "GlobalMaxPool"),
            < 58 => "Flatten",
            < 63 => (Chance(0.6) ? Pick("GlobalAvgPool, Flatten, ", "AdaptiveMaxPool(2), Flatten, ", "Flatten, ") : "") + Opt("Linear", Int(1, 32), P("Bias", "false", 0.2), P("In", Int(1, 64), 0.1)),
            < 66 => Opt("Dropout", Chance(0.5) ? Double(0.1, 0.5, 0.0) : null, P("Channelwise", "true", 0.3)),
            < 71 => Upsample(),
            < 73 => "Identity",
            < 76 => $"SPP({string.Join(", ", Enumerable.Range(0, Between(1, 3)).Select(_ => Int(1, 4)))}{(Chance(0.3) ? ", Mode = PoolMode.Average" : "")})",
            < 79 => Opt("ASPP", Rates(), P("Out", Int(1, 16), 0.7)),
            < 81 => $"DeepLabHead({Int(1, 8)})",
            < 83 => $"FCNHead({Int(1, 8)})",
            < 86 => Opt(Pick("DSPP", "MDSPP"), P("Filters", Filters(), 0.9), P("Bins", Bins(), 0.4)),
            < 89 => Opt("ASPPv2", Int(1, 8) + ", " + Rates(), P("Hidden", Int(0, 8), 0.5)),
            < 94 => Opt("Downsample", "DownsampleKind." + Pick("MaxPool", "AvgPool", "StridedConv", "Hwd"), P("Out", Int(0, 16), 0.5), P("ReLU", "false", 0.2)),
            < 98 => WTConvAfter(Between(1, 16)) + Opt("WTConv", "{wt}", P("Kernel", Int(1, 5), 0.5), P("Levels", Int(1, 3), 0.5), P("Stride", Int(1, 2), 0.2),
                P("Wavelet", "\"" + Pick("db1", "haar", "db2", "sym2", "coif1", "bior1.3", "db99", "") + "\"", 0.4)),
            _ => OctConv(0.0, Pick(0.0, 0.25, 0.5)),
        };
        if (a.Contains("{wt}", StringComparison.Ordinal)) a = a.Replace("{wt}", Chance(0.9) ? _wtChannels : Int(1, 16));
        foreach (var name in a.Split(", ").Select(p => p.Split('(')[0].TrimEnd(')')).Where(n => n.Length > 0 && char.IsUpper(n[0]) && !n.Contains(' '))) Feature(name);
        if (a.Contains("Flatten", StringComparison.Ordinal) || a.StartsWith("Linear", StringComparison.Ordinal)) _flat = true;
        if (a.Contains("OctConv", StringComparison.Ordinal)) _sawOctave = true;
        if (_o.Includes(KnownDefect.SilentlyAccepted) && Chance(0.005)) { Feature("silently accepted"); return Pick("SPP", "ASPPv2(3)", "DSPP(Bins = new int[0])", "Conv(8, Kernel = null)"); }
        return a;
    }

    /// <summary>Norms over the channels of an NCHW map, and stochastic depth (numbers; block expressions in <see cref="NewBlock"/>).</summary>
    private string ModernLayer() => _r.Next(4) switch
    {
        // GroupNorm mostly after a conv to a count its groups divide, now and then one they do not divide (NDSL0010).
        0 => (Chance(0.7) ? $"Conv({Pick("8", "12", "16")}, Kernel = 1), " : "") + Opt("GroupNorm", Chance(0.8) ? Pick("1", "2", "4") : Int(3, 7), P("Eps", Double(1e-5, 1e-6), 0.3)),
        1 => Opt("LayerNorm2d", P("Eps", Double(1e-6, 1e-5), 0.5)),
        2 => Opt("StochasticDepth", _o.Includes(KnownDefect.NullProbability) && Chance(0.05) ? "null" : Double(0.1, 0.2, 0.0, 0.5), P("Mode", "StochasticDepthMode." + Pick("Row", "Batch"), 0.4)),
        // Mistakes: LayerNorm on an NCHW map (NDSL0076), a learnable scale inside a sequence (NDSL0017); or a hand-written module
        // (NetDsl's LayerNorm2d, a plain TorchSharp module) with its contract, in the same draw so the other draws stay as they were.
        _ => Pick("LayerNorm", "Conv(4, Kernel = 1), Scale", "Module(typeof(NetDsl.Normalization.LayerNorm2d), \"channels\", 1e-6, Params = \"2 * channels\")"),
    };

    /// <summary>
    /// ConvNeXt's channels-last run: Permute to NHWC, LayerNorm / Linear / GELU on the channels of every pixel, Permute
    /// back; in one stage or split over two, with some mistakes (no permute back, a conv or BatchNorm on the NHWC map, a
    /// permutation that is none).
    /// </summary>
    private IEnumerable<string> ChannelsLastRun(int i)
    {
        Feature("channels-last run");
        Feature("Permute");
        var toLast = Chance(0.95) ? "Permute(0, 2, 3, 1)" : Pick("Permute(0, 2, 2, 1)", "Permute(0, 2, 1, 3)", "Permute(1, 0, 2, 3)", "Permute(0, 1, 3, 2)", "Permute(0, 3, 1)");
        var middle = new List<string>();
        if (Chance(0.8)) { middle.Add(Opt("LayerNorm", P("Eps", Double(1e-6, 1e-5), 0.6))); Feature("LayerNorm"); }
        if (Chance(0.7))
        {
            string hidden = Int(4, 32);
            middle.Add(Opt("Linear", hidden, P("Bias", "false", 0.1)));
            middle.Add(Pick("GELU", "GELU", "ReLU", "Hardswish"));
            middle.Add($"Linear({Int(1, 16)})");
            Feature("Linear");
            Feature("GELU");
        }
        if (Chance(0.05)) middle.Add(Pick("BatchNorm", "Conv(4, Kernel = 1)", "LayerNorm2d", "GroupNorm(1)", "MaxPool(2)"));
        if (Chance(0.1)) middle.Add($"StochasticDepth({Double(0.1)})");
        string back = Chance(0.92) ? "Permute(0, 3, 1, 2)" : Chance(0.5) ? "Permute(0, 2, 3, 1)" : "";
        foreach (var name in middle.Select(m => m.Split('(')[0])) Feature(name);
        if (Chance(0.3) && middle.Count > 0)
        {
            // Split over two stages: the map stays channels-last between them.
            var first = new[] { toLast }.Concat(middle.Take(1));
            var second = middle.Skip(1).Concat(back.Length > 0 ? new[] { back } : Array.Empty<string>()).ToList();
            var list = new List<string> { $"[{string.Join(", ", first)}] Stage {StageName(i)};" };
            // A scale on the channels-last map: timm's (C) gamma fits, torchvision's (C, 1, 1) does not (NDSL0075).
            if (Chance(0.3)) list.Add($"[{ScaleLayer()}] Stage {StageName(i, "_s")};");
            if (second.Count > 0) list.Add($"[{string.Join(", ", second)}] Stage {StageName(i, "_b")};");
            return list;
        }
        var all = new[] { toLast }.Concat(middle).Concat(back.Length > 0 ? new[] { back } : Array.Empty<string>());
        return new[] { $"[{string.Join(", ", all)}] Stage {StageName(i)};" };
    }

    /// <summary>A learnable per-channel scale on a stage of its own, in both shapes (ChannelMap on an NCHW map, Channels on either).</summary>
    private string ScaleLayer()
    {
        Feature("Scale");
        return Opt("Scale", P("Init", Double(1e-6, 1.0, 0.5), 0.7), P("Shape", "ScaleShape." + Pick("ChannelMap", "Channels"), 0.5));
    }

    private string Pool()
    {
        int k = Between(1, 4);
        string kernel = Chance(0.035) ? Pick(s_safeExtremeInts) : k.ToString(CultureInfo.InvariantCulture);
        return Opt(Pick("MaxPool", "AvgPool"), kernel, P("Stride", Int(1, 3), 0.4), P("Padding", Int(0, k / 2), 0.3), P("CeilMode", "true", 0.2));
    }

    private string _wtChannels = "8";

    /// <summary>WTConv keeps the channel count: most often a 1x1 conv to a known count first.</summary>
    private string WTConvAfter(int channels)
    {
        _wtChannels = channels.ToString(CultureInfo.InvariantCulture);
        return Chance(0.8) ? $"Conv({_wtChannels}, Kernel = 1), " : "";
    }

    private string Filters() => _o.Includes(KnownDefect.Overflow) && Chance(0.05) ? "int.MaxValue" : Int(1, 16);

    private string Rates()
    {
        int n = Between(1, 4);
        var rates = Enumerable.Range(0, n).Select(_ => Chance(0.1) ? Int(1, 3) : Pick("1", "2", "3", "6", "12", "18")).ToList();
        return string.Join(", ", rates);
    }

    private string Bins()
    {
        int n = Between(1, 4);
        return "new[] { " + string.Join(", ", Enumerable.Range(0, n).Select(_ => Int(1, 8))) + " }";
    }

    private string Conv()
    {
        string k = Int(1, 5);
        string d = Dilation();
        _hasDilatedStack = true;
        string pad = Chance(0.15) ? Pick("\"same\"", "\"valid\"", "\"bogus\"") : Int(0, 3);
        // B1 needs the padding to match, or the kernel check (NDSL0008) stops it first.
        if (d.Length > 6) pad = d;
        return Opt("Conv", Int(1, 32), P("Kernel", k, 0.8), P("Stride", Int(1, 3), 0.4), P("Padding", pad, d.Length > 6 ? 1 : 0.6), P("Dilation", d, d.Length > 6 ? 1 : 0.25),
            P("Groups", Int(1, 4), 0.15), P("Bias", "false", 0.2), P("In", Int(1, 16), 0.08));
    }

    private string ConvTranspose() =>
        Opt("ConvTranspose", Int(1, 16), P("Kernel", Int(1, 4), 0.8), P("Stride", Chance(0.1) && _o.Includes(KnownDefect.Overflow) ? "int.MaxValue" : Int(1, 3), 0.6),
            P("Padding", Int(0, 2), 0.4), P("OutputPadding", Int(0, 2), 0.2), P("Dilation", Dilation(), 0.15), P("Groups", Int(1, 2), 0.1));

    private string SeparableConv() =>
        Opt("SeparableConv", Int(1, 16), P("Kernel", Int(1, 5), 0.5), P("Stride", Int(1, 2), 0.2), P("Padding", Chance(0.5) ? Int(0, 2) : "\"same\"", 0.4),
            P("Dilation", Dilation(), 0.2), P("Bias", "false", 0.2));

    private string Activation() => Pick(
        "ReLU", "ReLU(Inplace = true)", "ReLU6", $"LeakyReLU(Slope = {Double(0.01, 0.2, 0.0)})", "GELU", "Sigmoid", "SiLU", "Tanh",
        "Hardswish", "Hardswish(Inplace = true)", "Hardsigmoid", "Hardsigmoid(Inplace = true)");

    private string Upsample() => _r.Next(4) switch
    {
        0 => $"Upsample({(Chance(0.1) && _o.Includes(KnownDefect.Overflow) ? "int.MaxValue" : Int(1, 3))})",
        1 => $"Upsample(Scale = {Int(1, 3)}, Mode = UpsampleMode.Bilinear{(Chance(0.5) ? ", AlignCorners = true" : "")})",
        2 => $"Upsample(Height = {Int(1, 32)}, Width = {Int(1, 32)}{(Chance(0.5) ? ", Mode = UpsampleMode.Bilinear" : "")})",
        _ => Pick("Upsample", "Upsample(2, Height = 4, Width = 4)"),
    };

    private string OctConv(double alphaIn, double alphaOut, string? outChannels = null) =>
        Opt("OctConv", outChannels ?? Int(1, 32), P("Kernel", Pick("1", "3"), 0.8), P("Padding", "1", 0.7), P("Stride", Int(1, 2, 0.03), 0.15),
            $"AlphaIn = {Alpha(alphaIn)}", $"AlphaOut = {Alpha(alphaOut)}", P("BatchNorm", "true", 0.3), P("ReLU", "true", 0.15));

    private string Alpha(double plausible) =>
        Chance(0.04) ? Double(0.5) : plausible.ToString("0.0##", CultureInfo.InvariantCulture);

    /// <summary>A split, some octave stages, and (mostly) a merge: the octave pair's whole life.</summary>
    private IEnumerable<string> OctaveRun(int i)
    {
        Feature("octave run");
        Feature("OctConv");
        _sawOctave = true;
        double alpha = Pick(0.25, 0.5, 0.75);
        var stages = new List<string> { $"[{OctConv(0.0, alpha, Pick("8", "16", "12"))}] Stage {StageName(i)};" };
        int middle = Between(0, 2);
        for (int k = 0; k < middle; k++)
        {
            string layer = _r.Next(5) switch
            {
                0 => "BatchNorm",
                1 => Activation(),
                2 => "Dropout(0.1)",
                3 => Shortcut(),
                _ => OctConv(alpha, alpha, Pick("8", "16")),
            };
            stages.Add($"[{layer}] Stage {StageName(i, "_" + k.ToString(CultureInfo.InvariantCulture))};");
        }
        if (Chance(0.9)) stages.Add($"[{OctConv(alpha, 0.0, Pick("8", "16"))}] Stage {StageName(i, "_m")};");
        return stages;
    }

    // ------------------------------------------------------------------ blocks

    private string Use()
    {
        var (name, parameters) = NewBlock();
        Feature("Use");
        var args = Arguments(parameters);
        var extras = new List<string>();
        if (Chance(0.3))
        {
            extras.Add($"Repeat = {RepeatCount()}");
            // Copies named from a pattern; "layer" names every copy alike (NDSL0023 with Repeat > 1).
            if (Chance(0.3)) { extras.Add($"Names = \"{Pick("layer{1}", "denselayer{1}", "block{0}", "b{0}_", "layer")}\""); Feature("Names"); }
        }
        if (parameters.Contains("dilation") && Chance(0.35)) { extras.Add("Dilate = true"); Feature("Dilate"); }
        if (Chance(0.03)) extras.Add("FirstArgs = new object[] { " + string.Join(", ", Arguments(parameters)) + " }");
        return $"Use(typeof({name}){string.Concat(args.Concat(extras).Select(a => ", " + a))})";
    }

    private string RepeatCount()
    {
        if (_o.Includes(KnownDefect.HugeRepeat) && Chance(0.02)) return Pick("100000", "int.MaxValue");
        return Chance(0.05) ? Pick("0", "-1") : Between(1, 3).ToString(CultureInfo.InvariantCulture);
    }

    private string Branches()
    {
        Feature("Branch");
        int n = Between(1, 3);
        var list = new List<string>();
        // Named branches (GoogLeNet's branch1..): all, or (a mistake, NDSL0017) all but one; now and then a repeated name.
        bool named = Chance(0.35);
        int unnamed = named && Chance(0.1) ? _r.Next(n) : -1;
        if (named) Feature("named branches");
        for (int k = 0; k < n; k++)
        {
            var (name, parameters) = NewBlock(allowOctave: false);
            string branchName = named && k != unnamed ? $", Name = \"{(Chance(0.05) ? "branch1" : "branch" + (k + 1).ToString(CultureInfo.InvariantCulture))}\"" : "";
            list.Add($"Branch(typeof({name}){string.Concat(Arguments(parameters).Select(a => ", " + a))}{branchName})");
        }
        if (Chance(0.97)) { list.Add($"Join(Join.{Pick("Concat", "Sum")})"); Feature("Join"); }
        return string.Join(", ", list);
    }

    private List<string> Arguments(IReadOnlyList<string> parameters)
    {
        var args = new List<string>();
        foreach (var p in parameters)
        {
            if (p == "alpha") { if (Chance(0.5)) args.Add(Double(0.25, 0.5)); else break; continue; }
            // A drop probability; Double's extremes (1.5, -1.0, ...) are NDSL0010 on the argument.
            if (p == "sd_prob") { args.Add(Double(0.0, 0.1, 0.2)); continue; }
            // Negative block arguments reach the block's '/' and '%' (D1: floor at compile time, truncation in the module).
            if (p == "c") args.Add(_o.Includes(KnownDefect.NegativeDivision) ? Int(1, 16) : Chance(0.025) ? Pick("0", "65536") : Between(1, 16).ToString(CultureInfo.InvariantCulture));
            else if (p == "stride") { if (Chance(0.6)) args.Add(Int(1, 2)); else break; }
            else if (p == "dilation") { if (Chance(0.2)) args.Add(Int(1, 2)); else break; }
            else if (p == "k") { if (Chance(0.5)) args.Add(Pick("1", "3", "5")); else break; }
        }
        if (Chance(0.03)) args.Add("1");
        if (Chance(0.02) && args.Count > 0) args.RemoveAt(0);
        return args;
    }

    /// <summary>A new block class (returned by name with its parameter names), added to the file.</summary>
    private (string Name, IReadOnlyList<string> Params) NewBlock(bool allowOctave = true)
    {
        string name = "B" + _blocks.Count.ToString(CultureInfo.InvariantCulture);
        if (_o.Includes(KnownDefect.ClashingNames) && _blocks.Count == 0 && Chance(0.03)) { name = Pick("Stages", "Tensor"); Feature("clashing name"); }
        var ps = new List<string> { "c" };
        var sb = new StringBuilder();
        string modern = Chance(0.3) ? Pick("se", "se", "convnext", "dense", "mbconv") : "";
        if (modern.Length > 0) return ModernBlock(name, modern);
        bool octave = allowOctave && Chance(0.12);
        bool res = !octave && Chance(0.3);
        if (res) { ps.Add("stride"); ps.Add("dilation"); Feature("dilatable block"); }
        else if (!octave && Chance(0.4)) ps.Add("stride");
        if (!octave && Chance(0.2)) ps.Add("k");
        if (octave) ps.Add("alpha");
        sb.AppendLine(Chance(0.02) ? $"    [Block(OutputStride = {Pick("4", "8", "3")})]" : "    [Block]");
        sb.AppendLine($"    public partial class {name}");
        sb.AppendLine("    {");
        string paramC = _o.Includes(KnownDefect.KeywordNames) && Chance(0.03) ? "@checked" : "c";
        if (paramC != "c") Feature("keyword name");
        sb.AppendLine($"        [Param] int {paramC};");
        if (ps.Contains("stride")) sb.AppendLine($"        [Param{(Chance(0.6) ? "(FirstRepeatOnly = true)" : "")}] int stride = 1;");
        if (ps.Contains("dilation")) sb.AppendLine("        [Param] int dilation = 1;");
        if (ps.Contains("k")) sb.AppendLine("        [Param] int k = 3;");
        if (ps.Contains("alpha")) sb.AppendLine("        [Param] double alpha = 0.5;");
        if (_o.Includes(KnownDefect.ClashingNames) && Chance(0.03)) { sb.AppendLine("        [Param] int in_channels = 1;"); Feature("clashing name"); }
        string stride = ps.Contains("stride") ? "\"stride\"" : "1";
        string kernel = ps.Contains("k") ? "\"k\"" : "3";
        string padding = ps.Contains("k") ? "\"k / 2\"" : "1";
        if (octave)
        {
            sb.AppendLine($"        [OctConv({Expr()}, Kernel = 3, Padding = 1, AlphaIn = \"alpha\", AlphaOut = \"alpha\"{(Chance(0.4) ? ", BatchNorm = true" : "")})] Stage conv1;");
            if (Chance(0.5)) sb.AppendLine("        [Shortcut] Stage skip;");
            Feature("octave block");
        }
        else if (ps.Contains("dilation"))
        {
            sb.AppendLine($"        [Conv({Expr()}, Kernel = 3, Stride = \"stride\", Padding = \"dilation\", Dilation = \"dilation\", Bias = false)] Stage conv1;");
            sb.AppendLine("        [BatchNorm] Stage bn1;");
            if (Chance(0.6)) sb.AppendLine("        [Shortcut] Stage downsample;");
            sb.AppendLine("        [ReLU] Stage relu;");
        }
        else
        {
            sb.AppendLine($"        [Conv({Expr()}, Kernel = {kernel}, Stride = {stride}, Padding = {padding})] Stage conv1;");
            int roll = _r.Next(5);
            if (roll == 0) sb.AppendLine($"        [{Layer()}] Stage extra;");
            else if (roll == 1) sb.AppendLine("        [BatchNorm, ReLU] Stage act;");
            else if (roll == 2)
            {
                string target = _o.Includes(KnownDefect.BlockSkipToOuterStage) && Chance(0.2) && _stageNames.Count > 0 ? $"\"{Earlier()}\"" : "nameof(conv1)";
                if (target != "nameof(conv1)") Feature("block skip to outer stage");
                sb.AppendLine($"        [Conv({Expr()}, Kernel = 1)] Stage conv2;");
                sb.AppendLine($"        [{Pick("Add", "Concat")}({target})] Stage join;");
            }
            else if (roll == 3) sb.AppendLine("        [Shortcut] Stage skip;");
        }
        sb.AppendLine("    }");
        _blocks.Add(sb.ToString());
        Feature("block");
        return (name, ps);
    }

    /// <summary>
    /// Today's blocks: squeeze-excitation gating its input ([Mul(From.Input)]; now and then a gate of the wrong width,
    /// NDSL0075), ConvNeXt's CNBlock (channels-last MLP, layer scale, stochastic depth of a double parameter, shortcut) and
    /// a DenseNet layer ([Concat(From.Input, EarlierFirst = true)]).
    /// </summary>
    private (string Name, IReadOnlyList<string> Params) ModernBlock(string name, string kind)
    {
        var sb = new StringBuilder();
        var ps = new List<string> { "c" };
        sb.AppendLine("    [Block]");
        sb.AppendLine($"    public partial class {name}");
        sb.AppendLine("    {");
        sb.AppendLine("        [Param] int c;");
        switch (kind)
        {
            case "se":
                Feature("squeeze-excitation");
                Feature("Mul");
                Feature("From.Input");
                Feature("GlobalAvgPool");
                string gate = Chance(0.92) ? "\"in_channels\"" : Pick("\"c\"", "\"in_channels * 2\"", "1");
                string act = Pick("Sigmoid", "Hardsigmoid", "Hardsigmoid(Inplace = true)");
                Feature(act.Split('(')[0]);
                sb.AppendLine($"        [{Pick("GlobalAvgPool", "AdaptiveAvgPool(1)")}] Stage avgpool;");
                sb.AppendLine("        [Conv(\"c\", Kernel = 1)] Stage fc1;");
                sb.AppendLine($"        [{Pick("ReLU", "SiLU", "Hardswish")}] Stage activation;");
                sb.AppendLine($"        [Conv({gate}, Kernel = 1)] Stage fc2;");
                sb.AppendLine($"        [{act}] Stage scale_activation;");
                sb.AppendLine("        [Mul(From.Input)] Stage scale;");
                break;
            case "convnext":
                Feature("ConvNeXt block");
                Feature("Scale");
                Feature("StochasticDepth");
                ps.Add("sd_prob");
                sb.AppendLine("        [Param] double sd_prob;");
                sb.AppendLine("        [Conv(\"in_channels\", Kernel = 3, Padding = 1, Groups = \"in_channels\"), Permute(0, 2, 3, 1), LayerNorm(Eps = 1e-6),");
                sb.AppendLine($"         Linear(\"c\"), GELU, Linear(\"in_channels\"), Permute(0, 3, 1, 2)] Stage block;");
                sb.AppendLine($"        [{Opt("Scale", P("Init", Double(1e-6, 0.5), 0.8), P("Shape", "ScaleShape.Channels", 0.3))}] Stage layer_scale;");
                sb.AppendLine($"        [StochasticDepth(\"sd_prob\"{(Chance(0.4) ? ", Mode = StochasticDepthMode.Batch" : "")})] Stage stochastic_depth;");
                sb.AppendLine("        [Shortcut] Stage residual;");
                foreach (var f in new[] { "Conv", "Permute", "LayerNorm", "Linear", "GELU", "Shortcut" }) Feature(f);
                break;
            case "mbconv":
                // MobileNetV2 / EfficientNet: a conditional expand conv (absent: no index), a conditional residual.
                Feature("conditional stage");
                Feature("If");
                ps.Add("e");
                sb.AppendLine("        [Param] int e = 1;");
                string when = Chance(0.9) ? "\"e != 1\"" : Pick("\"e != 1 && c > 0\"", "\"!(e == 1)\"", "\"x != 1\"", "\"e =! 1\"");
                sb.AppendLine($"        [Conv(\"in_channels * e\", Kernel = 1, Bias = false), BatchNorm, ReLU6, If({when})] Stage expand;");
                sb.AppendLine("        [Conv(\"in_channels * e\", Kernel = 3, Padding = 1, Groups = \"in_channels * e\", Bias = false), BatchNorm] Stage dw;");
                sb.AppendLine("        [Conv(\"c\", Kernel = 1, Bias = false)] Stage project;");
                sb.AppendLine("        [Shortcut(Projection = Projection.Never), If(\"c == in_channels\")] Stage residual;");
                foreach (var f in new[] { "Conv", "BatchNorm", "ReLU6", "Shortcut" }) Feature(f);
                break;
            default:
                Feature("dense layer");
                Feature("Concat");
                Feature("EarlierFirst");
                Feature("From.Input");
                string stride = Chance(0.05) ? ", Stride = 2" : "";
                sb.AppendLine($"        [{Pick("BatchNorm, ReLU, ", "GroupNorm(1), ReLU, ", "")}Conv(\"c\", Kernel = 3, Padding = 1{stride}, Bias = false)] Stage conv;");
                sb.AppendLine($"        [Concat(From.Input{(Chance(0.8) ? ", EarlierFirst = true" : "")})] Stage cat;");
                break;
        }
        sb.AppendLine("    }");
        _blocks.Add(sb.ToString());
        Feature("block");
        return (name, ps);
    }

    /// <summary>A channel expression over the block's parameters.</summary>
    private string Expr()
    {
        if (_o.Includes(KnownDefect.NegativeDivision) && Chance(0.05)) { Feature("negative division"); return Pick("\"(0 - c) / 3 + 4\"", "\"(1 - c) / 2 + c\"", "\"(c - 9) % 4 + 4\""); }
        if (_o.Includes(KnownDefect.Overflow) && Chance(0.03)) { Feature("overflowing expression"); return Pick("\"c * 1000000000\"", "\"c * c * c * c * c * c * c * c * c * c\""); }
        if (Chance(0.04)) { Feature("bad expression"); return Pick("\"c *\"", "\"planes\"", "\"(c\"", "\"c / 0\"", "\"c $ 2\""); }
        return Pick("\"c\"", "\"c\"", "\"c * 2\"", "\"c / 2 + 1\"", "\"in_channels\"", "\"c + in_channels\"", "\"(c + 1) / 2\"", "\"c % 3 + 1\"", "8");
    }

    // ------------------------------------------------------------------ taps and outputs

    private IEnumerable<string> SideHead(List<string> stages)
    {
        Feature("Tap");
        Feature("Output");
        // The main path ends in an output; a side head taps an earlier stage and ends in another.
        int last = stages.FindLastIndex(s => s.StartsWith("[", StringComparison.Ordinal));
        if (last >= 0 && !stages[last].StartsWith("[Use", StringComparison.Ordinal) && !stages[last].StartsWith("[Branch", StringComparison.Ordinal) && Chance(0.9))
            stages[last] = stages[last].Insert(stages[last].IndexOf("] Stage", StringComparison.Ordinal), ", Output(\"out\")");
        string tapped = Chance(0.1) ? "nope.x" : _stageNames.Count > 0 ? _stageNames[_r.Next(_stageNames.Count)].TrimStart('@') : "nope";
        string name = Chance(0.05) ? "out" : Pick("aux", "side", "Aux2");
        var head = new List<string> { $"[{Pick("Conv(4, Kernel = 1)", "GlobalAvgPool", "Identity", "FCNHead(4)")}, Tap(\"{tapped}\"){(Chance(0.9) ? $", Output(\"{name}\")" : "")}] Stage tap{_stageNames.Count};" };
        return head;
    }

    // ------------------------------------------------------------------ text

    /// <summary>"Name" or "Name(a, b)" without the null arguments.</summary>
    private static string Opt(string name, params string?[] args)
    {
        var list = args.Where(a => a is not null).ToList();
        return list.Count == 0 ? name : name + "(" + string.Join(", ", list) + ")";
    }

    /// <summary>"Name = value" with probability p, else null (left at its default).</summary>
    private string? P(string name, string value, double p) => Chance(p) ? $"{name} = {value}" : null;
}
