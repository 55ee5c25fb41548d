using System.Linq;
using NetDsl.Samples.HandWritten;
using NetDsl.Samples.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The benchmark baseline (<see cref="ResNet50Manual"/>, written by hand) is the same network as the generated
/// <see cref="ResNet50"/>: same state_dict keys and shapes, same parameter count, and with the same weights the same output.
/// </summary>
public class HandWrittenResNetTests
{
    [Fact]
    public void Hand_written_ResNet50_has_the_generated_state_dict_keys_shapes_and_parameter_count()
    {
        using var generated = new ResNet50();
        using var handWritten = new ResNet50Manual();

        var g = generated.state_dict();
        var h = handWritten.state_dict();
        Assert.Equal(g.Keys.ToList(), h.Keys.ToList()); // same keys, same order
        foreach (var key in g.Keys)
            Assert.True(g[key].shape.SequenceEqual(h[key].shape), $"{key}: [{string.Join(", ", g[key].shape)}] vs [{string.Join(", ", h[key].shape)}]");
        Assert.Contains("layer1.0.downsample.0.weight", h.Keys);
        Assert.Contains("layer4.2.bn3.running_var", h.Keys);

        long generatedParams = generated.parameters().Sum(p => p.numel());
        long handWrittenParams = handWritten.parameters().Sum(p => p.numel());
        Assert.Equal(25_557_032L, generatedParams);
        Assert.Equal(generatedParams, handWrittenParams);
    }

    [Fact]
    public void With_the_generated_weights_the_hand_written_ResNet50_computes_the_same_output()
    {
        torch.manual_seed(7);
        using var generated = new ResNet50();
        using var handWritten = new ResNet50Manual();
        using (torch.no_grad())
        {
            // Non-default BatchNorm statistics and affine parameters, so that the buffers have to be copied too.
            foreach (var (_, module) in generated.named_modules())
            {
                if (module is TorchSharp.Modules.BatchNorm2d bn)
                {
                    bn.running_mean!.copy_(torch.randn(bn.running_mean.shape) * 0.1);
                    bn.running_var!.copy_(torch.rand(bn.running_var.shape) + 0.5);
                    bn.weight!.copy_(torch.rand(bn.weight.shape) + 0.5);
                    bn.bias!.copy_(torch.randn(bn.bias.shape) * 0.1);
                }
            }
        }
        generated.eval();
        handWritten.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        // The generated network is compiled for 224x224 and its forward rejects any other size, so the check runs there.
        var x = torch.randn(1, 3, 224, 224);

        var expected = generated.call(x);
        Assert.Equal(new long[] { 1, 1000 }, expected.shape);
        Assert.True(expected.std().ToDouble() > 1e-3, "the output must not be (near) constant, or the comparison proves nothing");
        double before = (handWritten.call(x) - expected).abs().max().ToDouble();
        Assert.True(before > 1e-2, $"freshly initialised networks should differ (max |diff| {before})");

        handWritten.CopyWeightsFrom(generated);
        double after = (handWritten.call(x) - expected).abs().max().ToDouble();
        Assert.True(after < 1e-4, $"max |generated - hand-written| = {after}");
    }
}
