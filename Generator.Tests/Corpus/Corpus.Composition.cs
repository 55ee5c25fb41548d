using static NetDsl.Generator.Tests.Corpus.CorpusSource;

namespace NetDsl.Generator.Tests.Corpus;

public static partial class BadDeclarations
{
    /// <summary>[Use], [Shortcut], [Add], [Concat], [Branch], [Join]; blocks and their parameters.</summary>
    private static readonly CorpusCase[] Composition =
    {
        // ---------------------------------------------------------------- Use
        C("Use of a class that is not a block", Of("public partial class Helper { }", Net("[Use({|NDSL0013:typeof(Helper)|})] Stage helper;"))),
        C("Use of a network", Of(Net("[Conv(8, Kernel = 1)] Stage conv;", name: "Other"), Net("[Use({|NDSL0013:typeof(Other)|})] Stage other;"))),
        C("Use of an int", N("[Use({|NDSL0013:typeof(int)|})] Stage x;")),
        C("Use with too many arguments", BN(Pw, "[Use(typeof(Pw), {|NDSL0014:8, 2|})] Stage pw;")),
        C("Use with a missing argument", BN(Pw, "[{|NDSL0014:Use(typeof(Pw))|}] Stage pw;")),
        C("Use with Repeat = 0", BN(Pw, "[Use(typeof(Pw), 8, {|NDSL0010:Repeat = 0|})] Stage pw;")),
        C("Use with Repeat = -1", BN(Pw, "[Use(typeof(Pw), 8, {|NDSL0010:Repeat = -1|})] Stage pw;")),
        C("Use with a double argument for an int parameter", BN(Pw, "[Use(typeof(Pw), {|NDSL0015:8.5|})] Stage pw;")),
        C("Use beside a Conv", BN(Pw, "[{|NDSL0017:Use(typeof(Pw), 8)|}, Conv(8, Kernel = 3)] Stage both;")),
        C("Use of a block that uses itself", Of(Block("Loop", "[Conv(8, Kernel = 1)] Stage conv;\n[{|NDSL0012:Use(typeof(Loop))|}] Stage again;"), Net("[Use(typeof(Loop))] Stage loop;"))),
        C("Blocks using each other", Of(Block("A", "[{|NDSL0012:Use(typeof(B))|}] Stage b;"), Block("B", "[{|NDSL0012:Use(typeof(A))|}] Stage a;"), Net("[Use(typeof(A))] Stage a;"))),
        C("Three blocks in a cycle", Of(Block("A", "[{|NDSL0012:Use(typeof(B))|}] Stage b;"), Block("B", "[{|NDSL0012:Use(typeof(D))|}] Stage d;"), Block("D", "[{|NDSL0012:Use(typeof(A))|}] Stage a;"), Net("[Use(typeof(A))] Stage a;"))),
        C("Use with FirstArgs of the wrong count", BN(Down, "[Use(typeof(Down), 1, Repeat = 2, {|NDSL0014:FirstArgs = new object[] { 2, 3 }|})] Stage down;")),
        C("Use of a block whose In does not match", BN(Block("Fixed", "[Conv(8, Kernel = 1, {|NDSL0003:In = 16|})] Stage conv;"), "[Use(typeof(Fixed))] Stage fixed_;")),

        // ---------------------------------------------------------------- Shortcut
        C("Shortcut Projection.Never with a channel change", N("[Conv(16, Kernel = 3, Padding = 1)] Stage conv;\n[{|NDSL0005:Shortcut(Projection = Projection.Never)|}] Stage res;")),
        C("Shortcut Projection.Never with a stride", N("[Conv(3, Kernel = 3, Stride = 2, Padding = 1)] Stage conv;\n[{|NDSL0005:Shortcut(Projection = Projection.Never)|}] Stage res;")),
        C("Shortcut across an unpadded conv", N("[Conv(16, Kernel = 3)] Stage conv;\n[{|NDSL0022:Shortcut|}] Stage res;")),
        C("Shortcut across an upsampling", N("[Conv(16, Kernel = 3, Padding = 1), Upsample(2)] Stage up;\n[{|NDSL0022:Shortcut|}] Stage res;")),
        C("Shortcut across an adaptive pooling", N("[Conv(16, Kernel = 1), AdaptiveAvgPool(4)] Stage pool;\n[{|NDSL0022:Shortcut|}] Stage res;")),
        C("Shortcut of a flat path", N("[GlobalAvgPool, Flatten] Stage pool;\n[Linear(10)] Stage fc;\n[{|NDSL0022:Shortcut|}] Stage res;")),
        C("Shortcut beside a ReLU", N("[Conv(3, Kernel = 3, Padding = 1)] Stage conv;\n[{|NDSL0017:Shortcut|}, ReLU] Stage res;")),
        C("Shortcut Projection.Never in a block", BN(Block("Widen", "[Conv(16, Kernel = 1)] Stage conv;\n[{|NDSL0005:Shortcut(Projection = Projection.Never)|}] Stage res;"), "[Use(typeof(Widen))] Stage widen;", c: 8)),

        // ---------------------------------------------------------------- Add and Concat
        C("Add of an unknown stage", N("""[Conv(3, Kernel = 3, Padding = 1)] Stage conv;""" + "\n" + """[Add({|NDSL0011:"nope"|})] Stage sum;""")),
        C("Add of a later stage", N("""[Conv(3, Kernel = 3, Padding = 1)] Stage conv;""" + "\n" + """[Add({|NDSL0011:"later"|})] Stage sum;""" + "\n" + """[ReLU] Stage later;""")),
        C("Add of itself", N("""[Conv(3, Kernel = 3, Padding = 1)] Stage conv;""" + "\n" + """[Add({|NDSL0011:"sum"|})] Stage sum;""")),
        C("Add of different channels", N("[Conv(8, Kernel = 3, Padding = 1)] Stage conv1;\n[Conv(16, Kernel = 3, Padding = 1)] Stage conv2;\n[{|NDSL0005:Add(nameof(conv1))|}] Stage sum;")),
        C("Add of different sizes", N("[Conv(8, Kernel = 3, Padding = 1)] Stage conv1;\n[MaxPool(2)] Stage pool;\n[{|NDSL0005:Add(nameof(conv1))|}] Stage sum;")),
        C("Add without a name", N("[Conv(8, Kernel = 3, Padding = 1)] Stage conv;\n[{|NDSL0023:Add|}] Stage sum;")),
        C("Concat of an unknown stage", N("""[Conv(3, Kernel = 3, Padding = 1)] Stage conv;""" + "\n" + """[Concat({|NDSL0011:"nope"|})] Stage cat;""")),
        C("Concat of an unknown among several", N("""[Conv(3, Kernel = 3, Padding = 1)] Stage conv1;""" + "\n" + """[Conv(3, Kernel = 3, Padding = 1)] Stage conv2;""" + "\n" + """[Concat({|NDSL0011:nameof(conv1), "nope"|})] Stage cat;""")),
        C("Concat of different spatial sizes", N("[Conv(8, Kernel = 3, Padding = 1)] Stage conv1;\n[MaxPool(2)] Stage pool;\n[{|NDSL0006:Concat(nameof(conv1))|}] Stage cat;")),
        C("Concat of a flat and a map", N("[Conv(8, Kernel = 1)] Stage conv;\n[GlobalAvgPool, Flatten] Stage pool;\n[{|NDSL0006:Concat(nameof(conv))|}] Stage cat;")),
        C("Concat without a name", N("[Conv(8, Kernel = 3, Padding = 1)] Stage conv;\n[{|NDSL0023:Concat|}] Stage cat;")),
        C("Concat beside a Conv", N("[Conv(8, Kernel = 3, Padding = 1)] Stage conv;\n[{|NDSL0017:Concat(nameof(conv))|}, Conv(8, Kernel = 1)] Stage cat;")),

        // ---------------------------------------------------------------- Branch and Join
        C("Branch without a Join", BN(Pw, "[{|NDSL0017:Branch(typeof(Pw), 8)|}, Branch(typeof(Pw), 4)] Stage mix;")),
        C("Join without a Branch", N("[{|NDSL0017:Join(Join.Concat)|}] Stage mix;")),
        C("Two Joins", BN(Pw, "[{|NDSL0017:Branch(typeof(Pw), 8)|}, Branch(typeof(Pw), 4), Join(Join.Concat), Join(Join.Sum)] Stage mix;")),
        C("Branch beside a Conv", BN(Pw, "[{|NDSL0017:Branch(typeof(Pw), 8)|}, Branch(typeof(Pw), 4), Join(Join.Concat), Conv(8, Kernel = 1)] Stage mix;")),
        C("Branch of a class that is not a block", Of("public partial class Helper { }", Pw, Net("[Branch(typeof(Pw), 8), Branch({|NDSL0013:typeof(Helper)|}), Join(Join.Concat)] Stage mix;"))),
        C("Branch with too many arguments", BN(Pw, "[Branch(typeof(Pw), 8), Branch(typeof(Pw), {|NDSL0014:8, 8|}), Join(Join.Concat)] Stage mix;")),
        C("Branch with a missing argument", BN(Pw, "[Branch(typeof(Pw), 8), {|NDSL0014:Branch(typeof(Pw))|}, Join(Join.Concat)] Stage mix;")),
        C("Sum join of different channels", BN(Pw, "[Branch(typeof(Pw), 8), {|NDSL0005:Branch(typeof(Pw), 16)|}, Join(Join.Sum)] Stage mix;")),
        C("Concat join of different sizes", BN(Down, "[Branch(typeof(Down), 1), {|NDSL0006:Branch(typeof(Down), 2)|}, Join(Join.Concat)] Stage mix;")),
        C("Branch of a block using itself", Of(Block("Loop", "[{|NDSL0012:Branch(typeof(Loop))|}, {|NDSL0012:Branch(typeof(Loop))|}, Join(Join.Sum)] Stage mix;"), Net("[Use(typeof(Loop))] Stage loop;"))),

        // ---------------------------------------------------------------- once known defects (KnownDefects.md F1, F5)
        C("Use with a negative channel argument", BN(Pw, "[Use(typeof(Pw), {|NDSL0010:-8|})] Stage pw;")),
        C("Use with a zero stride argument", BN(Down, "[Use(typeof(Down), {|NDSL0010:0|})] Stage down;")),
        C("Use with a null block", N("[Use({|NDSL0023:(System.Type)null|})] Stage x;")),
        C("Branch with a null block", BN(Pw, "[Branch(typeof(Pw), 8), Branch({|NDSL0023:null|}), Join(Join.Concat)] Stage mix;")),
    };
}
