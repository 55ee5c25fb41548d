using System;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Emit
{
    /// <summary>Module types and constructor calls of the pyramid stages of seed 003 (runtime: <c>NetDsl.Pyramids</c>).</summary>
    public sealed partial class ModuleEmitter
    {
        private static string PyramidLayerType(BoundLayer layer) => layer.Kind switch
        {
            LayerKind.SeparableConv => "global::NetDsl.Pyramids.SeparableConv2d",
            LayerKind.DSPP => "global::NetDsl.Pyramids.DSPP",
            LayerKind.MDSPP => "global::NetDsl.Pyramids.MDSPP",
            LayerKind.ASPPv2 => "global::NetDsl.Pyramids.DeepLabV2ASPP",
            _ => throw new InvalidOperationException("not a pyramid stage: " + layer.Kind),
        };

        private static string PyramidFactory(BoundLayer l, string inC)
        {
            string bins = "new long[] { " + string.Join(", ", l.Bins) + " }";
            switch (l.Kind)
            {
                case LayerKind.SeparableConv:
                {
                    var args = new System.Collections.Generic.List<string> { inC, l.Out!.ToCSharp(), "kernel_size: " + l.Kernel!.ToCSharp() };
                    if (!l.Bias) args.Add("bias: false");
                    if (!IsOne(l.Stride)) args.Add("stride: " + l.Stride!.ToCSharp());
                    // No padding argument is 'same' (the runtime's default); "valid" is padding 0.
                    if (!l.PaddingSame) args.Add("padding: " + l.Padding!.ToCSharp());
                    if (!IsOne(l.Dilation)) args.Add("dilation: " + l.Dilation!.ToCSharp());
                    return "new global::NetDsl.Pyramids.SeparableConv2d(" + string.Join(", ", args) + ")";
                }
                case LayerKind.DSPP:
                    return $"new global::NetDsl.Pyramids.DSPP({inC}, {bins}, filters: {l.Out!.ToCSharp()})";
                case LayerKind.MDSPP:
                    return $"new global::NetDsl.Pyramids.MDSPP({inC}, {bins}, filters: {l.Out!.ToCSharp()})";
                case LayerKind.ASPPv2:
                    return $"new global::NetDsl.Pyramids.DeepLabV2ASPP({inC}, {l.Out!.ToCSharp()}, {bins}" +
                        (IsZero(l.Hidden) ? "" : ", hidden_channels: " + l.Hidden!.ToCSharp()) + ")";
                default:
                    throw new InvalidOperationException("not a pyramid stage: " + l.Kind);
            }
        }
    }
}
