using static NetDsl.Generator.Tests.Corpus.CorpusSource;

namespace NetDsl.Generator.Tests.Corpus;

public static partial class BadDeclarations
{
    /// <summary>Wavelets and downsampling: [Downsample], [WTConv].</summary>
    private static readonly CorpusCase[] Wavelets =
    {
        C("WTConv changing the channels", N("[WTConv({|NDSL0026:16|})] Stage wt;", c: 8)),
        C("WTConv out channels 0", N("[WTConv({|NDSL0026:0|})] Stage wt;", c: 8)),
        C("WTConv more levels than the size allows", N("[WTConv(4, Kernel = 1, {|NDSL0027:Levels = 6|})] Stage wt;", c: 4, h: 8, w: 8)),
        C("WTConv Levels = 0", N("[WTConv(4, {|NDSL0010:Levels = 0|})] Stage wt;", c: 4)),
        C("WTConv Kernel = 0", N("[WTConv(4, {|NDSL0010:Kernel = 0|})] Stage wt;", c: 4)),
        C("WTConv Stride = 0", N("[WTConv(4, {|NDSL0010:Stride = 0|})] Stage wt;", c: 4)),
        C("WTConv unknown wavelet", N("""[WTConv(4, {|NDSL0029:Wavelet = "db99"|})] Stage wt;""", c: 4)),
        C("WTConv empty wavelet name", N("""[WTConv(4, {|NDSL0029:Wavelet = ""|})] Stage wt;""", c: 4)),
        C("WTConv sub-band smaller than the kernel", N("[WTConv(4, Kernel = 5, {|NDSL0028:Levels = 2|})] Stage wt;", c: 4)),
        C("WTConv after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:WTConv(4)|}] Stage wt;", c: 4)),
        C("WTConv Levels = 1.5", N("[WTConv(4, {|NDSL0023:Levels = 1.5|})] Stage wt;", c: 4)),
        C("Downsample Hwd on an odd height", N("[{|NDSL0030:Downsample(DownsampleKind.Hwd, Out = 8)|}] Stage down;", h: 7, w: 8)),
        C("Downsample Out = -1", N("[Downsample(DownsampleKind.Hwd, {|NDSL0010:Out = -1|})] Stage down;")),
        C("Downsample after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:Downsample(DownsampleKind.MaxPool)|}] Stage down;")),
        C("Downsample of an unknown kind", N("[Downsample({|NDSL0010:(DownsampleKind)7|})] Stage down;")),
        C("Downsample StridedConv Out = 0.5", N("[Downsample(DownsampleKind.StridedConv, {|NDSL0023:Out = 0.5|})] Stage down;")),
    };

    /// <summary>Pyramids: [SPP], [ASPP], [DeepLabHead], [FCNHead], [DSPP], [MDSPP], [ASPPv2].</summary>
    private static readonly CorpusCase[] Pyramids =
    {
        C("SPP level larger than the map", N("[Conv(8, Kernel = 3, Stride = 2, Padding = 1)] Stage conv;\n[SPP({|NDSL0042:4, 2, 1|})] Stage spp;", h: 6, w: 6)),
        C("SPP repeated level", N("[SPP({|NDSL0045:4, 2, 2|})] Stage spp;")),
        C("SPP level 0", N("[SPP({|NDSL0010:4, 0|})] Stage spp;")),
        C("SPP negative level", N("[SPP({|NDSL0010:-1|})] Stage spp;")),
        C("SPP after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:SPP(2, 1)|}] Stage spp;")),
        C("ASPP repeated rate", N("[ASPP({|NDSL0033:6, 12, 6|}, Out = 8)] Stage aspp;")),
        C("ASPP rate 0", N("[ASPP({|NDSL0010:0, 12|}, Out = 8)] Stage aspp;")),
        C("ASPP Out = 0", N("[ASPP(6, 12, {|NDSL0010:Out = 0|})] Stage aspp;")),
        C("ASPP rate as large as the map", N("[ASPP({|NDSL0032:6, 36|}, Out = 8)] Stage aspp;", h: 28, w: 28)),
        C("ASPP after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:ASPP(6, 12)|}] Stage aspp;")),
        C("DeepLabHead classes 2.5", N("[DeepLabHead({|NDSL0023:2.5|})] Stage head;")),
        C("DeepLabHead after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:DeepLabHead(21)|}] Stage head;")),
        C("FCNHead after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:FCNHead(21)|}] Stage head;")),
        C("DSPP bin larger than the map", N("[DSPP(Filters = 8, {|NDSL0043:Bins = new[] { 2, 4, 8 }|})] Stage dspp;", c: 16, h: 6, w: 6)),
        C("DSPP repeated bin", N("[DSPP(Filters = 8, {|NDSL0045:Bins = new[] { 2, 4, 4 }|})] Stage dspp;", c: 16)),
        C("DSPP bins not dividing the map", N("[{|NDSL0044:DSPP(Filters = 8)|}] Stage dspp;", c: 16, h: 12, w: 16)),
        C("DSPP Filters = 0", N("[DSPP({|NDSL0010:Filters = 0|})] Stage dspp;", c: 16)),
        C("DSPP bin 0", N("[DSPP(Filters = 8, {|NDSL0010:Bins = new[] { 0, 2 }|})] Stage dspp;", c: 16)),
        C("DSPP after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:DSPP(Filters = 8)|}] Stage dspp;", c: 16)),
        C("MDSPP three bins", N("[MDSPP(Filters = 8, {|NDSL0010:Bins = new[] { 2, 4, 6 }|})] Stage up;")),
        C("MDSPP default bin wider than the map", N("[{|NDSL0043:MDSPP(Filters = 8)|}] Stage up;", c: 8, h: 24, w: 6)),
        C("MDSPP Filters = -1", N("[MDSPP({|NDSL0010:Filters = -1|})] Stage up;")),
        C("MDSPP repeated bin", N("[MDSPP(Filters = 8, {|NDSL0045:Bins = new[] { 2, 2, 4, 8 }|})] Stage up;", h: 16, w: 16)),
        C("ASPPv2 repeated rate", N("[ASPPv2(3, {|NDSL0033:6, 12, 6|})] Stage aspp;")),
        C("ASPPv2 rate as large as the map", N("[ASPPv2(3, {|NDSL0032:6, 12, 18, 24|}, Hidden = 8)] Stage aspp;", h: 20, w: 20)),
        C("ASPPv2 0 classes", N("[ASPPv2({|NDSL0010:0|}, 6, 12)] Stage aspp;")),
        C("ASPPv2 Hidden = -1", N("[ASPPv2(3, 6, 12, {|NDSL0010:Hidden = -1|})] Stage aspp;")),
        C("ASPPv2 rate 0", N("[ASPPv2(3, {|NDSL0010:0, 6|})] Stage aspp;")),
        C("ASPPv2 after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:ASPPv2(3, 6, 12)|}] Stage aspp;")),
        C("SPP level larger than a symbolic map is a constraint, the Linear after it is fine but a wrong In is not", S("[SPP(4, 2, 1)] Stage spp;\n[Linear(10, {|NDSL0004:In = 20|})] Stage fc;")),

        // ---------------------------------------------------------------- once known defects (KnownDefects.md E2, F4, D3)
        C("DSPP with no bins", N("[DSPP(Filters = 8, {|NDSL0023:Bins = new int[0]|})] Stage dspp;", c: 16)),
        C("DeepLabHead 0 classes", N("[DeepLabHead({|NDSL0010:0|})] Stage head;")),
        C("FCNHead 0 channels", N("[FCNHead({|NDSL0010:0|})] Stage head;", c: 8)),
        C("FCNHead -21 channels", N("[FCNHead({|NDSL0010:-21|})] Stage head;", c: 8)),
        C("DSPP Filters = int.MaxValue", N("[{|NDSL0051:DSPP(Filters = int.MaxValue, Bins = new[] { 2, 4, 8 })|}] Stage dspp;", c: 16)),
        C("Upsample int.MaxValue", N("[{|NDSL0050:Upsample(int.MaxValue)|}] Stage up;")),
    };

    /// <summary>Octave convolution: [OctConv] and the octave pair through other stages.</summary>
    private static readonly CorpusCase[] Octave =
    {
        C("OctConv AlphaOut above 1", N("[OctConv(16, Padding = 1, AlphaIn = 0.0, {|NDSL0034:AlphaOut = 1.5|})] Stage split;\n[OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;")),
        C("OctConv AlphaIn below 0", N("[OctConv(16, Padding = 1, {|NDSL0034:AlphaIn = -0.5|}, AlphaOut = 0.0)] Stage conv;")),
        C("OctConv split of another alpha", N("[OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.25)] Stage split;\n[OctConv(16, Kernel = 1, {|NDSL0035:AlphaIn = 0.5|}, AlphaOut = 0.0)] Stage merge;")),
        C("Plain Conv fed an octave pair", N(OctaveAround("[{|NDSL0036:Conv(16, Padding = 1)|}] Stage conv;"))),
        C("Plain MaxPool fed an octave pair", N(OctaveAround("[{|NDSL0036:MaxPool(2)|}] Stage pool;"))),
        C("Octave layer fed a plain tensor", N("[OctConv(16, Padding = 1, {|NDSL0036:AlphaIn = 0.5|}, AlphaOut = 0.5)] Stage split;\n[OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;")),
        C("Octave layer with AlphaIn = 0 fed a pair", N("[OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;\n[OctConv(16, Kernel = 1, {|NDSL0036:AlphaIn = 0.0|}, AlphaOut = 0.0)] Stage merge;")),
        C("OctConv mixed with a MaxPool in a stage", N("[OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.0), BatchNorm, {|NDSL0036:MaxPool(2)|}] Stage split;")),
        C("Concat of an octave pair", N(OctaveAround("[{|NDSL0036:Concat(nameof(split))|}] Stage joined;"))),
        C("OctConv stride 3", N("[OctConv(16, Padding = 1, {|NDSL0038:Stride = 3|}, AlphaIn = 0.0, AlphaOut = 0.0)] Stage conv;")),
        C("OctConv stride 2 on a height not divisible by 4", N(OctaveAround("[{|NDSL0037:OctConv(16, Stride = 2, Padding = 1)|}] Stage down;"), c: 8, h: 18, w: 16)),
        C("OctConv ReLU without its BatchNorm", N("[OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.0, {|NDSL0023:ReLU = true|})] Stage conv;")),
        C("OctConv out channels 0", N("[OctConv({|NDSL0010:0|}, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.0)] Stage conv;")),
        C("OctConv Kernel = 0", N("[OctConv(16, {|NDSL0010:Kernel = 0|}, AlphaIn = 0.0, AlphaOut = 0.0)] Stage conv;")),
        C("OctConv Padding = -1", N("[OctConv(16, {|NDSL0010:Padding = -1|}, AlphaIn = 0.0, AlphaOut = 0.0)] Stage conv;")),
        C("OctConv In mismatch", N("[OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.0, {|NDSL0003:In = 4|})] Stage conv;")),
        C("OctConv alpha a string in a network", N("""[OctConv(16, Padding = 1, {|NDSL0015:AlphaIn = "alpha"|}, AlphaOut = 0.0)] Stage conv;""")),
        C("Octave block alpha parameter outside [0, 1] in the block", Of(Block("Oct2", "[Param] int planes;\n[Param] double alpha = 0.5;\n[OctConv(\"planes\", Padding = 1, AlphaIn = 0.0, {|NDSL0034:AlphaOut = 2.0|})] Stage conv;\n[OctConv(\"planes\", Kernel = 1, AlphaIn = 2.0, AlphaOut = 0.0)] Stage merge;"), Net("[Use(typeof(Oct2), 8)] Stage oct;"))),
        C("Octave block used as a branch", Of(Oct, Net("[OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;\n[{|NDSL0036:Branch(typeof(Oct), 16)|}, Branch(typeof(Oct), 16), Join(Join.Sum)] Stage mix;\n[OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;"))),
        C("Tap in a network with octave stages", N("[OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;\n[OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0), Output(\"out\")] Stage merge;\n[Conv(4, Kernel = 1), {|NDSL0047:Tap(\"merge\")|}, Output(\"aux\")] Stage aux;", c: 8)),

        // ---------------------------------------------------------------- once a known defect (KnownDefects.md F2)
        C("Octave block alpha argument 1.5", Of(Oct, Net(OctaveAround("[Use(typeof(Oct), 16, {|NDSL0034:{|NDSL0034:1.5|}|})] Stage oct;")))),
    };
}
