using static NetDsl.Generator.Tests.Corpus.CorpusSource;

namespace NetDsl.Generator.Tests.Corpus;

public static partial class BadDeclarations
{
    /// <summary>[Network], [Block] and [Param]: the class, its arguments, its fields, block expressions.</summary>
    private static readonly CorpusCase[] Declarations =
    {
        // ---------------------------------------------------------------- the class
        C("Network not partial", Of(Net("[Conv(4, Kernel = 3)] Stage conv;", name: "{|NDSL0001:Net|}", head: "public class"))),
        C("Block not partial", Of(Block("{|NDSL0001:Twice|}", """[Param] int c;""" + "\n" + """[Conv("c * 2", Kernel = 1)] Stage conv;""", head: "public class"), Net("[Use(typeof(Twice), 4)] Stage twice;"))),
        C("Internal network not partial", Of(Net("[Conv(4, Kernel = 3)] Stage conv;", name: "{|NDSL0001:Net|}", head: "internal sealed class"))),
        C("Generic network", Of(Net("[Conv(4, Kernel = 3)] Stage conv;", name: "{|NDSL0002:Net|}<T>"))),
        C("Generic block", Of(Block("{|NDSL0002:Gen|}<T>", "[Conv(4, Kernel = 1)] Stage conv;"))),
        C("Network with a base class", Of("public class Base { }", Net("[Conv(4, Kernel = 3)] Stage conv;", name: "{|NDSL0002:Net|} : Base"))),
        C("Block with a base class", Of("public class Base { }", Block("{|NDSL0002:Blk|} : Base", "[Conv(4, Kernel = 1)] Stage conv;"))),
        C("Static network", Of(Net("[Conv(4, Kernel = 3)] static Stage {|NDSL0016:conv|};", name: "{|NDSL0002:Net|}", head: "public static partial class"))),
        C("Network in a class that is not partial", Of("public class Outer\n{\n" + Net("[Conv(4, Kernel = 3)] Stage conv;", name: "{|NDSL0002:Net|}") + "}\n")),
        C("Network without stages", Of(Net("", name: "{|NDSL0024:Net|}"))),
        C("Network Param with FirstRepeatOnly", N("[Conv(4, Kernel = 3)] Stage conv;\n[Param(FirstRepeatOnly = true)] int {|NDSL0016:width|} = 8;")),
        C("Block without stages", Of(Block("{|NDSL0024:Nothing|}", "[Param] int c;"))),

        // ---------------------------------------------------------------- [Network] arguments
        C("Network InChannels = 0", Of(Network("{|NDSL0010:InChannels = 0|}, Height = 8, Width = 8", "[Conv(4, Kernel = 3)] Stage conv;"))),
        C("Network InChannels = -3", Of(Network("{|NDSL0010:InChannels = -3|}, Height = 8, Width = 8", "[Conv(4, Kernel = 3)] Stage conv;"))),
        C("Network Height = -8", Of(Network("InChannels = 3, {|NDSL0010:Height = -8|}, Width = 8", "[Conv(4, Kernel = 3)] Stage conv;"))),
        C("Network Width = -1", Of(Network("InChannels = 3, Height = 8, {|NDSL0010:Width = -1|}", "[Conv(4, Kernel = 3)] Stage conv;"))),
        C("Network Height = int.MinValue", Of(Network("InChannels = 3, {|NDSL0010:Height = int.MinValue|}, Width = 8", "[Conv(4, Kernel = 3)] Stage conv;"))),
        C("Network OutputStride = 1 past the stem", Of(Res, Network("InChannels = 3, Height = 32, Width = 32, {|NDSL0049:OutputStride = 1|}", "[Conv(8, Kernel = 3, Stride = 2, Padding = 1)] Stage stem;\n[Use(typeof(Res), 8, 2, Repeat = 2)] Stage layer1;\n[Use(typeof(Res), 8, 2, Repeat = 2)] Stage layer2;"))),
        C("Network OutputStride = 6", Of(Res, Network("InChannels = 3, Height = 32, Width = 32, {|NDSL0049:OutputStride = 6|}", "[Conv(8, Kernel = 3, Stride = 2, Padding = 1)] Stage stem;\n[Use(typeof(Res), 8, 2, Repeat = 2)] Stage layer1;"))),
        C("Network OutputStride = -8", Of(Res, Network("InChannels = 3, Height = 32, Width = 32, {|NDSL0049:OutputStride = -8|}", "[Use(typeof(Res), 8, 2, Repeat = 2)] Stage layer1;"))),
        C("Network OutputStride beyond the path", Of(Res, Network("InChannels = 3, Height = 32, Width = 32, {|NDSL0049:OutputStride = 16|}", "[Use(typeof(Res), 8, 2)] Stage layer1;"))),

        // ---------------------------------------------------------------- fields
        C("Network Param without a default", N("[Conv(4, Kernel = 3)] Stage conv;\n[Param] int {|NDSL0016:width|};")),
        C("FirstRepeatOnly without a default", Of(Block("Blk", "[Param] int c;\n[Param(FirstRepeatOnly = true)] int {|NDSL0016:stride|};\n[Conv(\"c\", Kernel = 3, Stride = \"stride\", Padding = 1)] Stage conv;"))),
        C("Param of type string", Of(Block("Blk", "[Param] string {|NDSL0016:name|};\n[Conv(8, Kernel = 1)] Stage conv;"))),
        C("Param of type long", Of(Block("Blk", "[Param] long {|NDSL0016:c|};\n[Conv(8, Kernel = 1)] Stage conv;"))),
        C("Static Param", Of(Block("Blk", "[Param] static int {|NDSL0016:c|};\n[Conv(8, Kernel = 1)] Stage conv;"))),
        C("Stage field without an attribute", N("[Conv(4, Kernel = 3)] Stage conv;\nStage {|NDSL0016:relu|};")),
        C("Layer attribute on an int field", N("[Conv(8, Kernel = 3)] int {|NDSL0016:conv|};")),
        C("Static Stage field", N("[Conv(8, Kernel = 3)] static Stage {|NDSL0016:conv|};")),
        C("Two Stage fields in one declaration without attributes", N("[Conv(4, Kernel = 3)] Stage conv;\nStage {|NDSL0016:a|}, {|NDSL0016:b|};")),
        C("Unknown layer attribute", Of("public sealed class FancyAttribute : LayerAttribute { }", Net("[{|NDSL0017:Fancy|}] Stage fancy;"))),
        C("Unknown layer attribute beside a Conv", Of("public sealed class FancyAttribute : LayerAttribute { }", Net("[Conv(4, Kernel = 3), {|NDSL0017:Fancy|}] Stage fancy;"))),

        // ---------------------------------------------------------------- block expressions
        C("Block expression ending early", Of(Block("Wide", """[Param] int planes;""" + "\n" + """[Conv({|NDSL0015:"planes *"|}, Kernel = 1)] Stage conv;"""), Net("[Use(typeof(Wide), 4)] Stage wide;"))),
        C("Block expression with an unknown name", Of(Block("Wide", """[Param] int planes;""" + "\n" + """[Conv({|NDSL0015:"width"|}, Kernel = 1)] Stage conv;"""), Net("[Use(typeof(Wide), 4)] Stage wide;"))),
        C("Block expression with unbalanced parentheses", Of(Block("Wide", """[Param] int planes;""" + "\n" + """[Conv({|NDSL0015:"(planes * 2"|}, Kernel = 1)] Stage conv;"""), Net("[Use(typeof(Wide), 4)] Stage wide;"))),
        C("Block expression with a stray character", Of(Block("Wide", """[Param] int planes;""" + "\n" + """[Conv({|NDSL0015:"planes ^ 2"|}, Kernel = 1)] Stage conv;"""), Net("[Use(typeof(Wide), 4)] Stage wide;"))),
        C("Block kernel expression with an unknown name", Of(Block("Wide", """[Param] int planes;""" + "\n" + """[Conv("planes", {|NDSL0015:Kernel = "k"|})] Stage conv;"""), Net("[Use(typeof(Wide), 4)] Stage wide;"))),
        C("Block padding keyword unknown", Of(Block("Pad", """[Conv(8, Kernel = 3, {|NDSL0023:Padding = "bogus"|})] Stage conv;"""), Net("[Use(typeof(Pad))] Stage pad;"))),
        C("Block expression over a double parameter", Of(Block("Alpha", """[Param] double a = 0.5;""" + "\n" + """[Conv({|NDSL0015:"a"|}, Kernel = 1)] Stage conv;"""), Net("[Use(typeof(Alpha))] Stage alpha;"))),
        C("Block expression empty", Of(Block("Wide", """[Param] int planes;""" + "\n" + """[Conv({|NDSL0015:""|}, Kernel = 1)] Stage conv;"""), Net("[Use(typeof(Wide), 4)] Stage wide;"))),
        C("Block Linear after flattening a map", Of(Block("Head", "[Flatten] Stage flatten;\n[{|NDSL0025:Linear(10)|}] Stage fc;"), Net("[Conv(8, Kernel = 3, Stride = 2, Padding = 1)] Stage conv;\n[Use(typeof(Head))] Stage head;", h: 8, w: 8))),
        C("Block Linear after adaptive pooling to 2", Of(Block("Head", "[AdaptiveAvgPool(2), Flatten] Stage flatten;\n[{|NDSL0025:Linear(10)|}] Stage fc;"), Net("[Use(typeof(Head))] Stage head;", h: 8, w: 8))),

        // ---------------------------------------------------------------- once known defects (KnownDefects.md A1, C9, C10, E5, E6)
        C("Network and Block on one class", Of("[Network(InChannels = 3, Height = 16, Width = 16)]\n[Block]\npublic partial class {|NDSL0002:Net|}\n{\n    [Conv(8, Kernel = 3)] Stage conv;\n}\n")),
        C("Network declared as a record", Of(Net("[Conv(4, Kernel = 3)] Stage conv;", name: "{|NDSL0002:Net|}", head: "public partial record"))),
        C("Abstract network", Of(Net("[Conv(4, Kernel = 3)] Stage conv;", name: "{|NDSL0002:Net|}", head: "public abstract partial class"))),
        C("Network Batch = 0", Of(Network("InChannels = 3, Height = 8, Width = 8, {|NDSL0010:Batch = 0|}", "[Conv(4, Kernel = 3)] Stage conv;"))),
        C("Network Batch = -1", Of(Network("InChannels = 3, Height = 8, Width = 8, {|NDSL0010:Batch = -1|}", "[Conv(4, Kernel = 3)] Stage conv;"))),
        C("Block Param named in_channels", Of(Block("Blk", "[Param] int {|NDSL0016:in_channels|};\n[Conv(8, Kernel = 1)] Stage conv;"), Net("[Use(typeof(Blk), 4)] Stage blk;"))),
    };
}
