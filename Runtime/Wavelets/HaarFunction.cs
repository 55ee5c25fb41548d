using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace NetDsl.Wavelets
{
    // The fused Haar kernel as autograd functions. Haar is orthonormal, so the backward of each transform is the other one;
    // the adjoint of the forward's zero padding is the inverse's crop to the input size, and the adjoint of the inverse's
    // crop is a zero padding, which the forward kernel applies when asked for bands larger than half its input. The
    // backward calls the dispatching transforms (Haar.Analysis / Haar.Synthesis), so under create_graph it is itself
    // recorded (double backward). Haar.cs only applies these when grad mode is on and the input requires grad; otherwise it
    // calls the kernel without any bookkeeping.
    //
    // Lifetimes: nothing is saved for backward but sizes (save_data), so no SavedVariable holds a tensor. TorchSharp wraps
    // the tensor forward returns into the graph's output (a new handle) and leaves the returned one to the caller's dispose
    // scope; the gradients backward returns are copied by the native node before the handles go out of scope.

    /// <summary>Forward Haar transform: arguments (x, HaarLayout, h, w).</summary>
    internal sealed class HaarForwardFunction : SingleTensorFunction<HaarForwardFunction>
    {
        public override string Name => "HaarForward";

        public override Tensor forward(AutogradContext ctx, params object[] vars)
        {
            var x = (Tensor)vars[0];
            var layout = HaarSizes.Save(ctx, vars, x.shape[2], x.shape[3]);
            return HaarKernel.Forward(x, layout, (long)vars[2], (long)vars[3]);
        }

        // The input's height and width: the crop of the inverse.
        public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output) =>
            HaarSizes.Gradient(ctx, (layout, height, width) => Haar.Synthesis(grad_output, layout, height, width));
    }

    /// <summary>Inverse Haar transform: arguments (bands, HaarLayout, height, width).</summary>
    internal sealed class HaarInverseFunction : SingleTensorFunction<HaarInverseFunction>
    {
        public override string Name => "HaarInverse";

        public override Tensor forward(AutogradContext ctx, params object[] vars)
        {
            var bands = (Tensor)vars[0];
            var layout = HaarSizes.Save(ctx, vars, bands.shape[^2], bands.shape[^1]);
            return HaarKernel.Inverse(bands, layout, (long)vars[2], (long)vars[3]);
        }

        // The bands' h and w: the forward pads the gradient image to 2h x 2w.
        public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output) =>
            HaarSizes.Gradient(ctx, (layout, h, w) => Haar.Analysis(grad_output, layout, h, w));
    }

    /// <summary>What both functions keep for backward: the layout and the input's last two sizes (no tensors).</summary>
    internal static class HaarSizes
    {
        public static HaarLayout Save(AutogradContext ctx, object[] vars, long rows, long columns)
        {
            var layout = (HaarLayout)vars[1];
            ctx.save_data("layout", layout);
            ctx.save_data("rows", rows);
            ctx.save_data("columns", columns);
            return layout;
        }

        // The gradient of the tensor argument; none for the layout and the two sizes.
        public static List<Tensor> Gradient(AutogradContext ctx, System.Func<HaarLayout, long, long, Tensor> adjoint) => new()
        {
            adjoint((HaarLayout)ctx.get_data("layout"), (long)ctx.get_data("rows"), (long)ctx.get_data("columns")),
            null!, null!, null!,
        };
    }
}
