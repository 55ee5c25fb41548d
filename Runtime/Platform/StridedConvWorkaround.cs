using System;
using System.Linq;
using System.Runtime.CompilerServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetDsl
{
    /// <summary>
    /// Keeps training alive on CPUs whose CPUID reports no cache sizes. There LibTorch 2.10's oneDNN (3.7.1) kills the
    /// process with SIGFPE while it plans the backward of a strided 1x1 convolution (ResNet's downsample projections:
    /// <c>brgemm_convolution_bwd_utils::brg_blocking_t::est_eff_1x1</c> divides by a block count that the zero-size caches
    /// make 0, for the channel pairs 512→1024, 1024→2048 and others). A 1x1 convolution with stride s and no padding is the
    /// same function as a stride-1 1x1 convolution of <c>x[:, :, ::s, ::s]</c>; its backward is oneDNN's stride-1 1x1 kernel
    /// (jit_1x1, which does not consult the cache sizes there) and the slice's backward (a zero-filled scatter).
    /// <para>
    /// Only that layer changes, only when a backward can follow (grad mode on, and the input or the weight requires grad, on
    /// the CPU), and only where it is needed: <see cref="Enabled"/> is decided once per process from
    /// <see cref="CpuCacheReport.Current"/>, or from the environment variable <see cref="EnvironmentVariable"/> (<c>1</c>
    /// always, <c>0</c> never). Every other convolution keeps oneDNN's fast kernels, and inference (<c>no_grad</c>, or
    /// nothing requiring grad) runs the module as declared. Capping oneDNN's ISA instead (<c>ONEDNN_MAX_CPU_ISA=AVX</c>)
    /// slows every kernel of the process.
    /// </para>
    /// <para>
    /// Generated networks attach it themselves: every <see cref="Stage"/> calls <see cref="Attach"/> on its module, which
    /// adds a forward pre-hook and a forward hook to each strided 1x1 <see cref="Conv2d"/> in it (once per layer). During a
    /// rewritten call the layer's <c>stride</c> reads (1, 1); the hooks restore it after the call (and at the next call if
    /// the forward threw). Hand-written modules can call <see cref="Attach"/> the same way.
    /// </para>
    /// </summary>
    public static class StridedConvWorkaround
    {
        /// <summary>Overrides the detection: <c>1</c> (or <c>true</c>, <c>on</c>) always rewrites, <c>0</c> (<c>false</c>, <c>off</c>) never.</summary>
        public const string EnvironmentVariable = "NETDSL_STRIDED_CONV_WORKAROUND";

        private static readonly ConditionalWeakTable<Conv2d, long[]> attached = new();

        /// <summary>
        /// Whether <see cref="Attach"/> attaches the rewrite. Decided once per process from <see cref="EnvironmentVariable"/>
        /// or, when it is unset, from <see cref="CpuCacheReport.ReportsNoCacheSizes"/>. Setting it affects modules attached
        /// afterwards and, for the ones already attached, their next calls.
        /// </summary>
        public static bool Enabled { get; set; }

        /// <summary>Why <see cref="Enabled"/> was decided as it was at startup (the variable, or the CPU's cache report).</summary>
        public static string Reason { get; }

        static StridedConvWorkaround()
        {
            Enabled = Decide(Environment.GetEnvironmentVariable(EnvironmentVariable), CpuCacheReport.Current, out string why);
            Reason = why;
        }

        /// <summary>The startup decision: the variable's value when it is set, otherwise whether the CPU reports no cache sizes.</summary>
        public static bool Decide(string? variable, CpuCacheReport cpu, out string why)
        {
            if (cpu is null) throw new ArgumentNullException(nameof(cpu));
            switch (variable?.Trim().ToLowerInvariant())
            {
                case "1": case "true": case "on":
                    why = $"{EnvironmentVariable}={variable}";
                    return true;
                case "0": case "false": case "off":
                    why = $"{EnvironmentVariable}={variable}";
                    return false;
                case null: case "": case "auto":
                    why = cpu.ReportsNoCacheSizes ? $"{cpu} (no cache sizes: oneDNN's strided 1x1 backward would divide by zero)" : cpu.ToString();
                    return cpu.ReportsNoCacheSizes;
                default:
                    throw new ArgumentException($"{EnvironmentVariable}='{variable}': expected 1, 0 or auto");
            }
        }

        /// <summary>True for a convolution the rewrite is for: a 1x1 kernel, a stride above 1, no padding.</summary>
        public static bool Applies(Conv2d conv)
        {
            if (conv is null) throw new ArgumentNullException(nameof(conv));
            return conv.kernel_size.All(k => k == 1) && conv.stride.Any(s => s > 1) && (conv.padding ?? Array.Empty<long>()).All(p => p == 0)
                && conv.padding_type != Padding.Same && !conv.transposed;
        }

        /// <summary>
        /// Attaches the rewrite to <paramref name="module"/> and every strided 1x1 <see cref="Conv2d"/> under it, when
        /// <see cref="Enabled"/>; a layer already attached is skipped. Returns how many layers were newly attached.
        /// </summary>
        public static int Attach(nn.Module? module)
        {
            if (module is null || !Enabled) return 0;
            int count = 0;
            if (module is Conv2d self && AttachOne(self)) count++;
            foreach (var (_, child) in module.named_modules())
                if (child is Conv2d conv && AttachOne(conv)) count++;
            return count;
        }

        /// <summary>Whether <paramref name="conv"/> carries the rewrite's hooks.</summary>
        public static bool IsAttached(Conv2d conv) => attached.TryGetValue(conv, out _);

        /// <summary>
        /// The rewritten function: <c>conv2d(x[:, :, ::sh, ::sw], weight, bias, stride: 1, dilation, groups)</c>, equal to
        /// <paramref name="conv"/> applied to <paramref name="input"/> (see <see cref="Applies"/>).
        /// </summary>
        public static Tensor Forward(Conv2d conv, Tensor input)
        {
            if (!Applies(conv)) throw new ArgumentException("not a strided 1x1 convolution without padding", nameof(conv));
            var strides = conv.stride;
            using var sliced = Subsample(input, strides);
            return nn.functional.conv2d(sliced, conv.weight!, conv.bias, strides: new long[] { 1, 1 }, dilation: conv.dilation, groups: conv.groups);
        }

        private static bool AttachOne(Conv2d conv)
        {
            if (!Applies(conv) || attached.TryGetValue(conv, out _)) return false;
            var original = (long[])conv.stride.Clone();
            attached.Add(conv, original);
            conv.register_forward_pre_hook((m, input) =>
            {
                var c = (Conv2d)m;
                if (!Enabled || !BackwardCanFollow(c, input))
                {
                    c.stride = (long[])original.Clone();
                    return null!; // unchanged
                }
                c.stride = new long[] { 1, 1 };
                return Subsample(input, original);
            });
            conv.register_forward_hook((m, input, output) =>
            {
                ((Conv2d)m).stride = (long[])original.Clone();
                return null!; // unchanged
            });
            return true;
        }

        private static bool BackwardCanFollow(Conv2d conv, Tensor input) =>
            torch.is_grad_enabled() && input.device_type == DeviceType.CPU
            && (input.requires_grad || conv.weight!.requires_grad || (conv.bias?.requires_grad ?? false));

        private static Tensor Subsample(Tensor input, long[] strides) =>
            input[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(null, null, strides[0]), TensorIndex.Slice(null, null, strides[1])];
    }
}
