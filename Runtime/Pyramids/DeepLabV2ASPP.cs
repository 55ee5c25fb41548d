using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Pyramids
{
    /// <summary>
    /// DeepLab v2's ASPP (Chen et al., TPAMI 2017): one branch per atrous rate, the branch outputs <b>summed</b> (not
    /// concatenated). (N, C_in, H, W) becomes (N, classes, H, W). Two forms:
    /// <list type="bullet">
    /// <item>hidden_channels = 0 (the default): the ResNet-101 "ASPP-L" head as in <c>kazuto1011/deeplab-pytorch</c>'s
    /// <c>_ASPP</c>, one Conv2d(C_in → classes, 3, padding = rate, dilation = rate, with bias) per rate;</item>
    /// <item>hidden_channels = h &gt; 0: the VGG-16 form of seed 003's <c>ASPP</c> (the paper's fc6 / fc7 / fc8 per branch),
    /// each branch Conv2d(C_in → h, 3, padding = rate, dilation = rate) → ReLU → Conv2d(h → h, 1) → ReLU →
    /// Conv2d(h → classes, 1), all with bias (the seed uses h = 128, the paper 1024).</item>
    /// </list>
    /// </summary>
    /// <remarks>
    /// <para>
    /// ASPP-L: children <c>c0</c> … <c>c{R−1}</c>, one per rate in order, added directly to the module as in kazuto1011's
    /// current <c>_ASPP</c> (keys <c>c0.weight</c>, <c>c0.bias</c>; under DeepLabV2 they are <c>aspp.c0.weight</c>). Older
    /// versions of that repository (<c>_ASPPModule</c>) put the same convolutions under an extra <c>stages</c> child
    /// (<c>stages.c0.weight</c>); strip that prefix to load such a checkpoint. Initialisation as the reference: weights
    /// normal(0, 0.01), biases 0. Parameters R·(9·C_in·classes + classes): 1,548,372 for 2048 channels, 21 classes and
    /// four rates.
    /// </para>
    /// <para>
    /// VGG form: children <c>branch1</c> … <c>branchR</c> as the seed names them, each an <c>nn.Sequential</c> with the
    /// convolutions at <c>0</c>, <c>2</c>, <c>4</c> and in-place ReLUs at <c>1</c>, <c>3</c> (keys <c>branch1.0.weight</c>,
    /// <c>branch1.4.bias</c>, …); PyTorch's default initialisation, as the seed. Parameters
    /// R·(9·C_in·h + h + h² + h + h·classes + classes).
    /// </para>
    /// <para>Rates default to {6, 12, 18, 24} (ASPP-L on the 2048-channel output-stride-8 ResNet feature, and the seed).</para>
    /// </remarks>
    public sealed partial class DeepLabV2ASPP : nn.Module<Tensor, Tensor>
    {
        private const string Name = nameof(DeepLabV2ASPP);
        private readonly long[] _rates;
        private readonly nn.Module<Tensor, Tensor>[] _branches;

        /// <summary>DeepLab v2's ASPP-L rates {6, 12, 18, 24}.</summary>
        public static IReadOnlyList<long> DefaultRates { get; } = new long[] { 6, 12, 18, 24 };

        /// <summary>Builds the module (ASPP-L with the reference's initialisation, or the VGG form with PyTorch's default).</summary>
        /// <param name="in_channels">Input channels C_in (at least 1; 2048 in DeepLab v2 with ResNet-101, 512 with VGG-16).</param>
        /// <param name="num_classes">Output classes (at least 1).</param>
        /// <param name="rates">Atrous rates, at least one, each at least 1; {6, 12, 18, 24} when null.</param>
        /// <param name="hidden_channels">0 for ASPP-L (one conv per rate); the width h of the VGG form's fc6 / fc7 otherwise.</param>
        /// <exception cref="ArgumentException">An argument is out of range or the rate list is empty.</exception>
        public DeepLabV2ASPP(long in_channels, long num_classes, IReadOnlyList<long>? rates = null, long hidden_channels = 0) : base(Name)
        {
            PyramidInput.Positive(Name, in_channels, nameof(in_channels));
            PyramidInput.Positive(Name, num_classes, nameof(num_classes));
            if (hidden_channels < 0)
                throw new ArgumentException($"{Name}: hidden_channels must be 0 (ASPP-L) or positive (the VGG form), got {hidden_channels}.",
                                            nameof(hidden_channels));
            _rates = PyramidInput.PositiveList(Name, rates ?? DefaultRates, nameof(rates));
            InChannels = in_channels;
            NumClasses = num_classes;
            HiddenChannels = hidden_channels;
            _branches = new nn.Module<Tensor, Tensor>[_rates.Length];
            for (int i = 0; i < _rates.Length; i++)
            {
                long rate = _rates[i];
                if (hidden_channels == 0)
                {
                    var conv = nn.Conv2d(in_channels, num_classes, 3, stride: 1, padding: rate, dilation: rate, bias: true);
                    using (torch.no_grad())
                    {
                        nn.init.normal_(conv.weight, 0.0, 0.01);
                        nn.init.constant_(conv.bias, 0.0);
                    }
                    _branches[i] = conv;
                    register_module("c" + i, conv);
                }
                else
                {
                    var branch = nn.Sequential(
                        ("0", nn.Conv2d(in_channels, hidden_channels, 3, stride: 1, padding: rate, dilation: rate, bias: true)),
                        ("1", nn.ReLU(inplace: true)),
                        ("2", nn.Conv2d(hidden_channels, hidden_channels, 1, bias: true)),
                        ("3", nn.ReLU(inplace: true)),
                        ("4", nn.Conv2d(hidden_channels, num_classes, 1, bias: true)));
                    _branches[i] = branch;
                    register_module("branch" + (i + 1), branch);
                }
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

        /// <summary>0 for ASPP-L; the hidden width h of the VGG form.</summary>
        public long HiddenChannels { get; }

        /// <summary>The rates, in branch order.</summary>
        public IReadOnlyList<long> Rates => _rates;

        /// <summary>The branches in rate order: the convolutions <c>c0</c>, <c>c1</c>, … (ASPP-L) or the Sequentials
        /// <c>branch1</c>, <c>branch2</c>, … (VGG form).</summary>
        public IReadOnlyList<nn.Module<Tensor, Tensor>> Branches => _branches;

        /// <summary>Parameters: R·(9·C_in·classes + classes) for ASPP-L (hidden 0), R·(9·C_in·h + h + h² + h + h·classes +
        /// classes) for the VGG form.</summary>
        public static long ParameterCount(long inChannels, long numClasses, int rateCount = 4, long hiddenChannels = 0) =>
            hiddenChannels == 0
                ? rateCount * (9 * inChannels * numClasses + numClasses)
                : rateCount * (9 * inChannels * hiddenChannels + hiddenChannels + hiddenChannels * hiddenChannels + hiddenChannels +
                               hiddenChannels * numClasses + numClasses);

        /// <summary>(N, C_in, H, W) to (N, classes, H, W): the sum of the branches.</summary>
        /// <exception cref="ArgumentException">The input is not a floating-point NCHW tensor with C_in channels and a
        /// positive height and width.</exception>
        public override Tensor forward(Tensor x)
        {
            PyramidInput.Check(Name, x, InChannels);
            using var scope = NewDisposeScope();
            var sum = _branches[0].call(x);
            for (int i = 1; i < _branches.Length; i++) sum = sum + _branches[i].call(x);
            return sum.MoveToOuterDisposeScope();
        }
    }
}
