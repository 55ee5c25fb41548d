using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Pyramids
{
    /// <summary>
    /// DeepLab v2's ASPP (Chen et al., TPAMI 2017; the ResNet-101 "ASPP-L" head as in <c>kazuto1011/deeplab-pytorch</c>'s
    /// <c>_ASPP</c>): one Conv2d(C_in → classes, 3, padding = rate, dilation = rate, with bias) per rate, the branch outputs
    /// <b>summed</b> (not concatenated). (N, C_in, H, W) becomes (N, classes, H, W).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Children <c>c0</c> … <c>c{R−1}</c>, one per rate in order, added directly to the module as in kazuto1011's current
    /// <c>_ASPP</c> (keys <c>c0.weight</c>, <c>c0.bias</c>; under DeepLabV2 they are <c>aspp.c0.weight</c>). Older versions of
    /// that repository (<c>_ASPPModule</c>) put the same convolutions under an extra <c>stages</c> child
    /// (<c>stages.c0.weight</c>); strip that prefix to load such a checkpoint.
    /// </para>
    /// <para>
    /// Initialisation as the reference: weights normal(0, 0.01), biases 0. Rates default to {6, 12, 18, 24} (ASPP-L on the
    /// 2048-channel output-stride-8 ResNet feature). Parameters R·(9·C_in·classes + classes): 1,548,372 for 2048 channels,
    /// 21 classes and four rates. The VGG-16 variant of seed 003, where each branch is a dilated 3×3 conv, ReLU, 1×1, ReLU,
    /// 1×1, is not this module.
    /// </para>
    /// </remarks>
    public sealed class DeepLabV2ASPP : nn.Module<Tensor, Tensor>
    {
        private const string Name = nameof(DeepLabV2ASPP);
        private readonly long[] _rates;
        private readonly Modules.Conv2d[] _convs;

        /// <summary>DeepLab v2's ASPP-L rates {6, 12, 18, 24}.</summary>
        public static IReadOnlyList<long> DefaultRates { get; } = new long[] { 6, 12, 18, 24 };

        /// <summary>Builds the module with the reference's initialisation (normal(0, 0.01) weights, zero biases).</summary>
        /// <param name="in_channels">Input channels C_in (at least 1; 2048 in DeepLab v2 with ResNet-101).</param>
        /// <param name="num_classes">Output classes (at least 1).</param>
        /// <param name="rates">Atrous rates, at least one, each at least 1; {6, 12, 18, 24} when null.</param>
        /// <exception cref="ArgumentException">An argument is below 1 or the rate list is empty.</exception>
        public DeepLabV2ASPP(long in_channels, long num_classes, IReadOnlyList<long>? rates = null) : base(Name)
        {
            PyramidInput.Positive(Name, in_channels, nameof(in_channels));
            PyramidInput.Positive(Name, num_classes, nameof(num_classes));
            _rates = PyramidInput.PositiveList(Name, rates ?? DefaultRates, nameof(rates));
            InChannels = in_channels;
            NumClasses = num_classes;
            _convs = new Modules.Conv2d[_rates.Length];
            for (int i = 0; i < _rates.Length; i++)
            {
                var conv = nn.Conv2d(in_channels, num_classes, 3, stride: 1, padding: _rates[i], dilation: _rates[i], bias: true);
                using (torch.no_grad())
                {
                    nn.init.normal_(conv.weight, 0.0, 0.01);
                    nn.init.constant_(conv.bias, 0.0);
                }
                _convs[i] = conv;
                register_module("c" + i, conv);
            }
        }

        /// <summary>Children are registered in the constructor under the reference's names; nothing more to register.</summary>
        protected override void RegisterComponents()
        {
        }

        /// <summary>Input channels C_in.</summary>
        public long InChannels { get; }

        /// <summary>Output classes.</summary>
        public long NumClasses { get; }

        /// <summary>The rates, in the order of <c>c0</c>, <c>c1</c>, ….</summary>
        public IReadOnlyList<long> Rates => _rates;

        /// <summary>The branch convolutions <c>c0</c>, <c>c1</c>, ….</summary>
        public IReadOnlyList<Modules.Conv2d> Branches => _convs;

        /// <summary>Parameters: R·(9·C_in·classes + classes).</summary>
        public static long ParameterCount(long inChannels, long numClasses, int rateCount = 4) =>
            rateCount * (9 * inChannels * numClasses + numClasses);

        /// <summary>(N, C_in, H, W) to (N, classes, H, W): the sum of the branches.</summary>
        /// <exception cref="ArgumentException">The input is not a floating-point NCHW tensor with C_in channels and a
        /// positive height and width.</exception>
        public override Tensor forward(Tensor x)
        {
            PyramidInput.Check(Name, x, InChannels);
            using var scope = NewDisposeScope();
            var sum = _convs[0].call(x);
            for (int i = 1; i < _convs.Length; i++) sum = sum + _convs[i].call(x);
            return sum.MoveToOuterDisposeScope();
        }
    }
}
