using System.Collections.Generic;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Inference
{
    /// <summary>A [Module] stage's constructor argument, bound to its parameter's type.</summary>
    public sealed class ModuleArg
    {
        public ModuleArg(string type, Expr? value, string? text, LocationInfo? location)
        {
            Type = type;
            Value = value;
            Text = text;
            Location = location;
        }

        /// <summary>The parameter's type ("int", "long", "double", "float", "bool", "string").</summary>
        public string Type { get; }

        /// <summary>A number or an expression (which may name <see cref="Layers.ModuleRule.Channels"/>); null for bool and string.</summary>
        public Expr? Value { get; }

        /// <summary>A string argument as written, or "true" / "false".</summary>
        public string? Text { get; }

        public LocationInfo? Location { get; }
    }

    public sealed partial class BoundLayer
    {
        /// <summary>[Module]: the hand-written module's class.</summary>
        public ModuleTypeSpec? ModuleType { get; set; }

        /// <summary>[Module]: the constructor arguments, bound to the constructor the compiler chose.</summary>
        public List<ModuleArg> ModuleArgs { get; } = new List<ModuleArg>();

        /// <summary>[Module]: the declared parameter count and multiply-adds per output position (0: not declared).</summary>
        public Expr? ContractParams { get; set; }
        public Expr? ContractMacs { get; set; }

        /// <summary>[Module]: the declared multiply-adds once per sample.</summary>
        public Expr? ContractSampleMacs { get; set; }

        /// <summary>[Module]: the receptive field is the whole input.</summary>
        public bool ContractGlobal { get; set; }

        /// <summary>[Module]: the stage as messages name it ("Net.attn"), for the runtime check's exceptions.</summary>
        public string? ContractWhere { get; set; }
    }
}
