using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Pyramids
{
    /// <summary>
    /// torchvision's <c>ASPPConv</c> (<c>torchvision/models/segmentation/deeplabv3.py</c>): an atrous branch of
    /// <see cref="ASPP"/>, <c>0</c> = Conv2d(C_in → C_out, 3, padding = rate, dilation = rate, no bias), <c>1</c> =
    /// BatchNorm2d(C_out), <c>2</c> = ReLU. Keeps the height and width.
    /// </summary>
    public sealed partial class ASPPConv : nn.Module<Tensor, Tensor>
    {
        private readonly Modules.ReLU _relu;

        /// <summary>Builds the branch with PyTorch's default initialisation.</summary>
        /// <param name="in_channels">Input channels (at least 1).</param>
        /// <param name="out_channels">Output channels (at least 1).</param>
        /// <param name="dilation">Atrous rate, also the padding (at least 1).</param>
        /// <exception cref="ArgumentException">An argument is below 1.</exception>
        public ASPPConv(long in_channels, long out_channels, long dilation) : base(nameof(ASPPConv))
        {
            PyramidInput.Positive(nameof(ASPPConv), in_channels, nameof(in_channels));
            PyramidInput.Positive(nameof(ASPPConv), out_channels, nameof(out_channels));
            PyramidInput.Positive(nameof(ASPPConv), dilation, nameof(dilation));
            Dilation = dilation;
            Conv = nn.Conv2d(in_channels, out_channels, 3, padding: dilation, dilation: dilation, bias: false);
            Norm = nn.BatchNorm2d(out_channels);
            _relu = nn.ReLU();
            register_module("0", Conv);
            register_module("1", Norm);
            register_module("2", _relu);
        }

        /// <summary>Children are registered in the constructor under torchvision's names (see <see cref="ASPP"/>).</summary>
        protected override void RegisterComponents()
        {
        }

        /// <summary>The atrous rate (dilation and padding).</summary>
        public long Dilation { get; }

        /// <summary>The dilated 3×3 convolution <c>0</c>.</summary>
        public Modules.Conv2d Conv { get; }

        /// <summary>The batch normalisation <c>1</c>.</summary>
        public Modules.BatchNorm2d Norm { get; }

        /// <summary>(N, C_in, H, W) to (N, C_out, H, W).</summary>
        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            return _relu.call(Norm.call(Conv.call(x))).MoveToOuterDisposeScope();
        }
    }

    /// <summary>
    /// torchvision's <c>ASPPPooling</c>: the image-level branch of <see cref="ASPP"/>. <c>0</c> = AdaptiveAvgPool2d(1),
    /// <c>1</c> = Conv2d(C_in → C_out, 1, no bias), <c>2</c> = BatchNorm2d(C_out), <c>3</c> = ReLU, then a bilinear
    /// interpolation (align_corners = false) back to the input's height and width, i.e. every position gets the same vector.
    /// </summary>
    /// <remarks>The batch norm sees a 1×1 map, so in training mode a batch of one sample has a single value per channel;
    /// PyTorch rejects that, and so does this module, with an <see cref="ArgumentException"/>.</remarks>
    public sealed partial class ASPPPooling : nn.Module<Tensor, Tensor>
    {
        private readonly Modules.AdaptiveAvgPool2d _pool;
        private readonly Modules.ReLU _relu;

        /// <summary>Builds the branch with PyTorch's default initialisation.</summary>
        /// <param name="in_channels">Input channels (at least 1).</param>
        /// <param name="out_channels">Output channels (at least 1).</param>
        /// <exception cref="ArgumentException">An argument is below 1.</exception>
        public ASPPPooling(long in_channels, long out_channels) : base(nameof(ASPPPooling))
        {
            PyramidInput.Positive(nameof(ASPPPooling), in_channels, nameof(in_channels));
            PyramidInput.Positive(nameof(ASPPPooling), out_channels, nameof(out_channels));
            _pool = nn.AdaptiveAvgPool2d(1);
            Conv = nn.Conv2d(in_channels, out_channels, 1, bias: false);
            Norm = nn.BatchNorm2d(out_channels);
            _relu = nn.ReLU();
            register_module("0", _pool);
            register_module("1", Conv);
            register_module("2", Norm);
            register_module("3", _relu);
        }

        /// <summary>Children are registered in the constructor under torchvision's names (see <see cref="ASPP"/>).</summary>
        protected override void RegisterComponents()
        {
        }

        /// <summary>The 1×1 convolution <c>1</c>.</summary>
        public Modules.Conv2d Conv { get; }

        /// <summary>The batch normalisation <c>2</c>.</summary>
        public Modules.BatchNorm2d Norm { get; }

        /// <summary>(N, C_in, H, W) to (N, C_out, H, W), constant over H and W.</summary>
        /// <exception cref="ArgumentException">Training mode with a batch of one sample (see the remarks).</exception>
        public override Tensor forward(Tensor x)
        {
            if (x is null) throw new ArgumentNullException(nameof(x));
            if (training && x.dim() == 4 && x.shape[0] == 1)
                throw new ArgumentException(
                    "ASPPPooling: in training mode the batch norm after the global average pool needs more than one value per " +
                    $"channel, but the batch has one sample {PyramidInput.Shape(x)}; use a larger batch or eval().", nameof(x));
            using var scope = NewDisposeScope();
            var size = new[] { x.shape[2], x.shape[3] };
            var y = _relu.call(Norm.call(Conv.call(_pool.call(x))));
            return nn.functional.interpolate(y, size, mode: InterpolationMode.Bilinear, align_corners: false).MoveToOuterDisposeScope();
        }
    }

    /// <summary>
    /// torchvision's DeepLabV3 <c>ASPP(in_channels, atrous_rates, out_channels = 256)</c>: atrous spatial pyramid pooling
    /// with a 1×1 branch, one <see cref="ASPPConv"/> per rate and an <see cref="ASPPPooling"/> branch, concatenated and
    /// projected back to C_out. (N, C_in, H, W) becomes (N, C_out, H, W).
    /// </summary>
    /// <remarks>
    /// <para>Children and state_dict keys are torchvision's:</para>
    /// <list type="bullet">
    /// <item><c>convs</c> (ModuleList): <c>convs.0</c> = Sequential(Conv2d 1×1 no bias, BatchNorm2d, ReLU);
    /// <c>convs.1</c> … <c>convs.R</c> = <see cref="ASPPConv"/> per rate; <c>convs.{R+1}</c> = <see cref="ASPPPooling"/>.</item>
    /// <item><c>project</c> = Sequential(<c>0</c> Conv2d((R+2)·C_out → C_out, 1×1, no bias), <c>1</c> BatchNorm2d, <c>2</c>
    /// ReLU, <c>3</c> Dropout(0.5)).</item>
    /// </list>
    /// <para>Parameters (<see cref="ParameterCount"/>): C_in·C_out·(2 + 9R) + (R+2)·C_out² + 2·C_out·(R+3), i.e.
    /// 15,535,104 for torchvision's DeepLabV3 head (C_in 2048, three rates, C_out 256).</para>
    /// </remarks>
    public sealed partial class ASPP : nn.Module<Tensor, Tensor>
    {
        private const string Name = nameof(ASPP);
        private readonly Modules.ModuleList<nn.Module<Tensor, Tensor>> _convs;
        private readonly long[] _rates;

        /// <summary>Builds the module with PyTorch's default initialisation.</summary>
        /// <param name="in_channels">Input channels C_in (at least 1).</param>
        /// <param name="atrous_rates">The rates of the atrous branches, each at least 1 (torchvision's DeepLabHead uses
        /// {12, 24, 36}; the DeepLabv3 paper {6, 12, 18} at output stride 16). May be empty, as in torchvision.</param>
        /// <param name="out_channels">Channels C_out of every branch and of the output (at least 1; 256 by default).</param>
        /// <exception cref="ArgumentException">A channel count or a rate is below 1.</exception>
        public ASPP(long in_channels, IReadOnlyList<long> atrous_rates, long out_channels = 256) : base(Name)
        {
            PyramidInput.Positive(Name, in_channels, nameof(in_channels));
            PyramidInput.Positive(Name, out_channels, nameof(out_channels));
            if (atrous_rates is null) throw new ArgumentNullException(nameof(atrous_rates));
            _rates = atrous_rates.ToArray();
            foreach (long rate in _rates)
                if (rate < 1)
                    throw new ArgumentException($"{Name}: every atrous rate must be at least 1, got [{string.Join(", ", _rates)}].",
                                                nameof(atrous_rates));
            InChannels = in_channels;
            OutChannels = out_channels;

            var branches = new List<nn.Module<Tensor, Tensor>>
            {
                nn.Sequential(("0", nn.Conv2d(in_channels, out_channels, 1, bias: false)),
                              ("1", nn.BatchNorm2d(out_channels)),
                              ("2", nn.ReLU())),
            };
            foreach (long rate in _rates) branches.Add(new ASPPConv(in_channels, out_channels, rate));
            branches.Add(new ASPPPooling(in_channels, out_channels));
            _convs = nn.ModuleList(branches.ToArray());
            Project = nn.Sequential(("0", nn.Conv2d(branches.Count * out_channels, out_channels, 1, bias: false)),
                                    ("1", nn.BatchNorm2d(out_channels)),
                                    ("2", nn.ReLU()),
                                    ("3", nn.Dropout(0.5)));
            register_module("convs", _convs);
            register_module("project", Project);
        }

        /// <summary>
        /// Components are registered explicitly in the constructor under torchvision's names. TorchSharp calls
        /// RegisterComponents again when a parent registers this module, which would add the fields a second time under
        /// their C# names; this module has nothing more to register.
        /// </summary>
        protected override void RegisterComponents()
        {
        }

        /// <summary>Input channels C_in.</summary>
        public long InChannels { get; }

        /// <summary>Output channels C_out (of every branch and of the projection).</summary>
        public long OutChannels { get; }

        /// <summary>The atrous rates, in branch order.</summary>
        public IReadOnlyList<long> AtrousRates => _rates;

        /// <summary>The branches <c>convs.0</c> … <c>convs.{R+1}</c>: 1×1, one <see cref="ASPPConv"/> per rate, <see cref="ASPPPooling"/>.</summary>
        public IReadOnlyList<nn.Module<Tensor, Tensor>> Convs => _convs.ToList();

        /// <summary>The projection <c>project</c>: Conv 1×1, BatchNorm2d, ReLU, Dropout(0.5).</summary>
        public Modules.Sequential Project { get; }

        /// <summary>Parameters of ASPP(C_in, R rates, C_out): C_in·C_out·(2 + 9R) + (R+2)·C_out² + 2·C_out·(R+3).</summary>
        public static long ParameterCount(long inChannels, int rateCount, long outChannels = 256) =>
            inChannels * outChannels * (2 + 9L * rateCount) + (rateCount + 2L) * outChannels * outChannels +
            2 * outChannels * (rateCount + 3L);

        /// <summary>(N, C_in, H, W) to (N, C_out, H, W).</summary>
        /// <exception cref="ArgumentException">The input is not a floating-point NCHW tensor with C_in channels and a
        /// positive height and width, or it is a single sample in training mode (see <see cref="ASPPPooling"/>).</exception>
        public override Tensor forward(Tensor x)
        {
            PyramidInput.Check(Name, x, InChannels);
            using var scope = NewDisposeScope();
            var results = new Tensor[_convs.Count];
            for (int i = 0; i < results.Length; i++) results[i] = _convs[i].call(x);
            return Project.call(torch.cat(results, 1)).MoveToOuterDisposeScope();
        }
    }
}
