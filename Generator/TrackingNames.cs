namespace NetDsl.Generator
{
    /// <summary>Names of the pipeline steps, for incremental-generation tests.</summary>
    public static class TrackingNames
    {
        public const string Networks = "NetDsl.Networks";
        public const string Blocks = "NetDsl.Blocks";
        public const string AllBlocks = "NetDsl.AllBlocks";
        public const string NetworkResults = "NetDsl.NetworkResults";
        public const string BlockResults = "NetDsl.BlockResults";
        public const string NetworkSources = "NetDsl.NetworkSources";
        public const string BlockSources = "NetDsl.BlockSources";
        public const string AllNetworks = "NetDsl.AllNetworks";
        public const string VariantResults = "NetDsl.VariantResults";
        public const string VariantSources = "NetDsl.VariantSources";
        public const string StrayStages = "NetDsl.StrayStages";
    }
}
