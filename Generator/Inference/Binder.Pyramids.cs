using System.Collections.Generic;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Inference
{
    /// <summary>Binding of the pyramid stages of seed 003: [SeparableConv], [DSPP], [MDSPP] and [ASPPv2].</summary>
    public static partial class Binder
    {
        /// <summary>SPEED's bins, the default of [DSPP] and [MDSPP].</summary>
        internal static readonly long[] SpeedBins = { 2, 4, 6, 8 };

        /// <summary>DeepLab v2's ASPP-L rates, the default of [ASPPv2].</summary>
        internal static readonly long[] DeepLabV2Rates = { 6, 12, 18, 24 };

        /// <summary>Binds a pyramid layer into <paramref name="b"/>; false when an argument was reported.</summary>
        private static bool BindPyramid(DeclarationSpec spec, LayerSpec layer, BoundLayer b, Dictionary<string, ArgSpec> args,
            string where, List<DiagnosticInfo> diagnostics)
        {
            bool ok = true;
            Expr? ExprArg(string name, long? fallback, bool required = false)
            {
                if (!args.TryGetValue(name, out var arg) || arg.Value.Kind == ArgKind.Null)
                {
                    if (required)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, arg?.Location ?? layer.Location, where,
                            name, arg is null ? "is required" : "must be an integer or an expression string, not null"));
                        ok = false;
                    }
                    return fallback is null ? null : Expr.Num(fallback.Value);
                }
                var e = ToExpr(spec, arg, where, diagnostics);
                if (e is null) ok = false;
                return e;
            }
            bool BoolArg(string name, bool fallback) =>
                args.TryGetValue(name, out var arg) && arg.Value.Kind == ArgKind.Bool ? arg.Value.Number != 0 : fallback;
            void ListArg(string name, long[] fallback)
            {
                if (args.TryGetValue(name, out var list) && list.Value.Kind == ArgKind.Array)
                    foreach (var item in list.Value.Items) b.Bins.Add((long)item.Number);
                if (b.Bins.Count == 0) b.Bins.AddRange(fallback);
            }

            switch (b.Kind)
            {
                case LayerKind.SeparableConv:
                    b.Out = ExprArg("outChannels", null, required: true);
                    b.Kernel = ExprArg("Kernel", 3);
                    b.Stride = ExprArg("Stride", 1);
                    b.Dilation = ExprArg("Dilation", 1);
                    b.Bias = BoolArg("Bias", true);
                    b.In = ExprArg("In", null);
                    // Keras' padding='same' is the default here (SPEED's use), unlike [Conv]'s 0.
                    if (!args.TryGetValue("Padding", out var padding) ||
                        padding.Value is { Kind: ArgKind.String, Text: string keyword } && (keyword.Trim() == "same" || keyword.Trim() == "valid"))
                    {
                        b.PaddingSame = padding is null || padding.Value.Text!.Trim() == "same";
                        b.Padding = Expr.Num(0);
                    }
                    else if (padding.Value is { Kind: ArgKind.String, Text: string word } && IsIdentifier(word.Trim()) && !KnownNames(spec).Contains(word.Trim()))
                    {
                        string accepted = "a number, \"same\" or \"valid\"" + (spec.Kind == DeclarationKind.Block ? " or an expression over the block's parameters" : "");
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, padding.Location ?? layer.Location, where,
                            "Padding", $"must be {accepted}, not \"{word}\""));
                        ok = false;
                    }
                    else
                    {
                        b.Padding = ExprArg("Padding", 0);
                    }
                    break;
                case LayerKind.DSPP:
                case LayerKind.MDSPP:
                    b.Out = ExprArg("Filters", 128);
                    ListArg("Bins", SpeedBins);
                    break;
                case LayerKind.ASPPv2:
                    b.Out = ExprArg("numClasses", null, required: true);
                    ListArg("rates", DeepLabV2Rates);
                    b.Hidden = ExprArg("Hidden", 0);
                    break;
            }
            return ok;
        }
    }
}
