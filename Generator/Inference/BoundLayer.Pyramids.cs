namespace NetDsl.Generator.Inference
{
    /// <summary>The arguments only the pyramid stages of seed 003 have (bound in Binder.Pyramids.cs).</summary>
    public sealed partial class BoundLayer
    {
        /// <summary>ASPPv2: 0 for one 3x3 conv per rate (ASPP-L), otherwise the VGG form's fc6 / fc7 width.</summary>
        public Expr? Hidden { get; set; }
    }
}
