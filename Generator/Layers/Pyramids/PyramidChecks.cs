using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>The checks and texts the pyramid poolings share: bins that fit the map and are distinct, SPEED's pooled
    /// grids (window size // bin), their multiply-adds and receptive fields.</summary>
    internal static class PyramidChecks
    {
        /// <summary>The pooling window and pooled grid of one SPEED branch along one axis (known size), or null when symbolic.</summary>
        public static (long Window, long Cells)? PyramidAxis(Dim size, long bin)
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
        public static bool CheckSpeedBins(LayerInference c, TensorShape shape, string module)
        {
            var (layer, where) = (c.Layer, c.Where);

            var bins = layer.Bins;
            if (!c.Check(bins.Count >= 1 && bins.All(b => b >= 1), "Bins",
                    $"{module} needs at least one bin and every bin must be positive, got [{string.Join(", ", bins)}]")) return false;
            if (!CheckDistinctBins(c, "Bins")) return false;
            long largest = bins.Max();
            foreach (var (dim, axis, isHeight) in new[] { (shape.Height, "height", true), (shape.Width, "width", false) })
            {
                if (dim.IsKnown)
                {
                    long tooLarge = bins.FirstOrDefault(b => ShapeMath.PyramidWindow(dim.Offset, b) < 1);
                    if (tooLarge > 0)
                    {
                        c.Report(DiagnosticDescriptors.PyramidWindowZero, c.LocationOf("Bins"), where, tooLarge, c.Fmt(shape), dim.Offset, axis,
                            string.Join(", ", bins));
                        return false;
                    }
                }
                else
                {
                    // The map must be at least as large as every bin: Coef * t + Offset >= largest.
                    c.RequireT(isHeight, ShapeMath.CeilDiv(largest - dim.Offset, dim.Coef));
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
                    c.Report(DiagnosticDescriptors.PyramidBinUneven, c.LocationOf("Bins"), where,
                        string.Join(", ", uneven.Select(u => u.Bin)), $"{shape.Height.Offset}x{shape.Width.Offset}",
                        string.Join(", ", uneven.Select(u => $"bin {u.Bin}: {u.Grid}")));
            }
            return true;
                }

        /// <summary>NDSL0045: a repeated bin adds a branch that pools at the same scale.</summary>
        public static bool CheckDistinctBins(LayerInference c, string argument)
        {
            var (layer, where) = (c.Layer, c.Where);

            var repeated = layer.Bins.GroupBy(b => b).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (repeated.Count == 0) return true;
            c.Report(DiagnosticDescriptors.PyramidBinsNotDistinct, c.LocationOf(argument), where, string.Join(", ", layer.Bins), string.Join(", ", repeated));
            return false;
                }

        /// <summary>
        /// [SPP]: every level must fit the map (NDSL0042; an "at least" constraint for a symbolic size) and be distinct
        /// (NDSL0045). Adaptive pooling would accept a level larger than the map, but only by repeating input cells.
        /// </summary>
        public static bool CheckSppLevels(LayerInference c, TensorShape shape)
        {
            var (layer, where) = (c.Layer, c.Where);

            if (!CheckDistinctBins(c, "bins")) return false;
            long largest = layer.Bins.Max();
            foreach (var (dim, axis, isHeight) in new[] { (shape.Height, "height", true), (shape.Width, "width", false) })
            {
                if (dim.IsKnown)
                {
                    if (largest > dim.Offset)
                    {
                        c.Report(DiagnosticDescriptors.PyramidBinTooLarge, c.LocationOf("bins"), where, largest, c.Fmt(shape), axis, dim.Offset);
                        return false;
                    }
                }
                else
                {
                    c.RequireT(isHeight, ShapeMath.CeilDiv(largest - dim.Offset, dim.Coef));
                }
            }
            return true;
                }

        /// <summary>"AvgPool2d(6x8) → 2x2 grid" for a known size, "AvgPool2d(H/2 // 4 x W/2 // 4) → grid of size // window
        /// cells" for a symbolic one.</summary>
        public static string PoolText(LayerInference c, TensorShape shape, long bin)
        {

            var ph = PyramidAxis(shape.Height, bin);
            var pw = PyramidAxis(shape.Width, bin);
            if (ph is not null && pw is not null)
                return $"AvgPool2d({ph.Value.Window}x{pw.Value.Window}) → {ph.Value.Cells}x{pw.Value.Cells} grid";
            string window = (ph is null ? $"{shape.Height.Format("H", c.ModH)} // {bin}" : ph.Value.Window.ToString(CultureInfo.InvariantCulture)) + " x " +
                            (pw is null ? $"{shape.Width.Format("W", c.ModW)} // {bin}" : pw.Value.Window.ToString(CultureInfo.InvariantCulture));
            return $"AvgPool2d({window}) → grid of size // window cells";
                }

        /// <summary>
        /// Receptive field of a SPEED branch: the pool (window p) adds p − 1 input steps, the 3x3 separable conv on the grid
        /// 2p, the bilinear resize one more cell p, so 4p − 1 for the larger of the two windows, plus <paramref name="extra"/>
        /// steps after the resize. Null (global) for a symbolic size, where the windows grow with the input.
        /// </summary>
        public static double? BranchRf(LayerValue v, TensorShape shape, long bin, long extra)
        {
            if (v.Global || !shape.Height.IsKnown || !shape.Width.IsKnown) return null;
            long window = Math.Max(ShapeMath.PyramidWindow(shape.Height.Offset, bin), ShapeMath.PyramidWindow(shape.Width.Offset, bin));
            return v.Rf + (4 * window - 1 + extra) * v.Jump;
        }

        /// <summary>The rate checks shared by the ASPP heads: at least one positive rate, all distinct (NDSL0033).</summary>
        public static bool CheckRates(LayerInference c, string module)
        {
            var rates = c.Layer.Bins;
            if (!c.Check(rates.Count >= 1 && rates.All(r => r >= 1), "rates", $"{module} needs at least one positive atrous rate")) return false;
            var repeated = rates.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (repeated.Count == 0) return true;
            c.Report(DiagnosticDescriptors.AsppRatesNotDistinct, c.LocationOf("rates"), c.Where, string.Join(", ", rates), string.Join(", ", repeated));
            return false;
        }
    }
}
