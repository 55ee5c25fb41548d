using System.Collections.Generic;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The cases of names and declarations that cannot be generated (NDSL0055-0058, and NDSL0002 / NDSL0010 / NDSL0016 for
/// records, abstract classes, a class both network and block, Batch and a [Param] named in_channels), each with its near
/// miss, checked by the same theories as <see cref="Cases"/>.
/// </summary>
public partial class DiagnosticTests
{
    private static readonly IReadOnlyDictionary<string, Case> NameCases = new Dictionary<string, Case>
    {
        // ---------------------------------------------------------------- declarations
        ["NDSL0002 partial record"] = new("NDSL0002", "'Net' cannot be generated: a record cannot be a module", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial record [|Net|]
            {
                [Conv(4, Kernel = 3)] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage conv;
            }
            """),

        ["NDSL0002 abstract network"] = new("NDSL0002", "'Net' cannot be generated: an abstract network cannot be constructed", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public abstract partial class [|Net|]
            {
                [Conv(4, Kernel = 3)] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public sealed partial class Net
            {
                [Conv(4, Kernel = 3)] Stage conv;
            }
            """),

        ["NDSL0002 abstract block"] = new("NDSL0002", "'Twice' cannot be generated: an abstract block cannot be constructed", new[] { "Twice.g.cs" },
            """
            using NetDsl;

            [Block]
            public abstract partial class [|Twice|]
            {
                [Conv("in_channels * 2", Kernel = 1)] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Twice
            {
                [Conv("in_channels * 2", Kernel = 1)] Stage conv;
            }
            """),

        // Before: CS8785, both outputs added P.Net.g.cs and the whole generator failed.
        ["NDSL0002 network and block"] = new("NDSL0002", "'Net' cannot be generated: a class cannot be both a [Network] and a [Block]", new[] { "P.Net.g.cs" },
            """
            using NetDsl;
            namespace P;

            [Network(InChannels = 3, Height = 8, Width = 8), Block]
            public partial class [|Net|]
            {
                [Conv(4, Kernel = 3)] Stage conv;
            }
            """,
            """
            using NetDsl;
            namespace P;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage conv;
            }
            """),

        ["NDSL0010 batch of 0"] = new("NDSL0010", "^Net: [Network] needs Batch >= 1", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8, [|Batch = 0|])]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8, Batch = 1)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage conv;
            }
            """),

        ["NDSL0016 param named in_channels"] = new("NDSL0016", "'in_channels': in_channels is the block's input channel count", new[] { "Twice.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class Twice
            {
                [Param] int [|in_channels|];
                [Conv("in_channels * 2", Kernel = 1)] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Twice
            {
                [Param] int channels;
                [Conv("channels * 2", Kernel = 1)] Stage conv;
            }
            """),

        // ---------------------------------------------------------------- NDSL0055
        ["NDSL0055 NaN slope"] = new("NDSL0055", "^Net.act: argument 'Slope' is NaN; it must be a finite number", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage conv;
                [LeakyReLU([|Slope = double.NaN|])] Stage act;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage conv;
                [LeakyReLU(Slope = 0.2)] Stage act;
            }
            """),

        ["NDSL0055 infinite eps and momentum"] = new("NDSL0055", "must be a finite number", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage conv;
                [BatchNorm([|Eps = double.PositiveInfinity|], [|Momentum = double.NegativeInfinity|])] Stage bn;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage conv;
                [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage bn;
            }
            """),

        ["NDSL0055 NaN dropout in a block"] = new("NDSL0055", "^Drop.drop: argument 'P' is NaN", new[] { "Drop.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class Drop
            {
                [Dropout([|P = 0.0 / 0.0|])] Stage drop;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Drop
            {
                [Dropout(P = 0.25)] Stage drop;
            }
            """),

        ["NDSL0055 NaN alpha default"] = new("NDSL0055", "^OctB.alpha: argument 'default' is NaN", new[] { "OctB.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class OctB
            {
                [Param] double alpha = [|double.NaN|];
                [OctConv(16, Kernel = 1, AlphaIn = 0.0, AlphaOut = "alpha")] Stage split;
                [OctConv(16, Kernel = 1, AlphaIn = "alpha", AlphaOut = 0.0)] Stage merge;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class OctB
            {
                [Param] double alpha = 0.5;
                [OctConv(16, Kernel = 1, AlphaIn = 0.0, AlphaOut = "alpha")] Stage split;
                [OctConv(16, Kernel = 1, AlphaIn = "alpha", AlphaOut = 0.0)] Stage merge;
            }
            """),

        // ---------------------------------------------------------------- NDSL0056
        ["NDSL0056 own constructor"] = new("NDSL0056", "'Net' declares its own constructor, which NetDsl generates for it; remove it", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage conv;
                public [|Net|]() { }
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage conv;
                static Net() { }
            }
            """),

        ["NDSL0056 own forward and Dispose(bool)"] = new("NDSL0056", "which NetDsl generates for it; remove it", Net,
            """
            using NetDsl;
            using static TorchSharp.torch;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage conv;
                public override Tensor [|forward|](Tensor input) => input;
                protected override void [|Dispose|](bool disposing) { }
            }
            """,
            """
            using NetDsl;
            using static TorchSharp.torch;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage conv;
                public Tensor forward(Tensor a, Tensor b) => forward(a + b);
                public override string ToString() => "Net";
            }
            """),

        ["NDSL0056 own forward(input, taps) in a block"] = new("NDSL0056", "'Twice' declares its own forward(input, taps), which NetDsl generates for it", new[] { "Twice.g.cs" },
            """
            using NetDsl;
            using static TorchSharp.torch;

            [Block]
            public partial class Twice
            {
                [Conv("in_channels * 2", Kernel = 1)] Stage conv;
                public Tensor [|forward|](Tensor input, Taps taps) => input;
            }
            """,
            """
            using NetDsl;
            using static TorchSharp.torch;

            [Block]
            public partial class Twice
            {
                [Conv("in_channels * 2", Kernel = 1)] Stage conv;
                public Tensor forward(Tensor input, int times) => input * times;
                public Tensor forward(int value) => tensor(value);
            }
            """),

        // ---------------------------------------------------------------- NDSL0057
        ["NDSL0057 stage named Summary"] = new("NDSL0057", "'Net': the name 'Summary' is the generated static Summary property (the compile-time summary); rename the stage", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage [|Summary|];
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage summary;
            }
            """),

        ["NDSL0057 block members named Stages and InChannels"] = new("NDSL0057", "is the generated", new[] { "Twice.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class Twice
            {
                [Conv("in_channels * 2", Kernel = 1)] Stage [|Stages|];
                public int [|InChannels|] => 0;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Twice
            {
                [Conv("in_channels * 2", Kernel = 1)] Stage stages;
                public int Channels => InChannels;
            }
            """),

        ["NDSL0057 stage named Dispose"] = new("NDSL0057", "the name 'Dispose' is the generated Dispose(bool) override", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage [|Dispose|];
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage dispose;
            }
            """),

        ["NDSL0057 network class named Summary"] = new("NDSL0057", "'Summary': the name 'Summary' is the generated static Summary property (the compile-time summary); rename the class", System.Array.Empty<string>(),
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class [|Summary|]
            {
                [Conv(4, Kernel = 3)] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Summarized
            {
                [Conv(4, Kernel = 3)] Stage conv;
            }
            """),

        ["NDSL0057 member named Outputs with outputs"] = new("NDSL0057", "the name 'Outputs' is the generated Outputs class", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage conv;
                [GlobalAvgPool, Output("out")] Stage pool;
                [Identity, Tap("conv"), Output("features")] Stage features;
                public static int [|Outputs|] => 2;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage conv;
                [GlobalAvgPool, Output("out")] Stage pool;
                [Identity, Tap("conv"), Output("features")] Stage features;
                public static int OutputCount => 2;
            }
            """),

        // ---------------------------------------------------------------- NDSL0058
        ["NDSL0058 Stage fields without a class attribute"] = new("NDSL0058", "'Body' has Stage fields conv, bn but is marked neither [Network] nor [Block]: Stage fields do nothing without [Network] or [Block]", new[] { "Body.g.cs" },
            """
            using NetDsl;

            public partial class [|Body|]
            {
                [Conv(8, Kernel = 1)] Stage conv;
                [BatchNorm] Stage bn;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Body
            {
                [Conv(8, Kernel = 1)] Stage conv;
                [BatchNorm] Stage bn;
            }
            """),

        ["NDSL0058 layer attributes on another field type"] = new("NDSL0058", "'Body' has layer attributes on conv but is marked neither", new[] { "Body.g.cs" },
            """
            using NetDsl;

            public class [|Body|]
            {
                [Conv(8, Kernel = 1)] int conv;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Body
            {
                [Conv(8, Kernel = 1)] Stage conv;
            }
            """),
    };
}
