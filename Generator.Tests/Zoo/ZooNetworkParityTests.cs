using System;
using System.Linq;
using NetDsl.Samples.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using W = NetDsl.Generator.Tests.Wavelets.WaveletModuleFixtures;
using Z = NetDsl.Generator.Tests.Infrastructure.ZooFixtures;

namespace NetDsl.Generator.Tests.Zoo;

/// <summary>
/// The zoo's networks declared in NetDsl (Samples/Networks) against the references (tools/make_zoo_fixtures.py, Debian's
/// torchvision 0.14): compile-time parameters = TorchSharp's = the reference's, the same state_dict keys and shapes in
/// PyTorch's order, and, with the same weights loaded by key, the logits and the classifier's input to 1e-4 (float64,
/// which also moves every parameter, layer_scale included, with to(float64)).
/// </summary>
public class ZooNetworkParityTests
{
    public static TheoryData<string> Networks => new() { "convnext_tiny", "googlenet", "efficientnet_b0", "mobilenet_v2", "densenet121" };

    private static (nn.Module Net, long CompileTimeParams, string Classifier) Build(string name) => name switch
    {
        "convnext_tiny" => (new ConvNeXtTiny(), ConvNeXtTiny.Summary.TotalParams, "classifier.2"),
        "googlenet" => (new GoogLeNet(), GoogLeNet.Summary.TotalParams, "fc"),
        "efficientnet_b0" => (new EfficientNetB0(), EfficientNetB0.Summary.TotalParams, "classifier.1"),
        "mobilenet_v2" => (new MobileNetV2(), MobileNetV2.Summary.TotalParams, "classifier.1"),
        "densenet121" => (new DenseNet121(), DenseNet121.Summary.TotalParams, "classifier"),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Declared_network_has_the_references_parameters_and_keys(string name)
    {
        var (net, compileTime, _) = Build(name);
        using var _ = net;
        var listing = Z.LoadListing(name);
        long torchSharp = net.parameters().Sum(p => p.numel());
        Assert.Equal(listing.TotalParams, torchSharp);
        Assert.Equal(listing.TotalParams, compileTime);
        Z.AssertStateDict(listing.Entries, net, name);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Declared_network_computes_the_references_logits(string name)
    {
        var (net, _, classifier) = Build(name);
        using var _ = net;
        var root = Z.Output(name);
        net.to(ScalarType.Float64);
        var filled = Z.LoadWeights(net, root);
        Assert.Equal(root.GetProperty("weights").GetArrayLength(), filled.Count);
        net.eval();
        var c = root.GetProperty("cases")[0];
        Assert.Equal(classifier, c.GetProperty("classifier").GetString());
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double[]? features = null;
        var head = (nn.Module<Tensor, Tensor>)net.named_modules().Single(m => m.name == classifier).module;
        head.register_forward_hook((_, input, output) =>
        {
            features = input.contiguous().flatten().data<double>().ToArray();
            return output;
        });
        var y = ((nn.Module<Tensor, Tensor>)net).call(Z.Input(root, c, ScalarType.Float64));
        Assert.Equal(W.Shape(c.GetProperty("shape")), y.shape);
        W.AssertClose(W.Values(c.GetProperty("logits")), y, 1e-4 * Z.Scale(c), name + " logits");
        var expected = W.Values(c.GetProperty("features"));
        double rms = Math.Sqrt(expected.Sum(v => v * v) / expected.Length);
        Assert.NotNull(features);
        W.AssertClose(expected, torch.tensor(features!), 1e-4 * Math.Max(1, rms), name + " classifier input");
    }
}
