using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace NetDsl.Convolutions
{
    /// <summary>
    /// The depthwise convolution with 'same' zero padding that WTConv runs at every level: (N, C, H, W) with a (C, 1, k, k)
    /// weight and an optional bias (C) to (N, C, H, W). On CPU, for float32 / float64 and odd k, <see cref="Same"/> takes
    /// both gradients from NetDsl's own kernel (<see cref="KernelInstructions"/>), and the forward too where the maps are at
    /// least <see cref="MinKernelForwardWidth"/> wide; anywhere else, and for even k, LibTorch's grouped <c>conv2d</c>
    /// (<see cref="SameOpChain"/>), with PyTorch's <c>padding='same'</c> placement (an even k pads one more right and bottom).
    /// </summary>
    /// <remarks>
    /// Why the forward is split by width (measured on the 2-core machine, 5 x 5, interleaved, eval): the kernel's forward is
    /// 2.1x LibTorch's at [1, 96, 56, 56] and 1.5-2.3x at [8, 64, 64, 64] and [8, 256, 32, 32], but 0.9x at 28 x 28 and
    /// 0.4-0.7x at 14 x 14 and below, where oneDNN's forward wins on per-plane overheads. Its gradients are 2-5x LibTorch's
    /// at every one of these sizes (LibTorch's CPU depthwise backward is slow), so the backward always runs the kernel.
    /// </remarks>
    public static class DepthwiseConv
    {
        /// <summary>The narrowest map (in columns) whose forward runs NetDsl's kernel rather than LibTorch's (see the remarks).</summary>
        public const long MinKernelForwardWidth = 32;

        /// <summary>y = conv2d(x, weight, bias, padding='same', groups=C), by the faster implementation for the shape.</summary>
        /// <exception cref="System.ArgumentException">The shapes do not describe a depthwise convolution.</exception>
        public static Tensor Same(Tensor x, Tensor weight, Tensor? bias = null)
        {
            Check(x, weight, bias);
            if (!UsesKernel(x, weight, bias)) return SameOpChain(x, weight, bias);
            return Run(x, weight, bias, kernelForward: x.shape[3] >= MinKernelForwardWidth);
        }

        /// <summary>The same convolution with forward and gradients all by NetDsl's kernel, whatever the width.</summary>
        /// <exception cref="System.ArgumentException">The shapes do not describe a depthwise convolution, or the kernel does not
        /// take these tensors (<see cref="UsesKernel"/>).</exception>
        public static Tensor SameKernel(Tensor x, Tensor weight, Tensor? bias = null)
        {
            Check(x, weight, bias);
            if (!UsesKernel(x, weight, bias))
                throw new System.ArgumentException(
                    $"DepthwiseConv.SameKernel: the kernel takes CPU float32 / float64 tensors of one dtype and an odd k, got {x.dtype} on {x.device_type} " +
                    $"with k = {weight.shape[2]}.", nameof(x));
            return Run(x, weight, bias, kernelForward: true);
        }

        private static Tensor Run(Tensor x, Tensor weight, Tensor? bias, bool kernelForward)
        {
            bool tracked = torch.is_grad_enabled() && (x.requires_grad || weight.requires_grad || bias?.requires_grad == true);
            if (tracked) return DepthwiseConvFunction.apply(x, weight, bias ?? (object)false, kernelForward);
            return kernelForward ? DepthwiseConvKernel.Forward(x, weight, bias) : SameOpChain(x, weight, bias);
        }

        /// <summary>Whether <see cref="Same"/> runs NetDsl's kernel for these tensors (CPU, float32 / float64, odd k).</summary>
        public static bool UsesKernel(Tensor x, Tensor weight, Tensor? bias = null) =>
            x is not null && weight is not null && DepthwiseConvKernel.Supports(x, weight, bias);

        /// <summary>The vector instructions the kernel uses on this CPU: AVX-512, AVX2 or scalar.</summary>
        public static string KernelInstructions => DepthwiseConvKernel.Instructions;

        /// <summary>The same convolution by LibTorch's grouped <c>conv2d</c> (any device, dtype and k).</summary>
        public static Tensor SameOpChain(Tensor x, Tensor weight, Tensor? bias = null)
        {
            Check(x, weight, bias);
            long k = weight.shape[2], groups = x.shape[1];
            if (k % 2 == 1)
                return nn.functional.conv2d(x, weight, bias, padding: new long[] { k / 2, k / 2 }, groups: groups);
            using var padded = nn.functional.pad(x, new long[] { (k - 1) / 2, k / 2, (k - 1) / 2, k / 2 }, PaddingModes.Constant, 0.0);
            return nn.functional.conv2d(padded, weight, bias, groups: groups);
        }

        private static void Check(Tensor x, Tensor weight, Tensor? bias)
        {
            if (x is null) throw new System.ArgumentNullException(nameof(x));
            if (weight is null) throw new System.ArgumentNullException(nameof(weight));
            string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
            if (x.dim() != 4)
                throw new System.ArgumentException($"DepthwiseConv: expected an NCHW input of rank 4, got {Shape(x)}.", nameof(x));
            if (weight.dim() != 4 || weight.shape[0] != x.shape[1] || weight.shape[1] != 1 || weight.shape[2] != weight.shape[3])
                throw new System.ArgumentException(
                    $"DepthwiseConv: expected a weight (C, 1, k, k) with C = {x.shape[1]}, got {Shape(weight)}.", nameof(weight));
            if (bias is not null && (bias.dim() != 1 || bias.shape[0] != x.shape[1]))
                throw new System.ArgumentException($"DepthwiseConv: expected a bias ({x.shape[1]}), got {Shape(bias)}.", nameof(bias));
        }
    }

    /// <summary>
    /// The kernel as an autograd function: arguments (x, weight, bias or false, forward by the kernel or by LibTorch).
    /// Saves x and the weight. Backward: the input's
    /// gradient is the convolution of the output's gradient with the weight rotated by 180°, the weight's and bias's are
    /// sums over the batch. Under <c>create_graph</c> (grad mode on inside backward) the gradients come from LibTorch's own
    /// convolution instead, so a double backward is exact.
    /// </summary>
    internal sealed class DepthwiseConvFunction : SingleTensorFunction<DepthwiseConvFunction>
    {
        public override string Name => "DepthwiseConvSame";

        public override Tensor forward(AutogradContext ctx, params object[] vars)
        {
            var x = (Tensor)vars[0];
            var weight = (Tensor)vars[1];
            var bias = vars[2] as Tensor;
            ctx.save_for_backward(new List<Tensor> { x, weight });
            ctx.save_data("bias", bias is not null);
            ctx.save_data("inputGrad", x.requires_grad);
            ctx.save_data("weightGrad", weight.requires_grad);
            ctx.save_data("biasGrad", bias?.requires_grad == true);
            if ((bool)vars[3]) return DepthwiseConvKernel.Forward(x, weight, bias);
            using var noGrad = torch.no_grad();
            return DepthwiseConv.SameOpChain(x, weight, bias);
        }

        public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
        {
            var saved = ctx.get_saved_variables();
            Tensor x = saved[0], weight = saved[1];
            bool hasBias = (bool)ctx.get_data("bias");
            bool inputGrad = (bool)ctx.get_data("inputGrad"), weightGrad = (bool)ctx.get_data("weightGrad");
            bool biasGrad = (bool)ctx.get_data("biasGrad");
            if (torch.is_grad_enabled()) return Recorded(x, weight, hasBias, grad_output, inputGrad, weightGrad, biasGrad);

            Tensor? gx = inputGrad ? DepthwiseConvKernel.InputGradient(grad_output, weight) : null;
            Tensor? gw = null, gb = null;
            if (weightGrad || biasGrad)
            {
                var (w, b) = DepthwiseConvKernel.ParameterGradients(x, grad_output, weight.shape[2]);
                gw = weightGrad ? w : null;
                gb = biasGrad ? b : null;
                if (!weightGrad) w.Dispose();
                if (!biasGrad) b.Dispose();
            }
            return new List<Tensor> { gx!, gw!, gb!, null! };
        }

        // create_graph: recompute through LibTorch's convolution, whose gradients are themselves differentiable.
        private static List<Tensor> Recorded(Tensor x, Tensor weight, bool hasBias, Tensor grad, bool inputGrad, bool weightGrad, bool biasGrad)
        {
            using var xd = x.detach().requires_grad_(inputGrad);
            using var wd = weight.detach().requires_grad_(weightGrad);
            using var bd = hasBias ? torch.zeros(new[] { x.shape[1] }, x.dtype, x.device).requires_grad_(biasGrad) : null;
            using var y = DepthwiseConv.SameOpChain(inputGrad ? x : xd, weightGrad ? weight : wd, bd);
            var wrt = new List<Tensor>();
            if (inputGrad) wrt.Add(x);
            if (weightGrad) wrt.Add(weight);
            if (biasGrad) wrt.Add(bd!);
            var grads = torch.autograd.grad(new List<Tensor> { y }, wrt, new List<Tensor> { grad }, retain_graph: true, create_graph: true);
            int i = 0;
            Tensor? gx = inputGrad ? grads[i++] : null, gw = weightGrad ? grads[i++] : null, gb = biasGrad ? grads[i++] : null;
            return new List<Tensor> { gx!, gw!, gb!, null! };
        }
    }
}
