using static NetDsl.Generator.Tests.Corpus.CorpusSource;

namespace NetDsl.Generator.Tests.Corpus;

public static partial class BadDeclarations
{
    private static readonly string Trunk = Block("Trunk", "[Conv(8, Kernel = 3, Padding = 1)] Stage stem;\n[Conv(16, Kernel = 3, Stride = 2, Padding = 1)] Stage down;");

    /// <summary>Side heads and named outputs: [Tap], [Output].</summary>
    private static readonly CorpusCase[] Taps =
    {
        C("Tap of a stage a block does not have", Of(Trunk, Net("[Use(typeof(Trunk))] Stage trunk;\n[Conv(4, Kernel = 1), Output(\"out\")] Stage head;\n[Conv(4, Kernel = 1), Tap({|NDSL0046:\"trunk.stem2\"|}), Output(\"aux\")] Stage aux;"))),
        C("Tap of a later stage", N("[Conv(8, Kernel = 1), Output(\"out\")] Stage head;\n[Conv(4, Kernel = 1), Tap({|NDSL0046:\"late\"|}), Output(\"aux\")] Stage aux;\n[Conv(4, Kernel = 1), Tap(\"head\"), Output(\"late_out\")] Stage late;")),
        C("Tap of an unknown stage", N("[Conv(8, Kernel = 1), Output(\"out\")] Stage head;\n[Conv(4, Kernel = 1), Tap({|NDSL0046:\"nope\"|}), Output(\"aux\")] Stage aux;")),
        C("Tap of an empty path", N("[Conv(8, Kernel = 1), Output(\"out\")] Stage head;\n[Conv(4, Kernel = 1), Tap({|NDSL0023:\"\"|}), Output(\"aux\")] Stage aux;")),
        C("Tap inside a library module", N("[FCNHead(4), Output(\"out\")] Stage head;\n[Conv(4, Kernel = 1), Tap({|NDSL0046:\"head.0\"|}), Output(\"aux\")] Stage aux;", c: 8)),
        C("Tap of a copy a repeated block does not have", Of(Trunk, Net("[Use(typeof(Trunk), Repeat = 2)] Stage trunk;\n[Conv(4, Kernel = 1), Output(\"out\")] Stage head;\n[Conv(4, Kernel = 1), Tap({|NDSL0046:\"trunk.2\"|}), Output(\"aux\")] Stage aux;", c: 16))),
        C("Tap of a branch", Of(Pw, Net("[Branch(typeof(Pw), 8), Branch(typeof(Pw), 8), Join(Join.Sum)] Stage mix;\n[Conv(4, Kernel = 1), Output(\"out\")] Stage head;\n[Conv(4, Kernel = 1), Tap({|NDSL0046:\"mix.0\"|}), Output(\"aux\")] Stage aux;"))),
        C("Side head without an output", Of(Trunk, Net("[Use(typeof(Trunk))] Stage trunk;\n[Conv(4, Kernel = 1), Output(\"out\")] Stage head;\n[Conv(4, Kernel = 1), Tap(\"trunk.stem\")] Stage {|NDSL0047:aux|};"))),
        C("Main path without an output", Of(Trunk, Net("[Use(typeof(Trunk))] Stage trunk;\n[Conv(4, Kernel = 1)] Stage {|NDSL0047:head|};\n[Conv(4, Kernel = 1), Tap(\"trunk.stem\"), Output(\"aux\")] Stage aux;"))),
        C("Output name used twice", N("[Conv(8, Kernel = 1)] Stage stem;\n[Conv(4, Kernel = 1), Output(\"out\")] Stage head;\n[Conv(4, Kernel = 1), Tap(\"stem\"), Output({|NDSL0047:\"out\"|})] Stage aux;")),
        C("Output names differing only in case", N("[Conv(8, Kernel = 1)] Stage stem;\n[Conv(4, Kernel = 1), Output(\"out\")] Stage head;\n[Conv(4, Kernel = 1), Tap(\"stem\"), Output({|NDSL0047:\"Out\"|})] Stage aux;")),
        C("Output in a block", Of(Block("Head", "[Conv(4, Kernel = 1), {|NDSL0047:Output(\"feat\")|}] Stage conv;"), Net("[Use(typeof(Head))] Stage head;"))),
        C("Tap in a block", Of(Block("Head", "[Conv(4, Kernel = 1)] Stage conv;\n[Conv(4, Kernel = 1), {|NDSL0047:Tap(\"conv\")|}] Stage aux;"), Net("[Use(typeof(Head))] Stage head;"))),
        C("Output with an empty name", N("[Conv(4, Kernel = 1), Output({|NDSL0023:\"\"|})] Stage head;")),
        C("Output name that is not an identifier", N("[Conv(4, Kernel = 1), Output({|NDSL0023:\"1st\"|})] Stage head;")),
        C("Tap shape fed to a Linear with a wrong In", N("[Conv(8, Kernel = 1), Output(\"out\")] Stage head;\n[GlobalAvgPool, Flatten, Tap(\"head\")] Stage pool;\n[Linear(4, {|NDSL0004:In = 3|}), Output(\"aux\")] Stage fc;")),
    };

    /// <summary>Dilation: gridding and large rates, Dilate = true and OutputStride (torchvision's replace_stride_with_dilation).</summary>
    private static readonly CorpusCase[] Dilation =
    {
        C("Gridding stack of dilations 2, 4, 8", N("[Conv(8, Dilation = 2, Padding = 2), ReLU] Stage conv1;\n[Conv(8, Dilation = 4, Padding = 4), ReLU] Stage conv2;\n[Conv(8, {|NDSL0031:Dilation = 8|}, Padding = 8), ReLU] Stage conv3;", h: 32, w: 32)),
        C("Gridding stack of dilations 2, 2", N("[Conv(8, Dilation = 2, Padding = 2)] Stage conv1;\n[Conv(8, {|NDSL0031:Dilation = 2|}, Padding = 2)] Stage conv2;", h: 32, w: 32)),
        C("Dilation as large as the map", N("[Conv(8, Kernel = 3, Padding = 36, {|NDSL0032:Dilation = 36|})] Stage aspp;", c: 8, h: 28, w: 28)),
        C("Dilate on a block without a dilation parameter", Of(Block("Plain", "[Param] int c;\n[Param(FirstRepeatOnly = true)] int stride = 1;\n[Conv(\"c\", Kernel = 3, Stride = \"stride\", Padding = 1)] Stage conv;"), Net("[Use(typeof(Plain), 8, 2, Repeat = 2, {|NDSL0048:Dilate = true|})] Stage layer;"))),
        C("Dilate on a block without a stride parameter", Of(Block("NoStride", "[Param] int c;\n[Param] int dilation = 1;\n[Conv(\"c\", Kernel = 3, Padding = \"dilation\", Dilation = \"dilation\")] Stage conv;"), Net("[Use(typeof(NoStride), 8, {|NDSL0048:Dilate = true|})] Stage layer;"))),
        C("Dilate with FirstArgs", Of(Res, Net("[Use(typeof(Res), 8, 2, Repeat = 2, FirstArgs = new object[] { 8, 1, 1 }, {|NDSL0048:Dilate = true|})] Stage layer;"))),
        C("Dilate with the dilation given", Of(Res, Net("[Use(typeof(Res), 8, 2, 2, Repeat = 2, {|NDSL0048:Dilate = true|})] Stage layer;"))),
        C("OutputStride and Dilate = true together", Of(Res, Net("[Conv(8, Kernel = 3, Stride = 2, Padding = 1)] Stage stem;\n[Use(typeof(Res), 8, 2, Repeat = 2)] Stage layer1;\n[Use(typeof(Res), 8, 2, Repeat = 2, {|NDSL0049:Dilate = true|})] Stage layer2;", h: 32, w: 32, extra: ", OutputStride = 4"))),
        C("Block OutputStride not reachable", Of(Block("Body", "[Conv(8, Kernel = 3, Stride = 2, Padding = 1)] Stage stem;", attribute: "Block({|NDSL0049:OutputStride = 1|})"), Net("[Use(typeof(Body))] Stage body;"))),
        C("Block OutputStride = 3", Of(Res, Block("Body", "[Use(typeof(Res), 8, 2)] Stage layer;", attribute: "Block({|NDSL0049:OutputStride = 3|})"), Net("[Use(typeof(Body))] Stage body;"))),
    };

    /// <summary>Symbolic sizes (Height/Width left at 0): what stays an error when the size is not known.</summary>
    private static readonly CorpusCase[] Symbolic =
    {
        C("Symbolic concat of different sizes", S("[Conv(8, Kernel = 3, Padding = 1)] Stage conv1;\n[MaxPool(2)] Stage pool;\n[{|NDSL0006:Concat(nameof(conv1))|}] Stage cat;")),
        C("Symbolic add of different sizes", S("[Conv(8, Kernel = 3, Padding = 1)] Stage conv1;\n[MaxPool(2)] Stage pool;\n[{|NDSL0005:Add(nameof(conv1))|}] Stage sum;")),
        C("Symbolic shortcut across an unpadded conv", S("[Conv(16, Kernel = 3)] Stage conv;\n[{|NDSL0022:Shortcut|}] Stage res;")),
        C("Symbolic conv In mismatch", S("[Conv(8, Kernel = 3)] Stage conv1;\n[Conv(8, Kernel = 3, {|NDSL0003:In = 3|})] Stage conv2;")),
        C("Symbolic Linear In mismatch after pooling", S("[Conv(8, Kernel = 3)] Stage conv;\n[GlobalAvgPool, Flatten] Stage pool;\n[Linear(10, {|NDSL0004:In = 9|})] Stage fc;")),
        C("Symbolic Linear after an adaptive pooling with a wrong In", S("[AdaptiveAvgPool(2), Flatten] Stage pool;\n[Linear(10, {|NDSL0004:In = 3|})] Stage fc;")),
        C("Symbolic Linear after a Flatten in a sequence", S("[Conv(4, Kernel = 1), Flatten, {|NDSL0020:Linear(10)|}] Stage head;")),
        C("Symbolic Linear after Upsample to a size and a conv", S("[Upsample(Height = 4, Width = 4), Conv(4, Kernel = 1)] Stage up;\n[Flatten] Stage flat;\n[Linear(10, {|NDSL0004:In = 16|})] Stage fc;")),
        C("Symbolic Height only", Of(Network("InChannels = 3, Width = 8", "[Flatten] Stage flat;\n[{|NDSL0020:Linear(10)|}] Stage fc;"))),
        C("Symbolic SPP then a wrong Linear", S("[Conv(8, Kernel = 3, Padding = 1)] Stage conv;\n[SPP(2, 1)] Stage spp;\n[Linear(10, {|NDSL0004:In = 5|})] Stage fc;")),
        C("Symbolic octave layer mixed with a plain one", S("[OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.0), {|NDSL0036:AvgPool(2)|}] Stage conv;")),
        C("Symbolic WTConv changing the channels", S("[WTConv({|NDSL0026:6|})] Stage wt;")),
        C("Symbolic DSPP repeated bin", S("[DSPP(Filters = 4, {|NDSL0045:Bins = new[] { 2, 2 }|})] Stage dspp;")),
    };
}
