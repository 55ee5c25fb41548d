using System.Collections.Generic;

namespace NetDsl.Generator.Tests;

/// <summary>The cases of the layers of today's CNNs: layouts, norms over the channels, broadcast multiplies, names.</summary>
public partial class DiagnosticTests
{
    private static readonly Dictionary<string, Case> ModernLayerCases = new Dictionary<string, Case>
    {
        ["NDSL0075 squeeze-excitation gate of the wrong width"] = new("NDSL0075", "se.scale: cannot multiply [N, 4, 1, 1] and [N, 8, 16, 16] (from 'input'): 4 and 8 channels", Net,
            """
            using NetDsl;

            [Block]
            public partial class Se
            {
                [GlobalAvgPool] Stage avgpool;
                [Conv(2, Kernel = 1)] Stage fc1;
                [ReLU] Stage activation;
                [Conv(4, Kernel = 1)] Stage fc2;
                [Sigmoid] Stage scale_activation;
                [[|Mul(From.Input)|]] Stage scale;
            }

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Se))] Stage se;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Se
            {
                [GlobalAvgPool] Stage avgpool;
                [Conv(2, Kernel = 1)] Stage fc1;
                [ReLU] Stage activation;
                [Conv("in_channels", Kernel = 1)] Stage fc2;
                [Sigmoid] Stage scale_activation;
                [Mul(From.Input)] Stage scale;
            }

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Se))] Stage se;
            }
            """),

        ["NDSL0075 a (C, 1, 1) scale on a channels-last map"] = new("NDSL0075", "Net.layer_scale: cannot multiply [N, 16, 16, 8] and (8, 1, 1)", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Permute(0, 2, 3, 1)] Stage to_last;
                [[|Scale(Init = 0.5)|]] Stage layer_scale;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Permute(0, 2, 3, 1)] Stage to_last;
                [Scale(Init = 0.5, Shape = ScaleShape.Channels)] Stage layer_scale;
            }
            """),

        ["NDSL0076 LayerNorm on an NCHW map"] = new("NDSL0076", "Net.norm: LayerNorm normalises the last dimension, but the last dimension of the NCHW map [N, 8, 16, 16] is its width", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv;
                [[|LayerNorm(Eps = 1e-6)|]] Stage norm;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv;
                [LayerNorm2d(Eps = 1e-6)] Stage norm;
            }
            """),

        ["NDSL0076 BatchNorm on a channels-last map"] = new("NDSL0076", "Net.block: BatchNorm normalises dimension 1 of an NCHW map, but the channels-last [N, 16, 16, 8]", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Permute(0, 2, 3, 1), [|BatchNorm|], Permute(0, 3, 1, 2)] Stage block;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Permute(0, 2, 3, 1), LayerNorm, Permute(0, 3, 1, 2)] Stage block;
            }
            """),

        ["NDSL0077 not a permutation"] = new("NDSL0077", "Net.p: Permute(0, 2, 2, 1) is not a permutation of the 4 dimensions", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Permute([|0, 2, 2, 1|])] Stage p;
                [Linear(4)] Stage fc;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Permute(0, 2, 3, 1)] Stage p;
                [Linear(4)] Stage fc;
            }
            """),

        ["NDSL0077 channels in the third place"] = new("NDSL0077", "Net.p: Permute(0, 2, 1, 3) puts the channels of [N, 8, 16, 12] third", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 12)]
            public partial class Net
            {
                [Permute([|0, 2, 1, 3|])] Stage p;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 12)]
            public partial class Net
            {
                [Permute(0, 1, 3, 2)] Stage p;
            }
            """),

        ["NDSL0017 some branches named, some not"] = new("NDSL0017", "name every branch of the stage", new[] { "Net.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Conv(4, Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Branch(typeof(B), Name = "branch1"), [|Branch(typeof(B))|], Join(Join.Concat)] Stage mix;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Conv(4, Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Branch(typeof(B), Name = "branch1"), Branch(typeof(B), Name = "branch2"), Join(Join.Concat)] Stage mix;
            }
            """),

        ["NDSL0017 a scale inside a sequence"] = new("NDSL0017", "[Scale] is a learnable tensor registered under the stage's name, not a module of a sequence", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 1), [|Scale|]] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 1)] Stage conv;
                [Scale] Stage layer_scale;
            }
            """),

        ["NDSL0023 repeat names that name every copy alike"] = new("NDSL0023", "argument 'Names' names every copy alike", new[] { "Net.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Conv(4, Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 4, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(B), Repeat = 2, [|Names = "layer"|])] Stage layers;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Conv(4, Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 4, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(B), Repeat = 2, Names = "layer{1}")] Stage layers;
            }
            """),
        // A value that breaks a layer inside a block, but was set by the use: reported on the use's argument.
        ["NDSL0010 negative channels passed to a block land on the argument"] = new("NDSL0010", "Net.layer.conv: Conv2d output channels must be positive, got -8", Net,
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Param] int c;
                [Conv("c", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(B), [|-8|])] Stage layer;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Param] int c;
                [Conv("c", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(B), 8)] Stage layer;
            }
            """),

        ["NDSL0034 an alpha of 1.5 passed to a block lands on the argument"] = new("NDSL0034", "AlphaOut", Net,
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Param] double alpha;
                [OctConv(8, Kernel = 1, AlphaIn = 0, AlphaOut = "alpha")] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(B), [|1.5|])] Stage layer;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Param] double alpha;
                [OctConv(8, Kernel = 1, AlphaIn = 0, AlphaOut = "alpha")] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(B), 0.0)] Stage layer;
            }
            """),
        ["NDSL0023 an explicit null where the attribute has a default"] = new("NDSL0023", "argument 'Kernel' must be an integer or an expression string, not null (leave it out for the default, 3)", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, [|Kernel = null|])] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8)] Stage conv;
            }
            """),

        ["NDSL0023 DSPP with an empty list of bins"] = new("NDSL0023", "argument 'Bins' must hold at least one value", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [DSPP(Filters = 4, [|Bins = new int[0]|])] Stage dspp;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [DSPP(Filters = 4, Bins = new[] { 2, 4 })] Stage dspp;
            }
            """),

        ["NDSL0010 DeepLabHead of no classes lands on the argument"] = new("NDSL0010", "DeepLabHead output channels must be positive, got 0", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 64, Width = 64)]
            public partial class Net
            {
                [DeepLabHead([|0|])] Stage head;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 64, Width = 64)]
            public partial class Net
            {
                [DeepLabHead(3)] Stage head;
            }
            """),

        ["NDSL0023 Use of a null block lands on the argument"] = new("NDSL0023", "argument 'block' must be typeof(a [Block] class)", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use([|(System.Type)null|])] Stage x; // a bare null is ambiguous between the Type and the parameter-name constructors (CS0121)
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 1)] Stage x;
            }
            """),

        ["NDSL0016 a network parameter without a default"] = new("NDSL0016", "a network's [Param] needs a default", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Param] int [|num_classes|];
                [GlobalAvgPool, Flatten] Stage pool;
                [Linear("num_classes")] Stage fc;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Param] int num_classes = 10;
                [GlobalAvgPool, Flatten] Stage pool;
                [Linear("num_classes")] Stage fc;
            }
            """),

        ["NDSL0015 a condition naming an unknown parameter"] = new("NDSL0015", "condition: unknown name 'expand'", Net,
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Param] int expand_ratio = 1;
                [Conv("in_channels * expand_ratio", Kernel = 1), If([|"expand != 1"|])] Stage expand;
            }

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(B), 6)] Stage b;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Param] int expand_ratio = 1;
                [Conv("in_channels * expand_ratio", Kernel = 1), If("expand_ratio != 1")] Stage expand;
            }

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(B), 6)] Stage b;
            }
            """),

        ["NDSL0017 a conditional stage in a network"] = new("NDSL0017", "[If] belongs to a [Block]", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 1), [|If("in_channels == 8")|]] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 1)] Stage conv;
            }
            """),

        ["NDSL0017 inline copies outside a Sequential block"] = new("NDSL0017", "Inline puts the copies among the children of a [Block(Sequential = true)]", Net,
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Conv(8, Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(B), Repeat = 2, [|Inline = true|])] Stage layers;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Conv(8, Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(B), Repeat = 2)] Stage layers;
            }
            """),

        ["NDSL0010 a repeat of more copies than a use may have"] = new("NDSL0010", "Repeat = 100000 copies is more than the 4096 a use may have", Net,
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Conv(8, Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(B), [|Repeat = 100000|])] Stage layers;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Conv(8, Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(B), Repeat = 100)] Stage layers;
            }
            """),

        ["NDSL0011 a block's skip naming a stage of the network"] = new("NDSL0011", "Blk.sum: no earlier stage named 'stem' in 'Blk'", new[] { "Blk.g.cs", "Net.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class Blk
            {
                [Conv(3, Kernel = 1)] Stage conv;
                [Add([|"stem"|])] Stage sum;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(3, Kernel = 1)] Stage stem;
                [Use(typeof(Blk))] Stage blk;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Blk
            {
                [Conv(3, Kernel = 1)] Stage conv;
                [Add(From.Input)] Stage sum;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(3, Kernel = 1)] Stage stem;
                [Use(typeof(Blk))] Stage blk;
            }
            """),

        ["NDSL0023 Add of a null name"] = new("NDSL0023", "argument 'from' must name earlier stages", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv;
                [Add([|null|])] Stage sum;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv;
                [Add(nameof(conv))] Stage sum;
            }
            """),

        ["NDSL0023 StochasticDepth of a null probability"] = new("NDSL0023", "argument 'p' must be a number or an expression string, not null", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(4, Kernel = 1)] Stage conv;
                [StochasticDepth([|null|])] Stage sd;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(4, Kernel = 1)] Stage conv;
                [StochasticDepth(0.1)] Stage sd;
            }
            """),

        ["NDSL0002 a network nested in a generic class, reported once"] = new("NDSL0002", "its containing type 'Outer' is generic", new string[0],
            """
            using NetDsl;

            public partial class Outer<T>
            {
                [Network(InChannels = 3, Height = 8, Width = 8)]
                public partial class [|Net|]
                {
                    [Conv(4, Kernel = 3)] Stage conv;
                }
            }
            """,
            """
            using NetDsl;

            public partial class Outer
            {
                [Network(InChannels = 3, Height = 8, Width = 8)]
                public partial class Net
                {
                    [Conv(4, Kernel = 3)] Stage conv;
                }
            }
            """),

        ["NDSL0016 a string parameter, reported once"] = new("NDSL0016", "a [Param] field must be an int", new[] { "B.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Param] string [|name|] = "";
                [Conv(4, Kernel = 3)] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Param] int width = 4;
                [Conv("width", Kernel = 3)] Stage conv;
            }
            """),

        ["NDSL0051 an intermediate value beyond int in a block expression"] = new("NDSL0051", "an intermediate value of", Net,
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Param] int c;
                [Conv([|"(c * 1000000000 + 1) / 1000000000"|], Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(B), 10)] Stage b;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class B
            {
                [Param] int c;
                [Conv("(c * 100000000 + 1) / 100000000", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(B), 10)] Stage b;
            }
            """),

    };
}
