using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Pyramids
{
    /// <summary>
    /// torchvision's <c>DeepLabHead(in_channels, num_classes)</c> (an <c>nn.Sequential</c>): <c>0</c> =
    /// <see cref="ASPP"/>(C_in, {12, 24, 36}, 256), <c>1</c> = Conv2d(256 → 256, 3, padding 1, no bias), <c>2</c> =
    /// BatchNorm2d(256), <c>3</c> = ReLU, <c>4</c> = Conv2d(256 → classes, 1, with bias). (N, C_in, H, W) becomes
    /// (N, classes, H, W).
    /// </summary>
    /// <remarks>
    /// State_dict keys are torchvision's (<c>0.convs.0.0.weight</c> … <c>4.bias</c>). torchvision 0.14 fixes the rates at
    /// {12, 24, 36} (output stride 8); later versions take them as an argument, as <c>atrous_rates</c> here
    /// does. Parameters with 2048 input channels and 21 classes: 16,130,837 (<see cref="ParameterCount"/>).
    /// </remarks>
    public sealed partial class DeepLabHead : nn.Module<Tensor, Tensor>
    {
        private const string Name = nameof(DeepLabHead);
        private readonly Modules.ReLU _relu;

        /// <summary>torchvision's rates {12, 24, 36}.</summary>
        public static IReadOnlyList<long> DefaultAtrousRates { get; } = new long[] { 12, 24, 36 };

        /// <summary>The fixed inner width 256.</summary>
        public const long Channels = 256;

        /// <summary>Builds the head with PyTorch's default initialisation.</summary>
        /// <param name="in_channels">Backbone channels C_in (at least 1; 2048 for ResNet-50/101).</param>
        /// <param name="num_classes">Output classes (at least 1; 21 for Pascal VOC).</param>
        /// <param name="atrous_rates">ASPP rates; {12, 24, 36} when null.</param>
        /// <exception cref="ArgumentException">An argument is below 1.</exception>
        public DeepLabHead(long in_channels, long num_classes, IReadOnlyList<long>? atrous_rates = null) : base(Name)
        {
            PyramidInput.Positive(Name, in_channels, nameof(in_channels));
            PyramidInput.Positive(Name, num_classes, nameof(num_classes));
            InChannels = in_channels;
            NumClasses = num_classes;
            Aspp = new ASPP(in_channels, atrous_rates ?? DefaultAtrousRates, Channels);
            Conv = nn.Conv2d(Channels, Channels, 3, padding: 1, bias: false);
            Norm = nn.BatchNorm2d(Channels);
            _relu = nn.ReLU();
            Classifier = nn.Conv2d(Channels, num_classes, 1);
            register_module("0", Aspp);
            register_module("1", Conv);
            register_module("2", Norm);
            register_module("3", _relu);
            register_module("4", Classifier);
        }

        /// <summary>Children are registered in the constructor under torchvision's names; nothing more to register.</summary>
        protected override void RegisterComponents()
        {
        }

        /// <summary>Input channels C_in.</summary>
        public long InChannels { get; }

        /// <summary>Output classes.</summary>
        public long NumClasses { get; }

        /// <summary>The ASPP <c>0</c>.</summary>
        public ASPP Aspp { get; }

        /// <summary>The 3×3 convolution <c>1</c>.</summary>
        public Modules.Conv2d Conv { get; }

        /// <summary>The batch normalisation <c>2</c>.</summary>
        public Modules.BatchNorm2d Norm { get; }

        /// <summary>The 1×1 classifier <c>4</c> (with bias).</summary>
        public Modules.Conv2d Classifier { get; }

        /// <summary>Parameters: ASPP(C_in, R, 256) + 256²·9 + 2·256 + 256·classes + classes.</summary>
        public static long ParameterCount(long inChannels, long numClasses, int rateCount = 3) =>
            ASPP.ParameterCount(inChannels, rateCount, Channels) + Channels * Channels * 9 + 2 * Channels +
            Channels * numClasses + numClasses;

        /// <summary>(N, C_in, H, W) to (N, classes, H, W).</summary>
        /// <exception cref="ArgumentException">See <see cref="ASPP.forward"/>.</exception>
        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var y = _relu.call(Norm.call(Conv.call(Aspp.call(x))));
            return Classifier.call(y).MoveToOuterDisposeScope();
        }
    }

    /// <summary>
    /// torchvision's <c>FCNHead(in_channels, channels)</c> (an <c>nn.Sequential</c>, also DeepLabV3's auxiliary head):
    /// <c>0</c> = Conv2d(C_in → C_in/4, 3, padding 1, no bias), <c>1</c> = BatchNorm2d(C_in/4), <c>2</c> = ReLU, <c>3</c> =
    /// Dropout(0.1), <c>4</c> = Conv2d(C_in/4 → channels, 1, with bias). (N, C_in, H, W) becomes (N, channels, H, W).
    /// </summary>
    /// <remarks>C_in/4 is Python's floor division. Parameters with 1024 input channels and 21 classes: 2,365,205.</remarks>
    public sealed partial class FCNHead : nn.Module<Tensor, Tensor>
    {
        private const string Name = nameof(FCNHead);
        private readonly Modules.ReLU _relu;
        private readonly Modules.Dropout _dropout;

        /// <summary>Builds the head with PyTorch's default initialisation.</summary>
        /// <param name="in_channels">Input channels C_in (at least 4, so that C_in/4 ≥ 1).</param>
        /// <param name="channels">Output channels (classes; at least 1).</param>
        /// <exception cref="ArgumentException">in_channels is below 4 or channels below 1.</exception>
        public FCNHead(long in_channels, long channels) : base(Name)
        {
            if (in_channels < 4)
                throw new ArgumentException($"{Name}: in_channels must be at least 4 (the inner width is in_channels // 4), got {in_channels}.",
                                            nameof(in_channels));
            PyramidInput.Positive(Name, channels, nameof(channels));
            InChannels = in_channels;
            InterChannels = in_channels / 4;
            OutChannels = channels;
            Conv = nn.Conv2d(in_channels, InterChannels, 3, padding: 1, bias: false);
            Norm = nn.BatchNorm2d(InterChannels);
            _relu = nn.ReLU();
            _dropout = nn.Dropout(0.1);
            Classifier = nn.Conv2d(InterChannels, channels, 1);
            register_module("0", Conv);
            register_module("1", Norm);
            register_module("2", _relu);
            register_module("3", _dropout);
            register_module("4", Classifier);
        }

        /// <summary>Children are registered in the constructor under torchvision's names; nothing more to register.</summary>
        protected override void RegisterComponents()
        {
        }

        /// <summary>Input channels C_in.</summary>
        public long InChannels { get; }

        /// <summary>Inner channels C_in // 4.</summary>
        public long InterChannels { get; }

        /// <summary>Output channels.</summary>
        public long OutChannels { get; }

        /// <summary>The 3×3 convolution <c>0</c>.</summary>
        public Modules.Conv2d Conv { get; }

        /// <summary>The batch normalisation <c>1</c>.</summary>
        public Modules.BatchNorm2d Norm { get; }

        /// <summary>The 1×1 classifier <c>4</c> (with bias).</summary>
        public Modules.Conv2d Classifier { get; }

        /// <summary>Parameters: C_in·(C_in/4)·9 + 2·(C_in/4) + (C_in/4)·channels + channels.</summary>
        public static long ParameterCount(long inChannels, long channels)
        {
            long inter = inChannels / 4;
            return inChannels * inter * 9 + 2 * inter + inter * channels + channels;
        }

        /// <summary>(N, C_in, H, W) to (N, channels, H, W).</summary>
        /// <exception cref="ArgumentException">The input is not a floating-point NCHW tensor with C_in channels and a
        /// positive height and width.</exception>
        public override Tensor forward(Tensor x)
        {
            PyramidInput.Check(Name, x, InChannels);
            using var scope = NewDisposeScope();
            var y = _dropout.call(_relu.call(Norm.call(Conv.call(x))));
            return Classifier.call(y).MoveToOuterDisposeScope();
        }
    }
}
