using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NetDsl
{
    /// <summary>One module of a network as the compiler saw it.</summary>
    /// <param name="Path">Dotted path, the module's state_dict prefix (e.g. "layer1.0.conv1").</param>
    /// <param name="Depth">Nesting depth: 1 for the network's own stages.</param>
    /// <param name="Kind">What it is, with its arguments (e.g. "Conv2d(3→64, k=7, s=2, p=3, bias=False)").</param>
    /// <param name="InputShape">Input shape, e.g. "[N, 3, 224, 224]" or "[N, 3, H, W]".</param>
    /// <param name="OutputShape">Output shape.</param>
    /// <param name="Params">Trainable parameters, children included.</param>
    /// <param name="Macs">Multiply-adds per sample (conv, transposed conv, linear), children included; null when the size is symbolic.</param>
    /// <param name="ReceptiveField">Receptive field in input pixels per axis after the module; null when global.</param>
    public sealed record SummaryRow(string Path, int Depth, string Kind, string InputShape, string OutputShape, long Params, long? Macs, double? ReceptiveField);

    /// <summary>A named output of a network ([Output]): its key, the stage that produces it, and its shape.</summary>
    public sealed record NetworkOutput(string Name, string Stage, string Shape);

    /// <summary>A stage that reads an earlier stage's output ([Tap]): the stage, the tapped module path, the tapped shape.</summary>
    public sealed record NetworkTap(string Stage, string Path, string Shape);

    /// <summary>
    /// A network's compile-time summary: generated as a static property of every [Network] class, so it is
    /// available without building the network or running a forward pass.
    /// </summary>
    public sealed class NetworkSummary
    {
        public NetworkSummary(string name, string input, string output, long totalParams, long? totalMacs, double? receptiveField,
            IReadOnlyList<long> macTerms, int fixedHeight, int fixedWidth, long heightMultiple, long minHeight, long widthMultiple, long minWidth,
            IReadOnlyList<string> constraints, IReadOnlyList<SummaryRow> rows, IReadOnlyList<long>? pyramidMacTerms = null,
            IReadOnlyList<NetworkOutput>? outputs = null, IReadOnlyList<NetworkTap>? taps = null,
            long heightPeriod = 0, IReadOnlyList<long>? heightResidueOffsets = null, long widthPeriod = 0, IReadOnlyList<long>? widthResidueOffsets = null,
            long? peakActivationBytes = null, IReadOnlyList<long>? peakActivationTerms = null,
            IReadOnlyList<long>? peakHeightResidueOffsets = null, IReadOnlyList<long>? peakWidthResidueOffsets = null)
        {
            PeakActivationBytes = peakActivationBytes;
            _peakTerms = peakActivationTerms;
            _peakHeightOffsets = peakHeightResidueOffsets;
            _peakWidthOffsets = peakWidthResidueOffsets;
            if (peakActivationTerms is not null)
            {
                // Each count: its term count n, a constant, then n sevens.
                int i = 0;
                while (i < peakActivationTerms.Count)
                {
                    long n = peakActivationTerms[i];
                    if (n < 0 || i + 2 + PeakTermLength * n > peakActivationTerms.Count)
                        throw new ArgumentException("each peak count is a term count, a constant and that many sevens", nameof(peakActivationTerms));
                    i += 2 + PeakTermLength * (int)n;
                }
            }
            HeightPeriod = heightPeriod > 0 ? heightPeriod : heightMultiple;
            WidthPeriod = widthPeriod > 0 ? widthPeriod : widthMultiple;
            int terms = macTerms.Count / 5;
            if (heightResidueOffsets is not null && heightResidueOffsets.Count != HeightPeriod * terms)
                throw new ArgumentException("one height offset per residue and term", nameof(heightResidueOffsets));
            if (widthResidueOffsets is not null && widthResidueOffsets.Count != WidthPeriod * terms)
                throw new ArgumentException("one width offset per residue and term", nameof(widthResidueOffsets));
            _heightResidueOffsets = heightResidueOffsets;
            _widthResidueOffsets = widthResidueOffsets;
            if (macTerms.Count % 5 != 0) throw new ArgumentException("mult-add terms come in fives", nameof(macTerms));
            pyramidMacTerms ??= Array.Empty<long>();
            if (pyramidMacTerms.Count % 7 != 0) throw new ArgumentException("pyramid mult-add terms come in sevens", nameof(pyramidMacTerms));
            _macTerms = macTerms;
            _pyramidMacTerms = pyramidMacTerms;
            FixedHeight = fixedHeight;
            FixedWidth = fixedWidth;
            HeightMultiple = heightMultiple;
            MinHeight = minHeight;
            WidthMultiple = widthMultiple;
            MinWidth = minWidth;
            Name = name;
            Input = input;
            Output = output;
            TotalParams = totalParams;
            TotalMacs = totalMacs;
            ReceptiveField = receptiveField;
            Constraints = constraints;
            Rows = rows;
            Outputs = outputs ?? Array.Empty<NetworkOutput>();
            Taps = taps ?? Array.Empty<NetworkTap>();
        }

        public string Name { get; }
        public string Input { get; }
        public string Output { get; }
        public long TotalParams { get; }

        /// <summary>
        /// Peak activation memory of <c>forward</c> per sample (float32, bytes), computed at compile time from the liveness
        /// of every tensor: the most bytes of intermediate tensors alive at once beyond the input, as the generated forward
        /// releases each right after its last use. Layers count by their outputs (not a convolution's workspace inside one
        /// call). Null when the input size is symbolic. For a batch of N: <see cref="PeakActivationBytesAt"/>.
        /// </summary>
        public long? PeakActivationBytes { get; }

        /// <summary>The peak activation memory of forward for a batch of <paramref name="batch"/> (N times the per-sample peak),
        /// or null when the input size is symbolic (then <see cref="PeakActivationBytesAt(long, long, long)"/> gives it).</summary>
        public long? PeakActivationBytesAt(long batch) => PeakActivationBytes * batch;

        /// <summary>The peak's counts over a symbolic size, or null: per count its term count n, a constant, then per term
        /// the bytes per position, the height as coef, offset, residue class, and the width as coef, offset, residue class.</summary>
        private readonly IReadOnlyList<long>? _peakTerms;
        private const int PeakTermLength = 7;

        /// <summary>Per residue of the height modulo <see cref="HeightPeriod"/> (a row each), each residue class's height offset.</summary>
        private readonly IReadOnlyList<long>? _peakHeightOffsets;
        private readonly IReadOnlyList<long>? _peakWidthOffsets;

        /// <summary>
        /// The peak activation memory of forward (float32, bytes) for a batch of <paramref name="batch"/> at an input of
        /// <paramref name="height"/> x <paramref name="width"/>: for a symbolic network the compile-time liveness plan
        /// evaluated at that size (the largest of the live sets the compiler kept, each a sum over map sizes), exact at every
        /// size the network accepts, between the multiples of <see cref="HeightPeriod"/> too (each map carries its offsets
        /// per residue). Null when the compiler could not count the peak. Throws for a size the network does not accept.
        /// </summary>
        public long? PeakActivationBytesAt(long batch, long height, long width)
        {
            if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), $"{Name}: a batch has at least one sample, got {batch}.");
            CheckSize(height, width);
            if (FixedHeight > 0 && FixedWidth > 0) return PeakActivationBytesAt(batch);
            if (_peakTerms is null) return null;
            long th = FixedHeight > 0 ? 0 : height / HeightPeriod, tw = FixedWidth > 0 ? 0 : width / WidthPeriod;
            int rh = FixedHeight > 0 ? 0 : (int)(height % HeightPeriod), rw = FixedWidth > 0 ? 0 : (int)(width % WidthPeriod);
            // Between the multiples, every symbolic map needs its residue class's offset.
            int classesH = _peakHeightOffsets is null ? 0 : _peakHeightOffsets.Count / (int)HeightPeriod;
            int classesW = _peakWidthOffsets is null ? 0 : _peakWidthOffsets.Count / (int)WidthPeriod;
            try
            {
                checked
                {
                    long peak = 0;
                    for (int i = 0; i < _peakTerms.Count;)
                    {
                        int n = (int)_peakTerms[i];
                        long sum = _peakTerms[i + 1];
                        for (int k = 0, j = i + 2; k < n; k++, j += PeakTermLength)
                        {
                            long? h = Size(_peakTerms[j + 1], _peakTerms[j + 2], (int)_peakTerms[j + 3], th, rh, _peakHeightOffsets, classesH);
                            long? w = Size(_peakTerms[j + 4], _peakTerms[j + 5], (int)_peakTerms[j + 6], tw, rw, _peakWidthOffsets, classesW);
                            if (h is null || w is null) return null;
                            sum += _peakTerms[j] * h.Value * w.Value;
                        }
                        peak = Math.Max(peak, sum);
                        i += 2 + PeakTermLength * n;
                    }
                    return peak * batch;
                }
            }
            catch (OverflowException)
            {
                throw new ArgumentOutOfRangeException(nameof(height), $"{Name}: the peak activation memory of a batch of {batch} at {height}x{width} does not fit a 64-bit count.");
            }
        }

        /// <summary>A map's size on one axis at t periods and residue r; null between the multiples for a map without a class.</summary>
        private static long? Size(long coef, long offset, int cls, long t, int r, IReadOnlyList<long>? table, int classes)
        {
            if (coef == 0) return offset;
            if (r == 0) return coef * t + offset;
            if (cls < 0 || table is null || cls >= classes) return null;
            return coef * t + table[r * classes + cls];
        }

        private void CheckSize(long height, long width)
        {
            if ((FixedHeight > 0 && height != FixedHeight) || (FixedWidth > 0 && width != FixedWidth) ||
                height % HeightMultiple != 0 || width % WidthMultiple != 0 || height < MinHeight || width < MinWidth)
                throw new ArgumentException($"{Name}: {height}x{width} is not a valid input size ({string.Join("; ", Constraints.DefaultIfEmpty("fixed size " + Input))}).");
        }
        public long? TotalMacs { get; }
        public double? ReceptiveField { get; }
        /// <summary>Constraints on a symbolic input size, e.g. "H must be a multiple of 32"; checked by the generated forward.</summary>
        public IReadOnlyList<string> Constraints { get; }
        public IReadOnlyList<SummaryRow> Rows { get; }

        /// <summary>The named outputs ([Output]) in declaration order, the main one (what forward returns) first; empty
        /// when the network has only its forward output.</summary>
        public IReadOnlyList<NetworkOutput> Outputs { get; }

        /// <summary>The stages that read an earlier stage's output ([Tap]), with the tapped shape.</summary>
        public IReadOnlyList<NetworkTap> Taps { get; }

        /// <summary>The input height the network was declared for; 0 when symbolic.</summary>
        public int FixedHeight { get; }
        /// <summary>The input width the network was declared for; 0 when symbolic.</summary>
        public int FixedWidth { get; }

        /// <summary>For a symbolic input height: it must be a multiple of this (1 when fixed or unconstrained).</summary>
        public long HeightMultiple { get; }
        public long MinHeight { get; }
        public long WidthMultiple { get; }
        public long MinWidth { get; }

        private readonly IReadOnlyList<long> _macTerms;
        private readonly IReadOnlyList<long>? _heightResidueOffsets;
        private readonly IReadOnlyList<long>? _widthResidueOffsets;

        /// <summary>
        /// The period of the symbolic height: the compiler's sizes are exact at its multiples ("H/4"); when
        /// <see cref="HeightMultiple"/> is smaller, the sizes in between are valid too and round down as PyTorch's.
        /// </summary>
        public long HeightPeriod { get; }
        public long WidthPeriod { get; }

        /// <summary>
        /// Multiply-adds on SPEED pyramid grids (DSPP, MDSPP) of a symbolic size, in sevens: per-cell multiply-adds, then per
        /// axis the map's size (coef, offset as in the other terms) and the bin; the grid is floor(a / (a // bin)) cells.
        /// </summary>
        private readonly IReadOnlyList<long> _pyramidMacTerms;

        /// <summary>
        /// Total multiply-adds per sample for an input of <paramref name="height"/> x <paramref name="width"/>: the
        /// compile-time formula evaluated at that size (for a fixed-size network, only its own size is valid).
        /// </summary>
        public long MacsAt(long height, long width)
        {
            CheckSize(height, width);
            long th = FixedHeight > 0 ? 0 : height / HeightPeriod, tw = FixedWidth > 0 ? 0 : width / WidthPeriod;
            long rh = FixedHeight > 0 ? 0 : height % HeightPeriod, rw = FixedWidth > 0 ? 0 : width % WidthPeriod;
            int terms = _macTerms.Count / 5;
            long total = 0;
            // Checked: a count beyond 64 bits is an exception naming the size, never a wrapped number.
            try
            {
                checked
                {
                    for (int i = 0; i < _macTerms.Count; i += 5)
                    {
                        long offsetH = _heightResidueOffsets is null ? _macTerms[i + 2] : _heightResidueOffsets[(int)(rh * terms + i / 5)];
                        long offsetW = _widthResidueOffsets is null ? _macTerms[i + 4] : _widthResidueOffsets[(int)(rw * terms + i / 5)];
                        total += _macTerms[i] * (_macTerms[i + 1] * th + offsetH) * (_macTerms[i + 3] * tw + offsetW);
                    }
                    for (int i = 0; i < _pyramidMacTerms.Count; i += 7)
                    {
                        long h = _pyramidMacTerms[i + 1] * th + _pyramidMacTerms[i + 2], w = _pyramidMacTerms[i + 4] * tw + _pyramidMacTerms[i + 5];
                        total += _pyramidMacTerms[i] * PyramidGrid(h, _pyramidMacTerms[i + 3]) * PyramidGrid(w, _pyramidMacTerms[i + 6]);
                    }
                }
            }
            catch (OverflowException)
            {
                throw new ArgumentOutOfRangeException(nameof(height), $"{Name}: the multiply-adds at {height}x{width} do not fit a 64-bit count.");
            }
            return total;
        }

        private static long PyramidGrid(long length, long bin) => ShapeMath.PyramidGrid(length, ShapeMath.PyramidWindow(length, bin));

        /// <summary>The smallest valid input size that is at least <paramref name="height"/> x <paramref name="width"/>.</summary>
        public (long Height, long Width) ValidSizeNear(long height, long width)
        {
            static long Round(long v, long multiple, long min) => Math.Max(min, (v + multiple - 1) / multiple * multiple);
            return (FixedHeight > 0 ? FixedHeight : Round(height, HeightMultiple, MinHeight), FixedWidth > 0 ? FixedWidth : Round(width, WidthMultiple, MinWidth));
        }

        /// <summary>The row of a module by its path, e.g. "layer1.0.conv1".</summary>
        public SummaryRow this[string path] => Rows.FirstOrDefault(r => r.Path == path)
            ?? throw new KeyNotFoundException($"{Name} has no module '{path}'");

        /// <summary>A table like torchinfo's, down to <paramref name="maxDepth"/> levels of nesting.</summary>
        public string ToTable(int maxDepth = int.MaxValue)
        {
            var rows = Rows.Where(r => r.Depth <= maxDepth).ToList();
            var cells = new List<string[]>
            {
                new[] { "Module", "Kind", "Output shape", "Params", "Mult-adds", "RF" },
            };
            var parents = new Dictionary<int, string>();
            foreach (var r in rows)
            {
                parents[r.Depth] = r.Path;
                // The name relative to the row above it in the tree ("layer1.0", "wavelet_convs.2", "conv1").
                string relative = parents.TryGetValue(r.Depth - 1, out var parent) && r.Path.StartsWith(parent + ".", StringComparison.Ordinal)
                    ? r.Path.Substring(parent.Length + 1)
                    : LastSegment(r.Path);
                string name = new string(' ', 2 * (r.Depth - 1)) + relative;
                cells.Add(new[] { name, r.Kind, r.OutputShape, Number(r.Params), r.Macs is null ? "—" : Number(r.Macs.Value), Rf(r.ReceptiveField) });
            }
            var widths = Enumerable.Range(0, 6).Select(i => cells.Max(c => c[i].Length)).ToArray();
            var sb = new StringBuilder();
            string rule = new string('=', widths.Sum() + 2 * (widths.Length - 1));
            sb.AppendLine(rule);
            sb.AppendLine($"{Name}: input {Input} -> output {Output}");
            sb.AppendLine(rule);
            for (int i = 0; i < cells.Count; i++)
            {
                var c = cells[i];
                sb.Append(c[0].PadRight(widths[0])).Append("  ")
                  .Append(c[1].PadRight(widths[1])).Append("  ")
                  .Append(c[2].PadRight(widths[2])).Append("  ")
                  .Append(c[3].PadLeft(widths[3])).Append("  ")
                  .Append(c[4].PadLeft(widths[4])).Append("  ")
                  .Append(c[5].PadLeft(widths[5]));
                sb.AppendLine();
                if (i == 0) sb.AppendLine(new string('-', rule.Length));
            }
            sb.AppendLine(rule);
            sb.AppendLine($"Total params: {Number(TotalParams)}");
            if (TotalMacs is not null)
            {
                sb.AppendLine($"Total mult-adds: {Number(TotalMacs.Value)} ({(TotalMacs.Value / 1e9).ToString("0.###", CultureInfo.InvariantCulture)} G)");
            }
            else
            {
                var (h, w) = ValidSizeNear(224, 224);
                long at = MacsAt(h, w);
                sb.AppendLine($"Total mult-adds: depends on the input size; {Number(at)} ({(at / 1e9).ToString("0.###", CultureInfo.InvariantCulture)} G) at {h}x{w} (Summary.MacsAt(h, w))");
            }
            sb.AppendLine($"Receptive field: {Rf(ReceptiveField)}");
            if (PeakActivationBytes is { } peak)
                sb.AppendLine($"Peak activation memory (forward, float32): {Megabytes(peak)} MB per sample, N x that for a batch of N (Summary.PeakActivationBytesAt(N))");
            else if (_peakTerms is not null)
            {
                var (h, w) = ValidSizeNear(224, 224);
                if (PeakActivationBytesAt(1, h, w) is null)
                {
                    // Known at the multiples of the period only: the next one.
                    h = FixedHeight > 0 ? h : (h + HeightPeriod - 1) / HeightPeriod * HeightPeriod;
                    w = FixedWidth > 0 ? w : (w + WidthPeriod - 1) / WidthPeriod * WidthPeriod;
                }
                if (PeakActivationBytesAt(1, h, w) is { } at)
                    sb.AppendLine($"Peak activation memory (forward, float32): depends on the input size; {Megabytes(at)} MB per sample at {h}x{w} (Summary.PeakActivationBytesAt(N, h, w))");
            }
            foreach (var c in Constraints) sb.AppendLine("Constraint: " + c);
            var between = new List<string>();
            if (FixedHeight == 0 && HeightMultiple < HeightPeriod) between.Add($"H a multiple of {HeightPeriod}");
            if (FixedWidth == 0 && WidthMultiple < WidthPeriod) between.Add($"W a multiple of {WidthPeriod}");
            if (between.Count > 0)
                sb.AppendLine($"Sizes: the shapes above are exact for {string.Join(" and ", between)}; in between they round down as PyTorch's (MacsAt is exact at every size)");
            foreach (var o in Outputs)
                sb.AppendLine($"Output \"{o.Name}\": {o.Stage} {o.Shape}" + (ReferenceEquals(o, Outputs[0]) ? " (forward)" : ""));
            foreach (var t in Taps) sb.AppendLine($"Tap: {t.Stage} reads {t.Path} {t.Shape}");
            sb.AppendLine(rule);
            return sb.ToString();
        }

        public override string ToString() => ToTable();

        private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.00", CultureInfo.InvariantCulture);

        private static string LastSegment(string path)
        {
            int dot = path.LastIndexOf('.');
            return dot < 0 ? path : path.Substring(dot + 1);
        }

        private static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

        private static string Rf(double? rf) => rf is null ? "global" : rf.Value.ToString("0.##", CultureInfo.InvariantCulture);
    }
}
