using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Every NDSL diagnostic, triggered from real C#: the id, severity, message and the exact span (marked
/// <c>[|...|]</c> in the source); that nothing is generated for the class at fault and that the output has no C#
/// errors the user's own code does not have. Each case has a near miss: the smallest edit that makes the
/// declaration valid, which must report nothing and generate code that compiles.
/// </summary>
public partial class DiagnosticTests
{
    /// <summary>One diagnostic scenario.</summary>
    /// <param name="Id">The expected diagnostic id; every diagnostic of the run must have it and sit on a marked span.</param>
    /// <param name="Message">A fragment the formatted message must contain; with a leading ^, its start.</param>
    /// <param name="NotGenerated">Hint names that must be absent in the bad case and present in the near miss.</param>
    /// <param name="Bad">The source with the expected spans marked.</param>
    /// <param name="Fixed">The near miss.</param>
    public sealed record Case(string Id, string Message, string[] NotGenerated, string Bad, string Fixed)
    {
        public DiagnosticSeverity Severity => DiagnosticDescriptors.ById(Id).DefaultSeverity;
    }

    private static readonly string[] Net = { "Net.g.cs" };

    private static IReadOnlyDictionary<string, Case>? s_cases;

    /// <summary>Every case: the ones below and those of the other parts of this class (<see cref="NameCases"/>,
    /// <see cref="ModernLayerCases"/>).</summary>
    public static IReadOnlyDictionary<string, Case> Cases => s_cases ??= CoreCases.Concat(NameCases).Concat(ModernLayerCases).Concat(ModuleCases).Concat(FamilyCases).ToDictionary(p => p.Key, p => p.Value);

    private static readonly IReadOnlyDictionary<string, Case> CoreCases = new Dictionary<string, Case>
    {
        // ---------------------------------------------------------------- declarations
        ["NDSL0001 network not partial"] = new("NDSL0001", "'Net' must be declared partial", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public class [|Net|]
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

        ["NDSL0001 block not partial"] = new("NDSL0001", "'Twice' must be declared partial", new[] { "Twice.g.cs", "Net.g.cs" },
            """
            using NetDsl;

            [Block]
            public class [|Twice|]
            {
                [Param] int c;
                [Conv("c * 2", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Twice), 4)] Stage twice;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Twice
            {
                [Param] int c;
                [Conv("c * 2", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Twice), 4)] Stage twice;
            }
            """),

        ["NDSL0002 generic class"] = new("NDSL0002", "'Net' cannot be generated: generic classes are not supported", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class [|Net|]<T>
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

        ["NDSL0002 base class"] = new("NDSL0002", "it derives from 'Base'", Net,
            """
            using NetDsl;

            public class Base { }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class [|Net|] : Base
            {
                [Conv(4, Kernel = 3)] Stage conv;
            }
            """,
            """
            using NetDsl;

            public class Base { }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(4, Kernel = 3)] Stage conv;
            }
            """),

        ["NDSL0002 containing type not partial"] = new("NDSL0002", "its containing type 'Outer' must be partial too", new[] { "Outer+Net.g.cs" },
            """
            using NetDsl;

            public class Outer
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

        // ---------------------------------------------------------------- channels and features
        ["NDSL0003 conv In"] = new("NDSL0003", "Net.conv2: Conv2d expects 4 input channels but receives 8", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv1;
                [Conv(16, Kernel = 3, [|In = 4|])] Stage conv2;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv1;
                [Conv(16, Kernel = 3, In = 8)] Stage conv2;
            }
            """),

        ["NDSL0003 batchnorm In"] = new("NDSL0003", "Net.bn: BatchNorm expects 16 input channels but receives 8", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv;
                [BatchNorm([|In = 16|])] Stage bn;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv;
                [BatchNorm(In = 8)] Stage bn;
            }
            """),

        ["NDSL0003 in a nested network"] = new("NDSL0003", "^Outer.Net.conv2: Conv2d expects 4 input channels but receives 8", new[] { "Outer+Net.g.cs" },
            """
            using NetDsl;

            public partial class Outer
            {
                [Network(InChannels = 3, Height = 16, Width = 16)]
                public partial class Net
                {
                    [Conv(8, Kernel = 3)] Stage conv1;
                    [Conv(16, Kernel = 3, [|In = 4|])] Stage conv2;
                }
            }
            """,
            """
            using NetDsl;

            public partial class Outer
            {
                [Network(InChannels = 3, Height = 16, Width = 16)]
                public partial class Net
                {
                    [Conv(8, Kernel = 3)] Stage conv1;
                    [Conv(16, Kernel = 3, In = 8)] Stage conv2;
                }
            }
            """),

        ["NDSL0004 linear In"] = new("NDSL0004", "Net.fc: Linear expects 16 in-features but the incoming tensor has 8 features", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv;
                [GlobalAvgPool, Flatten] Stage pool;
                [Linear(10, [|In = 16|])] Stage fc;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv;
                [GlobalAvgPool, Flatten] Stage pool;
                [Linear(10, In = 8)] Stage fc;
            }
            """),

        // ---------------------------------------------------------------- joins
        ["NDSL0005 shortcut Projection.Never with a channel change"] = new("NDSL0005", "cannot add [N, 16, 8, 8] and [N, 3, 8, 8] (the shortcut has Projection = Never)", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(16, Kernel = 3, Padding = 1)] Stage conv;
                [[|Shortcut(Projection = Projection.Never)|]] Stage residual;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(3, Kernel = 3, Padding = 1)] Stage conv;
                [Shortcut(Projection = Projection.Never)] Stage residual;
            }
            """),

        ["NDSL0005 sum join of different channels"] = new("NDSL0005", "(branch 1 of a Sum join)", Net,
            """
            using NetDsl;

            [Block]
            public partial class Pointwise
            {
                [Param] int c;
                [Conv("c", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Branch(typeof(Pointwise), 8), [|Branch(typeof(Pointwise), 16)|], Join(Join.Sum)] Stage mix;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Pointwise
            {
                [Param] int c;
                [Conv("c", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Branch(typeof(Pointwise), 8), Branch(typeof(Pointwise), 8), Join(Join.Sum)] Stage mix;
            }
            """),

        ["NDSL0005 add skip of different channels"] = new("NDSL0005", "cannot add [N, 16, 8, 8] and [N, 8, 8, 8] (from 'conv1')", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv1;
                [Conv(16, Kernel = 3, Padding = 1)] Stage conv2;
                [[|Add(nameof(conv1))|]] Stage sum;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv1;
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv2;
                [Add(nameof(conv1))] Stage sum;
            }
            """),

        ["NDSL0006 concat skip of different spatial sizes"] = new("NDSL0006", "Net.cat: cannot concatenate [N, 8, 8, 8] and [N, 8, 16, 16] (from 'conv1') along channels", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv1;
                [MaxPool(2)] Stage pool;
                [[|Concat(nameof(conv1))|]] Stage cat;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv1;
                [MaxPool(3, Stride = 1, Padding = 1)] Stage pool;
                [Concat(nameof(conv1))] Stage cat;
            }
            """),

        ["NDSL0006 concat join of different spatial sizes"] = new("NDSL0006", "(branch 1)", Net,
            """
            using NetDsl;

            [Block]
            public partial class Down
            {
                [Param] int s;
                [Conv(4, Kernel = 1, Stride = "s")] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Branch(typeof(Down), 1), [|Branch(typeof(Down), 2)|], Join(Join.Concat)] Stage mix;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Down
            {
                [Param] int s;
                [Conv(4, Kernel = 1, Stride = "s")] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Branch(typeof(Down), 1), Branch(typeof(Down), 1), Join(Join.Concat)] Stage mix;
            }
            """),

        // ---------------------------------------------------------------- sizes
        ["NDSL0007 transposed conv with big padding"] = new("NDSL0007", "Net.up: ConvTranspose2d gives an output height of -4 (input 4)", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 4, Width = 4)]
            public partial class Net
            {
                [[|ConvTranspose(8, Kernel = 3, Padding = 5)|]] Stage up;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 4, Width = 4)]
            public partial class Net
            {
                [ConvTranspose(8, Kernel = 3, Padding = 1)] Stage up;
            }
            """),

        // Seed 004's dilated net (Samples/Networks/DilatedNet.cs) at 16x16: 16 -> 14 -> 10, then the dilation-5
        // kernel spans 11 pixels.
        ["NDSL0008 seed 004 net with 16x16 input"] = new("NDSL0008", "Net.conv: the Conv2d kernel (extent 11) is larger than the padded input height of 10 (10 + 2*0)", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(32, Kernel = 3, Dilation = 1), BatchNorm, ReLU(Inplace = true),
                 Conv(32, Kernel = 3, Dilation = 2), BatchNorm, ReLU(Inplace = true),
                 Conv(64, [|Kernel = 3|], Dilation = 5), BatchNorm, ReLU(Inplace = true),
                 Conv(64, Kernel = 3, Dilation = 1), BatchNorm, ReLU(Inplace = true),
                 Conv(64, Kernel = 3, Dilation = 2), BatchNorm, ReLU(Inplace = true),
                 Conv(128, Kernel = 3, Dilation = 5), BatchNorm, ReLU(Inplace = true)]
                Stage conv;

                [AvgPool(32)] Stage pool;
                [Flatten] Stage flatten;
                [Linear(3, In = 128)] Stage fc;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 64, Width = 64)]
            public partial class Net
            {
                [Conv(32, Kernel = 3, Dilation = 1), BatchNorm, ReLU(Inplace = true),
                 Conv(32, Kernel = 3, Dilation = 2), BatchNorm, ReLU(Inplace = true),
                 Conv(64, Kernel = 3, Dilation = 5), BatchNorm, ReLU(Inplace = true),
                 Conv(64, Kernel = 3, Dilation = 1), BatchNorm, ReLU(Inplace = true),
                 Conv(64, Kernel = 3, Dilation = 2), BatchNorm, ReLU(Inplace = true),
                 Conv(128, Kernel = 3, Dilation = 5), BatchNorm, ReLU(Inplace = true)]
                Stage conv;

                [AvgPool(32)] Stage pool;
                [Flatten] Stage flatten;
                [Linear(3, In = 128)] Stage fc;
            }
            """),

        ["NDSL0008 pooling kernel larger than the input"] = new("NDSL0008", "Net.pool: the MaxPool2d kernel (extent 5) is larger than the padded input height of 4 (4 + 2*0)", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 4, Width = 4)]
            public partial class Net
            {
                [MaxPool([|5|])] Stage pool;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 4, Width = 4)]
            public partial class Net
            {
                [MaxPool(4)] Stage pool;
            }
            """),

        ["NDSL0009 groups not dividing the channels"] = new("NDSL0009", "Net.conv: groups = 3 must divide both the input channels (4) and the output channels (8)", Net,
            """
            using NetDsl;

            [Network(InChannels = 4, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, [|Groups = 3|])] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 4, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Groups = 4)] Stage conv;
            }
            """),

        // ---------------------------------------------------------------- argument values
        ["NDSL0010 non-positive channels"] = new("NDSL0010", "Net.conv: Conv2d output channels must be positive, got 0", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv([|0|], Kernel = 3)] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(1, Kernel = 3)] Stage conv;
            }
            """),

        ["NDSL0010 dropout 1.5"] = new("NDSL0010", "Net.drop: Dropout probability must be within [0, 1], got 1.5", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Dropout([|1.5|])] Stage drop;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Dropout(0.5)] Stage drop;
            }
            """),

        ["NDSL0010 dropout P = 1.5"] = new("NDSL0010", "Net.drop: Dropout probability must be within [0, 1], got 1.5", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Dropout([|P = 1.5|])] Stage drop;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Dropout(P = 1.0)] Stage drop;
            }
            """),

        ["NDSL0010 negative padding"] = new("NDSL0010", "Net.conv: Conv2d padding must not be negative, got -1", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, [|Padding = -1|])] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 0)] Stage conv;
            }
            """),

        ["NDSL0010 network InChannels = 0"] = new("NDSL0010", "[Network] needs InChannels >= 1", Net,
            """
            using NetDsl;

            [Network([|InChannels = 0|], Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 1, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv;
            }
            """),

        ["NDSL0010 network Height = -8"] = new("NDSL0010", "^Net: [Network] needs InChannels >= 1 and Height, Width >= 0 (0 = symbolic); got InChannels = 3, Height = -8, Width = 8", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, [|Height = -8|], Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv;
            }
            """),

        ["NDSL0010 Repeat = 0"] = new("NDSL0010", "^Net.pw: Repeat must be at least 1, got 0", Net,
            """
            using NetDsl;

            [Block]
            public partial class Pointwise
            {
                [Param] int c;
                [Conv("c", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Pointwise), 8, [|Repeat = 0|])] Stage pw;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Pointwise
            {
                [Param] int c;
                [Conv("c", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Pointwise), 8, Repeat = 1)] Stage pw;
            }
            """),

        // ---------------------------------------------------------------- names and blocks
        ["NDSL0011 unknown skip name"] = new("NDSL0011", "Net.cat: no earlier stage named 'nope' in 'Net' (earlier stages: conv1, conv2)", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv1;
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv2;
                [Concat([|"nope"|])] Stage cat;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv1;
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv2;
                [Concat("conv1")] Stage cat;
            }
            """),

        ["NDSL0011 unknown name among several skips"] = new("NDSL0011", "^Net.cat: no earlier stage named 'nope' in 'Net'", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv1;
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv2;
                [Concat([|nameof(conv1), "nope"|])] Stage cat;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv1;
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv2;
                [Concat(nameof(conv1), nameof(conv2))] Stage cat;
            }
            """),

        ["NDSL0012 block using itself"] = new("NDSL0012", "^Block 'Loop' uses itself through Loop → Loop", new[] { "Loop.g.cs", "Net.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class Loop
            {
                [Conv(8, Kernel = 1)] Stage conv;
                [[|Use(typeof(Loop))|]] Stage again;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Loop))] Stage loop;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Loop
            {
                [Conv(8, Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Loop), Repeat = 2)] Stage loop;
            }
            """),

        ["NDSL0012 blocks using each other"] = new("NDSL0012", "uses itself through", new[] { "A.g.cs", "B.g.cs", "Net.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class A
            {
                [[|Use(typeof(B))|]] Stage b;
            }

            [Block]
            public partial class B
            {
                [[|Use(typeof(A))|]] Stage a;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(A))] Stage a;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class A
            {
                [Use(typeof(B))] Stage b;
            }

            [Block]
            public partial class B
            {
                [Conv(8, Kernel = 1)] Stage a;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(A))] Stage a;
            }
            """),

        ["NDSL0013 typeof a class that is not a block"] = new("NDSL0013", "'Helper' is not a [Block] class", Net,
            """
            using NetDsl;

            public partial class Helper
            {
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use([|typeof(Helper)|])] Stage helper;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Helper
            {
                [Conv(8, Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Helper))] Stage helper;
            }
            """),

        ["NDSL0014 too many block arguments"] = new("NDSL0014", "Block 'Pointwise' takes 1 argument(s) (c) but 2 were given", Net,
            """
            using NetDsl;

            [Block]
            public partial class Pointwise
            {
                [Param] int c;
                [Conv("c", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Pointwise), [|8, 2|])] Stage pw;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Pointwise
            {
                [Param] int c;
                [Conv("c", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Pointwise), 8)] Stage pw;
            }
            """),

        ["NDSL0014 missing block argument"] = new("NDSL0014", "Block 'Pointwise' needs a value for 'c' (parameters: c)", Net,
            """
            using NetDsl;

            [Block]
            public partial class Pointwise
            {
                [Param] int c;
                [Conv("c", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [[|Use(typeof(Pointwise))|]] Stage pw;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Pointwise
            {
                [Param] int c;
                [Conv("c", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Pointwise), 8)] Stage pw;
            }
            """),

        ["NDSL0015 expression ends early"] = new("NDSL0015", "Wide.conv: expression \"planes *\" ends early", new[] { "Wide.g.cs", "Net.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class Wide
            {
                [Param] int planes;
                [Conv([|"planes *"|], Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Wide), 4)] Stage wide;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Wide
            {
                [Param] int planes;
                [Conv("planes * 4", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Wide), 4)] Stage wide;
            }
            """),

        ["NDSL0015 unknown name in a network"] = new("NDSL0015", "Net.conv: outChannels: unknown name 'unknown_name'", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv([|"unknown_name"|], Kernel = 1)] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv("in_channels", Kernel = 1)] Stage conv;
            }
            """),

        ["NDSL0015 unknown name in a block"] = new("NDSL0015", "unknown name 'unknown_name'", new[] { "Wide.g.cs", "Net.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class Wide
            {
                [Param] int planes;
                [Conv([|"unknown_name"|], Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Wide), 4)] Stage wide;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Wide
            {
                [Param] int planes;
                [Conv("planes", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Wide), 4)] Stage wide;
            }
            """),

        // ---------------------------------------------------------------- fields and composition
        ["NDSL0016 layer attribute on a non-Stage field"] = new("NDSL0016", "'conv': layer attributes go on fields of type NetDsl.Stage, not 'int'", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] int [|conv|];
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv;
            }
            """),

        ["NDSL0016 Stage field without attributes"] = new("NDSL0016", "'relu': a Stage field needs at least one layer attribute", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv;
                Stage [|relu|];
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv;
                [ReLU] Stage relu;
            }
            """),

        ["NDSL0016 FirstRepeatOnly on a network parameter"] = new("NDSL0016", "^'width': FirstRepeatOnly is for block parameters", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Param(FirstRepeatOnly = true)] int [|width|] = 8;
                [Conv("width", Kernel = 3)] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Param] int width = 8;
                [Conv("width", Kernel = 3)] Stage conv;
            }
            """),

        ["NDSL0016 FirstRepeatOnly without a default"] = new("NDSL0016", "^'stride': FirstRepeatOnly needs a default value", new[] { "Down.g.cs", "Net.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class Down
            {
                [Param(FirstRepeatOnly = true)] int [|stride|];
                [Conv(8, Kernel = 1, Stride = "stride")] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Down), 2, Repeat = 2)] Stage down;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Down
            {
                [Param(FirstRepeatOnly = true)] int stride = 1;
                [Conv(8, Kernel = 1, Stride = "stride")] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Down), 2, Repeat = 2)] Stage down;
            }
            """),

        ["NDSL0017 a layer attribute NetDsl does not know"] = new("NDSL0017", "^Net.fancy: [Fancy] is not a layer NetDsl knows", Net,
            """
            using NetDsl;

            public sealed class FancyAttribute : LayerAttribute { }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv;
                [[|Fancy|]] Stage fancy;
            }
            """,
            """
            using NetDsl;

            public sealed class FancyAttribute : LayerAttribute { }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv;
                [Identity] Stage fancy;
            }
            """),

        ["NDSL0017 Use mixed with Conv"] = new("NDSL0017", "Net.both: [Use] makes up a stage on its own", Net,
            """
            using NetDsl;

            [Block]
            public partial class Pointwise
            {
                [Param] int c;
                [Conv("c", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [[|Use(typeof(Pointwise), 8)|], Conv(8, Kernel = 3)] Stage both;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Pointwise
            {
                [Param] int c;
                [Conv("c", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Pointwise), 8)] Stage both;
            }
            """),

        ["NDSL0017 Branch without Join"] = new("NDSL0017", "Net.mix: a parallel stage needs one or more [Branch] attributes and exactly one [Join]", Net,
            """
            using NetDsl;

            [Block]
            public partial class Pointwise
            {
                [Param] int c;
                [Conv("c", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [[|Branch(typeof(Pointwise), 8)|], Branch(typeof(Pointwise), 4)] Stage mix;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Pointwise
            {
                [Param] int c;
                [Conv("c", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Branch(typeof(Pointwise), 8), Branch(typeof(Pointwise), 4), Join(Join.Concat)] Stage mix;
            }
            """),

        // ---------------------------------------------------------------- ranks and flattening
        ["NDSL0018 Linear without Flatten"] = new("NDSL0018", "Net.fc: Linear needs a flattened [N, F] input but receives [N, 8, 1, 1]", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv;
                [GlobalAvgPool] Stage pool;
                [[|Linear(10)|]] Stage fc;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv;
                [GlobalAvgPool, Flatten] Stage pool;
                [Linear(10)] Stage fc;
            }
            """),

        ["NDSL0018 Conv after Flatten"] = new("NDSL0018", "Net.conv2: Conv2d needs an [N, C, H, W] feature map but receives the flat [N, 288]", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv1;
                [Flatten] Stage flatten;
                [[|Conv(8, Kernel = 3)|]] Stage conv2;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv1;
                [Conv(8, Kernel = 3)] Stage conv2;
                [Flatten] Stage flatten;
            }
            """),

        ["NDSL0020 Linear after Flatten with a symbolic size"] = new("NDSL0020", "Net.fc: the flattened size C*H*W depends on the input size", Net,
            """
            using NetDsl;

            [Network(InChannels = 3)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv;
                [Flatten] Stage flatten;
                [[|Linear(10)|]] Stage fc;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage conv;
                [Flatten] Stage flatten;
                [Linear(10)] Stage fc;
            }
            """),

        ["NDSL0021 same padding with stride 2"] = new("NDSL0021", "Net.conv: padding \"same\" requires stride 1", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Stride = 2, [|Padding = "same"|])] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Stride = 1, Padding = "same")] Stage conv;
            }
            """),

        ["NDSL0022 shortcut across an unpadded conv"] = new("NDSL0022", "Net.residual: the shortcut input [N, 3, 8, 8] cannot be projected to the main path's [N, 16, 6, 6]: a 1x1 conv with stride 1 gives [N, 16, 8, 8]", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(16, Kernel = 3)] Stage conv;
                [[|Shortcut|]] Stage residual;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(16, Kernel = 3, Padding = 1)] Stage conv;
                [Shortcut] Stage residual;
            }
            """),

        ["NDSL0022 shortcut across an upsampling"] = new("NDSL0022", "the main path does not have an integer stride", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Upsample(2)] Stage up;
                [Conv(16, Kernel = 3, Stride = 2, Padding = 1)] Stage conv;
                [[|Shortcut|]] Stage residual;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(16, Kernel = 3, Stride = 1, Padding = 1)] Stage conv;
                [Shortcut] Stage residual;
            }
            """),

        ["NDSL0023 Kernel = 2.5"] = new("NDSL0023", "Net.conv: argument 'Kernel' must be an integer or an expression string, not 2.5", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, [|Kernel = 2.5|])] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 2)] Stage conv;
            }
            """),

        ["NDSL0023 Padding = \"bogus\""] = new("NDSL0023", "^Net.conv: argument 'Padding' must be a number, \"same\" or \"valid\", not \"bogus\"", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, [|Padding = "bogus"|])] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = "same")] Stage conv;
            }
            """),

        ["NDSL0023 null for a required argument"] = new("NDSL0023", "^Net.conv: argument 'outChannels' must be an integer or an expression string, not null", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv([|null|], Kernel = 3)] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv;
            }
            """),

        ["NDSL0023 Padding = \"bogus\" in a block"] = new("NDSL0023", "^Pad.conv: argument 'Padding' must be a number, \"same\", \"valid\" or an expression over the block's parameters, not \"bogus\"", new[] { "Pad.g.cs", "Net.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class Pad
            {
                [Param] int p;
                [Conv(8, Kernel = 3, [|Padding = "bogus"|])] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Pad), 1)] Stage pad;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Pad
            {
                [Param] int p;
                [Conv(8, Kernel = 3, Padding = "p")] Stage conv;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Use(typeof(Pad), 1)] Stage pad;
            }
            """),

        ["NDSL0024 network without stages"] = new("NDSL0024", "'Net' declares no Stage fields; nothing to generate", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class [|Net|]
            {
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Identity] Stage id;
            }
            """),

        ["NDSL0024 block without stages"] = new("NDSL0024", "^'Nothing' declares no Stage fields; nothing to generate", new[] { "Nothing.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class [|Nothing|]
            {
                [Param] int c;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Nothing
            {
                [Param] int c;
                [Identity] Stage id;
            }
            """),

        // ---------------------------------------------------------------- wavelet stages
        ["NDSL0026 WTConv changing the channels"] = new("NDSL0026", "Net.wt: WTConv is depthwise: its output channels (16) must equal its input channels (8)", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [WTConv([|16|])] Stage wt;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [WTConv(8)] Stage wt;
            }
            """),

        ["NDSL0027 more wavelet levels than the size allows"] = new("NDSL0027", "Net.wt: level 4 of 6 has nothing left to transform: the 8x8 input is down to 1x1 after 3 level(s)", Net,
            """
            using NetDsl;

            [Network(InChannels = 4, Height = 8, Width = 8)]
            public partial class Net
            {
                [WTConv(4, Kernel = 1, [|Levels = 6|])] Stage wt;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 4, Height = 8, Width = 8)]
            public partial class Net
            {
                [WTConv(4, Kernel = 1, Levels = 3)] Stage wt;
            }
            """),

        ["NDSL0028 wavelet sub-band smaller than the kernel"] = new("NDSL0028", "Net.wt: level 2 works on a 4x4 sub-band, smaller than its 5x5 kernel", Array.Empty<string>(),
            """
            using NetDsl;

            [Network(InChannels = 4, Height = 16, Width = 16)]
            public partial class Net
            {
                [WTConv(4, Kernel = 5, [|Levels = 2|])] Stage wt;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 4, Height = 16, Width = 16)]
            public partial class Net
            {
                [WTConv(4, Kernel = 5, Levels = 1)] Stage wt;
            }
            """),

        ["NDSL0029 unknown wavelet"] = new("NDSL0029", "Net.wt: unknown wavelet 'db99'; valid names: haar, db1, db2", Net,
            """
            using NetDsl;

            [Network(InChannels = 4, Height = 16, Width = 16)]
            public partial class Net
            {
                [WTConv(4, [|Wavelet = "db99"|])] Stage wt;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 4, Height = 16, Width = 16)]
            public partial class Net
            {
                [WTConv(4, Wavelet = "db2")] Stage wt;
            }
            """),

        ["NDSL0030 odd size into Haar wavelet downsampling"] = new("NDSL0030", "Net.down: the [N, 3, 7, 8] input is odd along the height; it is zero-padded at the bottom/right first", Array.Empty<string>(),
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 7, Width = 8)]
            public partial class Net
            {
                [[|Downsample(DownsampleKind.Hwd, Out = 8)|]] Stage down;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Downsample(DownsampleKind.Hwd, Out = 8)] Stage down;
            }
            """),

        // ---------------------------------------------------------------- dilation
        ["NDSL0031 gridding stack of dilations 2, 4, 8"] = new("NDSL0031", "Net.conv3: the stacked dilations (2, 4, 8) of 3x3 convolutions never look at 14 of the 29 offsets", Array.Empty<string>(),
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 64, Width = 64)]
            public partial class Net
            {
                [Conv(8, Dilation = 2, Padding = 2), ReLU] Stage conv1;
                [Conv(8, Dilation = 4, Padding = 4), ReLU] Stage conv2;
                [Conv(8, [|Dilation = 8|], Padding = 8), ReLU] Stage conv3;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 64, Width = 64)]
            public partial class Net
            {
                [Conv(8, Dilation = 1, Padding = 1), ReLU] Stage conv1;
                [Conv(8, Dilation = 2, Padding = 2), ReLU] Stage conv2;
                [Conv(8, Dilation = 5, Padding = 5), ReLU] Stage conv3;
            }
            """),

        ["NDSL0032 dilation as large as the map"] = new("NDSL0032", "Net.aspp: dilation 36 is at least the input's height 28 and width 28, so the kernel's outer taps only ever see padding: it acts as a 1x1 convolution", Array.Empty<string>(),
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 28, Width = 28)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 36, [|Dilation = 36|])] Stage aspp;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 28, Width = 28)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 12, Dilation = 12)] Stage aspp;
            }
            """),

        ["NDSL0033 ASPP with a repeated rate"] = new("NDSL0033", "Net.aspp: the atrous rates (6, 12, 6) repeat 6; each ASPP branch should look at a different scale", Net,
            """
            using NetDsl;

            [Network(InChannels = 16, Height = 32, Width = 32)]
            public partial class Net
            {
                [ASPP([|6, 12, 6|], Out = 8)] Stage aspp;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 16, Height = 32, Width = 32)]
            public partial class Net
            {
                [ASPP(6, 12, 18, Out = 8)] Stage aspp;
            }
            """),

        ["NDSL0034 octave alpha above 1"] = new("NDSL0034", "Net.split: AlphaOut is the low-frequency fraction of the channels and must be within [0, 1], got 1.5", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, [|AlphaOut = 1.5|])] Stage split;
                [OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;
                [OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;
            }
            """),

        ["NDSL0035 octave split of another alpha"] = new("NDSL0035", "Net.merge: OctConv splits its 16 input channels by alpha_in 0.5 into (high 8, low 8) but receives (high 12, low 4), the split of alpha 0.25", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.25)] Stage split;
                [OctConv(16, Kernel = 1, [|AlphaIn = 0.5|], AlphaOut = 0.0)] Stage merge;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.25)] Stage split;
                [OctConv(16, Kernel = 1, AlphaIn = 0.25, AlphaOut = 0.0)] Stage merge;
            }
            """),

        ["NDSL0036 plain layer fed an octave pair"] = new("NDSL0036", "Net.conv: [Conv] is a plain layer but receives the octave pair ([N, 8, 16, 16], [N, 8, 8, 8])", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;
                [[|Conv(16, Padding = 1)|]] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;
                [OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;
                [Conv(16, Padding = 1)] Stage conv;
            }
            """),

        ["NDSL0036 octave layer fed a plain tensor"] = new("NDSL0036", "but receives the plain [N, 8, 16, 16]; the first octave layer takes AlphaIn = 0", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, [|AlphaIn = 0.5|], AlphaOut = 0.5)] Stage split;
                [OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;
                [OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;
            }
            """),

        ["NDSL0036 octave layer mixed with a plain one in a stage"] = new("NDSL0036", "declare [MaxPool] in a stage of its own", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.0), BatchNorm, [|MaxPool(2)|]] Stage split;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.0), BatchNorm] Stage split;
                [MaxPool(2)] Stage pool;
            }
            """),

        ["NDSL0036 network ending with an octave pair"] = new("NDSL0036", "Net: the network ends with the octave pair ([N, 8, 16, 16], [N, 8, 8, 8]); end the octave part with an octave conv of AlphaOut = 0", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, [|AlphaOut = 0.5|])] Stage split;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;
                [OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;
            }
            """),

        ["NDSL0036 concat of an octave pair"] = new("NDSL0036", "[Concat] joins plain tensors, not the octave pair ([N, 8, 16, 16], [N, 8, 8, 8])", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;
                [OctConv(16, Padding = 1, AlphaIn = 0.5, AlphaOut = 0.5)] Stage conv;
                [[|Concat(nameof(split))|]] Stage joined;
                [OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;
                [OctConv(16, Padding = 1, AlphaIn = 0.5, AlphaOut = 0.5)] Stage conv;
                [Add(nameof(split))] Stage joined;
                [OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;
            }
            """),

        ["NDSL0023 octave ReLU without its batch norm"] = new("NDSL0023", "ReLU", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.0, [|ReLU = true|])] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.0, BatchNorm = true, ReLU = true)] Stage conv;
            }
            """),

        ["NDSL0047 outputs in a network with octave stages"] = new("NDSL0047", "Net.aux: taps and named outputs are not supported in a network with octave stages ('split')", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;
                [OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0), Output("out")] Stage merge;
                [Conv(4, Kernel = 1), [|Tap("merge")|], Output("aux")] Stage aux;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;
                [OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;
                [Conv(4, Kernel = 1)] Stage aux;
            }
            """),

        ["NDSL0037 octave stride 2 on a size not divisible by 4"] = new("NDSL0037", "must have a height and width divisible by 4 (stride 2 with a low-frequency output pools the high-frequency map twice), got height 18", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 18, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;
                [[|OctConv(16, Stride = 2, Padding = 1)|]] Stage down;
                [OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 20, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;
                [OctConv(16, Stride = 2, Padding = 1)] Stage down;
                [OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;
            }
            """),

        ["NDSL0038 octave stride 3"] = new("NDSL0038", "Net.split: an octave convolution pools by 2x2 for its stride, so the stride must be 1 or 2, got 3", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, [|Stride = 3|], AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;
                [OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Padding = 1, Stride = 2, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;
                [OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;
            }
            """),

        // ---------------------------------------------------------------- pyramids (SPP, SPEED, DeepLab v2)
        ["NDSL0042 SPP level larger than the map"] = new("NDSL0042", "Net.spp: pyramid level 4 is larger than the [N, 8, 3, 3] map's height 3, so its 4x4 bins would repeat input cells", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 6, Width = 6)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Stride = 2, Padding = 1)] Stage conv;
                [SPP([|4, 2, 1|])] Stage spp;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 6, Width = 6)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Stride = 2, Padding = 1)] Stage conv;
                [SPP(2, 1)] Stage spp;
            }
            """),

        ["NDSL0043 DSPP bin larger than the map"] = new("NDSL0043", "Net.dspp: bin 8 pools the [N, 16, 6, 6] map with a window of 6 // 8 = 0 along the height; every bin must be at most the map's height and width (bins 2, 4, 8)", Net,
            """
            using NetDsl;

            [Network(InChannels = 16, Height = 6, Width = 6)]
            public partial class Net
            {
                [DSPP(Filters = 8, [|Bins = new[] { 2, 4, 8 }|])] Stage dspp;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 16, Height = 6, Width = 6)]
            public partial class Net
            {
                [DSPP(Filters = 8, Bins = new[] { 2, 3, 6 })] Stage dspp;
            }
            """),

        ["NDSL0043 MDSPP default bin 8 wider than the map"] = new("NDSL0043", "Net.up: bin 8 pools the [N, 8, 24, 6] map with a window of 6 // 8 = 0 along the width", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 24, Width = 6)]
            public partial class Net
            {
                [[|MDSPP(Filters = 8)|]] Stage up;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 24, Width = 24)]
            public partial class Net
            {
                [MDSPP(Filters = 8)] Stage up;
            }
            """),

        ["NDSL0044 SPEED bins that do not divide the map"] = new("NDSL0044", "Net.dspp: bins 6, 8 do not divide the 12x16 map, so their pooled grids are not bin x bin (bin 6: 6x8, bin 8: 12x8)", Array.Empty<string>(),
            """
            using NetDsl;

            [Network(InChannels = 16, Height = 12, Width = 16)]
            public partial class Net
            {
                [[|DSPP(Filters = 8)|]] Stage dspp;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 16, Height = 24, Width = 24)]
            public partial class Net
            {
                [DSPP(Filters = 8)] Stage dspp;
            }
            """),

        ["NDSL0045 DSPP with a repeated bin"] = new("NDSL0045", "Net.dspp: the pyramid bins (2, 4, 4) repeat 4; each level should pool at a different scale", Net,
            """
            using NetDsl;

            [Network(InChannels = 16, Height = 16, Width = 16)]
            public partial class Net
            {
                [DSPP(Filters = 8, [|Bins = new[] { 2, 4, 4 }|])] Stage dspp;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 16, Height = 16, Width = 16)]
            public partial class Net
            {
                [DSPP(Filters = 8, Bins = new[] { 2, 4, 8 })] Stage dspp;
            }
            """),

        ["NDSL0045 SPP with a repeated level"] = new("NDSL0045", "Net.spp: the pyramid bins (4, 2, 2) repeat 2", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [SPP([|4, 2, 2|])] Stage spp;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [SPP(4, 2, 1)] Stage spp;
            }
            """),

        ["NDSL0033 DeepLab v2 ASPP with a repeated rate"] = new("NDSL0033", "Net.aspp: the atrous rates (6, 12, 6) repeat 6", Net,
            """
            using NetDsl;

            [Network(InChannels = 16, Height = 32, Width = 32)]
            public partial class Net
            {
                [ASPPv2(3, [|6, 12, 6|])] Stage aspp;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 16, Height = 32, Width = 32)]
            public partial class Net
            {
                [ASPPv2(3, 6, 12, 18)] Stage aspp;
            }
            """),

        ["NDSL0032 DeepLab v2 ASPP rate as large as the map"] = new("NDSL0032", "Net.aspp: dilation 24 is at least the input's height 20 and width 20, so the kernel's outer taps only ever see padding: that ASPP branch acts as a 1x1 convolution", Array.Empty<string>(),
            """
            using NetDsl;

            [Network(InChannels = 16, Height = 20, Width = 20)]
            public partial class Net
            {
                [ASPPv2(3, [|6, 12, 18, 24|], Hidden = 8)] Stage aspp;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 16, Height = 28, Width = 28)]
            public partial class Net
            {
                [ASPPv2(3, 6, 12, 18, 24, Hidden = 8)] Stage aspp;
            }
            """),

        ["NDSL0032 separable conv dilated past the map"] = new("NDSL0032", "Net.sep: dilation 8 is at least the input's height 8 and width 8, so the kernel's outer taps only ever see padding: its depthwise step acts as a 1x1 convolution", Array.Empty<string>(),
            """
            using NetDsl;

            [Network(InChannels = 4, Height = 8, Width = 8)]
            public partial class Net
            {
                [SeparableConv(8, [|Dilation = 8|])] Stage sep;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 4, Height = 8, Width = 8)]
            public partial class Net
            {
                [SeparableConv(8, Dilation = 2)] Stage sep;
            }
            """),

        ["NDSL0021 strided separable conv with its default same padding"] = new("NDSL0021", "Net.sep: padding \"same\" requires stride 1", Net,
            """
            using NetDsl;

            [Network(InChannels = 4, Height = 8, Width = 8)]
            public partial class Net
            {
                [[|SeparableConv(8, Stride = 2)|]] Stage sep;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 4, Height = 8, Width = 8)]
            public partial class Net
            {
                [SeparableConv(8, Stride = 2, Padding = 1)] Stage sep;
            }
            """),

        ["NDSL0010 MDSPP with three bins"] = new("NDSL0010", "Net.up: MDSPP needs exactly four bins (mixed in the pairs 1 + 3 and 2 + 4), got [2, 4, 6]", Net,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 24, Width = 24)]
            public partial class Net
            {
                [MDSPP(Filters = 8, [|Bins = new[] { 2, 4, 6 }|])] Stage up;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 8, Height = 24, Width = 24)]
            public partial class Net
            {
                [MDSPP(Filters = 8, Bins = new[] { 2, 4, 6, 8 })] Stage up;
            }
            """),

        // ---------------------------------------------------------------- taps, outputs, dilation rewrite
        ["NDSL0046 tap of a stage a block does not have"] = new("NDSL0046", "Net.aux: cannot tap 'trunk.stem2': 'trunk' (Trunk()) has no stage 'stem2'; it has stem, down", Net,
            """
            using NetDsl;

            [Block]
            public partial class Trunk
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage stem;
                [Conv(16, Kernel = 3, Stride = 2, Padding = 1)] Stage down;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Trunk))] Stage trunk;
                [Conv(4, Kernel = 1), Output("out")] Stage head;
                [Conv(4, Kernel = 1), Tap([|"trunk.stem2"|]), Output("aux")] Stage aux;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Trunk
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage stem;
                [Conv(16, Kernel = 3, Stride = 2, Padding = 1)] Stage down;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Trunk))] Stage trunk;
                [Conv(4, Kernel = 1), Output("out")] Stage head;
                [Conv(4, Kernel = 1), Tap("trunk.stem"), Output("aux")] Stage aux;
            }
            """),

        ["NDSL0046 tap of a later stage"] = new("NDSL0046", "Net.aux: cannot tap 'late': 'late' runs after aux; a tap reads an earlier stage's output", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage stem;
                [Conv(4, Kernel = 1), Output("out")] Stage head;
                [Conv(4, Kernel = 1), Tap([|"late"|]), Output("aux")] Stage aux;
                [Conv(4, Kernel = 1), Tap("stem"), Output("late")] Stage late;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage stem;
                [Conv(4, Kernel = 1), Output("out")] Stage head;
                [Conv(4, Kernel = 1), Tap("head"), Output("aux")] Stage aux;
                [Conv(4, Kernel = 1), Tap("stem"), Output("late")] Stage late;
            }
            """),

        ["NDSL0047 side head without an output"] = new("NDSL0047", "Net.aux: the side head that starts at 'aux' ends at 'aux', whose result would be dropped; mark it [Output(\"...\")]", Net,
            """
            using NetDsl;

            [Block]
            public partial class Trunk
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage stem;
                [Conv(16, Kernel = 3, Stride = 2, Padding = 1)] Stage down;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Trunk))] Stage trunk;
                [Conv(4, Kernel = 1), Output("out")] Stage head;
                [Conv(4, Kernel = 1), Tap("trunk.stem")] Stage [|aux|];
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Trunk
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage stem;
                [Conv(16, Kernel = 3, Stride = 2, Padding = 1)] Stage down;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Trunk))] Stage trunk;
                [Conv(4, Kernel = 1), Output("out")] Stage head;
                [Conv(4, Kernel = 1), Tap("trunk.stem"), Output("aux")] Stage aux;
            }
            """),

        ["NDSL0047 main path without an output"] = new("NDSL0047", "Net.head: the main path (the stages before the first [Tap]) ends at 'head', which needs [Output(\"out\")]", Net,
            """
            using NetDsl;

            [Block]
            public partial class Trunk
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage stem;
                [Conv(16, Kernel = 3, Stride = 2, Padding = 1)] Stage down;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Trunk))] Stage trunk;
                [Conv(4, Kernel = 1)] Stage [|head|];
                [Conv(4, Kernel = 1), Tap("trunk.stem"), Output("aux")] Stage aux;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Trunk
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage stem;
                [Conv(16, Kernel = 3, Stride = 2, Padding = 1)] Stage down;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Trunk))] Stage trunk;
                [Conv(4, Kernel = 1), Output("out")] Stage head;
                [Conv(4, Kernel = 1), Tap("trunk.stem"), Output("aux")] Stage aux;
            }
            """),

        ["NDSL0047 output name used twice"] = new("NDSL0047", "Net.aux: the output name 'out' is already used by 'head'", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage stem;
                [Conv(4, Kernel = 1), Output("out")] Stage head;
                [Conv(4, Kernel = 1), Tap("stem"), Output([|"out"|])] Stage aux;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Padding = 1)] Stage stem;
                [Conv(4, Kernel = 1), Output("out")] Stage head;
                [Conv(4, Kernel = 1), Tap("stem"), Output("aux")] Stage aux;
            }
            """),

        ["NDSL0047 output in a block"] = new("NDSL0047", "Head.conv: [Output] belongs to a [Network]: a block has one input and one output", new[] { "Head.g.cs", "Net.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class Head
            {
                [Conv(4, Kernel = 1), [|Output("feat")|]] Stage conv;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Head))] Stage head;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Head
            {
                [Conv(4, Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Head))] Stage head;
            }
            """),

        ["NDSL0048 Dilate on a block without a dilation parameter"] = new("NDSL0048", "Net.layer: Plain cannot trade its stride for dilation: it has no [Param] int dilation (parameters: c, stride)", Net,
            """
            using NetDsl;

            [Block]
            public partial class Plain
            {
                [Param] int c;
                [Param(FirstRepeatOnly = true)] int stride = 1;
                [Conv("c", Kernel = 3, Stride = "stride", Padding = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Plain), 8, 2, Repeat = 2, [|Dilate = true|])] Stage layer;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Plain
            {
                [Param] int c;
                [Param(FirstRepeatOnly = true)] int stride = 1;
                [Param] int dilation = 1;
                [Conv("c", Kernel = 3, Stride = "stride", Padding = "dilation", Dilation = "dilation")] Stage conv;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Plain), 8, 2, Repeat = 2, Dilate = true)] Stage layer;
            }
            """),

        ["NDSL0048 Dilate with FirstArgs"] = new("NDSL0048", "Net.layer: Res cannot trade its stride for dilation: FirstArgs would replace the first copy's arguments", Net,
            """
            using NetDsl;

            [Block]
            public partial class Res
            {
                [Param] int c;
                [Param(FirstRepeatOnly = true)] int stride = 1;
                [Param] int dilation = 1;
                [Conv("c", Kernel = 3, Stride = "stride", Padding = "dilation", Dilation = "dilation")] Stage conv;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Res), 8, 2, Repeat = 2, FirstArgs = new object[] { 8, 1, 1 }, [|Dilate = true|])] Stage layer;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Res
            {
                [Param] int c;
                [Param(FirstRepeatOnly = true)] int stride = 1;
                [Param] int dilation = 1;
                [Conv("c", Kernel = 3, Stride = "stride", Padding = "dilation", Dilation = "dilation")] Stage conv;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Res), 8, 2, Repeat = 2, Dilate = true)] Stage layer;
            }
            """),

        ["NDSL0049 output stride past the stem"] = new("NDSL0049", "Net: output stride 1 is not reachable: this path reaches 8, 4, 2 (dilating stops at 'stem'", Net,
            """
            using NetDsl;

            [Block]
            public partial class Res
            {
                [Param] int c;
                [Param(FirstRepeatOnly = true)] int stride = 1;
                [Param] int dilation = 1;
                [Conv("c", Kernel = 3, Stride = "stride", Padding = "dilation", Dilation = "dilation")] Stage conv;
            }

            [Network(InChannels = 3, Height = 32, Width = 32, [|OutputStride = 1|])]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Stride = 2, Padding = 1)] Stage stem;
                [Use(typeof(Res), 8, 2, Repeat = 2)] Stage layer1;
                [Use(typeof(Res), 8, 2, Repeat = 2)] Stage layer2;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Res
            {
                [Param] int c;
                [Param(FirstRepeatOnly = true)] int stride = 1;
                [Param] int dilation = 1;
                [Conv("c", Kernel = 3, Stride = "stride", Padding = "dilation", Dilation = "dilation")] Stage conv;
            }

            [Network(InChannels = 3, Height = 32, Width = 32, OutputStride = 2)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Stride = 2, Padding = 1)] Stage stem;
                [Use(typeof(Res), 8, 2, Repeat = 2)] Stage layer1;
                [Use(typeof(Res), 8, 2, Repeat = 2)] Stage layer2;
            }
            """),

        ["NDSL0049 output stride not a power of 2"] = new("NDSL0049", "Net: output stride 6 is not a power of 2", Net,
            """
            using NetDsl;

            [Block]
            public partial class Res
            {
                [Param] int c;
                [Param(FirstRepeatOnly = true)] int stride = 1;
                [Param] int dilation = 1;
                [Conv("c", Kernel = 3, Stride = "stride", Padding = "dilation", Dilation = "dilation")] Stage conv;
            }

            [Network(InChannels = 3, Height = 32, Width = 32, [|OutputStride = 6|])]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Stride = 2, Padding = 1)] Stage stem;
                [Use(typeof(Res), 8, 2, Repeat = 2)] Stage layer1;
                [Use(typeof(Res), 8, 2, Repeat = 2)] Stage layer2;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Res
            {
                [Param] int c;
                [Param(FirstRepeatOnly = true)] int stride = 1;
                [Param] int dilation = 1;
                [Conv("c", Kernel = 3, Stride = "stride", Padding = "dilation", Dilation = "dilation")] Stage conv;
            }

            [Network(InChannels = 3, Height = 32, Width = 32, OutputStride = 4)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Stride = 2, Padding = 1)] Stage stem;
                [Use(typeof(Res), 8, 2, Repeat = 2)] Stage layer1;
                [Use(typeof(Res), 8, 2, Repeat = 2)] Stage layer2;
            }
            """),

        ["NDSL0049 OutputStride and Dilate = true together"] = new("NDSL0049", "Net.layer2: output stride 4 is set on Net, which picks the stages to dilate itself; drop Dilate = true here", Net,
            """
            using NetDsl;

            [Block]
            public partial class Res
            {
                [Param] int c;
                [Param(FirstRepeatOnly = true)] int stride = 1;
                [Param] int dilation = 1;
                [Conv("c", Kernel = 3, Stride = "stride", Padding = "dilation", Dilation = "dilation")] Stage conv;
            }

            [Network(InChannels = 3, Height = 32, Width = 32, OutputStride = 4)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Stride = 2, Padding = 1)] Stage stem;
                [Use(typeof(Res), 8, 2, Repeat = 2)] Stage layer1;
                [Use(typeof(Res), 8, 2, Repeat = 2, [|Dilate = true|])] Stage layer2;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Res
            {
                [Param] int c;
                [Param(FirstRepeatOnly = true)] int stride = 1;
                [Param] int dilation = 1;
                [Conv("c", Kernel = 3, Stride = "stride", Padding = "dilation", Dilation = "dilation")] Stage conv;
            }

            [Network(InChannels = 3, Height = 32, Width = 32, OutputStride = 4)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Stride = 2, Padding = 1)] Stage stem;
                [Use(typeof(Res), 8, 2, Repeat = 2)] Stage layer1;
                [Use(typeof(Res), 8, 2, Repeat = 2)] Stage layer2;
            }
            """),

        ["NDSL0025 Linear in a block after flattening a map"] = new("NDSL0025", "Net.head.fc: a Linear inside a block must follow global pooling", Net,
            """
            using NetDsl;

            [Block]
            public partial class Head
            {
                [Flatten] Stage flatten;
                [[|Linear(10)|]] Stage fc;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Stride = 2, Padding = 1)] Stage conv;
                [Use(typeof(Head))] Stage head;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Head
            {
                [GlobalAvgPool] Stage pool;
                [Flatten] Stage flatten;
                [Linear(10)] Stage fc;
            }

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3, Stride = 2, Padding = 1)] Stage conv;
                [Use(typeof(Head))] Stage head;
            }
            """),

        // ---------------------------------------------------------------- limits of the numbers (NDSL0050-0052)
        ["NDSL0050 multiply-adds beyond 64 bits"] = new("NDSL0050", "Net.conv: about 1.2e19 multiply-adds cannot be counted in 64 bits", Net,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 2000000000, Width = 2000000000)]
            public partial class Net
            {
                [[|Conv(1, Kernel = 1)|]] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 2000, Width = 2000)]
            public partial class Net
            {
                [Conv(1, Kernel = 1)] Stage conv;
            }
            """),

        ["NDSL0050 network total beyond 64 bits"] = new("NDSL0050", "Net: the network's total of about 1.35e19 multiply-adds cannot be counted in 64 bits", Net,
            """
            using NetDsl;

            [Network(InChannels = 1, Height = 1500000000, Width = 1500000000)]
            public partial class [|Net|]
            {
                [Conv(2, Kernel = 1)] Stage conv1;
                [Conv(2, Kernel = 1)] Stage conv2;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 1, Height = 1500, Width = 1500)]
            public partial class Net
            {
                [Conv(2, Kernel = 1)] Stage conv1;
                [Conv(2, Kernel = 1)] Stage conv2;
            }
            """),

        ["NDSL0051 channels beyond int"] = new("NDSL0051", "Net.wide.conv: output channels is 3,000,000,000, more than the 2,147,483,647", new[] { "Net.g.cs" },
            """
            using NetDsl;

            [Block]
            public partial class Wide
            {
                [Param] int c;
                [Conv([|"c * 1000000000"|], Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 1, Height = 1, Width = 1)]
            public partial class Net
            {
                [Use(typeof(Wide), 3)] Stage wide;
            }
            """,
            """
            using NetDsl;

            [Block]
            public partial class Wide
            {
                [Param] int c;
                [Conv("c * 1000000000", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 1, Height = 1, Width = 1)]
            public partial class Net
            {
                [Use(typeof(Wide), 2)] Stage wide;
            }
            """),

        ["NDSL0052 activation beyond 64 GiB"] = new("NDSL0052", "the largest activation, Net.conv's output [N, 64, 100000, 100000], takes about 2.56e12 bytes at batch 1", Array.Empty<string>(),
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 100000, Width = 100000)]
            public partial class [|Net|]
            {
                [Conv(64, Kernel = 3, Padding = 1)] Stage conv;
            }
            """,
            """
            using NetDsl;

            [Network(InChannels = 3, Height = 10000, Width = 10000)]
            public partial class Net
            {
                [Conv(64, Kernel = 3, Padding = 1)] Stage conv;
            }
            """),
    };

    public static TheoryData<string> CaseNames
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in Cases.Keys) data.Add(name);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Mistake_is_reported_on_the_marked_span_and_generates_nothing(string name)
    {
        var @case = Cases[name];
        var marked = MarkedSource.Parse(@case.Bad);
        Assert.NotEmpty(marked.Spans);

        var result = GeneratorHarness.Run(marked.Source);
        var diagnostics = result.GeneratorDiagnostics;

        Assert.NotEmpty(diagnostics);
        foreach (var d in diagnostics)
        {
            Assert.True(d.Id == @case.Id, $"unexpected {Describe(d, marked.Source)}");
            Assert.Equal(@case.Severity, d.Severity);
            Assert.Equal(@case.Severity, d.DefaultSeverity);
            Assert.True(d.Location.IsInSource, $"not a source location: {Describe(d, marked.Source)}");
            Assert.Equal("/src/Input0.cs", d.Location.SourceTree!.FilePath);
            Assert.Same(result.Output.SyntaxTrees.First(t => t.FilePath == "/src/Input0.cs"), d.Location.SourceTree);
            Assert.True(marked.Spans.Contains(d.Location.SourceSpan),
                $"{Describe(d, marked.Source)} is not on a marked span ({string.Join(", ", marked.MarkedTexts.Select(t => "'" + t + "'"))})");
            var message = d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            if (@case.Message.StartsWith('^')) Assert.StartsWith(@case.Message.Substring(1), message, StringComparison.Ordinal);
            else Assert.Contains(@case.Message, message);
            Assert.DoesNotContain("global::", message);
        }
        foreach (var span in marked.Spans)
            Assert.Contains(diagnostics, d => d.Location.SourceSpan == span);
        // One report per mistake: the same diagnostic twice (e.g. from the block and from each use) is noise.
        var repeated = diagnostics.GroupBy(d => (d.Id, d.Location.SourceSpan, d.GetMessage())).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, "reported more than once: " + string.Join("; ", repeated));

        foreach (var hint in @case.NotGenerated)
            Assert.DoesNotContain(hint, result.Sources.Keys);

        // Generating nothing must not add C# errors: the output has exactly the errors of the user's code alone.
        var own = GeneratorHarness.Compile(marked.Source).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).OrderBy(s => s);
        var output = result.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).OrderBy(s => s);
        Assert.Equal(own, output);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Near_miss_reports_nothing_and_compiles(string name)
    {
        var @case = Cases[name];
        Assert.DoesNotContain(MarkedSource.Open, @case.Fixed);

        var result = GeneratorHarness.Run(@case.Fixed);

        Assert.True(result.GeneratorDiagnostics.IsEmpty, string.Join("\n", result.GeneratorDiagnostics.Select(d => Describe(d, @case.Fixed))));
        foreach (var hint in @case.NotGenerated)
            Assert.Contains(hint, result.Sources.Keys);
        var errors = result.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        // The generated code itself is warning-free too (the user's fields may still draw their own warnings).
        var generatedWarnings = result.Output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && tree.FilePath.EndsWith(".g.cs", StringComparison.Ordinal))
            .ToList();
        Assert.True(generatedWarnings.Count == 0, string.Join("\n", generatedWarnings));
    }

    [Fact]
    public void Every_descriptor_has_a_source_case_except_the_internal_error()
    {
        var covered = Cases.Values.Select(c => c.Id).ToHashSet();
        var missing = DiagnosticDescriptors.All.Select(d => d.Id).Where(id => !covered.Contains(id) && id != DiagnosticDescriptors.InternalError.Id);
        Assert.Empty(missing);
    }

    [Fact]
    public void Marked_source_strips_the_markers_and_keeps_the_spans()
    {
        var marked = MarkedSource.Parse("[[|Shortcut|]] Stage s; [Conv(8, [|In = 4|])]");

        Assert.Equal("[Shortcut] Stage s; [Conv(8, In = 4)]", marked.Source);
        Assert.Equal(new[] { "Shortcut", "In = 4" }, marked.MarkedTexts);
        Assert.Throws<ArgumentException>(() => MarkedSource.Parse("[|a"));
        Assert.Throws<ArgumentException>(() => MarkedSource.Parse("a|]"));
    }

    private static string Describe(Diagnostic d, string source)
    {
        var span = d.Location.SourceSpan;
        string text = span.End <= source.Length ? source.Substring(span.Start, span.Length) : "";
        return $"{d.Id} '{d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}' at '{text}' {span}";
    }
}
