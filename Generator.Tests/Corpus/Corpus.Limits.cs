using static NetDsl.Generator.Tests.Corpus.CorpusSource;

namespace NetDsl.Generator.Tests.Corpus;

public static partial class BadDeclarations
{
    /// <summary>Wide(c): a 1x1 convolution to the expression <paramref name="channels"/>.</summary>
    private static string Wide(string channels) => Block("Wide", "[Param] int c;\n[Conv(" + channels + ", Kernel = 1)] Stage conv;");

    /// <summary>The limits of the numbers (NDSL0050-0052), non-finite doubles (NDSL0055), generated members and names (NDSL0056, NDSL0057), stages without a class attribute (NDSL0058).</summary>
    private static readonly CorpusCase[] Limits =
    {
        // ---------------------------------------------------------------- NDSL0050: counts beyond 64 bits
        C("Multiply-adds beyond 64 bits", N("[{|NDSL0050:Conv(1, Kernel = 1)|}] Stage conv;", h: 2000000000, w: 2000000000)),
        C("Network total of multiply-adds beyond 64 bits", Of(Net("[Conv(2, Kernel = 1)] Stage conv1;\n[Conv(2, Kernel = 1)] Stage conv2;", c: 1, h: 1500000000, w: 1500000000, name: "{|NDSL0050:Net|}"))),
        C("Expression beyond 64 bits", Of(Wide("{|NDSL0015:\"c * 1000000000 * 1000000000 * 10\"|}"), Net("[Use(typeof(Wide), 3)] Stage wide;", c: 1, h: 1, w: 1))),

        // ---------------------------------------------------------------- NDSL0051: values beyond int
        C("Block channels beyond int", Of(Wide("{|NDSL0051:\"c * 1000000000\"|}"), Net("[Use(typeof(Wide), 3)] Stage wide;", c: 1, h: 1, w: 1))),
        C("Block channels beyond int on a repeat", Of(Wide("{|NDSL0051:\"c * 1000000000\"|}"), Net("[Use(typeof(Wide), 4, Repeat = 2)] Stage wide;", c: 1, h: 1, w: 1))),

        // ---------------------------------------------------------------- NDSL0052: larger than memory (information)
        C("Activation beyond 64 GiB", Of(Net("[Conv(64, Kernel = 3, Padding = 1)] Stage conv;", h: 100000, w: 100000, name: "{|NDSL0052:Net|}"))),
        C("Activation beyond 64 GiB after an upsampling", Of(Net("[Conv(16, Kernel = 1)] Stage conv;\n[Upsample(64)] Stage up;", h: 1024, w: 1024, name: "{|NDSL0052:Net|}"))),

        // ---------------------------------------------------------------- NDSL0055: not a finite number
        C("LeakyReLU Slope = NaN", N("[Conv(4, Kernel = 3)] Stage conv;\n[LeakyReLU({|NDSL0055:Slope = double.NaN|})] Stage act;")),
        C("LeakyReLU Slope = infinity", N("[LeakyReLU({|NDSL0055:Slope = double.PositiveInfinity|})] Stage act;")),
        C("BatchNorm Eps and Momentum infinite", N("[Conv(4, Kernel = 3)] Stage conv;\n[BatchNorm({|NDSL0055:Eps = double.PositiveInfinity|}, {|NDSL0055:Momentum = double.NegativeInfinity|})] Stage bn;")),
        C("Dropout P = 0.0 / 0.0 in a block", Of(Block("Drop", "[Dropout({|NDSL0055:P = 0.0 / 0.0|})] Stage drop;"))),
        C("Octave alpha default NaN", Of(Block("OctB", "[Param] double alpha = {|NDSL0055:double.NaN|};\n[OctConv(16, Kernel = 1, AlphaIn = 0.0, AlphaOut = \"alpha\")] Stage split;\n[OctConv(16, Kernel = 1, AlphaIn = \"alpha\", AlphaOut = 0.0)] Stage merge;"))),

        // ---------------------------------------------------------------- NDSL0056: members NetDsl generates
        C("Network with its own constructor", N("[Conv(4, Kernel = 3)] Stage conv;\npublic {|NDSL0056:Net|}() { }")),
        C("Network with its own forward and Dispose(bool)", Of("using static TorchSharp.torch;\n", Net("[Conv(4, Kernel = 3)] Stage conv;\npublic Tensor {|NDSL0056:forward|}(Tensor input) => input;\nprotected void {|NDSL0056:Dispose|}(bool disposing) { }"))),
        C("Block with its own forward(input, taps)", Of("using static TorchSharp.torch;\n", Block("Twice", "[Conv(\"in_channels * 2\", Kernel = 1)] Stage conv;\npublic Tensor {|NDSL0056:forward|}(Tensor input, Taps taps) => input;"))),
        C("Block with its own constructor", Of(Block("Twice", "[Conv(\"in_channels * 2\", Kernel = 1)] Stage conv;\npublic {|NDSL0056:Twice|}(int in_channels) { }"))),

        // ---------------------------------------------------------------- NDSL0057: names of generated members
        C("Stage named Summary", N("[Conv(4, Kernel = 3)] Stage {|NDSL0057:Summary|};")),
        C("Stage named Stages", N("[Conv(4, Kernel = 3)] Stage {|NDSL0057:Stages|};")),
        C("Stage named Dispose", N("[Conv(4, Kernel = 3)] Stage {|NDSL0057:Dispose|};")),
        C("Stage named RegisterComponents", N("[Conv(4, Kernel = 3)] Stage {|NDSL0057:RegisterComponents|};")),
        C("Block members named Stages and InChannels", Of(Block("Twice", "[Conv(\"in_channels * 2\", Kernel = 1)] Stage {|NDSL0057:Stages|};\npublic int {|NDSL0057:InChannels|} => 0;"))),
        C("Network class named Summary", Of(Net("[Conv(4, Kernel = 3)] Stage conv;", name: "{|NDSL0057:Summary|}"))),
        C("Member named Outputs beside outputs", N("[Conv(4, Kernel = 3)] Stage conv;\n[GlobalAvgPool, Output(\"out\")] Stage pool;\n[Identity, Tap(\"conv\"), Output(\"features\")] Stage features;\npublic static int {|NDSL0057:Outputs|} => 2;")),
        C("Stage named forward_all beside outputs", N("[Conv(4, Kernel = 3), Output(\"out\")] Stage conv;\n[Identity, Tap(\"conv\"), Output(\"side\")] Stage {|NDSL0057:forward_all|};")),

        // ---------------------------------------------------------------- NDSL0058: stages without [Network] or [Block]
        C("Stage fields without a class attribute", Of("public partial class {|NDSL0058:Body|}\n{\n    [Conv(8, Kernel = 1)] Stage conv;\n    [BatchNorm] Stage bn;\n}\n")),
        C("Layer attributes on an int field without a class attribute", Of("public class {|NDSL0058:Body|}\n{\n    [Conv(8, Kernel = 1)] int conv;\n}\n")),
        C("Orphan stages beside a network", Of("public partial class {|NDSL0058:Orphan|} { [Conv(8, Kernel = 3)] Stage conv; }\n", Net("[Conv(8, Kernel = 3)] Stage conv;"))),
    };
}
