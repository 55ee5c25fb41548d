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
            var layout = (HaarLayout)vars[1];
            ctx.save_data("layout", layout);
            ctx.save_data("height", x.shape[2]);
            ctx.save_data("width", x.shape[3]);
            return HaarKernel.Forward(x, layout, (long)vars[2], (long)vars[3]);
        }

        public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output) => new()
        {
            Haar.Synthesis(grad_output, (HaarLayout)ctx.get_data("layout"), (long)ctx.get_data("height"), (long)ctx.get_data("width")),
            null!, null!, null!,
        };
    }

    /// <summary>Inverse Haar transform: arguments (bands, HaarLayout, height, width).</summary>
    internal sealed class HaarInverseFunction : SingleTensorFunction<HaarInverseFunction>
    {
        public override string Name => "HaarInverse";

        public override Tensor forward(AutogradContext ctx, params object[] vars)
        {
            var bands = (Tensor)vars[0];
            var layout = (HaarLayout)vars[1];
            ctx.save_data("layout", layout);
            ctx.save_data("h", bands.shape[^2]);
            ctx.save_data("w", bands.shape[^1]);
            return HaarKernel.Inverse(bands, layout, (long)vars[2], (long)vars[3]);
        }

        public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output) => new()
        {
            Haar.Analysis(grad_output, (HaarLayout)ctx.get_data("layout"), (long)ctx.get_data("h"), (long)ctx.get_data("w")),
            null!, null!, null!,
        };
    }
}
