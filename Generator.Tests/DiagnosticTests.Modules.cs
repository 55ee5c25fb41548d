using System.Collections.Generic;

namespace NetDsl.Generator.Tests;

/// <summary>The cases of hand-written modules as stages ([Module]): the type, its constructor, its contract against its neighbours.</summary>
public partial class DiagnosticTests
{
    /// <summary>A hand-written channel gate (squeeze-excitation) with a (channels, squeeze) constructor: 2·C·S + C + S parameters.</summary>
    private const string Gate = """
        public sealed class Gate : nn.Module<Tensor, Tensor>
        {
            private readonly TorchSharp.Modules.Conv2d fc1;
            private readonly TorchSharp.Modules.Conv2d fc2;

            public Gate(long channels, int squeeze) : base(nameof(Gate))
            {
                fc1 = nn.Conv2d(channels, squeeze, 1);
                fc2 = nn.Conv2d(squeeze, channels, 1);
                RegisterComponents();
            }

            public override Tensor forward(Tensor input) =>
                input * nn.functional.sigmoid(fc2.call(nn.functional.relu(fc1.call(nn.functional.adaptive_avg_pool2d(input, 1)))));
        }
        """;

    private const string Usings = "using NetDsl;\nusing TorchSharp;\nusing static TorchSharp.torch;\n\n";

    private static readonly Dictionary<string, Case> ModuleCases = new Dictionary<string, Case>
    {
        ["NDSL0080 a class that is not a TorchSharp module"] = new("NDSL0080", "Net.gate: 'Plain' cannot be a [Module] stage: it does not derive from TorchSharp's nn.Module<Tensor, Tensor>", Net,
            Usings + """
            public sealed class Plain
            {
                public Plain(long channels) { }
            }

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Module([|typeof(Plain)|], "channels", Params = 0)] Stage gate;
            }
            """,
            Usings + """
            public sealed class Plain : nn.Module<Tensor, Tensor>
            {
                public Plain(long channels) : base(nameof(Plain)) { }
                public override Tensor forward(Tensor input) => input.alias();
            }

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Module(typeof(Plain), "channels", Params = 0)] Stage gate;
            }
            """),

        ["NDSL0080 a block used as a module"] = new("NDSL0080", "'Pw' cannot be a [Module] stage: it is a NetDsl declaration; use it with [Use(typeof(Pw), ...)]", Net,
            Usings + """
            [Block]
            public partial class Pw
            {
                [Param] int c;
                [Conv("c", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Module([|typeof(Pw)|], 4, Out = 4, Params = 36)] Stage pw;
            }
            """,
            Usings + """
            [Block]
            public partial class Pw
            {
                [Param] int c;
                [Conv("c", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Pw), 4)] Stage pw;
            }
            """),

        ["NDSL0081 constructor arguments of the wrong kind"] = new("NDSL0081", "Net.gate: no constructor of 'Gate' takes (string \"channels\", double 0.25); its constructors: Gate(long channels, int squeeze)", Net,
            Usings + Gate + """

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Module(typeof(Gate), [|"channels", 0.25|], Params = "2 * channels * 2 + channels + 2", Global = true)] Stage gate;
            }
            """,
            Usings + Gate + """

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Module(typeof(Gate), "channels", "channels / 4", Params = "2 * channels * 2 + channels + 2", Global = true)] Stage gate;
            }
            """),

        ["NDSL0081 a constructor argument missing"] = new("NDSL0081", "no constructor of 'Gate' takes (int 8)", Net,
            Usings + Gate + """

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Module(typeof(Gate), [|8|], Params = 42, Global = true)] Stage gate;
            }
            """,
            Usings + Gate + """

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Module(typeof(Gate), 8, 2, Params = 42, Global = true)] Stage gate;
            }
            """),

        ["NDSL0082 the module is made for other input channels"] = new("NDSL0082", "Net.gate: Gate's contract takes 16 input channels but receives 8 ([N, 8, 16, 16])", Net,
            Usings + Gate + """

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv;
                [Module(typeof(Gate), 16, 4, [|In = 16|], Params = 148, Global = true)] Stage gate;
            }
            """,
            Usings + Gate + """

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(16, Kernel = 3, Padding = 1)] Stage conv;
                [Module(typeof(Gate), 16, 4, In = 16, Params = 148, Global = true)] Stage gate;
            }
            """),

        ["NDSL0003 the layer after a module expects other channels than its contract gives"] = new("NDSL0003", "Net.head: Conv2d expects 8 input channels but receives 16", Net,
            Usings + """
            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Module(typeof(NetDsl.Downsampling.HaarWaveletDownsampling), "channels", 16, Out = 16, Stride = 2, Params = "4 * channels * 16 + 3 * 16")] Stage down;
                [Conv(4, Kernel = 1, [|In = 8|])] Stage head;
            }
            """,
            Usings + """
            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Module(typeof(NetDsl.Downsampling.HaarWaveletDownsampling), "channels", 16, Out = 16, Stride = 2, Params = "4 * channels * 16 + 3 * 16")] Stage down;
                [Conv(4, Kernel = 1, In = 16)] Stage head;
            }
            """),
    };
}
