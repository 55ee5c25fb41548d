using static NetDsl.Generator.Tests.Corpus.CorpusSource;

namespace NetDsl.Generator.Tests.Corpus;

public static partial class BadDeclarations
{
    /// <summary>[Conv], [ConvTranspose], [SeparableConv]: every argument position.</summary>
    private static readonly CorpusCase[] Convolutions =
    {
        // ---------------------------------------------------------------- Conv
        C("Conv out channels 0", N("[Conv({|NDSL0010:0|}, Kernel = 3)] Stage conv;")),
        C("Conv out channels -4", N("[Conv({|NDSL0010:-4|}, Kernel = 3)] Stage conv;")),
        C("Conv Kernel = 0", N("[Conv(8, {|NDSL0010:Kernel = 0|})] Stage conv;")),
        C("Conv Kernel = -1", N("[Conv(8, {|NDSL0010:Kernel = -1|})] Stage conv;")),
        C("Conv Stride = 0", N("[Conv(8, Kernel = 3, {|NDSL0010:Stride = 0|})] Stage conv;")),
        C("Conv Stride = -2", N("[Conv(8, Kernel = 3, {|NDSL0010:Stride = -2|})] Stage conv;")),
        C("Conv Padding = -1", N("[Conv(8, Kernel = 3, {|NDSL0010:Padding = -1|})] Stage conv;")),
        C("Conv Dilation = 0", N("[Conv(8, Kernel = 3, {|NDSL0010:Dilation = 0|})] Stage conv;")),
        C("Conv Groups = 0", N("[Conv(8, Kernel = 3, {|NDSL0010:Groups = 0|})] Stage conv;")),
        C("Conv Groups not dividing the input", N("[Conv(8, Kernel = 3, {|NDSL0009:Groups = 3|})] Stage conv;", c: 4)),
        C("Conv Groups not dividing the output", N("[Conv(6, Kernel = 3, {|NDSL0009:Groups = 4|})] Stage conv;", c: 4)),
        C("Conv In mismatch on the first stage", N("[Conv(8, Kernel = 3, {|NDSL0003:In = 4|})] Stage conv;")),
        C("Conv In mismatch after a conv", N("[Conv(8, Kernel = 3)] Stage conv1;\n[Conv(16, Kernel = 3, {|NDSL0003:In = 16|})] Stage conv2;")),
        C("Conv Kernel larger than the input", N("[Conv(8, {|NDSL0008:Kernel = 17|})] Stage conv;")),
        C("Conv default kernel on a 2x2 input", N("[{|NDSL0008:Conv(8)|}] Stage conv;", h: 2, w: 2)),
        C("Conv Kernel larger than the width only", N("[Conv(8, {|NDSL0008:Kernel = 9|})] Stage conv;", h: 16, w: 8)),
        C("Conv Kernel = int.MaxValue", N("[Conv(8, {|NDSL0008:Kernel = int.MaxValue|})] Stage conv;")),
        C("Conv same padding with stride 2", N("""[Conv(8, Kernel = 3, Stride = 2, {|NDSL0021:Padding = "same"|})] Stage conv;""")),
        C("Conv unknown padding keyword", N("""[Conv(8, Kernel = 3, {|NDSL0023:Padding = "full"|})] Stage conv;""")),
        C("Conv Kernel = 2.5", N("[Conv(8, {|NDSL0023:Kernel = 2.5|})] Stage conv;")),
        C("Conv Stride = 1.5", N("[Conv(8, Kernel = 3, {|NDSL0023:Stride = 1.5|})] Stage conv;")),
        C("Conv out channels null", N("[Conv({|NDSL0023:null|}, Kernel = 3)] Stage conv;")),
        C("Conv out channels a double", N("[Conv({|NDSL0023:8.0|}, Kernel = 3)] Stage conv;")),
        C("Conv unknown name in a network", N("""[Conv({|NDSL0015:"width"|}, Kernel = 1)] Stage conv;""")),
        C("Conv expression ending early in a network", N("""[Conv({|NDSL0015:"in_channels *"|}, Kernel = 1)] Stage conv;""")),
        C("Conv division by zero in a network", N("""[Conv({|NDSL0015:"in_channels / 0"|}, Kernel = 1)] Stage conv;""")),
        C("Conv Kernel expression with an unknown name", N("""[Conv(8, {|NDSL0015:Kernel = "k"|})] Stage conv;""")),
        C("Conv after Flatten", N("[Conv(8, Kernel = 3)] Stage conv1;\n[Flatten] Stage flat;\n[{|NDSL0018:Conv(8, Kernel = 1)|}] Stage conv2;")),
        C("Conv in a sequence after Flatten", N("[Flatten, {|NDSL0018:Conv(8, Kernel = 1)|}] Stage seq;")),

        // ---------------------------------------------------------------- ConvTranspose
        C("ConvTranspose out channels 0", N("[ConvTranspose({|NDSL0010:0|}, Kernel = 2, Stride = 2)] Stage up;")),
        C("ConvTranspose Kernel = 0", N("[ConvTranspose(8, {|NDSL0010:Kernel = 0|}, Stride = 2)] Stage up;")),
        C("ConvTranspose Stride = 0", N("[ConvTranspose(8, Kernel = 2, {|NDSL0010:Stride = 0|})] Stage up;")),
        C("ConvTranspose Padding = -1", N("[ConvTranspose(8, Kernel = 2, Stride = 2, {|NDSL0010:Padding = -1|})] Stage up;")),
        C("ConvTranspose OutputPadding equal to the stride", N("[ConvTranspose(8, Kernel = 3, Stride = 2, Padding = 1, {|NDSL0010:OutputPadding = 2|})] Stage up;")),
        C("ConvTranspose OutputPadding = -1", N("[ConvTranspose(8, Kernel = 3, Stride = 2, {|NDSL0010:OutputPadding = -1|})] Stage up;")),
        C("ConvTranspose Dilation = 0", N("[ConvTranspose(8, Kernel = 3, {|NDSL0010:Dilation = 0|})] Stage up;")),
        C("ConvTranspose same padding", N("""[ConvTranspose(8, Kernel = 3, {|NDSL0023:Padding = "same"|})] Stage up;""")),
        C("ConvTranspose valid padding", N("""[ConvTranspose(8, Kernel = 3, {|NDSL0023:Padding = "valid"|})] Stage up;""")),
        C("ConvTranspose output below 1", N("[{|NDSL0007:ConvTranspose(8, Kernel = 3, Padding = 5)|}] Stage up;", h: 4, w: 4)),
        C("ConvTranspose Groups not dividing", N("[ConvTranspose(8, Kernel = 2, Stride = 2, {|NDSL0009:Groups = 3|})] Stage up;", c: 4)),
        C("ConvTranspose In mismatch", N("[ConvTranspose(8, Kernel = 2, Stride = 2, {|NDSL0003:In = 8|})] Stage up;")),
        C("ConvTranspose after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:ConvTranspose(8, Kernel = 2, Stride = 2)|}] Stage up;")),
        C("ConvTranspose Kernel = 1.5", N("[ConvTranspose(8, {|NDSL0023:Kernel = 1.5|})] Stage up;")),

        // ---------------------------------------------------------------- SeparableConv
        C("SeparableConv out channels 0", N("[SeparableConv({|NDSL0010:0|})] Stage sep;")),
        C("SeparableConv Kernel = 0", N("[SeparableConv(8, {|NDSL0010:Kernel = 0|})] Stage sep;")),
        C("SeparableConv strided with the default same padding", N("[{|NDSL0021:SeparableConv(8, Stride = 2)|}] Stage sep;")),
        C("SeparableConv strided with same padding written out", N("""[SeparableConv(8, Stride = 2, {|NDSL0021:Padding = "same"|})] Stage sep;""")),
        C("SeparableConv Padding = -1", N("[SeparableConv(8, {|NDSL0010:Padding = -1|})] Stage sep;")),
        C("SeparableConv unknown padding keyword", N("""[SeparableConv(8, {|NDSL0023:Padding = "bogus"|})] Stage sep;""")),
        C("SeparableConv Dilation = 0", N("[SeparableConv(8, {|NDSL0010:Dilation = 0|})] Stage sep;")),
        C("SeparableConv Stride = 0", N("[SeparableConv(8, Padding = 1, {|NDSL0010:Stride = 0|})] Stage sep;")),
        C("SeparableConv In mismatch", N("[SeparableConv(8, {|NDSL0003:In = 4|})] Stage sep;")),
        C("SeparableConv Kernel larger than the input", N("[SeparableConv(8, {|NDSL0008:Kernel = 9|}, Padding = 0)] Stage sep;", h: 4, w: 4)),
        C("SeparableConv dilated past the map", N("[SeparableConv(8, {|NDSL0032:Dilation = 8|})] Stage sep;", h: 8, w: 8)),
        C("SeparableConv after Flatten", N("[Flatten] Stage flat;\n[{|NDSL0018:SeparableConv(8)|}] Stage sep;")),

        // ---------------------------------------------------------------- once known defects (KnownDefects.md B1, D3, E4)
        C("Conv Kernel = null", N("[Conv(8, {|NDSL0023:Kernel = null|})] Stage conv;")),
        C("Conv Padding = int.MaxValue", N("[{|NDSL0050:Conv(8, Kernel = 3, Padding = int.MaxValue)|}] Stage conv;")),
        C("Conv int.MaxValue channels", Of(Net("[Conv(int.MaxValue, Kernel = 1)] Stage conv;", name: "{|NDSL0052:Net|}"))),
        C("ConvTranspose Stride = int.MaxValue", N("[{|NDSL0050:ConvTranspose(8, Kernel = 2, Stride = int.MaxValue)|}] Stage up;")),
        C("Huge dilation after a stacked conv", N("[Conv(8, Kernel = 3, Padding = 1)] Stage conv0;\n[Conv(8, Kernel = 3, Padding = 2147483647, {|NDSL0031:{|NDSL0032:Dilation = 2147483647|}|})] Stage conv;")),
    };
}
