using static NetDsl.Generator.Tests.Corpus.CorpusSource;

namespace NetDsl.Generator.Tests.Corpus;

public static partial class BadDeclarations
{
    /// <summary>Normalisation, activations, pooling, Flatten, Linear, Dropout, Upsample, Identity.</summary>
    private static readonly CorpusCase[] Layers =
    {
        // ---------------------------------------------------------------- BatchNorm
        C("BatchNorm In mismatch", N("[Conv(8, Kernel = 3)] Stage conv;\n[BatchNorm({|NDSL0003:In = 16|})] Stage bn;")),
        C("BatchNorm In mismatch on flat features", N("[GlobalAvgPool, Flatten] Stage pool;\n[BatchNorm({|NDSL0003:In = 5|})] Stage bn;")),
        C("BatchNorm Eps = 0", N("[BatchNorm({|NDSL0010:Eps = 0|})] Stage bn;")),
        C("BatchNorm Eps = -1e-5", N("[BatchNorm({|NDSL0010:Eps = -1e-5|})] Stage bn;")),
        C("BatchNorm Momentum = 1.5", N("[BatchNorm({|NDSL0010:Momentum = 1.5|})] Stage bn;")),
        C("BatchNorm Momentum = -0.1", N("[BatchNorm({|NDSL0010:Momentum = -0.1|})] Stage bn;")),
        C("BatchNorm In = 0", N("[BatchNorm({|NDSL0003:In = 0|})] Stage bn;")),
        C("BatchNorm in a stage with Use", BN(Pw, "[{|NDSL0017:Use(typeof(Pw), 8)|}, BatchNorm] Stage both;")),

        // ---------------------------------------------------------------- activations
        C("LeakyReLU Slope on a non-Stage field", N("[LeakyReLU(Slope = 0.2)] int {|NDSL0016:act|};")),
        C("ReLU on a static Stage field", N("[ReLU] static Stage {|NDSL0016:relu|};")),
        C("ReLU6 on a string field", N("[ReLU6] string {|NDSL0016:relu6|} = \"\";")),
        C("GELU beside a Shortcut", N("[Conv(3, Kernel = 3, Padding = 1)] Stage conv;\n[GELU, {|NDSL0017:Shortcut|}] Stage res;")),
        C("Sigmoid beside an Add", N("[Conv(3, Kernel = 3, Padding = 1)] Stage conv;\n[{|NDSL0017:Add(nameof(conv))|}, Sigmoid] Stage sum;")),
        C("SiLU beside a Concat", N("[Conv(3, Kernel = 3, Padding = 1)] Stage conv;\n[SiLU, {|NDSL0017:Concat(nameof(conv))|}] Stage cat;")),
        C("Tanh beside a Use", BN(Pw, "[{|NDSL0017:Use(typeof(Pw), 8)|}, Tanh] Stage both;")),
        C("Tanh beside branches", BN(Pw, "[{|NDSL0017:Branch(typeof(Pw), 8)|}, Branch(typeof(Pw), 8), Join(Join.Sum), Tanh] Stage mix;")),

        // ---------------------------------------------------------------- MaxPool / AvgPool
        C("MaxPool kernel 0", N("[MaxPool({|NDSL0010:0|})] Stage pool;")),
        C("MaxPool kernel larger than the input", N("[MaxPool({|NDSL0008:5|})] Stage pool;", h: 4, w: 4)),
        C("MaxPool Padding above half the kernel", N("[MaxPool(3, {|NDSL0010:Padding = 2|})] Stage pool;")),
        C("MaxPool Padding = -1", N("[MaxPool(2, {|NDSL0010:Padding = -1|})] Stage pool;")),
        C("MaxPool Stride = -1", N("[MaxPool(2, {|NDSL0010:Stride = -1|})] Stage pool;")),
        C("MaxPool Dilation = 0", N("[MaxPool(2, {|NDSL0010:Dilation = 0|})] Stage pool;")),
        C("MaxPool kernel 2.5", N("[MaxPool({|NDSL0023:2.5|})] Stage pool;")),
        C("MaxPool kernel null", N("[MaxPool({|NDSL0023:null|})] Stage pool;")),
        C("MaxPool kernel expression with an unknown name", N("""[MaxPool({|NDSL0015:"k"|})] Stage pool;""")),
        C("MaxPool after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:MaxPool(2)|}] Stage pool;")),
        C("AvgPool kernel 0", N("[AvgPool({|NDSL0010:0|})] Stage pool;")),
        C("AvgPool kernel -3", N("[AvgPool({|NDSL0010:-3|})] Stage pool;")),
        C("AvgPool kernel larger than the input", N("[AvgPool({|NDSL0008:17|})] Stage pool;")),
        C("AvgPool Padding above half the kernel", N("[AvgPool(2, {|NDSL0010:Padding = 2|})] Stage pool;")),
        C("AvgPool Stride = -1", N("[AvgPool(2, {|NDSL0010:Stride = -1|})] Stage pool;")),
        C("AvgPool after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:AvgPool(2)|}] Stage pool;")),
        C("AvgPool kernel 1.5", N("[AvgPool({|NDSL0023:1.5|})] Stage pool;")),

        // ---------------------------------------------------------------- adaptive and global pooling
        C("AdaptiveAvgPool size 0", N("[AdaptiveAvgPool({|NDSL0010:0|})] Stage pool;")),
        C("AdaptiveAvgPool size -1", N("[AdaptiveAvgPool({|NDSL0010:-1|})] Stage pool;")),
        C("AdaptiveAvgPool size null", N("[AdaptiveAvgPool({|NDSL0023:null|})] Stage pool;")),
        C("AdaptiveAvgPool after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:AdaptiveAvgPool(2)|}] Stage pool;")),
        C("AdaptiveMaxPool size 0", N("[AdaptiveMaxPool({|NDSL0010:0|})] Stage pool;")),
        C("AdaptiveMaxPool size 2.5", N("[AdaptiveMaxPool({|NDSL0023:2.5|})] Stage pool;")),
        C("AdaptiveMaxPool after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:AdaptiveMaxPool(1)|}] Stage pool;")),
        C("GlobalAvgPool after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:GlobalAvgPool|}] Stage pool;")),
        C("GlobalMaxPool after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:GlobalMaxPool|}] Stage pool;")),

        // ---------------------------------------------------------------- Flatten and Linear
        C("Linear out features 0", N("[GlobalAvgPool, Flatten] Stage pool;\n[Linear({|NDSL0010:0|})] Stage fc;")),
        C("Linear out features -10", N("[GlobalAvgPool, Flatten] Stage pool;\n[Linear({|NDSL0010:-10|})] Stage fc;")),
        C("Linear In mismatch", N("[Conv(8, Kernel = 3)] Stage conv;\n[GlobalAvgPool, Flatten] Stage pool;\n[Linear(10, {|NDSL0004:In = 16|})] Stage fc;")),
        C("Linear In mismatch after a flattened map", N("[Flatten] Stage flat;\n[Linear(10, {|NDSL0004:In = 767|})] Stage fc;")),
        C("Linear In mismatch after a Linear", N("[GlobalAvgPool, Flatten] Stage pool;\n[Linear(10)] Stage fc1;\n[Linear(4, {|NDSL0004:In = 12|})] Stage fc2;")),
        C("Linear on a feature map", N("[GlobalAvgPool] Stage pool;\n[{|NDSL0018:Linear(10)|}] Stage fc;")),
        C("Linear on the input map", N("[{|NDSL0018:Linear(10)|}] Stage fc;")),
        C("Linear after Flatten of a symbolic map", S("[Conv(8, Kernel = 3, Padding = 1)] Stage conv;\n[Flatten] Stage flat;\n[{|NDSL0020:Linear(10)|}] Stage fc;")),
        C("Linear after Flatten of a symbolic input", S("[Flatten] Stage flat;\n[{|NDSL0020:Linear(10)|}] Stage fc;")),
        C("Linear out features 2.5", N("[GlobalAvgPool, Flatten] Stage pool;\n[Linear({|NDSL0023:2.5|})] Stage fc;")),
        C("Linear out features an unknown name", N("""[GlobalAvgPool, Flatten] Stage pool;""" + "\n" + """[Linear({|NDSL0015:"classes"|})] Stage fc;""")),
        C("Flatten on a non-Stage field", N("[Flatten] object {|NDSL0016:flat|} = new object();")),

        // ---------------------------------------------------------------- Dropout
        C("Dropout 1.5", N("[Dropout({|NDSL0010:1.5|})] Stage drop;")),
        C("Dropout -0.1", N("[Dropout({|NDSL0010:-0.1|})] Stage drop;")),
        C("Dropout P = 2", N("[Dropout({|NDSL0010:P = 2|})] Stage drop;")),
        C("Dropout P = -1", N("[Dropout({|NDSL0010:P = -1|})] Stage drop;")),
        C("Dropout channel-wise after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:Dropout(Channelwise = true)|}] Stage drop;")),

        // ---------------------------------------------------------------- Upsample
        C("Upsample with both Scale and a size", N("[Upsample({|NDSL0010:2|}, Height = 8, Width = 8)] Stage up;")),
        C("Upsample with neither Scale nor a size", N("[{|NDSL0010:Upsample|}] Stage up;")),
        C("Upsample Scale = -2", N("[Upsample({|NDSL0010:-2|})] Stage up;")),
        C("Upsample Scale = 2.5", N("[Upsample({|NDSL0023:2.5|})] Stage up;")),
        C("Upsample Height = -1", N("[Upsample({|NDSL0010:Height = -1|}, Width = 8)] Stage up;")),
        C("Upsample after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:Upsample(2)|}] Stage up;")),

        // ---------------------------------------------------------------- Identity
        C("Identity beside a Use", BN(Pw, "[Identity, {|NDSL0017:Use(typeof(Pw), 8)|}] Stage both;")),
        C("Identity on an int field", N("[Identity] int {|NDSL0016:id|};")),
    };
}
