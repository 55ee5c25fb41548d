namespace NetDsl.Generator.Layers
{
    /// <summary>The integer arguments the convolution family shares, evaluated in the current scope.</summary>
    internal readonly struct ConvArguments
    {
        public ConvArguments(long output, long kernel, long stride, long padding, long dilation, long groups)
        {
            Out = output;
            Kernel = kernel;
            Stride = stride;
            Padding = padding;
            Dilation = dilation;
            Groups = groups;
        }

        public long Out { get; }
        public long Kernel { get; }
        public long Stride { get; }
        public long Padding { get; }
        public long Dilation { get; }
        public long Groups { get; }

        /// <summary>
        /// Evaluates outChannels, Kernel, Stride, Padding, Dilation (and Groups) and checks their ranges with the family's
        /// messages (NDSL0010 on the argument); false after the first that fails.
        /// </summary>
        public static bool TryRead(LayerInference c, string name, out ConvArguments a, bool groups = true, bool checkStride = true)
        {
            var layer = c.Layer;
            a = default;
            long g = 1;
            if (!c.TryEval("outChannels", layer.Out, out var cout)) return false;
            if (!c.TryEval("Kernel", layer.Kernel, out var k)) return false;
            if (!c.TryEval("Stride", layer.Stride, out var s)) return false;
            if (!c.TryEval("Padding", layer.Padding, out var p)) return false;
            if (!c.TryEval("Dilation", layer.Dilation, out var d)) return false;
            if (groups && !c.TryEval("Groups", layer.Groups, out g)) return false;
            if (!c.Check(cout >= 1, "outChannels", $"{name} output channels must be positive, got {cout}")) return false;
            if (!c.Check(k >= 1, "Kernel", $"{name} kernel size must be positive, got {k}")) return false;
            if (checkStride && !c.Check(s >= 1, "Stride", $"{name} stride must be positive, got {s}")) return false;
            if (!c.Check(p >= 0, "Padding", $"{name} padding must not be negative, got {p}")) return false;
            if (!c.Check(d >= 1, "Dilation", $"{name} dilation must be positive, got {d}")) return false;
            if (groups && !c.Check(g >= 1, "Groups", $"{name} groups must be positive, got {g}")) return false;
            a = new ConvArguments(cout, k, s, p, d, g);
            return true;
        }
    }
}
