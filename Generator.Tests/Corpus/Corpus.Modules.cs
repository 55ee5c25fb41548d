using static NetDsl.Generator.Tests.Corpus.CorpusSource;

namespace NetDsl.Generator.Tests.Corpus;

public static partial class BadDeclarations
{
    /// <summary>NetDsl's own LayerNorm2d (a plain TorchSharp module, no [Block]) as a hand-written module with its contract.</summary>
    private static string Ln(string arguments = "\"channels\"", string contract = "Params = \"2 * channels\"") =>
        $"Module(typeof(NetDsl.Normalization.LayerNorm2d), {arguments}, {contract})";

    /// <summary>Hand-written modules as stages ([Module]): the type (NDSL0080), its constructor (NDSL0081), the contract against the input (NDSL0082) and as a shape rule.</summary>
    private static readonly CorpusCase[] Modules =
    {
        C("Module of a class that is not a TorchSharp module", Of("public class Plain { }\n", Net("[Module({|NDSL0080:typeof(Plain)|}, Params = 0)] Stage m;"))),
        C("Module of a struct", N("[Module({|NDSL0080:typeof(int)|}, Params = 0)] Stage m;")),
        C("Module of a block", Of(Pw, Net("[Module({|NDSL0080:typeof(Pw)|}, 4, Params = 0)] Stage m;"))),
        C("Module of an abstract module", Of("public abstract class Half : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> { protected Half() : base(\"Half\") { } }\n",
            Net("[Module({|NDSL0080:typeof(Half)|}, Params = 0)] Stage m;"))),
        C("Module with one constructor argument too many", N("[" + Ln("{|NDSL0081:\"channels\", 1e-6, 3|}") + "] Stage m;")),
        C("Module with a bool for the channels", N("[" + Ln("{|NDSL0081:true|}") + "] Stage m;")),
        C("Module without its constructor argument", N("[{|NDSL0081:Module(typeof(NetDsl.Normalization.LayerNorm2d), Params = 0)|}] Stage m;")),
        C("Module made for other input channels", N("[Conv(8, Kernel = 1)] Stage conv;\n[" + Ln(contract: "{|NDSL0082:In = 4|}, Params = \"2 * channels\"") + "] Stage m;")),
        C("Module made for other input channels, an expression", N("[" + Ln(contract: "{|NDSL0082:In = \"in_channels + 1\"|}, Params = \"2 * channels\"") + "] Stage m;")),
        C("Module without a parameter count", N("[{|NDSL0023:Module(typeof(NetDsl.Normalization.LayerNorm2d), \"channels\")|}] Stage m;")),
        C("Module with zero output channels", N("[" + Ln(contract: "{|NDSL0010:Out = 0|}, Params = \"2 * channels\"") + "] Stage m;")),
        C("Module with a negative parameter count", N("[" + Ln(contract: "{|NDSL0010:Params = \"channels - 10\"|}") + "] Stage m;")),
        C("Module contract naming an unknown name", N("[" + Ln(contract: "{|NDSL0015:Params = \"2 * chanels\"|}") + "] Stage m;")),
        C("Module argument naming an unknown name", N("[" + Ln("{|NDSL0015:\"chanels\"|}") + "] Stage m;")),
        C("Module stride larger than the map", N("[" + Ln(contract: "{|NDSL0008:Stride = 32|}, Params = \"2 * channels\"") + "] Stage m;")),
        C("Module after Flatten", N("[GlobalAvgPool, Flatten] Stage pool;\n[{|NDSL0018:" + Ln() + "|}] Stage m;")),
        C("Module on an octave pair", N(OctaveAround("[{|NDSL0036:" + Ln() + "|}] Stage m;"), h: 32, w: 32)),
        C("Module output into a conv expecting other channels", N("[" + Ln(contract: "Out = 6, Params = \"2 * channels\"") + "] Stage m;\n[Conv(4, Kernel = 1, {|NDSL0003:In = 3|})] Stage conv;")),
    };
}
