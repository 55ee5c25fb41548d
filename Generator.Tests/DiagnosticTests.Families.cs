using System.Collections.Generic;

namespace NetDsl.Generator.Tests;

/// <summary>The cases of families: variants of one body ([Network(Like = ...)]), Type parameters, Repeat expressions.</summary>
public partial class DiagnosticTests
{
    private const string FamilyBody = """
        [Block]
        public partial class Plain
        {
            [Param] int planes;
            [Param(FirstRepeatOnly = true)] int stride = 1;
            [Conv("planes", Kernel = 3, Stride = "stride", Padding = 1), BatchNorm, ReLU] Stage conv;
        }

        [Network(InChannels = 3, Height = 32, Width = 32)]
        public partial class Body
        {
            [Param] int num_classes = 10;
            [Param] System.Type block = typeof(Plain);
            [Param] int depth1 = 2, depth2 = 2;
            [Use("block", 16, Repeat = "depth1")] Stage layer1;
            [Use("block", 32, 2, Repeat = "depth2")] Stage layer2;
            [GlobalAvgPool, Flatten] Stage pool;
            [Linear("num_classes")] Stage fc;
        }
        """;

    private static readonly string[] V = { "V.g.cs" };

    private static readonly Dictionary<string, Case> FamilyCases = new Dictionary<string, Case>
    {
        ["NDSL0090 Like names a block"] = new("NDSL0090", "V: Like = typeof(Plain) is not a [Network] class of this compilation", V,
            "using NetDsl;\n" + FamilyBody + """

            [Network([|Like = typeof(Plain)|])]
            public partial class V
            {
                [Param] int depth2 = 4;
            }
            """,
            "using NetDsl;\n" + FamilyBody + """

            [Network(Like = typeof(Body))]
            public partial class V
            {
                [Param] int depth2 = 4;
            }
            """),

        ["NDSL0090 Like names a variant"] = new("NDSL0090", "V: Like = typeof(Deep) is a variant itself (of Body)", V,
            "using NetDsl;\n" + FamilyBody + """

            [Network(Like = typeof(Body))]
            public partial class Deep
            {
                [Param] int depth2 = 4;
            }

            [Network([|Like = typeof(Deep)|])]
            public partial class V
            {
                [Param] int depth1 = 3;
            }
            """,
            "using NetDsl;\n" + FamilyBody + """

            [Network(Like = typeof(Body))]
            public partial class Deep
            {
                [Param] int depth2 = 4;
            }

            [Network(Like = typeof(Body))]
            public partial class V
            {
                [Param] int depth1 = 3;
            }
            """),

        ["NDSL0091 a variant sets a parameter its body does not have"] = new("NDSL0091", "V.depth3: Body has no parameter 'depth3' (its parameters: num_classes, block, depth1, depth2)", V,
            "using NetDsl;\n" + FamilyBody + """

            [Network(Like = typeof(Body))]
            public partial class V
            {
                [Param] int [|depth3|] = 4;
            }
            """,
            "using NetDsl;\n" + FamilyBody + """

            [Network(Like = typeof(Body))]
            public partial class V
            {
                [Param] int depth2 = 4;
            }
            """),

        ["NDSL0091 a variant gives a parameter another type"] = new("NDSL0091", "V.num_classes: Body.num_classes is an int, not a double", V,
            "using NetDsl;\n" + FamilyBody + """

            [Network(Like = typeof(Body))]
            public partial class V
            {
                [Param] double [|num_classes|] = 100;
            }
            """,
            "using NetDsl;\n" + FamilyBody + """

            [Network(Like = typeof(Body))]
            public partial class V
            {
                [Param] int num_classes = 100;
            }
            """),

        ["NDSL0092 a variant declares a stage"] = new("NDSL0092", "V.head: a variant of Body takes its stages from the body", V,
            "using NetDsl;\n" + FamilyBody + """

            [Network(Like = typeof(Body))]
            public partial class V
            {
                [Param] int depth2 = 4;
                [Linear(5)] Stage [|head|];
            }
            """,
            "using NetDsl;\n" + FamilyBody + """

            [Network(Like = typeof(Body))]
            public partial class V
            {
                [Param] int depth2 = 4;
                [Param] int num_classes = 5;
            }
            """),

        ["NDSL0093 a Type parameter used as a number"] = new("NDSL0093", "Net.conv: outChannels: 'block' is a Type [Param]", Net,
            """
            using NetDsl;

            [Block]
            public partial class Plain
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Param] System.Type block = typeof(Plain);
                [Use("block")] Stage body;
                [Conv([|"block"|], Kernel = 1)] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Plain
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Param] System.Type block = typeof(Plain);
                [Use("block")] Stage body;
                [Conv(8, Kernel = 1)] Stage conv;
            }
            """),

        ["NDSL0093 a block's loop whose copies double the channels"] = new("NDSL0093", "Stack.layers: Repeat = \"n\" builds the copies in a loop of the constructor, but the channels of a later copy", new[] { "Stack.g.cs", "Net.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class Widen
            {
                [Conv("2 * in_channels", Kernel = 3, Padding = 1)] Stage conv;
            }

            [Block]
            public partial class Stack
            {
                [Param] int n;
                [Use(typeof(Widen), [|Repeat = "n"|])] Stage layers;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Stack), 3)] Stage body;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Widen
            {
                [Conv("in_channels + 8", Kernel = 3, Padding = 1)] Stage conv;
            }

            [Block]
            public partial class Stack
            {
                [Param] int n;
                [Use(typeof(Widen), Repeat = "n")] Stage layers;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Stack), 3)] Stage body;
            }
            """),

        ["NDSL0093 inline copies of a count known at construction"] = new("NDSL0093", "Features.layers: Repeat = \"n\": the copies of a count known only at construction", new[] { "Features.g.cs", "Net.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class Layer
            {
                [Conv("in_channels", Kernel = 3, Padding = 1), ReLU] Stage conv;
            }

            [Block(Sequential = true)]
            public partial class Features
            {
                [Param] int n;
                [Conv(8, Kernel = 1)] Stage stem;
                [Use(typeof(Layer), [|Repeat = "n"|], Inline = true)] Stage layers;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Features), 2)] Stage features;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Layer
            {
                [Conv("in_channels", Kernel = 3, Padding = 1), ReLU] Stage conv;
            }

            [Block(Sequential = true)]
            public partial class Features
            {
                [Param] int n;
                [Conv(8, Kernel = 1)] Stage stem;
                [Use(typeof(Layer), Repeat = "n")] Stage layers;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Features), 2)] Stage features;
            }
            """),
    };
}
