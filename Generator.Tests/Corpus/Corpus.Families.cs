using static NetDsl.Generator.Tests.Corpus.CorpusSource;

namespace NetDsl.Generator.Tests.Corpus;

public static partial class BadDeclarations
{
    /// <summary>A body network with a Type parameter and depths, and the Plain block it uses.</summary>
    private static readonly string FamilyBody =
        Block("Plain", "[Param] int c;\n[Param(FirstRepeatOnly = true)] int stride = 1;\n[Conv(\"c\", Kernel = 3, Stride = \"stride\", Padding = 1)] Stage conv;") +
        Network("InChannels = 3, Height = 16, Width = 16",
            "[Param] int num_classes = 10;\n[Param] System.Type block = typeof(Plain);\n[Param] int depth1 = 2;\n" +
            "[Use(\"block\", 8, Repeat = \"depth1\")] Stage layer1;\n[GlobalAvgPool, Flatten] Stage pool;\n[Linear(\"num_classes\")] Stage fc;", "Body");

    private static string Variant(string arguments, string members, string name = "V") => Network(arguments, members, name);

    /// <summary>Families: variants of a body ([Network(Like = ...)]), Type parameters, Repeat expressions and loops.</summary>
    private static readonly CorpusCase[] Families_ =
    {
        C("Like names a block", Of(FamilyBody, Variant("{|NDSL0090:Like = typeof(Plain)|}", "[Param] int depth1 = 3;"))),
        C("Like names the class itself", Of(FamilyBody, Variant("{|NDSL0090:Like = typeof(V)|}", "[Param] int depth1 = 3;"))),
        C("Like names a variant", Of(FamilyBody, Variant("Like = typeof(Body)", "[Param] int depth1 = 3;", "W"), Variant("{|NDSL0090:Like = typeof(W)|}", "[Param] int depth1 = 4;"))),
        C("Variant parameter the body lacks", Of(FamilyBody, Variant("Like = typeof(Body)", "[Param] int {|NDSL0091:depth2|} = 3;"))),
        C("Variant parameter of another type", Of(FamilyBody, Variant("Like = typeof(Body)", "[Param] double {|NDSL0091:depth1|} = 3;"))),
        C("Variant Type parameter as an int", Of(FamilyBody, Variant("Like = typeof(Body)", "[Param] int {|NDSL0091:block|} = 3;"))),
        C("Variant with a stage", Of(FamilyBody, Variant("Like = typeof(Body)", "[Linear(4)] Stage {|NDSL0092:head|};"))),
        C("Variant with two stages", Of(FamilyBody, Variant("Like = typeof(Body)", "[ReLU] Stage {|NDSL0092:relu|};\n[Linear(4)] Stage {|NDSL0092:head|};"))),
        C("Type parameter as a channel count", Of(FamilyBody.Replace("[Linear(\"num_classes\")]", "[Linear({|NDSL0093:\"block\"|})]"))),
        C("Use naming an int parameter as its block", Of(FamilyBody.Replace("[Use(\"block\", 8,", "[Use({|NDSL0023:\"depth1\"|}, 8,"))),
        C("Repeat expression below 1", Of(FamilyBody.Replace("Repeat = \"depth1\"", "{|NDSL0010:Repeat = \"depth1 - 2\"|}"))),
        C("Repeat expression over an unknown name", Of(FamilyBody.Replace("Repeat = \"depth1\"", "{|NDSL0015:Repeat = \"depth9\"|}"))),
        C("Block loop whose copies double the channels", BN(
            Block("Widen", "[Conv(\"2 * in_channels\", Kernel = 1)] Stage conv;") + Block("Stack", "[Param] int n;\n[Use(typeof(Widen), {|NDSL0093:Repeat = \"n\"|})] Stage layers;"),
            "[Use(typeof(Stack), 3)] Stage body;")),
        C("Block loop of inline copies", BN(
            Block("Layer", "[Conv(\"in_channels\", Kernel = 1)] Stage conv;") + Block("Features", "[Param] int n;\n[Conv(8, Kernel = 1)] Stage stem;\n[Use(typeof(Layer), {|NDSL0093:Repeat = \"n\"|}, Inline = true)] Stage layers;", "Block(Sequential = true)"),
            "[Use(typeof(Features), 2)] Stage features;")),
        C("Block loop of 0 copies at a use", BN(
            Block("Layer", "[Conv(\"in_channels\", Kernel = 1)] Stage conv;") + Block("Stack", "[Param] int n;\n[Use(typeof(Layer), Repeat = \"n\")] Stage layers;"),
            "[Use(typeof(Stack), {|NDSL0010:0|})] Stage body;")),
    };
}
