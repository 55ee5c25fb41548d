using System;
using System.Linq;

namespace NetDsl.Generator.Tests.Corpus;

/// <summary>One bad declaration: a name and a complete source whose markup (<c>{|NDSL0010:Kernel = 0|}</c>) holds every expected diagnostic.</summary>
public sealed record CorpusCase(string Name, string Source);

/// <summary>Shorthands that keep a corpus entry to one line: the usual network around some stages, and common blocks.</summary>
internal static class CorpusSource
{
    public static CorpusCase C(string name, string source) => new(name, source);

    /// <summary>A source file: <c>using NetDsl;</c> and the declarations.</summary>
    public static string Of(params string[] declarations) => "using NetDsl;\n\n" + string.Join("\n", declarations);

    /// <summary>A network <c>Net</c> (or <paramref name="name"/>, which may hold markup) around the stages; Height/Width 0 stay symbolic.</summary>
    public static string Net(string stages, int c = 3, int h = 16, int w = 16, string extra = "", string name = "Net", string head = "public partial class") =>
        Network($"InChannels = {c}" + (h != 0 ? $", Height = {h}" : "") + (w != 0 ? $", Width = {w}" : "") + extra, stages, name, head);

    /// <summary>A network with its [Network(...)] arguments written out (for markup on them).</summary>
    public static string Network(string arguments, string stages, string name = "Net", string head = "public partial class") =>
        $"[Network({arguments})]\n{head} {name}\n{{\n{Indent(stages)}\n}}\n";

    /// <summary><see cref="Of"/> with one network.</summary>
    public static string N(string stages, int c = 3, int h = 16, int w = 16, string extra = "") => Of(Net(stages, c, h, w, extra));

    /// <summary>A symbolic-size network (Height and Width left at 0).</summary>
    public static string S(string stages, int c = 3) => Of(Net(stages, c, 0, 0));

    /// <summary>A block class with its members.</summary>
    public static string Block(string name, string members, string attribute = "Block", string head = "public partial class") =>
        $"[{attribute}]\n{head} {name}\n{{\n{Indent(members)}\n}}\n";

    /// <summary>A block and a network using it.</summary>
    public static string BN(string block, string stages, int c = 3, int h = 16, int w = 16, string extra = "") => Of(block, Net(stages, c, h, w, extra));

    /// <summary>Pw(c): a 1x1 convolution to c channels.</summary>
    public static readonly string Pw = Block("Pw", "[Param] int c;\n[Conv(\"c\", Kernel = 1)] Stage conv;");

    /// <summary>Down(s): a strided 3x3 convolution to 8 channels.</summary>
    public static readonly string Down = Block("Down", "[Param] int s;\n[Conv(8, Kernel = 3, Stride = \"s\", Padding = 1)] Stage conv;");

    /// <summary>Res(c, stride, dilation): a block torchvision's dilation rewrite applies to.</summary>
    public static readonly string Res = Block("Res",
        "[Param] int c;\n[Param(FirstRepeatOnly = true)] int stride = 1;\n[Param] int dilation = 1;\n" +
        "[Conv(\"c\", Kernel = 3, Stride = \"stride\", Padding = \"dilation\", Dilation = \"dilation\")] Stage conv;");

    /// <summary>Oct(planes, alpha): an octave 3x3 convolution keeping the split.</summary>
    public static readonly string Oct = Block("Oct",
        "[Param] int planes;\n[Param] double alpha = 0.5;\n" +
        "[OctConv(\"planes\", Padding = 1, AlphaIn = \"alpha\", AlphaOut = \"alpha\")] Stage conv;");

    /// <summary>Split then merge an octave pair around <paramref name="middle"/>.</summary>
    public static string OctaveAround(string middle) =>
        "[OctConv(16, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;\n" + middle + "\n[OctConv(16, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;";

    private static string Indent(string text) => string.Join("\n", text.Split('\n').Select(l => l.Length == 0 ? l : "    " + l));
}
