using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// Multiply-adds of a layer that runs on a SPEED pyramid's pooled grid: <see cref="PerCell"/> per cell of a grid of
    /// floor(h / (h // b)) x floor(w / (w // b)) cells over an h x w map. Kept apart from <see cref="MacTerm"/> because the
    /// grid is not affine in a symbolic size (H = 15, bin 4: window 3, 5 cells; H = 16: 4 cells).
    /// </summary>
    public readonly struct PyramidMacTerm
    {
        public PyramidMacTerm(long perCell, Dim height, long heightBin, Dim width, long widthBin)
        {
            PerCell = perCell;
            Height = height;
            HeightBin = heightBin;
            Width = width;
            WidthBin = widthBin;
        }

        public long PerCell { get; }
        public Dim Height { get; }
        public long HeightBin { get; }
        public Dim Width { get; }
        public long WidthBin { get; }

        /// <summary>The term at H = tH · modulus (and likewise W), i.e. the map's sizes <see cref="Dim.At"/>.</summary>
        public long At(long th, long tw) => PerCell * Grid(Height.At(th), HeightBin) * Grid(Width.At(tw), WidthBin);

        /// <summary>Cells of the pooled grid along an axis of <paramref name="length"/>: floor(a / (a // bin)).</summary>
        public static long Grid(long length, long bin) => ShapeMath.PyramidGrid(length, ShapeMath.PyramidWindow(length, bin));
    }

    /// <summary>
    /// The pyramid stages of seed 003 beyond SPP and torchvision's heads: the separable convolution, SPEED's DSPP and
    /// MDSPP (average pool with window size // bin, separable 3x3, bilinear resize back) and DeepLab v2's summed ASPP.
    /// Each is one row whose children are the runtime module's children (so their paths are state_dict prefixes), with
    /// the pooled grid of every SPEED branch in its description.
    /// </summary>
    public sealed partial class ShapeInference
    {
        /// <summary>Output channels of a pyramid stage over <paramref name="input"/> channels, for the symbolic channel flow.</summary>
        public static Expr PyramidChannels(BoundLayer layer, Expr input) => layer.Kind switch
        {
            // C + R·F: the input first, then one block of F per bin.
            LayerKind.DSPP => Expr.Add(input, Expr.Mul(Expr.Num(layer.Bins.Count), layer.Out!)),
            // 2·(F/2) + C: the two mixed pairs, then the input.
            LayerKind.MDSPP => Expr.Add(Expr.Mul(Expr.Num(2), Expr.Binary('/', layer.Out!, Expr.Num(2))), input),
            _ => layer.Out!,
        };

        /// <summary>[SeparableConv]: depthwise k x k (stride, padding, dilation) then pointwise 1x1 with the bias.</summary>
        private Value? ApplySeparableConv(Scope scope, BoundLayer layer, Value v, SummaryRow row, string where)
        {
            const string name = "SeparableConv2d";
            if (!RequireMap(v, layer, where, name)) return null;
            var shape = v.Shape;
            long cin = shape.Channels;
            if (!TryEval(scope, layer, "outChannels", layer.Out, where, out var cout)) return null;
            if (!TryEval(scope, layer, "Kernel", layer.Kernel, where, out var k)) return null;
            if (!TryEval(scope, layer, "Stride", layer.Stride, where, out var s)) return null;
            if (!TryEval(scope, layer, "Padding", layer.Padding, where, out var p)) return null;
            if (!TryEval(scope, layer, "Dilation", layer.Dilation, where, out var d)) return null;
            if (!Check(cout >= 1, layer, "outChannels", where, $"{name} output channels must be positive, got {cout}")) return null;
            if (!Check(k >= 1, layer, "Kernel", where, $"{name} kernel size must be positive, got {k}")) return null;
            if (!Check(s >= 1, layer, "Stride", where, $"{name} stride must be positive, got {s}")) return null;
            if (!Check(p >= 0, layer, "Padding", where, $"{name} padding must not be negative, got {p}")) return null;
            if (!Check(d >= 1, layer, "Dilation", where, $"{name} dilation must be positive, got {d}")) return null;
            if (layer.In is not null && TryEval(scope, layer, "In", layer.In, where, out var expected) && expected != cin)
                Report(DiagnosticDescriptors.ChannelMismatch, layer.LocationOf("In"), where, name, expected, cin);
            if (layer.PaddingSame && s != 1)
            {
                Report(DiagnosticDescriptors.SamePaddingStride, layer.LocationOf("Padding") ?? layer.Location, where);
                return null;
            }

            Dim? h, w;
            if (layer.PaddingSame)
            {
                h = shape.Height;
                w = shape.Width;
            }
            else
            {
                h = WindowDim(shape.Height, k, s, p, d, false, true, layer, where, name);
                w = h is null ? null : WindowDim(shape.Width, k, s, p, d, false, false, layer, where, name);
            }
            if (h is null || w is null) return null;
            if (k > 1 && d > 1) ReportDegenerateDilation(layer, "Dilation", where, shape, d, "its depthwise step");

            var outShape = new TensorShape(cout, h.Value, w.Value);
            row.Params = cin * k * k + cin * cout + (layer.Bias ? cout : 0);
            row.Macs = MacsOver(cin * k * k + cin * cout, h.Value, w.Value);
            string pad = layer.PaddingSame ? "same" : p.ToString(CultureInfo.InvariantCulture);
            row.Kind = $"SeparableConv2d({cin}→{cout}, k={k}" + (s != 1 ? $", s={s}" : "") + (pad != "0" ? $", p={pad}" : "") +
                (d != 1 ? $", d={d}" : "") + (layer.Bias ? "" : ", bias=False") + $"): depthwise {k}x{k} · pointwise 1x1";

            var result = v;
            result.Shape = outShape;
            result.Rf = v.Rf + (ShapeMath.EffectiveKernel(k, d) - 1) * v.Jump;
            result.Jump = v.Jump * s;
            result.PathStride = v.PathStride * s;
            Record(scope, layer, shape, outShape);
            return result;
        }

        /// <summary>The pooling window and pooled grid of one SPEED branch along one axis (known size), or null when symbolic.</summary>
        private static (long Window, long Cells)? PyramidAxis(Dim size, long bin)
        {
            if (!size.IsKnown) return null;
            long window = ShapeMath.PyramidWindow(size.Offset, bin);
            return (window, ShapeMath.PyramidGrid(size.Offset, window));
        }

        /// <summary>
        /// The bin checks shared by DSPP and MDSPP: positive and distinct bins (NDSL0045), a window of at least 1 along both
        /// axes (NDSL0043; an "at least the largest bin" constraint on a symbolic size), and the Info NDSL0044 for bins
        /// that do not divide a known size.
        /// </summary>
        private bool CheckSpeedBins(BoundLayer layer, string where, TensorShape shape, string module)
        {
            var bins = layer.Bins;
            if (!Check(bins.Count >= 1 && bins.All(b => b >= 1), layer, "Bins", where,
                    $"{module} needs at least one bin and every bin must be positive, got [{string.Join(", ", bins)}]")) return false;
            if (!CheckDistinctBins(layer, "Bins", where)) return false;
            long largest = bins.Max();
            foreach (var (dim, axis, isHeight) in new[] { (shape.Height, "height", true), (shape.Width, "width", false) })
            {
                if (dim.IsKnown)
                {
                    long tooLarge = bins.FirstOrDefault(b => ShapeMath.PyramidWindow(dim.Offset, b) < 1);
                    if (tooLarge > 0)
                    {
                        Report(DiagnosticDescriptors.PyramidWindowZero, layer.LocationOf("Bins"), where, tooLarge, Fmt(shape), dim.Offset, axis,
                            string.Join(", ", bins));
                        return false;
                    }
                }
                else
                {
                    // The map must be at least as large as every bin: Coef * t + Offset >= largest.
                    RequireT(isHeight, ShapeMath.CeilDiv(largest - dim.Offset, dim.Coef));
                }
            }
            if (shape.Height.IsKnown && shape.Width.IsKnown)
            {
                var uneven = new List<(long Bin, string Grid)>();
                foreach (var b in bins)
                {
                    var gh = PyramidAxis(shape.Height, b)!.Value.Cells;
                    var gw = PyramidAxis(shape.Width, b)!.Value.Cells;
                    if (gh != b || gw != b) uneven.Add((b, $"{gh}x{gw}"));
                }
                if (uneven.Count > 0)
                    Report(DiagnosticDescriptors.PyramidBinUneven, layer.LocationOf("Bins"), where,
                        string.Join(", ", uneven.Select(u => u.Bin)), $"{shape.Height.Offset}x{shape.Width.Offset}",
                        string.Join(", ", uneven.Select(u => $"bin {u.Bin}: {u.Grid}")));
            }
            return true;
        }

        /// <summary>NDSL0045: a repeated bin adds a branch that pools at the same scale.</summary>
        private bool CheckDistinctBins(BoundLayer layer, string argument, string where)
        {
            var repeated = layer.Bins.GroupBy(b => b).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (repeated.Count == 0) return true;
            Report(DiagnosticDescriptors.PyramidBinsNotDistinct, layer.LocationOf(argument), where, string.Join(", ", layer.Bins), string.Join(", ", repeated));
            return false;
        }

        /// <summary>
        /// [SPP]: every level must fit the map (NDSL0042; an "at least" constraint for a symbolic size) and be distinct
        /// (NDSL0045). Adaptive pooling would accept a level larger than the map, but only by repeating input cells.
        /// </summary>
        private bool CheckSppLevels(BoundLayer layer, string where, TensorShape shape)
        {
            if (!CheckDistinctBins(layer, "bins", where)) return false;
            long largest = layer.Bins.Max();
            foreach (var (dim, axis, isHeight) in new[] { (shape.Height, "height", true), (shape.Width, "width", false) })
            {
                if (dim.IsKnown)
                {
                    if (largest > dim.Offset)
                    {
                        Report(DiagnosticDescriptors.PyramidBinTooLarge, layer.LocationOf("bins"), where, largest, Fmt(shape), axis, dim.Offset);
                        return false;
                    }
                }
                else
                {
                    RequireT(isHeight, ShapeMath.CeilDiv(largest - dim.Offset, dim.Coef));
                }
            }
            return true;
        }

        /// <summary>Multiply-adds of <paramref name="perCell"/> per cell of a bin's pooled grid over an h x w map.</summary>
        private long? MacsOverGrid(long perCell, Dim h, Dim w, long bin)
        {
            if (h.IsKnown && w.IsKnown)
                return MacsOver(perCell, Dim.Known(PyramidMacTerm.Grid(h.Offset, bin)), Dim.Known(PyramidMacTerm.Grid(w.Offset, bin)));
            _result.PyramidMacTerms.Add(new PyramidMacTerm(perCell, h, bin, w, bin));
            return null;
        }

        /// <summary>"AvgPool2d(6x8) → 2x2 grid" for a known size, "AvgPool2d(H/2 // 4 x W/2 // 4) → grid of size // window
        /// cells" for a symbolic one.</summary>
        private string PoolText(TensorShape shape, long bin)
        {
            var ph = PyramidAxis(shape.Height, bin);
            var pw = PyramidAxis(shape.Width, bin);
            if (ph is not null && pw is not null)
                return $"AvgPool2d({ph.Value.Window}x{pw.Value.Window}) → {ph.Value.Cells}x{pw.Value.Cells} grid";
            string window = (ph is null ? $"{shape.Height.Format("H", _modH)} // {bin}" : ph.Value.Window.ToString(CultureInfo.InvariantCulture)) + " x " +
                            (pw is null ? $"{shape.Width.Format("W", _modW)} // {bin}" : pw.Value.Window.ToString(CultureInfo.InvariantCulture));
            return $"AvgPool2d({window}) → grid of size // window cells";
        }

        /// <summary>
        /// Receptive field of a SPEED branch: the pool (window p) adds p − 1 input steps, the 3x3 separable conv on the grid
        /// 2p, the bilinear resize one more cell p, so 4p − 1 for the larger of the two windows, plus <paramref name="extra"/>
        /// steps after the resize. Null (global) for a symbolic size, where the windows grow with the input.
        /// </summary>
        private static double? BranchRf(Value v, TensorShape shape, long bin, long extra)
        {
            if (v.Global || !shape.Height.IsKnown || !shape.Width.IsKnown) return null;
            long window = Math.Max(ShapeMath.PyramidWindow(shape.Height.Offset, bin), ShapeMath.PyramidWindow(shape.Width.Offset, bin));
            return v.Rf + (4 * window - 1 + extra) * v.Jump;
        }

        /// <summary>[DSPP] and [MDSPP] (SPEED): pyramid branches at the bins, concatenated with the input.</summary>
        private Value? ApplySpeedPyramid(Scope scope, BoundLayer layer, Value v, SummaryRow row, string where)
        {
            bool mixed = layer.Kind == LayerKind.MDSPP;
            string module = mixed ? "MDSPP" : "DSPP";
            if (!RequireMap(v, layer, where, module)) return null;
            var shape = v.Shape;
            long c = shape.Channels;
            if (!TryEval(scope, layer, "Filters", layer.Out, where, out var f)) return null;
            if (mixed)
            {
                if (!Check(f >= 4, layer, "Filters", where, $"MDSPP needs at least 4 filters (its branches have filters // 4 channels), got {f}")) return null;
                if (!Check(layer.Bins.Count == 4, layer, "Bins", where,
                        $"MDSPP needs exactly four bins (mixed in the pairs 1 + 3 and 2 + 4), got [{string.Join(", ", layer.Bins)}]")) return null;
            }
            else if (!Check(f >= 1, layer, "Filters", where, $"DSPP filters must be positive, got {f}")) return null;
            if (!CheckSpeedBins(layer, where, shape, module)) return null;

            var bins = layer.Bins;
            long branchOut = mixed ? f / 4 : f;
            bool branchBias = !mixed;
            string size = shape.Height.Format("H", _modH) + "x" + shape.Width.Format("W", _modW);
            string inputText = Fmt(shape);
            string path = row.Path;
            row.IsContainer = true;
            void Child(string name, string kind, long parameters, long? macs, long channels, double? rf, long? inChannels = null) =>
                _result.Rows.Add(new SummaryRow(path + "." + name, row.Depth + 1, kind)
                {
                    InputShape = inChannels is long pairIn ? Fmt(new TensorShape(pairIn, shape.Height, shape.Width)) : inputText,
                    OutputShape = Fmt(new TensorShape(channels, shape.Height, shape.Width)),
                    Params = parameters,
                    Macs = macs,
                    ReceptiveField = rf,
                });

            for (int i = 0; i < bins.Count; i++)
            {
                long b = bins[i];
                long perCell = 9 * c + c * branchOut;
                string name = (mixed ? "upconv_1." : "convs.") + i.ToString(CultureInfo.InvariantCulture);
                Child(name, $"bin {b}: {PoolText(shape, b)} → SeparableConv2d({c}→{branchOut}, k=3{(branchBias ? "" : ", bias=False")}) → bilinear {size}",
                    perCell + (branchBias ? branchOut : 0), MacsOverGrid(perCell, shape.Height, shape.Width, b), branchOut, BranchRf(v, shape, b, 0));
            }

            long outChannels;
            if (mixed)
            {
                long quarter = f / 4, half = f / 2;
                long perPixel = 9 * 2 * quarter + 2 * quarter * half;
                // The pair convolutions: one more 3x3 at full resolution after the resize; the wider window is the smaller bin's.
                Child("upconv_2_odd", $"bins {bins[0]} + {bins[2]}: concat · ReLU → SeparableConv2d({2 * quarter}→{half}, k=3, bias=False) → ReLU",
                    perPixel, MacsOver(perPixel, shape.Height, shape.Width), half, BranchRf(v, shape, Math.Min(bins[0], bins[2]), 2), 2 * quarter);
                Child("upconv_2_even", $"bins {bins[1]} + {bins[3]}: concat · ReLU → SeparableConv2d({2 * quarter}→{half}, k=3, bias=False) → ReLU",
                    perPixel, MacsOver(perPixel, shape.Height, shape.Width), half, BranchRf(v, shape, Math.Min(bins[1], bins[3]), 2), 2 * quarter);
                outChannels = 2 * half + c;
                row.Kind = $"MDSPP({c}→{outChannels} = {half} + {half} + input, F={f}, bins {string.Join("/", bins)})";
            }
            else
            {
                outChannels = c + bins.Count * f;
                row.Kind = $"DSPP({c}→{outChannels} = input + {bins.Count}·{f}, bins {string.Join("/", bins)})";
            }

            var result = v;
            result.Shape = new TensorShape(outChannels, shape.Height, shape.Width);
            // The widest window is the smallest bin's; MDSPP's pair convolutions add one more 3x3 at full resolution.
            var rf = BranchRf(v, shape, bins.Min(), mixed ? 2 : 0);
            if (rf is null) result.Global = true;
            else result.Rf = Math.Max(v.Rf, rf.Value);
            Record(scope, layer, shape, result.Shape);
            return result;
        }

        /// <summary>[ASPPv2]: DeepLab v2's ASPP, one branch per rate to the classes, summed.</summary>
        private Value? ApplyDeepLabV2Aspp(Scope scope, BoundLayer layer, Value v, SummaryRow row, string where)
        {
            const string module = "ASPPv2";
            if (!RequireMap(v, layer, where, module)) return null;
            var shape = v.Shape;
            long c = shape.Channels;
            if (!TryEval(scope, layer, "numClasses", layer.Out, where, out var classes)) return null;
            if (!TryEval(scope, layer, "Hidden", layer.Hidden, where, out var hidden)) return null;
            if (!Check(classes >= 1, layer, "numClasses", where, $"{module} needs at least one class, got {classes}")) return null;
            if (!Check(hidden >= 0, layer, "Hidden", where, $"{module} Hidden must be 0 (one conv per rate) or a positive width, got {hidden}")) return null;
            var rates = layer.Bins;
            if (!Check(rates.Count >= 1 && rates.All(r => r >= 1), layer, "rates", where, $"{module} needs at least one positive atrous rate")) return null;
            var repeated = rates.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (repeated.Count > 0)
            {
                Report(DiagnosticDescriptors.AsppRatesNotDistinct, layer.LocationOf("rates"), where, string.Join(", ", rates), string.Join(", ", repeated));
                return null;
            }
            foreach (var rate in rates)
                ReportDegenerateDilation(layer, "rates", where, shape, rate, "that ASPP branch");

            row.IsContainer = true;
            string inputText = Fmt(shape);
            var outShape = new TensorShape(classes, shape.Height, shape.Width);
            for (int i = 0; i < rates.Count; i++)
            {
                long r = rates[i];
                string dilated = $"Conv2d({c}→{(hidden == 0 ? classes : hidden)}, k=3, p={r}, d={r})";
                long parameters, perPixel;
                string name, kind;
                if (hidden == 0)
                {
                    name = "c" + i.ToString(CultureInfo.InvariantCulture);
                    kind = $"rate {r}: {dilated}";
                    perPixel = 9 * c * classes;
                    parameters = perPixel + classes;
                }
                else
                {
                    name = "branch" + (i + 1).ToString(CultureInfo.InvariantCulture);
                    kind = $"rate {r}: {dilated} · ReLU · Conv2d({hidden}→{hidden}, k=1) · ReLU · Conv2d({hidden}→{classes}, k=1)";
                    perPixel = 9 * c * hidden + hidden * hidden + hidden * classes;
                    parameters = perPixel + 2 * hidden + classes;
                }
                _result.Rows.Add(new SummaryRow(row.Path + "." + name, row.Depth + 1, kind)
                {
                    InputShape = inputText,
                    OutputShape = Fmt(outShape),
                    Params = parameters,
                    Macs = MacsOver(perPixel, shape.Height, shape.Width),
                    ReceptiveField = v.Global ? null : v.Rf + 2 * r * v.Jump,
                });
            }
            row.Kind = $"ASPPv2({c}→{classes}, sum of {rates.Count} branches, rates {string.Join("/", rates)}" + (hidden == 0 ? "" : $", hidden {hidden}") + ")";

            var result = v;
            result.Shape = outShape;
            result.Rf = v.Rf + 2 * rates.Max() * v.Jump;
            Record(scope, layer, shape, outShape);
            return result;
        }
    }
}
