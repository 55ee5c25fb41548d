using static NetDsl.Generator.Tests.Corpus.CorpusSource;

namespace NetDsl.Generator.Tests.Corpus;

public static partial class BadDeclarations
{
    /// <summary>Squeeze-excitation with the gate's width and activation: Conv(gate) then the activation, then [Mul(From.Input)].</summary>
    private static string Se(string gate, string activation = "Sigmoid", string mul = "Mul(From.Input)") => Block("Se",
        "[GlobalAvgPool] Stage avgpool;\n[Conv(2, Kernel = 1)] Stage fc1;\n[ReLU] Stage activation;\n" +
        $"[Conv({gate}, Kernel = 1)] Stage fc2;\n[{activation}] Stage scale_activation;\n[{mul}] Stage scale;");

    /// <summary>ConvNeXt's channels-last run around <paramref name="middle"/>: Permute to NHWC, the layers, Permute back.</summary>
    private static string Last(string middle) => "[Permute(0, 2, 3, 1), " + middle + ", Permute(0, 3, 1, 2)] Stage block;";

    /// <summary>The layers of today's CNNs: LayerNorm, LayerNorm2d, GroupNorm, Permute, Hardswish, Hardsigmoid, Scale, StochasticDepth, Mul; From.Input, named branches and repeats.</summary>
    private static readonly CorpusCase[] Modern =
    {
        // ---------------------------------------------------------------- LayerNorm
        C("If on a network stage", N("[Conv(8, Kernel = 1), {|NDSL0017:If(\"in_channels == 3\")|}] Stage conv;")),
        C("If naming an unknown parameter", BN("[Block]\npublic partial class Cond\n{\n    [Param] int e = 1;\n    [Conv(\"in_channels * e\", Kernel = 1), If({|NDSL0015:\"x != 1\"|})] Stage expand;\n}\n", "[Use(typeof(Cond), 2)] Stage cond;")),
        C("If that is not a comparison", BN("[Block]\npublic partial class Cond\n{\n    [Param] int e = 1;\n    [Conv(\"in_channels * e\", Kernel = 1), If({|NDSL0015:\"e\"|})] Stage expand;\n}\n", "[Use(typeof(Cond), 2)] Stage cond;")),
        C("If on a stage without a layer", BN("[Block]\npublic partial class Cond\n{\n    [Param] int e = 1;\n    [If(\"e != 1\")] Stage {|NDSL0016:expand|};\n    [Conv(4, Kernel = 1)] Stage conv;\n}\n", "[Use(typeof(Cond), 2)] Stage cond;")),
        C("Inline copies outside a Sequential block", BN("[Block]\npublic partial class Rep\n{\n    [Conv(3, Kernel = 1)] Stage conv;\n}\n", "[Use(typeof(Rep), Repeat = 2, {|NDSL0017:Inline = true|})] Stage reps;")),
        C("LayerNorm on an NCHW map", N("[Conv(8, Kernel = 3, Padding = 1)] Stage conv;\n[{|NDSL0076:LayerNorm(Eps = 1e-6)|}] Stage norm;")),
        C("LayerNorm on the input map", N("[{|NDSL0076:LayerNorm|}] Stage norm;")),
        C("LayerNorm after permuting back", N("[Permute(0, 2, 3, 1), Permute(0, 3, 1, 2), {|NDSL0076:LayerNorm|}] Stage block;")),
        C("LayerNorm Eps = 0", N(Last("LayerNorm({|NDSL0010:Eps = 0|})"))),
        C("LayerNorm Eps = -1e-6", N(Last("LayerNorm({|NDSL0010:Eps = -1e-6|})"))),
        C("LayerNorm Eps = NaN", N(Last("LayerNorm({|NDSL0055:Eps = double.NaN|})"))),
        C("LayerNorm after Flatten of a symbolic map", S("[Flatten] Stage flat;\n[{|NDSL0020:LayerNorm|}] Stage norm;")),
        C("LayerNorm on a non-Stage field", N("[LayerNorm] int {|NDSL0016:norm|};")),
        C("Linear on channels-last with a wrong In", N(Last("Linear(16, {|NDSL0004:In = 8|})"))),

        // ---------------------------------------------------------------- LayerNorm2d
        C("LayerNorm2d on a channels-last map", N("[Permute(0, 2, 3, 1), {|NDSL0076:LayerNorm2d|}, Permute(0, 3, 1, 2)] Stage block;")),
        C("LayerNorm2d Eps = 0", N("[Conv(96, Kernel = 4, Stride = 4), LayerNorm2d({|NDSL0010:Eps = 0|})] Stage stem;")),
        C("LayerNorm2d Eps = infinity", N("[Conv(96, Kernel = 4, Stride = 4), LayerNorm2d({|NDSL0055:Eps = double.PositiveInfinity|})] Stage stem;")),
        C("LayerNorm2d after Flatten", N("[GlobalAvgPool, Flatten] Stage pool;\n[{|NDSL0076:LayerNorm2d|}] Stage norm;")),
        C("LayerNorm2d beside a Shortcut", N("[Conv(3, Kernel = 3, Padding = 1)] Stage conv;\n[LayerNorm2d, {|NDSL0017:Shortcut|}] Stage res;")),

        // ---------------------------------------------------------------- GroupNorm
        C("GroupNorm groups not dividing the channels", N("[Conv(8, Kernel = 3, Padding = 1)] Stage conv;\n[GroupNorm({|NDSL0010:3|})] Stage gn;")),
        C("GroupNorm 0 groups", N("[Conv(8, Kernel = 3, Padding = 1)] Stage conv;\n[GroupNorm({|NDSL0010:0|})] Stage gn;")),
        C("GroupNorm -2 groups", N("[Conv(8, Kernel = 3, Padding = 1)] Stage conv;\n[GroupNorm({|NDSL0010:-2|})] Stage gn;")),
        C("GroupNorm more groups than channels", N("[GroupNorm({|NDSL0010:6|})] Stage gn;")),
        C("GroupNorm 2.5 groups", N("[Conv(8, Kernel = 1)] Stage conv;\n[GroupNorm({|NDSL0023:2.5|})] Stage gn;")),
        C("GroupNorm null groups", N("[Conv(8, Kernel = 1)] Stage conv;\n[GroupNorm({|NDSL0023:null|})] Stage gn;")),
        C("GroupNorm groups an unknown name", N("""[Conv(8, Kernel = 1)] Stage conv;""" + "\n" + """[GroupNorm({|NDSL0015:"g"|})] Stage gn;""")),
        C("GroupNorm Eps = 0", N("[Conv(8, Kernel = 1)] Stage conv;\n[GroupNorm(4, {|NDSL0010:Eps = 0|})] Stage gn;")),
        C("GroupNorm on a channels-last map", N("[Conv(8, Kernel = 1), Permute(0, 2, 3, 1), {|NDSL0076:GroupNorm(4)|}, Permute(0, 3, 1, 2)] Stage block;")),
        C("GroupNorm in a block not dividing its input", Of(Block("Gn", "[GroupNorm({|NDSL0010:4|})] Stage gn;"), Net("[Use(typeof(Gn))] Stage gn;", c: 6))),

        // ---------------------------------------------------------------- Permute
        C("Permute not a permutation", N("[Permute({|NDSL0077:0, 2, 2, 1|})] Stage p;")),
        C("Permute with the channels third", N("[Permute({|NDSL0077:0, 2, 1, 3|})] Stage p;", w: 12)),
        C("Permute moving the batch", N("[Permute({|NDSL0077:1, 0, 2, 3|})] Stage p;")),
        C("Permute of three dimensions", N("[Permute({|NDSL0077:0, 2, 1|})] Stage p;")),
        C("Permute with a dimension 4", N("[Permute({|NDSL0077:0, 2, 3, 4|})] Stage p;")),
        C("Permute without dimensions", N("[{|NDSL0077:Permute|}] Stage p;")),
        C("Conv on a channels-last map", N("[Permute(0, 2, 3, 1)] Stage to_last;\n[{|NDSL0018:Conv(8, Kernel = 3)|}] Stage conv;")),
        C("MaxPool on a channels-last map", N("[Permute(0, 2, 3, 1)] Stage to_last;\n[{|NDSL0018:MaxPool(2)|}] Stage pool;")),
        C("BatchNorm on a channels-last map", N("[Permute(0, 2, 3, 1), {|NDSL0076:BatchNorm|}, Permute(0, 3, 1, 2)] Stage block;")),
        C("Permute after Flatten", N("[GlobalAvgPool, Flatten] Stage pool;\n[Permute({|NDSL0077:0, 2, 3, 1|})] Stage p;")),

        // ---------------------------------------------------------------- Hardswish and Hardsigmoid
        C("Hardswish on an int field", N("[Hardswish] int {|NDSL0016:act|};")),
        C("Hardswish beside a Use", BN(Pw, "[Hardswish, {|NDSL0017:Use(typeof(Pw), 8)|}] Stage both;")),
        C("Hardsigmoid beside a Shortcut", N("[Conv(3, Kernel = 3, Padding = 1)] Stage conv;\n[Hardsigmoid(Inplace = true), {|NDSL0017:Shortcut|}] Stage res;")),
        C("Hardsigmoid on a static Stage field", N("[Hardsigmoid] static Stage {|NDSL0016:gate|};")),
        C("Hardswish after a Conv of 0 channels", N("[Conv({|NDSL0010:0|}, Kernel = 1), Hardswish(Inplace = true)] Stage conv;")),

        // ---------------------------------------------------------------- Scale
        C("Scale inside a sequence", N("[Conv(4, Kernel = 1), {|NDSL0017:Scale|}] Stage conv;")),
        C("Scale before a layer in its stage", N("[{|NDSL0017:Scale(Init = 1e-6)|}, GELU] Stage layer_scale;")),
        C("Scale (C, 1, 1) on a channels-last map", N("[Permute(0, 2, 3, 1)] Stage to_last;\n[{|NDSL0075:Scale(Init = 0.5)|}] Stage layer_scale;", c: 8)),
        C("Scale ChannelMap named on a channels-last map", N("[Permute(0, 2, 3, 1)] Stage to_last;\n[Scale(Init = 0.5, {|NDSL0075:Shape = ScaleShape.ChannelMap|})] Stage layer_scale;", c: 8)),
        C("Scale Init = NaN", N("[Scale({|NDSL0055:Init = double.NaN|})] Stage layer_scale;")),
        C("Scale Init = infinity", N("[Scale({|NDSL0055:Init = double.NegativeInfinity|})] Stage layer_scale;")),
        C("Scale after Flatten of a symbolic map", S("[Flatten] Stage flat;\n[{|NDSL0020:Scale|}] Stage layer_scale;")),

        // ---------------------------------------------------------------- StochasticDepth
        C("StochasticDepth 1.5", N("[StochasticDepth({|NDSL0010:1.5|})] Stage sd;")),
        C("StochasticDepth -0.1", N("[StochasticDepth({|NDSL0010:-0.1|})] Stage sd;")),
        C("StochasticDepth NaN", N("[StochasticDepth({|NDSL0055:double.NaN|})] Stage sd;")),
        C("StochasticDepth unknown name in a network", N("""[StochasticDepth({|NDSL0015:"sd_prob"|})] Stage sd;""")),
        C("StochasticDepth block argument 1.5", Of(Block("Sd", "[Param] double sd_prob;\n[Conv(\"in_channels\", Kernel = 3, Padding = 1)] Stage conv;\n[StochasticDepth(\"sd_prob\")] Stage sd;\n[Shortcut] Stage residual;"), Net("[Use(typeof(Sd), {|NDSL0010:1.5|})] Stage sd;"))),
        C("StochasticDepth block argument -1.0 on a repeat", Of(Block("Sd", "[Param] double sd_prob;\n[StochasticDepth(\"sd_prob\", Mode = StochasticDepthMode.Batch)] Stage sd;"), Net("[Use(typeof(Sd), {|NDSL0010:-1.0|}, Repeat = 2)] Stage sd;"))),
        C("StochasticDepth beside a Shortcut", N("[Conv(3, Kernel = 3, Padding = 1)] Stage conv;\n[StochasticDepth(0.1), {|NDSL0017:Shortcut|}] Stage res;")),

        // ---------------------------------------------------------------- Mul
        C("Mul squeeze-excitation gate of the wrong width", BN(Se("4", mul: "{|NDSL0075:Mul(From.Input)|}"), "[Use(typeof(Se))] Stage se;", c: 8)),
        C("Mul Hardsigmoid gate of the wrong width", BN(Se("\"in_channels * 2\"", "Hardsigmoid", "{|NDSL0075:Mul(From.Input)|}"), "[Use(typeof(Se))] Stage se;", c: 8)),
        C("Mul of different sizes", N("[Conv(8, Kernel = 3, Padding = 1)] Stage conv1;\n[MaxPool(2)] Stage pool;\n[{|NDSL0075:Mul(nameof(conv1))|}] Stage prod;")),
        C("Mul of an unknown stage", N("""[Conv(3, Kernel = 3, Padding = 1)] Stage conv;""" + "\n" + """[Mul({|NDSL0011:"nope"|})] Stage prod;""")),
        C("Mul of a later stage", N("""[Conv(3, Kernel = 3, Padding = 1)] Stage conv;""" + "\n" + """[Mul({|NDSL0011:"later"|})] Stage prod;""" + "\n" + """[ReLU] Stage later;""")),
        C("Mul without a name", N("[Conv(8, Kernel = 3, Padding = 1)] Stage conv;\n[{|NDSL0023:Mul|}] Stage prod;")),
        C("Mul beside a Conv", N("[Conv(8, Kernel = 3, Padding = 1)] Stage conv;\n[{|NDSL0017:Mul(nameof(conv))|}, Conv(8, Kernel = 1)] Stage prod;")),
        C("Mul of a channels-last and an NCHW map", N("[Conv(8, Kernel = 1)] Stage conv;\n[Permute(0, 2, 3, 1)] Stage to_last;\n[{|NDSL0075:Mul(nameof(conv))|}] Stage prod;")),

        // ---------------------------------------------------------------- From.Input, EarlierFirst, names
        C("Concat From.Input after a strided conv", Of(Block("Dense", "[Conv(4, Kernel = 3, Stride = 2, Padding = 1)] Stage conv;\n[{|NDSL0006:Concat(From.Input, EarlierFirst = true)|}] Stage cat;"), Net("[Use(typeof(Dense))] Stage dense;"))),
        C("Add From.Input of other channels", Of(Block("Wide", "[Conv(16, Kernel = 1)] Stage conv;\n[{|NDSL0005:Add(From.Input)|}] Stage sum;"), Net("[Use(typeof(Wide))] Stage wide;"))),
        C("Some branches named, some not", BN(Pw, "[Branch(typeof(Pw), 4, Name = \"branch1\"), {|NDSL0017:Branch(typeof(Pw), 4)|}, Join(Join.Concat)] Stage mix;")),
        C("Mul From.Input in a network of other channels", N("[Conv(8, Kernel = 1)] Stage conv;\n[{|NDSL0075:Mul(From.Input)|}] Stage prod;")),
        C("Concat From.Input of a flat path", N("[GlobalAvgPool, Flatten] Stage pool;\n[{|NDSL0006:Concat(From.Input, EarlierFirst = true)|}] Stage cat;")),
        C("Permute to channels-last twice", N("[Permute(0, 2, 3, 1), Permute({|NDSL0077:0, 2, 3, 1|})] Stage p;")),
        C("StochasticDepth block expression with an unknown name", Of(Block("Sd", "[Param] double sd_prob;\n[StochasticDepth({|NDSL0015:\"p\"|})] Stage sd;"), Net("[Use(typeof(Sd), 0.1)] Stage sd;"))),
        C("Two branches of one name", BN(Pw, "[Branch(typeof(Pw), 4, Name = \"branch1\"), Branch(typeof(Pw), 4, {|NDSL0017:Name = \"branch1\"|}), Join(Join.Concat)] Stage mix;")),
        C("Branch named with an empty name", BN(Pw, "[Branch(typeof(Pw), 4, {|NDSL0023:Name = \"\"|}), Branch(typeof(Pw), 4, Name = \"branch2\"), Join(Join.Concat)] Stage mix;")),
        C("Repeat names empty", BN(Pw, "[Use(typeof(Pw), 8, Repeat = 2, {|NDSL0023:Names = \"\"|})] Stage layers;")),
        C("Repeat names naming every copy alike", BN(Pw, "[Use(typeof(Pw), 8, Repeat = 2, {|NDSL0023:Names = \"layer\"|})] Stage layers;")),
    };
}
