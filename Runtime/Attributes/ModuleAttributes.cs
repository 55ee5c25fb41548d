using System;

namespace NetDsl
{
    /// <summary>
    /// A hand-written TorchSharp module (a class deriving from <c>nn.Module&lt;Tensor, Tensor&gt;</c>) as a stage, with its
    /// shape contract stated here: the compiler takes the contract as the module's shape rule (channels, size, parameters,
    /// multiply-adds) and checks it against the layers around it as any layer's; the generated constructor checks the
    /// module's parameter count against <see cref="Params"/>, and the first call checks its output against the contract
    /// for the actual input (a <see cref="ModuleContractException"/> naming the stage and both shapes).
    /// </summary>
    /// <remarks>
    /// <para>The positional arguments after the type are the module's constructor arguments, checked at compile time against
    /// its public constructors. Numbers and expression strings as elsewhere; a string goes to a <c>string</c> parameter as
    /// it is. In them and in the contract, <c>channels</c> is the module's own input channels (besides the declaration's
    /// <c>in_channels</c> and [Param] fields).</para>
    /// <para>The module is registered under the stage's name, so its own parameters are the state_dict keys
    /// <c>stage.weight</c>, ...; several attributes on the field make an nn.Sequential as usual.</para>
    /// <para>The module takes and returns an [N, C, H, W] map. It does not act per frequency on an octave pair (merge first).</para>
    /// </remarks>
    public sealed class ModuleAttribute : LayerAttribute
    {
        public ModuleAttribute(Type module, params object[] args)
        {
            Type = module;
            Args = args;
        }

        /// <summary>The module's class.</summary>
        public Type Type { get; }

        /// <summary>The constructor arguments.</summary>
        public object[] Args { get; }

        /// <summary>The output channels: a number or an expression ("channels * 2"); by default the input's channels.</summary>
        public object? Out { get; set; }

        /// <summary>Optional: the input channels the module is made for; another count arriving is NDSL0082.</summary>
        public object? In { get; set; }

        /// <summary>The size rule: every spatial size is divided by the stride, rounding down (or up with <see cref="CeilMode"/>).
        /// 1: the module keeps the size.</summary>
        public object Stride { get; set; } = 1;

        /// <summary>Round the divided sizes up (a 3x3 convolution with padding 1 and stride 2) instead of down (a 2x2 pooling).</summary>
        public bool CeilMode { get; set; }

        /// <summary>Required: the module's trainable parameter count, a number or an expression ("2 * channels").</summary>
        public object? Params { get; set; }

        /// <summary>Multiply-adds per output position (the summary counts them over the output map); 0, the default, says none
        /// are declared and the summary says so.</summary>
        public object Macs { get; set; } = 0;

        /// <summary>Multiply-adds once per sample, whatever the map's size (squeeze-excitation's 1x1 convs on the pooled
        /// [N, C, 1, 1]); added to <see cref="Macs"/>.</summary>
        public object SampleMacs { get; set; } = 0;

        /// <summary>The window of input positions one output position sees (a k x k convolution's k), for the receptive field.</summary>
        public object Kernel { get; set; } = 1;

        /// <summary>Every output position sees the whole input (squeeze-excitation, attention): the receptive field is global.</summary>
        public bool Global { get; set; }
    }
}
