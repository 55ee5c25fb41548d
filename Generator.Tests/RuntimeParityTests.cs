using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using NetDsl.Samples;
using NetDsl.Samples.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The generated TorchSharp modules against references that do not come from the generator: state_dict fixtures
/// written by the real torchvision / PyTorch (tools/make_fixtures.py), TorchSharp's own modules and operators, and
/// real forward passes.
/// </summary>
public partial class RuntimeParityTests
{
    // ------------------------------------------------------------------ ResNet-50 vs torchvision

    [Fact]
    public void ResNet50_state_dict_matches_torchvision_key_for_key_in_order()
    {
        var fixture = Fixture.Load("resnet50_state_dict.tsv");
        using var net = new ResNet50();

        AssertStateDictMatches(fixture, net);
        Assert.Equal(320, fixture.Entries.Count); // the fixture itself is complete (161 params + 159 buffers)
    }

    [Fact]
    public void ResNet50_parameter_count_is_torchvisions_at_runtime_and_at_compile_time()
    {
        var fixture = Fixture.Load("resnet50_state_dict.tsv");
        using var net = new ResNet50();
        long runtime = net.parameters().Sum(p => p.numel());

        Assert.Equal(25_557_032L, fixture.TotalParams);
        Assert.Equal(fixture.TotalParams, runtime);
        Assert.Equal(fixture.TotalParams, ResNet50.Summary.TotalParams);
        // The fixture's per-entry shapes add up to its header total too (parameters only).
        Assert.Equal(fixture.TotalParams, fixture.Entries.Where(e => e.IsParam).Sum(e => e.Numel));
    }

    [Fact]
    public void ResNet50_multiply_adds_match_an_independent_count_from_a_real_forward()
    {
        long? compileTime = ResNet50.Summary.TotalMacs;
        Assert.NotNull(compileTime);
        Assert.Equal(4_089_184_256L, compileTime!.Value);
        Assert.Equal(4.089, Math.Round(compileTime.Value / 1e9, 3)); // torchvision's published "4.09 GFLOPS" (4.089 G MACs)

        // Independent count from the TorchSharp modules and a real forward pass (see CountMacs).
        using var net = new ResNet50();
        net.eval();
        var (macs, hooked) = CountMacs(net, torch.randn(1, 3, 224, 224));

        Assert.Equal(53 + 1, hooked); // 49 main-path convs + 4 projections, and fc
        Assert.Equal(compileTime.Value, macs);
    }

    [Fact]
    public void ResNet50_at_output_stride_8_has_torchvision_keys_without_fc_and_the_published_backbone_count()
    {
        var fixture = Fixture.Load("resnet50_state_dict.tsv");
        using var net = new ResNet50Backbone(in_channels: 3);
        var expected = fixture.Entries.Where(e => !e.Key.StartsWith("fc.", StringComparison.Ordinal)).Select(e => e.Key).OrderBy(k => k, StringComparer.Ordinal);
        Assert.Equal(expected, net.state_dict().Keys.OrderBy(k => k, StringComparer.Ordinal));
        // pyramids.md: "ResNet-50 without fc = 23,508,032" (torchvision, checked there against deeplabv3's total).
        Assert.Equal(23_508_032L, net.parameters().Sum(p => p.numel()));
        var row = DeepLabV3ResNet50.Summary["backbone"];
        Assert.Equal(23_508_032L, row.Params);
        Assert.Equal("[N, 2048, 28, 28]", row.OutputShape);
    }

    [Fact]
    public void DeepLabV3_ResNet50_matches_torchvision_keys_shapes_and_parameter_count()
    {
        var fixture = Fixture.Load("deeplabv3_resnet50_noaux_state_dict.tsv");
        using var net = new DeepLabV3ResNet50();
        var sd = net.state_dict();
        Assert.Equal(fixture.Entries.Select(e => e.Key).OrderBy(k => k, StringComparer.Ordinal), sd.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var e in fixture.Entries)
            Assert.Equal(e.Shape, ShapeText(sd[e.Key].shape));
        // pyramids.md: deeplabv3_resnet50 without aux = 39,638,869 (torchvision; the fixture's header says the same).
        Assert.Equal(39_638_869L, fixture.TotalParams);
        Assert.Equal(fixture.TotalParams, DeepLabV3ResNet50.Summary.TotalParams);
        Assert.Equal(fixture.TotalParams, net.parameters().Sum(p => p.numel()));
        Assert.Equal(16_130_837L, DeepLabV3ResNet50.Summary["classifier"].Params);
    }

    [Fact]
    public void DeepLabV3_ResNet50_with_aux_matches_torchvision_key_for_key_in_order_and_42_004_074_parameters()
    {
        var fixture = Fixture.Load("deeplabv3_resnet50_aux_state_dict.tsv");
        using var net = new DeepLabV3ResNet50Aux();

        AssertStateDictMatches(fixture, net);
        // pyramids.md: deeplabv3_resnet50 with aux = 42,004,074 (torchvision; the fixture's header says the same).
        Assert.Equal(42_004_074L, fixture.TotalParams);
        Assert.Equal(fixture.TotalParams, DeepLabV3ResNet50Aux.Summary.TotalParams);
        Assert.Equal(fixture.TotalParams, net.parameters().Sum(p => p.numel()));
        Assert.Equal(fixture.TotalParams, fixture.Entries.Where(e => e.IsParam).Sum(e => e.Numel));
        // The aux head is torchvision's FCNHead(1024, 21) (pyramids.md: 2,365,205); without it, the no-aux sample.
        Assert.Equal(2_365_205L, DeepLabV3ResNet50Aux.Summary["aux_classifier"].Params);
        Assert.Equal(39_638_869L, DeepLabV3ResNet50.Summary.TotalParams);
        Assert.Equal(Fixture.Load("deeplabv3_resnet50_noaux_state_dict.tsv").Entries.Select(e => e.Key),
                     fixture.Entries.Select(e => e.Key).Where(k => !k.StartsWith("aux_classifier.", StringComparison.Ordinal)));
    }

    /// <summary>
    /// Multiply-adds counted without the generator's formulas: hook every Conv2d, ConvTranspose2d and Linear, and
    /// use the weight's shape with the real output (or, for a transposed conv, input) size of one forward pass.
    /// </summary>
    private static (long Macs, int Hooked) CountMacs(nn.Module<Tensor, Tensor> net, Tensor input)
    {
        long macs = 0;
        int hooked = 0;
        foreach (var (name, module) in net.named_modules())
        {
            switch (module)
            {
                case Modules.Conv2d conv:
                    hooked++;
                    conv.register_forward_hook((m, i, output) =>
                    {
                        var w = conv.weight!.shape; // (out, in/groups, kh, kw)
                        macs += output.numel() / output.shape[0] * w[1] * w[2] * w[3];
                        return output;
                    });
                    break;
                case Modules.ConvTranspose2d deconv:
                    hooked++;
                    deconv.register_forward_hook((m, i, output) =>
                    {
                        var w = deconv.weight!.shape; // (in, out/groups, kh, kw): every input position feeds out/groups x kh x kw outputs
                        macs += i.numel() / i.shape[0] * w[1] * w[2] * w[3];
                        return output;
                    });
                    break;
                case NetDsl.Wavelets.WTConv2d wt:
                    // Its convolutions run as functional conv2d with the scales folded into the weights, so their module hooks
                    // do not fire: count them here from the real input size, the base conv at H x W and each level's 4C-channel
                    // conv at the halved (ceil) size of the level above.
                    hooked++;
                    wt.register_forward_hook((m, i, output) =>
                    {
                        long k2 = wt.KernelSize * wt.KernelSize, h = i.shape[2], w = i.shape[3];
                        macs += wt.Channels * h * w * k2;
                        for (long level = 0; level < wt.Levels; level++)
                        {
                            h = (h + 1) / 2;
                            w = (w + 1) / 2;
                            macs += 4 * wt.Channels * h * w * k2;
                        }
                        return output;
                    });
                    break;
                case Modules.Linear linear:
                    hooked++;
                    linear.register_forward_hook((m, i, output) =>
                    {
                        var w = linear.weight!.shape; // (out, in)
                        macs += output.numel() / output.shape[0] * w[1];
                        return output;
                    });
                    break;
            }
        }
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            // A network with named outputs counts them all (forward_all), as its summary does; forward runs only the main path.
            var all = net.GetType().GetMethod("forward_all");
            if (all is null) net.call(input);
            else ((IDisposable)all.Invoke(net, new object[] { input })!).Dispose();
        }
        return (macs, hooked);
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Compile_time_multiply_adds_at_each_input_size_match_a_counted_forward(string name)
    {
        var sample = SampleRunner.All.Single(s => s.Name == name);
        foreach (var shape in sample.InputShapes)
        {
            using var net = sample.Create();
            net.eval();
            var (counted, _) = CountMacs(net, sample.FixedInput?.Invoke() ?? torch.randn(shape));
            Assert.Equal(counted, sample.Summary.MacsAt(shape[2], shape[3]));
            if (sample.Summary.TotalMacs is long total) Assert.Equal(total, counted);
        }
    }

    /// <summary>
    /// Every sample converts to float64 and back (TorchSharp's to() looks the module's fields up by name, so generated
    /// fields must not clash with the user's Stage fields), keeps its parameter count, and still runs.
    /// </summary>
    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Every_sample_moves_to_another_dtype_and_runs(string name)
    {
        var sample = SampleRunner.All.Single(s => s.Name == name);
        using var net = sample.Create();
        net.eval();
        net.to(ScalarType.Float64);
        Assert.All(net.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        Assert.Equal(sample.Summary.TotalParams, net.parameters().Sum(p => p.numel()));
        var shape = sample.InputShapes[0];
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            var input = (sample.FixedInput?.Invoke() ?? torch.randn(shape)).to(ScalarType.Float64);
            Assert.Equal(ScalarType.Float64, net.call(input).dtype);
        }
        net.to(ScalarType.Float32);
        Assert.All(net.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }

    /// <summary>
    /// SppNet's strides make its exact symbolic sizes multiples of 4, but nothing in it needs the sizes in between to be
    /// exact (SPP pools any map to the same bins): the compiler checked them, its guard accepts every size from the
    /// minimum up, and the multiply-add formula is exact at each of them (against hooks on a real forward).
    /// </summary>
    [Fact]
    public void SppNet_runs_at_every_size_from_its_minimum_with_exact_multiply_adds()
    {
        var summary = SppNet.Summary;
        Assert.Equal(4, summary.HeightPeriod);
        Assert.Equal(1, summary.HeightMultiple);
        Assert.Equal(1, summary.WidthMultiple);
        using var net = new SppNet();
        net.eval();
        for (long h = summary.MinHeight; h < summary.MinHeight + 6; h++)
        {
            foreach (long w in new[] { summary.MinWidth, summary.MinWidth + 3, 37L })
            {
                var (macs, _) = CountMacs(net, torch.randn(1, 3, h, w));
                Assert.True(macs == summary.MacsAt(h, w), $"{h}x{w}: counted {macs}, compile time {summary.MacsAt(h, w)}");
            }
        }
        // One below the minimum, the guard refuses before any native call.
        var e = Assert.Throws<ArgumentException>(() => net.call(torch.randn(1, 3, summary.MinHeight - 1, summary.MinWidth)));
        Assert.Contains($"at least {summary.MinHeight}", e.Message);
    }

    public static TheoryData<string> NetworksWithRuntimeModules => new() { "WTConvStack", "DeeperCnnHwd", "DeeperCnnStridedConv", "ResNet50", "DeepLabV2Vgg16", "SpeedDepth" };

    /// <summary>
    /// Inside a network, every module and state_dict entry has a PyTorch name: no C# field names (<c>_conv</c>,
    /// <c>&lt;X&gt;k__BackingField</c>) registered a second time when a parent registers the module.
    /// </summary>
    [Theory]
    [MemberData(nameof(NetworksWithRuntimeModules))]
    public void Module_tree_has_only_pytorch_names(string name)
    {
        using nn.Module<Tensor, Tensor> net = name switch
        {
            "WTConvStack" => new WTConvStack(),
            "DeeperCnnHwd" => new DeeperCnnHwd(),
            "DeeperCnnStridedConv" => new DeeperCnnStridedConv(),
            "DeepLabV2Vgg16" => new DeepLabV2Vgg16(),
            "SpeedDepth" => new SpeedDepth(),
            _ => new ResNet50(),
        };
        var modules = net.named_modules().Select(m => m.name).ToList();
        var keys = net.state_dict().Keys.ToList();
        Assert.Equal(modules.Count, modules.Distinct().Count());
        foreach (var path in modules.Concat(keys))
            Assert.DoesNotContain(path.Split('.'), segment => segment.StartsWith("_", StringComparison.Ordinal) || segment.Contains('<'));
        // Each parameter appears once: the state_dict's parameters are exactly parameters().
        Assert.Equal(net.parameters().Sum(p => p.numel()), net.named_parameters().Select(p => p.name).Distinct().Count() == net.named_parameters().Count()
            ? net.named_parameters().Sum(p => p.parameter.numel()) : -1);
    }

    [Fact]
    public void TorchSharp_state_dict_lists_parameters_before_buffers()
    {
        // A hand-built TorchSharp module, no generator involved: this is why the fixtures are compared in
        // PyTorch's module order rebuilt from the module tree (PyTorch would give 0.weight, 0.bias, 1.weight, 1.bias,
        // 1.running_mean, ..., 2.weight, 2.bias).
        using var plain = nn.Sequential(("0", nn.Conv2d(1, 2, 3)), ("1", nn.BatchNorm2d(2)), ("2", nn.Linear(2, 2)));
        Assert.Equal(
            new[] { "0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked" },
            plain.state_dict().Keys.ToArray());
    }

    // ------------------------------------------------------------------ seed 004: DilatedNet

    private static readonly int[] Seed004Dilations = { 1, 2, 5, 1, 2, 5 };
    private static readonly long[] Seed004Sizes = { 62, 58, 48, 46, 42, 32 }; // printed in the seed's article

    [Fact]
    public void DilatedNet_state_dict_matches_the_seed_004_module()
    {
        var fixture = Fixture.Load("seed004_state_dict.tsv");
        using var net = new DilatedNet();

        AssertStateDictMatches(fixture, net);
        Assert.Equal(fixture.TotalParams, net.parameters().Sum(p => p.numel()));
        Assert.Equal(fixture.TotalParams, DilatedNet.Summary.TotalParams);
    }

    [Fact]
    public void DilatedNet_sizes_after_each_conv_are_the_seeds_in_the_summary_and_in_a_real_forward()
    {
        // The article's sizes follow from the unpadded 3x3 formula: out = in - dilation x (3 - 1).
        long size = 64;
        var formula = Seed004Dilations.Select(d => size -= 2 * d).ToArray();
        Assert.Equal(Seed004Sizes, formula);

        var channels = new long[] { 32, 32, 64, 64, 64, 128 };

        // Compile time: the rows of the six convs inside the "conv" Sequential (conv.0, conv.3, ..., conv.15).
        var summary = DilatedNet.Summary;
        for (int i = 0; i < 6; i++)
        {
            var row = summary[$"conv.{3 * i}"];
            Assert.StartsWith("Conv2d(", row.Kind);
            Assert.Equal($"[N, {channels[i]}, {Seed004Sizes[i]}, {Seed004Sizes[i]}]", row.OutputShape);
        }

        // Run time: the conv Sequential's children one by one.
        using var net = new DilatedNet();
        net.eval();
        var modules = net.named_modules().ToDictionary(m => m.name, m => m.module);
        var sequential = Assert.IsType<Modules.Sequential>(modules["conv"]);
        var children = sequential.children().ToList();
        Assert.Equal(18, children.Count);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(2, 3, 64, 64);
        var afterConv = new List<long[]>();
        foreach (var child in children)
        {
            x = ((nn.Module<Tensor, Tensor>)child).call(x);
            if (child is Modules.Conv2d) afterConv.Add(x.shape);
        }
        Assert.Equal(6, afterConv.Count);
        for (int i = 0; i < 6; i++)
            Assert.Equal(new long[] { 2, channels[i], Seed004Sizes[i], Seed004Sizes[i] }, afterConv[i]);
    }

    // ------------------------------------------------------------------ seed 000: the pooling worked example

    [Fact]
    public void Seed000_pooling_gives_the_articles_values_and_TorchSharps_own_results()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var input = SampleRunner.SeedPoolingInput();
        using var maxNet = new SeedMaxPool();
        using var avgNet = new SeedAvgPool();

        var max = Values(maxNet.call(input));
        var avg = Values(avgNet.call(input));

        AssertClose(new[] { 0.8964, 0.8804, 0.9927 }, max, 1e-4);
        AssertClose(new[] { 0.3686, 0.5047, 0.4261 }, avg, 1e-4);
        Assert.Equal(Values(nn.functional.max_pool2d(input, 3, 1)), max);
        Assert.Equal(Values(nn.functional.avg_pool2d(input, 3, 1)), avg);
        // And by hand: per channel, the maximum / mean of its nine values.
        var data = input.data<float>().ToArray();
        for (int c = 0; c < 3; c++)
        {
            var channel = data.Skip(9 * c).Take(9).ToArray();
            Assert.Equal(channel.Max(), max[c]);
            Assert.Equal(channel.Average(v => (double)v), avg[c], 6);
        }
    }

    // ------------------------------------------------------------------ every sample: runtime vs compile time

    public static TheoryData<string> SampleNames
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var s in SampleRunner.All) data.Add(s.Name);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Sample_runtime_shapes_and_parameters_match_its_compile_time_summary(string name)
    {
        var sample = SampleRunner.All.Single(s => s.Name == name);
        var summary = sample.Summary;
        using var module = sample.Create();
        module.eval();

        Assert.Equal(summary.TotalParams, module.parameters().Sum(p => p.numel()));

        var modules = module.named_modules().ToDictionary(m => m.name, m => m.module);
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter.numel());
        int compared = 0;
        var rows = summary.Rows.ToList();
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            if (modules.TryGetValue(row.Path, out var sub))
            {
                Assert.True(row.Params == sub.parameters().Sum(p => p.numel()),
                    $"{name}.{row.Path}: summary says {row.Params} parameters, the module has {sub.parameters().Sum(p => p.numel())}");
                compared++;
            }
            else if (parameters.TryGetValue(row.Path, out var numel))
            {
                // A parameter stage ([Scale]): the row is the learnable tensor itself (ConvNeXt's layer_scale).
                Assert.True(row.Params == numel, $"{name}.{row.Path}: summary says {row.Params} parameters, the tensor has {numel}");
                compared++;
            }
            else if (row.Params != 0)
            {
                // Rows without a module are the parameter-free ones (skip concats, identity shortcuts), or groups whose
                // children are modules of the enclosing one (named branches: inception3a.branch1 ..); otherwise a row with
                // parameters must name a real module, or its path is not the state_dict prefix it claims to be.
                var children = rows.Skip(r + 1).TakeWhile(c => c.Depth > row.Depth).Where(c => c.Depth == row.Depth + 1).ToList();
                Assert.True(children.Count > 0 && children.All(c => modules.ContainsKey(c.Path)) && children.Sum(c => c.Params) == row.Params,
                    $"{name}: summary row '{row.Path}' has {row.Params} parameters but no module of that name exists");
            }
        }
        Assert.True(compared >= summary.Rows.Count / 2, $"{name}: only {compared} of {summary.Rows.Count} rows name a module");

        using var noGrad = torch.no_grad();
        foreach (var shape in sample.InputShapes)
        {
            using var scope = torch.NewDisposeScope();
            var x = sample.FixedInput?.Invoke() ?? torch.randn(shape);
            Assert.Equal(shape, x.shape);
            var y = module.call(x);
            Assert.Equal(Substitute(summary.Output, shape), y.shape);
        }
    }

    // ------------------------------------------------------------------ the input guard

    [Fact]
    public void Input_guard_rejects_wrong_channels_with_the_network_and_both_shapes()
    {
        using var net = new DilatedNet();
        using var x = torch.randn(2, 1, 64, 64);
        var ex = Assert.Throws<ArgumentException>(() => net.call(x));
        AssertMentions(ex, "DilatedNet", "[N, 3, 64, 64]", "[2, 1, 64, 64]");
    }

    [Fact]
    public void Input_guard_rejects_a_wrong_fixed_size()
    {
        using var net = new ResNet50();
        using var x = torch.randn(1, 3, 225, 224);
        var ex = Assert.Throws<ArgumentException>(() => net.call(x));
        AssertMentions(ex, "ResNet50", "[N, 3, 224, 224]", "[1, 3, 225, 224]");
    }

    [Fact]
    public void Input_guard_enforces_TinyUNets_multiple_of_4_and_lets_odd_inner_sizes_through()
    {
        Assert.Contains("H must be a multiple of 4", TinyUNet.Summary.Constraints);
        using var net = new TinyUNet();
        net.eval();
        using (var bad = torch.randn(1, 1, 62, 64))
        {
            var ex = Assert.Throws<ArgumentException>(() => net.call(bad));
            AssertMentions(ex, "TinyUNet", "[N, 1, H, W]", "[1, 1, 62, 64]");
        }
        using (var badWidth = torch.randn(1, 1, 64, 30))
        {
            var ex = Assert.Throws<ArgumentException>(() => net.call(badWidth));
            AssertMentions(ex, "TinyUNet", "[N, 1, H, W]", "[1, 1, 64, 30]");
        }
        using (var wrongChannels = torch.randn(1, 3, 64, 64))
        {
            var ex = Assert.Throws<ArgumentException>(() => net.call(wrongChannels));
            AssertMentions(ex, "TinyUNet", "[N, 1, H, W]", "[1, 3, 64, 64]");
        }

        // 12 x 20: multiples of 4, non-square, and the bottleneck runs at an odd 3 x 5.
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var y = net.call(torch.randn(1, 1, 12, 20));
        Assert.Equal(new long[] { 1, 2, 12, 20 }, y.shape);
    }

    // ------------------------------------------------------------------ Dispose

    [Fact]
    public void Disposing_a_network_disposes_its_submodules_tensors()
    {
        var net = new ResNet50();
        var modules = net.named_modules().ToDictionary(m => m.name, m => m.module);
        var nestedConv = Assert.IsType<Modules.Conv2d>(modules["layer3.0.downsample.0"]);
        var nestedBn = Assert.IsType<Modules.BatchNorm2d>(modules["layer4.2.bn3"]);
        var fc = Assert.IsType<Modules.Linear>(modules["fc"]);
        var tensors = new[] { nestedConv.weight!, nestedBn.running_mean!, fc.bias! };
        Assert.All(tensors, t => Assert.False(t.IsInvalid));

        net.Dispose();

        Assert.All(tensors, t => Assert.True(t.IsInvalid));
        Assert.ThrowsAny<Exception>(() => { _ = nestedConv.weight!.shape; });
    }

    // ------------------------------------------------------------------ Oct-ResNet vs a PyTorch build of d-li14's structure

    [Fact]
    public void OctResNet50_state_dict_matches_the_reference_structure_key_for_key()
    {
        var fixture = Fixture.Load(Path.Combine("octave", "oct_resnet50_state_dict.tsv"));
        using var net = new OctResNet50();

        AssertStateDictMatches(fixture, net);
        Assert.Contains(fixture.Entries, e => e.Key == "layer1.0.downsample.0.conv.conv_h2l.weight"); // the split's projection
        Assert.Contains(fixture.Entries, e => e.Key == "layer4.0.conv1.conv.conv_l2h.weight");       // the merge
    }

    [Fact]
    public void OctResNet50_has_resnet50s_parameters_and_the_published_multiply_adds()
    {
        var fixture = Fixture.Load(Path.Combine("octave", "oct_resnet50_state_dict.tsv"));
        // The splits partition both channel axes of every convolution, so the count is ResNet-50's (d-li14's README: 25.557M).
        Assert.Equal(ResNet50.Summary.TotalParams, OctResNet50.Summary.TotalParams);
        Assert.Equal(fixture.TotalParams, OctResNet50.Summary.TotalParams);

        // d-li14 measured 2.367 GFLOPs (multiply-adds) against ResNet-50's 4.089; PyTorch's own forward, hooked, gives the same.
        long macs = OctResNet50.Summary.TotalMacs!.Value;
        Assert.Equal(2.367, Math.Round(macs / 1e9, 3));
        var header = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "octave", "oct_resnet50_state_dict.tsv")).First();
        var measured = long.Parse(header.Split("macs_224 ")[1].Split(';')[0], CultureInfo.InvariantCulture);
        Assert.Equal(measured, macs);
    }

    [Fact]
    public void OctMobileNetV1_matches_seed_002s_network_key_for_key_with_its_counts()
    {
        var fixture = Fixture.Load(Path.Combine("octave", "oct_mobilenet_v1_state_dict.tsv"));
        using var net = new OctMobileNetV1();

        AssertStateDictMatches(fixture, net);
        Assert.Contains(fixture.Entries, e => e.Key == "features.2.0.conv.conv_l2l.weight"); // a depthwise low-frequency conv
        Assert.DoesNotContain(fixture.Entries, e => e.Key == "features.2.0.conv.conv_l2h.weight"); // depthwise: no cross-frequency convs
        Assert.Equal(fixture.TotalParams, OctMobileNetV1.Summary.TotalParams);
        var header = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "octave", "oct_mobilenet_v1_state_dict.tsv")).First();
        Assert.Equal(long.Parse(header.Split("macs_224 ")[1].Split(';')[0], CultureInfo.InvariantCulture), OctMobileNetV1.Summary.TotalMacs);
    }

    [Fact]
    public void OctResNetTiny_output_matches_pytorch_on_the_reference_semantics()
    {
        var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "octave", "oct_resnet_tiny.json")));
        var root = doc.RootElement;
        using var net = new OctResNetTiny();
        net.to(ScalarType.Float64);
        net.eval();

        // Same keys, shapes and order as the PyTorch build, then the same values by key.
        var expectedKeys = root.GetProperty("state_dict").EnumerateArray()
            .Select(e => e.GetProperty("key").GetString() + "\t" + ShapeText(e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray())).ToList();
        var stateDict = net.state_dict();
        Assert.Equal(expectedKeys, PyTorchStateDictOrder(net).Select(line => line.Substring(0, line.LastIndexOf('\t'))).ToList());

        int filled = 0;
        using (torch.no_grad())
        {
            foreach (var row in root.GetProperty("recipe").EnumerateArray())
            {
                var target = stateDict[row.GetProperty("key").GetString()!];
                double amp = row.GetProperty("amp").GetDouble(), freq = row.GetProperty("freq").GetDouble();
                double phase = row.GetProperty("phase").GetDouble(), offset = row.GetProperty("offset").GetDouble();
                var i = torch.arange(1, target.numel() + 1, dtype: ScalarType.Float64);
                target.copy_((offset + amp * torch.sin(freq * i + phase)).reshape(target.shape));
                filled++;
            }
        }
        Assert.True(filled > 100, $"only {filled} entries filled");

        var input = torch.tensor(root.GetProperty("input").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            root.GetProperty("input_shape").EnumerateArray().Select(v => v.GetInt64()).ToArray(), ScalarType.Float64);
        var expected = root.GetProperty("output").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        using (torch.no_grad())
        {
            var output = net.call(input);
            Assert.Equal(root.GetProperty("output_shape").EnumerateArray().Select(v => v.GetInt64()).ToArray(), output.shape);
            var actual = output.flatten().data<double>().ToArray();
            for (int k = 0; k < expected.Length; k++)
                Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-5 * Math.Max(1, Math.Abs(expected[k])), $"output {k}: expected {expected[k]}, got {actual[k]}");
        }
    }

    [Fact]
    public void Octave_alpha_sweep_saves_multiply_adds_as_the_papers_ratio_predicts()
    {
        // Compile-time multiply-adds of Oct-ResNet-50 at alpha .125/.25/.5/.75 against ResNet-50. The network's ratio
        // lies above the per-layer 1 - 1.5a + 0.75a^2 (the stem, layer4 and fc stay plain; stride-2 layers save
        // 1 - 0.75a) and falls with alpha.
        // The official repository's ablation figure puts Oct-ResNet-50 at about 3.6, 3.1, 2.4 and 1.9 GFLOPs for these
        // alphas (read off a log axis, about ±0.1; reference/octave.md).
        var sweep = new[]
        {
            (0.125, OctResNet50Alpha125.Summary, 3.6), (0.25, OctResNet50Alpha25.Summary, 3.1),
            (0.5, OctResNet50.Summary, 2.4), (0.75, OctResNet50Alpha75.Summary, 1.9),
        };
        double previous = 1;
        foreach (var (alpha, summary, published) in sweep)
        {
            Assert.Equal(ResNet50.Summary.TotalParams, summary.TotalParams);
            double ratio = (double)summary.TotalMacs!.Value / ResNet50.Summary.TotalMacs!.Value;
            double theory = 1 - 1.5 * alpha + 0.75 * alpha * alpha;
            Assert.True(ratio < previous, $"alpha {alpha}: ratio {ratio} does not fall");
            Assert.True(ratio > theory, $"alpha {alpha}: ratio {ratio} below the per-layer {theory}");
            Assert.True(Math.Abs(summary.TotalMacs.Value / 1e9 - published) <= 0.15, $"alpha {alpha}: {summary.TotalMacs.Value / 1e9} G against the published {published} G");
            previous = ratio;
        }
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>
    /// PyTorch's state_dict walks the module tree in pre-order, each module's own parameters then its own buffers.
    /// TorchSharp's <c>state_dict()</c> lists all parameters first, then all buffers (its own convention, see
    /// <see cref="TorchSharp_state_dict_lists_parameters_before_buffers"/>); so the PyTorch order is rebuilt from
    /// the module tree (<see cref="PreOrder"/>) and compared exactly, and TorchSharp's own dictionary is checked as the same entries
    /// with parameters and buffers each in PyTorch's order.
    /// </summary>
    private static void AssertStateDictMatches(Fixture fixture, nn.Module module)
    {
        var expected = fixture.Entries.Select(e => e.Line).ToList();
        var pytorchOrder = PyTorchStateDictOrder(module);
        AssertSameLines(fixture.Name, expected, pytorchOrder);

        var stateDict = module.state_dict();
        var parameters = module.named_parameters().Select(p => p.name).ToHashSet();
        var entries = stateDict.Select(kv => $"{kv.Key}\t{ShapeText(kv.Value.shape)}\t{(parameters.Contains(kv.Key) ? "param" : "buffer")}").ToList();
        AssertSameLines(fixture.Name + " (parameters)", expected.Where(l => l.EndsWith("\tparam")).ToList(), entries.Where(l => l.EndsWith("\tparam")).ToList());
        AssertSameLines(fixture.Name + " (buffers)", expected.Where(l => l.EndsWith("\tbuffer")).ToList(), entries.Where(l => l.EndsWith("\tbuffer")).ToList());
        Assert.Equal(expected.Count, entries.Count);
    }

    /// <summary>"key\tshape\tparam|buffer" in PyTorch's state_dict order: pre-order, each module's parameters, then its buffers.</summary>
    private static List<string> PyTorchStateDictOrder(nn.Module module)
    {
        var lines = new List<string>();
        foreach (var (name, sub) in PreOrder("", module))
        {
            string prefix = name.Length == 0 ? "" : name + ".";
            foreach (var (key, p) in sub.named_parameters(recurse: false)) lines.Add($"{prefix}{key}\t{ShapeText(p.shape)}\tparam");
            foreach (var (key, b) in sub.named_buffers(recurse: false)) lines.Add($"{prefix}{key}\t{ShapeText(b.shape)}\tbuffer");
        }
        return lines;
    }

    /// <summary>The module tree in pre-order through <c>named_children()</c> (TorchSharp's <c>named_modules()</c> is not pre-order).</summary>
    private static IEnumerable<(string name, nn.Module module)> PreOrder(string name, nn.Module module)
    {
        yield return (name, module);
        foreach (var (childName, child) in module.named_children())
            foreach (var item in PreOrder(name.Length == 0 ? childName : name + "." + childName, child))
                yield return item;
    }

    private static void AssertSameLines(string what, List<string> expected, List<string> actual)
    {
        // The first difference, for a readable failure; then the whole list.
        int n = Math.Min(actual.Count, expected.Count);
        int first = Enumerable.Range(0, n).FirstOrDefault(i => actual[i] != expected[i], n);
        Assert.True(first == n && actual.Count == expected.Count,
            $"state_dict differs from {what} at entry {first}: expected '{(first < expected.Count ? expected[first] : "<end>")}', " +
            $"got '{(first < actual.Count ? actual[first] : "<end>")}' ({expected.Count} expected entries, {actual.Count} actual)");
        Assert.Equal(expected, actual);
    }

    private static string ShapeText(long[] shape) => shape.Length == 0 ? "scalar" : string.Join("x", shape);

    private static float[] Values(Tensor t) => t.flatten().data<float>().ToArray();

    private static void AssertClose(double[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"value {i}: expected {expected[i]}, got {actual[i]}");
    }

    private static void AssertMentions(ArgumentException ex, params string[] parts)
    {
        foreach (var part in parts) Assert.Contains(part, ex.Message);
    }

    /// <summary>"[N, 2, H, W]" (or "H/4", "W*2") with N, H, W taken from an input shape [N, C, H, W].</summary>
    private static long[] Substitute(string shape, long[] input)
    {
        Assert.StartsWith("[", shape);
        Assert.EndsWith("]", shape);
        var symbols = new Dictionary<string, long> { ["N"] = input[0], ["H"] = input[2], ["W"] = input[3] };
        return shape.Substring(1, shape.Length - 2).Split(',').Select(part =>
        {
            var text = part.Trim();
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return number;
            int op = text.IndexOfAny(new[] { '/', '*' });
            var symbol = op < 0 ? text : text.Substring(0, op);
            Assert.True(symbols.ContainsKey(symbol), $"cannot read dimension '{text}' of {shape}");
            long value = symbols[symbol];
            if (op < 0) return value;
            long factor = long.Parse(text.Substring(op + 1), CultureInfo.InvariantCulture);
            return text[op] == '/' ? value / factor : value * factor;
        }).ToArray();
    }

    private sealed record FixtureEntry(string Key, string Shape, bool IsParam)
    {
        public string Line => $"{Key}\t{Shape}\t{(IsParam ? "param" : "buffer")}";
        public long Numel => Shape == "scalar" ? 1 : Shape.Split('x').Aggregate(1L, (a, s) => a * long.Parse(s, CultureInfo.InvariantCulture));
    }

    /// <summary>A state_dict listing written by tools/make_fixtures.py from the real PyTorch / torchvision.</summary>
    private sealed record Fixture(string Name, long TotalParams, IReadOnlyList<FixtureEntry> Entries)
    {
        public static Fixture Load(string name)
        {
            var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
            Assert.True(File.Exists(path), $"fixture {path} is missing (regenerate with tools/make_fixtures.py)");
            var lines = File.ReadAllLines(path);
            var header = lines[0];
            Assert.StartsWith("#", header);
            const string marker = "total_params ";
            int at = header.IndexOf(marker, StringComparison.Ordinal);
            Assert.True(at >= 0, $"{name}: no total_params in the header");
            long total = long.Parse(header.Substring(at + marker.Length).Trim(), CultureInfo.InvariantCulture);
            var entries = lines.Skip(1).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l =>
            {
                var cells = l.Split('\t');
                Assert.Equal(3, cells.Length);
                Assert.Contains(cells[2], new[] { "param", "buffer" });
                return new FixtureEntry(cells[0], cells[1], cells[2] == "param");
            }).ToList();
            return new Fixture(name, total, entries);
        }
    }
}
