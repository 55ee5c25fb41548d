using System.Collections.Generic;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Inference
{
    /// <summary>One row of the compile-time summary: a module (stage, layer or block) and what it does.</summary>
    public sealed class SummaryRow
    {
        public SummaryRow(string path, int depth, string kind)
        {
            Path = path;
            Depth = depth;
            Kind = kind;
        }

        /// <summary>Dotted path like "layer1.0.conv1" (the state_dict prefix).</summary>
        public string Path { get; }
        public int Depth { get; }
        public string Kind { get; set; }
        public string InputShape { get; set; } = "";
        public string OutputShape { get; set; } = "";
        /// <summary>Trainable parameters of this module, children included.</summary>
        public long Params { get; set; }
        /// <summary>Multiply-adds per sample (conv, transposed conv, linear), children included; null when symbolic.</summary>
        public long? Macs { get; set; } = 0;
        /// <summary>Receptive field (pixels of the input, per axis) after this module; null when global.</summary>
        public double? ReceptiveField { get; set; }
        /// <summary>A module whose figures are the sum of its children's (Sequential, block, projection).</summary>
        public bool IsContainer { get; set; }
    }

    /// <summary>What inference knows about one layer of the declaration being emitted (concrete values).</summary>
    public sealed class LayerFacts
    {
        public TensorShape Input { get; set; }
        public TensorShape Output { get; set; }
        /// <summary>For shortcuts: whether a projection is made, and its stride.</summary>
        public bool Projected { get; set; }
        public long ProjectionStride { get; set; } = 1;
        /// <summary>For block uses and branches: argument values per copy, in parameter order.</summary>
        public List<long[]> BlockArgValues { get; } = new List<long[]>();
        /// <summary>For block uses: the input channels of each copy.</summary>
        public List<long> BlockInChannels { get; } = new List<long>();
    }

    /// <summary>Multiply-adds that scale with a map's size: <see cref="PerPixel"/> per position of an H x W map.</summary>
    public readonly struct MacTerm
    {
        public MacTerm(long perPixel, Dim height, Dim width)
        {
            PerPixel = perPixel;
            Height = height;
            Width = width;
        }

        public long PerPixel { get; }
        public Dim Height { get; }
        public Dim Width { get; }
    }

    /// <summary>Everything inference found about a network.</summary>
    public sealed class InferenceResult
    {
        public List<SummaryRow> Rows { get; } = new List<SummaryRow>();
        public List<DiagnosticInfo> Diagnostics { get; } = new List<DiagnosticInfo>();
        public Dictionary<BoundLayer, LayerFacts> Facts { get; } = new Dictionary<BoundLayer, LayerFacts>();
        /// <summary>Output shape of each top-level stage.</summary>
        public Dictionary<string, TensorShape> StageOutputs { get; } = new Dictionary<string, TensorShape>();
        public Dictionary<string, TensorShape> StageInputs { get; } = new Dictionary<string, TensorShape>();
        public TensorShape Input { get; set; }
        public TensorShape Output { get; set; }
        public bool Completed { get; set; }
        /// <summary>
        /// The period of the symbolic height: sizes are exact affine forms in t = H / ModulusH. The input need not be a
        /// multiple of it: <see cref="HeightMultiple"/> is what it must be a multiple of (see <see cref="HeightResidueOffsets"/>).
        /// </summary>
        public long ModulusH { get; set; } = 1;
        public long ModulusW { get; set; } = 1;
        /// <summary>What the input height must be a multiple of: <see cref="ModulusH"/>, or less when the sizes in between were
        /// checked to work too (every floor on the way only rounds down there, as PyTorch's).</summary>
        public long HeightMultiple { get; set; } = 1;
        public long WidthMultiple { get; set; } = 1;
        /// <summary>
        /// When <see cref="HeightMultiple"/> &lt; <see cref="ModulusH"/>: for each residue r of H modulo ModulusH (row r) the
        /// height offset of every multiply-add term (column i), so that term i's height at H = ModulusH·t + r is
        /// Coef·t + offset[r][i]; row 0 holds the terms' own offsets. Empty otherwise.
        /// </summary>
        public List<long[]> HeightResidueOffsets { get; } = new List<long[]>();
        public List<long[]> WidthResidueOffsets { get; } = new List<long[]>();
        /// <summary>Smallest valid input height / width (for symbolic sizes).</summary>
        public long MinHeight { get; set; } = 1;
        public long MinWidth { get; set; } = 1;
        public long TotalParams { get; set; }
        /// <summary>
        /// Peak activation memory of forward per sample, float32, in bytes (batch N: N times this): the most bytes of
        /// intermediate tensors alive at once beyond the input, as the generated forward releases them after their last
        /// use (<see cref="Liveness"/>); null when the input size is symbolic.
        /// </summary>
        public long? PeakActivationBytes { get; set; }
        /// <summary>
        /// The same peak as counts over the symbolic input size (the largest of them at a size is the peak there); its
        /// <see cref="BytePeak.Known"/> is <see cref="PeakActivationBytes"/>. Null when a count depends on the size in a
        /// way the counts do not model (a flat tensor of symbolic length) or passes the limits.
        /// </summary>
        public BytePeak? PeakActivation { get; set; }
        /// <summary>Every map size the peak counts, in the order counted (the same in every run of the declaration).</summary>
        public List<(Dim Height, Dim Width)> MemoryMaps { get; } = new List<(Dim, Dim)>();
        /// <summary>
        /// When the sizes between the period's multiples are allowed: per residue class of the peak's maps (the
        /// <see cref="ByteTerm.HeightClass"/> of its terms), the map's height offset at each residue r of H modulo
        /// <see cref="ModulusH"/>, as in <see cref="HeightResidueOffsets"/>: class c's row is c's offsets. Empty otherwise.
        /// </summary>
        public List<long[]> PeakHeightClasses { get; } = new List<long[]>();
        public List<long[]> PeakWidthClasses { get; } = new List<long[]>();
        public long? TotalMacs { get; set; }
        public double? ReceptiveField { get; set; }
        /// <summary>Every multiply-add term of the network; their sum at a size is the total multiply-adds there.</summary>
        public List<MacTerm> MacTerms { get; } = new List<MacTerm>();
        /// <summary>Multiply-adds on SPEED pyramid grids over a symbolic size (not affine in it; see <see cref="PyramidMacTerm"/>).</summary>
        public List<PyramidMacTerm> PyramidMacTerms { get; } = new List<PyramidMacTerm>();
        /// <summary>The named outputs ([Output]) in declaration order: name, stage, shape.</summary>
        public List<(string Name, string Stage, TensorShape Shape)> Outputs { get; } = new List<(string, string, TensorShape)>();
        /// <summary>The stages that read an earlier stage's output ([Tap]): stage, tapped module path, tapped shape.</summary>
        public List<(string Stage, string Path, TensorShape Shape)> Taps { get; } = new List<(string, string, TensorShape)>();
        /// <summary>Bound declarations of the network and every block it uses, by name.</summary>
        public Dictionary<string, BoundDeclaration> Bound { get; } = new Dictionary<string, BoundDeclaration>();

        public bool HasErrors => Diagnostics.Exists(d => d.IsError);

        public string Format(TensorShape shape) => shape.Format(ModulusH, ModulusW);

        /// <summary>Human-readable constraints on a symbolic input ("H must be a multiple of 32", ...).</summary>
        public List<string> Constraints
        {
            get
            {
                var list = new List<string>();
                if (!Input.Height.IsKnown)
                {
                    if (HeightMultiple > 1) list.Add($"H must be a multiple of {HeightMultiple}");
                    if (MinHeight > 1) list.Add($"H must be at least {MinHeight}");
                }
                if (!Input.Width.IsKnown)
                {
                    if (WidthMultiple > 1) list.Add($"W must be a multiple of {WidthMultiple}");
                    if (MinWidth > 1) list.Add($"W must be at least {MinWidth}");
                }
                return list;
            }
        }
    }
}
