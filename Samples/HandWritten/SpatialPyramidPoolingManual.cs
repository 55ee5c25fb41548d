using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace NetDsl.Samples.HandWritten;

/// <summary>
/// Spatial pyramid pooling written by hand in plain TorchSharp, the `bench pyramids` baseline for the generated
/// <see cref="Networks.SppNet"/>'s <c>spp</c> stage (the runtime's <c>NetDsl.Pyramids.SpatialPyramidPooling</c>): one
/// <c>AdaptiveMaxPool2d(n)</c> per level, each flattened, then concatenated. (N, C, H, W) becomes (N, C·Σn²). No parameters.
/// </summary>
public sealed class SpatialPyramidPoolingManual : Module<Tensor, Tensor>
{
    private readonly ModuleList<AdaptiveMaxPool2d> levels = new();
    private readonly Flatten flatten = Flatten();

    public SpatialPyramidPoolingManual(params long[] bins) : base("SpatialPyramidPoolingManual")
    {
        foreach (long n in bins.Length == 0 ? new long[] { 4, 2, 1 } : bins)
            levels.Add(AdaptiveMaxPool2d(new[] { n, n }));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var pooled = new Tensor[levels.Count];
        for (int i = 0; i < pooled.Length; i++) pooled[i] = flatten.call(levels[i].call(x));
        return torch.cat(pooled, 1).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var level in levels) level.Dispose();
            flatten.Dispose();
        }
        base.Dispose(disposing);
    }
}
