using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Infrastructure;

/// <summary>The declaration breaks a rule of the DSL itself (a wrong argument count, an [In] that does not match, ...).</summary>
public sealed class OracleRejection : Exception
{
    public OracleRejection(string message) : base(message) { }
}

/// <summary>
/// PyTorch would run this, but NetDsl deliberately does not accept it; <see cref="Id"/> is the diagnostic that
/// documents the restriction.
/// </summary>
public sealed class OracleRestriction : Exception
{
    public OracleRestriction(string id, string message) : base(id + ": " + message) => Id = id;
    public string Id { get; }
}

/// <summary>
/// Runs a <see cref="NetworkDecl"/> directly with TorchSharp modules, built layer by layer from the model (never from
/// the generator's output), following the DSL's documented semantics: the field order is the forward path, a
/// [Shortcut] adds the declaration's input (projected by 1x1 conv + BatchNorm when the path's stride or the channels
/// change), [Add]/[Concat] read earlier stages, a [Use] runs the block with its parameters. Any TorchSharp exception
/// means PyTorch rejects the network.
/// </summary>
public sealed class TorchOracle : IDisposable
{
    private readonly List<nn.Module> _modules = new();
    private readonly bool _symbolicH;
    private readonly bool _symbolicW;

    private TorchOracle(NetworkDecl network)
    {
        _symbolicH = network.Height == 0;
        _symbolicW = network.Width == 0;
    }

    /// <summary>The output shape and parameter count, or an exception (<see cref="OracleRestriction"/>, <see cref="OracleRejection"/>, or TorchSharp's).</summary>
    public static (long[] Shape, long Params) Run(NetworkDecl network, long height, long width)
    {
        using var oracle = new TorchOracle(network);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        if (network.InChannels < 1) throw new OracleRejection("InChannels must be positive");
        var input = new Value { T = randn(2, network.InChannels, height, width), Stride = 1, SymH = network.Height == 0, SymW = network.Width == 0 };
        var env = new Dictionary<string, long> { ["in_channels"] = network.InChannels };
        var output = oracle.RunStages(network.Stages, input, env);
        long parameters = oracle._modules.Sum(m => m.parameters().Sum(p => p.numel()));
        return (output.T.shape, parameters);
    }

    /// <summary>
    /// A multiple of every modulus the compiler may require of a symbolic size: the product of all the strides (of
    /// each block copy too). Only at such sizes do PyTorch's floors agree with the compiler's exact symbolic sizes.
    /// </summary>
    public static long StrideBound(NetworkDecl network)
    {
        long bound = 1;
        foreach (var stage in network.Stages)
        {
            if (stage is SeqStage seq) bound *= Strides(seq.Layers, new Dictionary<string, long>());
            if (stage is UseStage use)
            {
                var first = new Dictionary<string, long>();
                var later = new Dictionary<string, long>();
                for (int i = 0; i < use.Block.Params.Count; i++)
                {
                    var p = use.Block.Params[i];
                    long fallback = p.Default ?? 1;
                    first[p.Name] = i < use.Args.Count ? use.Args[i] : fallback;
                    later[p.Name] = i < use.Args.Count && !p.FirstRepeatOnly ? use.Args[i] : fallback;
                }
                var layers = use.Block.Stages.OfType<SeqStage>().SelectMany(b => b.Layers).ToList();
                for (int copy = 0; copy < use.Repeat && bound < 1_000_000; copy++) bound *= Strides(layers, copy == 0 ? first : later);
            }
            if (bound >= 1_000_000) break;
        }
        return bound;
    }

    private static long Strides(IEnumerable<Layer> layers, Dictionary<string, long> env)
    {
        long product = 1;
        foreach (var layer in layers)
        {
            try
            {
                product *= layer switch
                {
                    ConvLayer c => Math.Max(1, c.Stride.Eval(env)),
                    PoolLayer p => Math.Max(1, p.Stride == 0 ? p.Kernel : p.Stride),
                    _ => 1,
                };
            }
            catch (OracleRejection)
            {
            }
        }
        return product;
    }

    public void Dispose()
    {
        foreach (var m in _modules) m.Dispose();
    }

    private struct Value
    {
        public Tensor T;
        /// <summary>Product of the strides since the declaration's input; 0 when not an integer (upsampling, adaptive pooling).</summary>
        public long Stride;
        /// <summary>Whether the height / width (or, flat, the features) depend on a symbolic input size.</summary>
        public bool SymH, SymW;
        public bool Flat => T.dim() == 2;
        public long C => T.shape[1];
    }

    private T Add<T>(T module) where T : nn.Module
    {
        _modules.Add(module);
        module.eval();
        return module;
    }

    private Value RunStages(IReadOnlyList<StageDecl> stages, Value input, Dictionary<string, long> env)
    {
        var outputs = new Dictionary<string, Value>();
        input.Stride = 1;
        var v = input;
        foreach (var stage in stages)
        {
            switch (stage)
            {
                case SeqStage seq:
                    foreach (var layer in seq.Layers) v = Apply(layer, v, env);
                    break;
                case ShortcutStage shortcut:
                    v = Shortcut(shortcut, v, input);
                    break;
                case SkipStage skip:
                    foreach (var name in skip.From)
                    {
                        if (!outputs.TryGetValue(name, out var other)) throw new OracleRejection($"no earlier stage '{name}'");
                        if (skip.Add)
                        {
                            if (!v.T.shape.SequenceEqual(other.T.shape)) throw new OracleRejection("[Add] of different shapes");
                            v.T = v.T + other.T;
                        }
                        else
                        {
                            if (v.Flat || other.Flat)
                                throw new OracleRestriction("NDSL0006", "[Concat] joins feature maps along channels");
                            v.T = cat(new[] { v.T, other.T }, 1);
                        }
                    }
                    break;
                case UseStage use:
                    v = Use(use, v, env);
                    break;
            }
            outputs[stage.Name] = v;
        }
        return v;
    }

    private Value Use(UseStage use, Value v, Dictionary<string, long> env)
    {
        var block = use.Block;
        if (use.Repeat < 1) throw new OracleRejection("Repeat must be at least 1");
        if (use.Args.Count > block.Params.Count) throw new OracleRejection("too many block arguments");
        for (int copy = 0; copy < use.Repeat; copy++)
        {
            var inner = new Dictionary<string, long> { ["in_channels"] = v.C };
            for (int i = 0; i < block.Params.Count; i++)
            {
                var p = block.Params[i];
                if (i < use.Args.Count && !(copy > 0 && p.FirstRepeatOnly)) inner[p.Name] = use.Args[i];
                else if (p.Default is int d) inner[p.Name] = d;
                else throw new OracleRejection($"no value for '{p.Name}'");
            }
            var output = RunStages(block.Stages, v, inner);
            output.Stride = v.Stride == 0 || output.Stride == 0 ? 0 : v.Stride * output.Stride;
            v = output;
        }
        return v;
    }

    private Value Shortcut(ShortcutStage shortcut, Value main, Value input)
    {
        bool project = shortcut.Projection switch
        {
            1 => true,
            2 => false,
            _ => main.Stride != 1 || main.C != input.C || main.Flat != input.Flat,
        };
        if (!project)
        {
            if (!main.T.shape.SequenceEqual(input.T.shape)) throw new OracleRejection("[Shortcut] of different shapes");
            main.T = main.T + input.T;
            return main;
        }
        if (main.Flat || input.Flat) throw new OracleRejection("a projection needs feature maps");
        if (main.Stride == 0)
            throw new OracleRestriction("NDSL0022", "the shortcut is projected with the path's stride, which is not an integer here");
        var conv = Add(nn.Conv2d(input.C, main.C, 1, stride: main.Stride, bias: false));
        var bn = Add(nn.BatchNorm2d(main.C));
        var projected = bn.call(conv.call(input.T));
        if (!projected.shape.SequenceEqual(main.T.shape)) throw new OracleRejection("the projected shortcut has a different shape");
        main.T = main.T + projected;
        return main;
    }

    private Value Apply(Layer layer, Value v, Dictionary<string, long> env)
    {
        var x = v.T;
        switch (layer)
        {
            case ConvLayer c:
            {
                long cin = v.C, cout = c.Out.Eval(env), k = c.Kernel.Eval(env), s = c.Stride.Eval(env), d = c.Dilation.Eval(env), g = c.Groups.Eval(env);
                if (c.In is long expected && expected != cin) throw new OracleRejection("Conv In does not match");
                if (v.Flat) throw new OracleRejection("Conv2d needs a feature map");
                var conv = c.Same
                    ? Add(nn.Conv2d(cin, cout, k, Padding.Same, stride: s, dilation: d, groups: g, bias: c.Bias))
                    : Add(nn.Conv2d(cin, cout, k, stride: s, padding: c.Padding!.Eval(env), dilation: d, groups: g, bias: c.Bias));
                v.T = conv.call(x);
                v.Stride *= s;
                return v;
            }
            case ConvTLayer c:
            {
                long cin = v.C, s = c.Stride.Eval(env);
                if (v.Flat) throw new OracleRejection("ConvTranspose2d needs a feature map");
                // LibTorch (oneDNN) aborts the whole process on a transposed conv whose output would be empty, rather
                // than throwing: check PyTorch's output-size rule here.
                long extent = (c.Kernel.Eval(env) - 1) * c.Dilation.Eval(env) + 1;
                foreach (var size in new[] { x.shape[2], x.shape[3] })
                {
                    long output = (size - 1) * s - 2 * c.Padding.Eval(env) + extent + c.OutputPadding.Eval(env);
                    if (output < 1) throw new InvalidOperationException($"ConvTranspose2d output size {output} is too small");
                }
                var conv = Add(nn.ConvTranspose2d(cin, c.Out.Eval(env), c.Kernel.Eval(env), stride: s, padding: c.Padding.Eval(env),
                    output_padding: c.OutputPadding.Eval(env), dilation: c.Dilation.Eval(env), groups: c.Groups.Eval(env), bias: c.Bias));
                v.T = conv.call(x);
                v.Stride = s == 1 ? v.Stride : 0;
                return v;
            }
            case BatchNormLayer b:
                if (b.In is long bnIn && bnIn != v.C) throw new OracleRejection("BatchNorm In does not match");
                if (v.Flat && (v.SymH || v.SymW))
                    throw new OracleRestriction("NDSL0020", "BatchNorm1d needs a feature count that does not depend on the input size");
                v.T = v.Flat ? Add(nn.BatchNorm1d(v.C)).call(x) : Add(nn.BatchNorm2d(v.C)).call(x);
                return v;
            case ActLayer a:
                v.T = a.Kind switch
                {
                    "ReLU" => Add(nn.ReLU()).call(x),
                    "ReLU6" => Add(nn.ReLU6()).call(x),
                    "LeakyReLU" => Add(nn.LeakyReLU(0.2)).call(x),
                    "GELU" => Add(nn.GELU()).call(x),
                    "Sigmoid" => Add(nn.Sigmoid()).call(x),
                    "SiLU" => Add(nn.SiLU()).call(x),
                    _ => Add(nn.Tanh()).call(x),
                };
                return v;
            case PoolLayer p:
            {
                if (v.Flat) throw new OracleRejection("pooling needs a feature map");
                long? stride = p.Stride == 0 ? null : p.Stride;
                v.T = p.Max
                    ? Add(nn.MaxPool2d(p.Kernel, stride: stride, padding: p.Padding, dilation: p.Dilation, ceil_mode: p.Ceil)).call(x)
                    : Add(nn.AvgPool2d(p.Kernel, stride: stride, padding: p.Padding, ceil_mode: p.Ceil, count_include_pad: p.CountIncludePad)).call(x);
                v.Stride *= p.Stride == 0 ? p.Kernel : p.Stride;
                return v;
            }
            case AdaptiveLayer a:
            {
                if (v.Flat) throw new OracleRejection("adaptive pooling needs a feature map");
                long size = a.Size == 0 ? 1 : a.Size;
                v.T = a.Max ? Add(nn.AdaptiveMaxPool2d(new[] { size, size })).call(x) : Add(nn.AdaptiveAvgPool2d(size)).call(x);
                v.Stride = size == 1 ? v.Stride : 0;
                v.SymH = v.SymW = false;
                return v;
            }
            case FlattenLayer:
                v.T = Add(nn.Flatten()).call(x);
                return v;
            case LinearLayer l:
                if (!v.Flat) throw new OracleRestriction("NDSL0018", "Linear takes a flattened [N, F] input");
                if (v.SymH || v.SymW) throw new OracleRestriction("NDSL0020", "Linear needs a feature count that does not depend on the input size");
                if (l.In is long inF && inF != v.C) throw new OracleRejection("Linear In does not match");
                v.T = Add(nn.Linear(v.C, l.Out, hasBias: l.Bias)).call(x);
                v.SymH = v.SymW = false;
                return v;
            case DropoutLayer dr:
                if (dr.Channelwise && v.Flat) throw new OracleRestriction("NDSL0018", "Dropout2d takes a feature map");
                v.T = dr.Channelwise ? Add(nn.Dropout2d(dr.P)).call(x) : Add(nn.Dropout(dr.P)).call(x);
                return v;
            case UpsampleLayer u:
            {
                if (v.Flat) throw new OracleRejection("Upsample needs a feature map");
                bool byScale = u.Scale != 0, bySize = u.Height != 0 || u.Width != 0;
                if (byScale == bySize) throw new OracleRejection("Upsample needs either a scale or a size");
                var mode = u.Bilinear ? torch.UpsampleMode.Bilinear : torch.UpsampleMode.Nearest;
                bool? align = u.Bilinear ? u.AlignCorners : null;
                v.T = byScale
                    ? Add(nn.Upsample(scale_factor: new double[] { u.Scale, u.Scale }, mode: mode, align_corners: align)).call(x)
                    : Add(nn.Upsample(size: new long[] { u.Height, u.Width }, mode: mode, align_corners: align)).call(x);
                v.Stride = byScale && u.Scale == 1 ? v.Stride : 0;
                if (bySize) v.SymH = v.SymW = false;
                return v;
            }
            case IdentityLayer:
                v.T = Add(nn.Identity()).call(x);
                return v;
            default:
                throw new InvalidOperationException("unknown layer " + layer);
        }
    }
}
