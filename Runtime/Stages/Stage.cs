using System;

namespace NetDsl
{
    /// <summary>
    /// A named stage of a network or block. Declare a field of this type and put the stage's layers on it
    /// as attributes; the field's name becomes the PyTorch state_dict prefix. After construction the
    /// field describes the stage (its compile-time shapes) and gives access to its module.
    /// </summary>
    public sealed class Stage
    {
        public Stage(string name, string kind, string outputShape, TorchSharp.torch.nn.Module? module)
        {
            Name = name;
            Kind = kind;
            OutputShape = outputShape;
            Module = module;
            TorchLogging.EnsureApplied(); // LibTorch's warnings off the console, errors kept (see Runtime/Platform)
            StridedConvWorkaround.Attach(module); // no-op unless the CPU needs it (see Runtime/Platform)
        }

        /// <summary>The stage's name (the field name).</summary>
        public string Name { get; }

        /// <summary>What the stage does, e.g. "Conv2d(3→32, k3, d2) · BatchNorm2d · ReLU".</summary>
        public string Kind { get; }

        /// <summary>The output shape inferred at compile time, e.g. "[N, 32, 62, 62]".</summary>
        public string OutputShape { get; }

        /// <summary>The stage's module, or null for a stage that has no module (a skip concat, an identity shortcut).</summary>
        public TorchSharp.torch.nn.Module? Module { get; }

        public override string ToString() => $"{Name}: {Kind} -> {OutputShape}";
    }
}
