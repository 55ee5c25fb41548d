using System.Collections.Generic;
using System.Globalization;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>
    /// The element-wise layers without parameters: shape kept, per pixel (the gridding run goes on), per frequency on an
    /// octave pair. A member is its name and its TorchSharp construction.
    /// </summary>
    public abstract class ElementwiseRule : LayerRule
    {
        public override bool IsPerFrequency => true;

        public override void Bind(LayerBinding a, BoundLayer b) { }

        /// <summary>The summary text ("ReLU()").</summary>
        protected virtual string Describe(BoundLayer layer) => Name + "()";

        public override LayerValue? Infer(LayerInference c)
        {
            c.Row.Kind = Describe(c.Layer);
            c.Record(c.Input.Shape, c.Input.Shape);
            return c.Input;
        }

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "Modules." + Name;

        public override GriddingRole Gridding(BoundLayer layer, IReadOnlyDictionary<string, long> env, out long kernel, out long stride, out long dilation)
        {
            kernel = stride = dilation = 0;
            return GriddingRole.PerPixel;
        }
    }

    /// <summary>An activation: element-wise, no parameters; in place when asked (then it allocates nothing).</summary>
    public abstract class ActivationRule : ElementwiseRule
    {
        public override bool IsActivation => true;
        public override bool Allocates(BoundLayer layer) => !layer.Inplace;
        public override string Construct(BoundLayer layer, LayerEmission e) => "nn." + Name + "()";
    }

    /// <summary>An activation with an Inplace option (ReLU, ReLU6).</summary>
    public abstract class InplaceActivationRule : ActivationRule
    {
        public override void Bind(LayerBinding a, BoundLayer b) => b.Inplace = a.Bool("Inplace", false);
        public override string Construct(BoundLayer layer, LayerEmission e) => "nn." + Name + (layer.Inplace ? "(inplace: true)" : "()");
    }

    public sealed class ReLURule : InplaceActivationRule
    {
        public override string Name => "ReLU";
    }

    public sealed class ReLU6Rule : InplaceActivationRule
    {
        public override string Name => "ReLU6";
    }

    public sealed class HardswishRule : InplaceActivationRule
    {
        public override string Name => "Hardswish";
    }

    public sealed class HardsigmoidRule : InplaceActivationRule
    {
        public override string Name => "Hardsigmoid";
    }

    /// <summary>[LeakyReLU]: negative slope and Inplace.</summary>
    public sealed class LeakyReLURule : ActivationRule
    {
        public override string Name => "LeakyReLU";

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.Slope = a.Double("Slope", 0.01);
            b.Inplace = a.Bool("Inplace", false);
        }

        protected override string Describe(BoundLayer layer) => "LeakyReLU(" + layer.Slope.ToString("R", CultureInfo.InvariantCulture) + ")";

        public override string Construct(BoundLayer l, LayerEmission e) => "nn.LeakyReLU(" + LayerEmission.Double(l.Slope) + (l.Inplace ? ", inplace: true" : "") + ")";
    }

    public sealed class GELURule : ActivationRule
    {
        public override string Name => "GELU";
    }

    public sealed class SigmoidRule : ActivationRule
    {
        public override string Name => "Sigmoid";
    }

    public sealed class SiLURule : ActivationRule
    {
        public override string Name => "SiLU";
    }

    public sealed class TanhRule : ActivationRule
    {
        public override string Name => "Tanh";
    }

    /// <summary>[Identity]: nn.Identity (its output is its input).</summary>
    public sealed class IdentityRule : ElementwiseRule
    {
        public override string Name => "Identity";
        public override bool Allocates(BoundLayer layer) => false;
        public override string Construct(BoundLayer layer, LayerEmission e) => "nn.Identity()";
    }
}
