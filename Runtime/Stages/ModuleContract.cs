using System;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl
{
    /// <summary>
    /// The runtime side of a hand-written module's declared contract (<see cref="ModuleAttribute"/>). The generated
    /// constructor passes the module through <see cref="Declare{T}"/>, which checks its parameter count at once and
    /// registers a forward hook that checks the first output against the contract for the actual input: rank, batch,
    /// channels and the size rule. After one call that passed, the hook only reads a flag.
    /// </summary>
    public static class ModuleContract
    {
        /// <summary>
        /// Checks <paramref name="module"/>'s trainable parameter count against <paramref name="parameters"/> and arms the
        /// first-call check of its output; returns the module.
        /// </summary>
        /// <param name="module">The hand-written module, just constructed.</param>
        /// <param name="stage">Where it sits, as the compiler's messages say it ("Net.attn", "Block.se").</param>
        /// <param name="inChannels">The input channels the compiler inferred for the stage.</param>
        /// <param name="outChannels">The declared output channels.</param>
        /// <param name="stride">The declared size rule: sizes divided by the stride.</param>
        /// <param name="ceilMode">Whether the division rounds up (else down).</param>
        /// <param name="parameters">The declared trainable parameter count.</param>
        /// <exception cref="ModuleContractException">The module's parameter count differs from the declared one.</exception>
        public static T Declare<T>(T module, string stage, long inChannels, long outChannels, long stride, bool ceilMode, long parameters)
            where T : nn.Module<Tensor, Tensor>
        {
            if (module is null) throw new ArgumentNullException(nameof(module));
            if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"{stage}: the contract's stride must be at least 1");
            string type = module.GetType().Name;
            long actual = 0;
            foreach (var p in module.parameters())
            {
                if (p.requires_grad) actual += p.numel();
            }
            if (actual != parameters)
                throw new ModuleContractException(stage, Count(parameters) + " parameters", Count(actual) + " parameters",
                    $"{stage}: the {type} has {Count(actual)} trainable parameters, but its contract declares {Count(parameters)}");
            var contract = new Contract(stage, type, inChannels, outChannels, stride, ceilMode);
            module.register_forward_hook(contract.Hook);
            return module;
        }

        /// <summary>The output shape the contract gives for <paramref name="input"/>'s shape.</summary>
        public static long[] Expected(long[] input, long outChannels, long stride, bool ceilMode)
        {
            long Size(long x) => stride == 1 ? x : ceilMode ? (x + stride - 1) / stride : x / stride;
            return new[] { input[0], outChannels, Size(input[2]), Size(input[3]) };
        }

        private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

        internal static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";

        private sealed class Contract
        {
            private readonly string _stage;
            private readonly string _type;
            private readonly long _in;
            private readonly long _out;
            private readonly long _stride;
            private readonly bool _ceil;
            private volatile bool _verified;

            public Contract(string stage, string type, long inChannels, long outChannels, long stride, bool ceilMode)
            {
                _stage = stage;
                _type = type;
                _in = inChannels;
                _out = outChannels;
                _stride = stride;
                _ceil = ceilMode;
            }

            public Tensor Hook(nn.Module<Tensor, Tensor> module, Tensor input, Tensor output)
            {
                if (_verified) return output;
                Verify(input, output);
                _verified = true;
                return output;
            }

            private void Verify(Tensor input, Tensor output)
            {
                // Metadata only: nothing is allocated or computed.
                var x = input.shape;
                if (x.Length != 4 || x[1] != _in)
                    throw new ModuleContractException(_stage, $"[N, {_in}, H, W]", Format(x),
                        $"{_stage}: the {_type} was given {Format(x)}, but the stage was compiled for [N, {_in}, H, W]");
                if (output is null)
                    throw new ModuleContractException(_stage, Format(Expected(x, _out, _stride, _ceil)), "null",
                        $"{_stage}: the {_type} returned null for the input {Format(x)}; its contract expects {Format(Expected(x, _out, _stride, _ceil))}");
                var expected = Expected(x, _out, _stride, _ceil);
                var y = output.shape;
                bool same = y.Length == expected.Length;
                for (int i = 0; same && i < y.Length; i++) same = y[i] == expected[i];
                if (!same)
                    throw new ModuleContractException(_stage, Format(expected), Format(y),
                        $"{_stage}: the {_type} returned {Format(y)} for the input {Format(x)}, but its declared contract " +
                        $"({Rule()}) gives {Format(expected)}");
            }

            private string Rule()
            {
                string size = _stride == 1 ? "same size" : $"sizes / {_stride} rounded {(_ceil ? "up" : "down")}";
                return $"{_out} channels, {size}";
            }
        }
    }

    /// <summary>
    /// A hand-written module that does not do what its declared contract (<see cref="ModuleAttribute"/>) says: another
    /// output shape than the contract gives for the actual input, or another parameter count. The message names the stage
    /// and both sides; <see cref="Declared"/> and <see cref="Actual"/> hold them.
    /// </summary>
    public sealed class ModuleContractException : InvalidOperationException
    {
        public ModuleContractException(string stage, string declared, string actual, string message) : base(message)
        {
            Stage = stage;
            Declared = declared;
            Actual = actual;
        }

        /// <summary>The stage, as "Network.stage" or "Block.stage".</summary>
        public string Stage { get; }

        /// <summary>What the contract says (a shape such as "[2, 8, 16, 16]", or a parameter count).</summary>
        public string Declared { get; }

        /// <summary>What the module did.</summary>
        public string Actual { get; }
    }
}
